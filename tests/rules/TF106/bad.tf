resource "aws_instance" "web" {
  # expect: TF106@9
  ami = "ami-0c55b159cbfafe1f0"
  # expect: TF106@19
  instance_type = "t3.large"
  subnet_id     = aws_subnet.app.id
}

resource "aws_db_instance" "main" {
  engine = "postgres"
  # expect: TF106@20
  instance_class = "db.r6g.large"
}

resource "aws_elasticache_cluster" "sessions" {
  engine = "redis"
  # expect: TF106@15
  node_type = "cache.t4g.small"
}

resource "aws_vpc" "main" {
  # expect: TF106@16
  cidr_block = "10.20.0.0/16"
}

resource "aws_subnet" "app" {
  vpc_id = aws_vpc.main.id
  # expect: TF106@16
  cidr_block = "10.20.1.0/24"
  # expect: TF106@21
  ipv6_cidr_block = "2600:1f18:abcd:1001::/64"
}

# a nested block counts; the catch-all range and references do not
resource "aws_security_group" "app" {
  vpc_id = aws_vpc.main.id

  ingress {
    from_port = 443
    to_port   = 443
    protocol  = "tcp"
    cidr_blocks = [
      "0.0.0.0/0",
      var.office_cidr,
      # expect: TF106@7
      "192.168.10.0/24",
    ]
  }
}

resource "aws_vpc_security_group_ingress_rule" "https" {
  security_group_id = aws_security_group.app.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  # expect: TF106@15
  cidr_ipv4 = "172.16.0.0/12"
}

resource "google_compute_instance" "worker" {
  name = "worker"
  # expect: TF106@18
  machine_type = "e2-standard-4"
}

resource "google_container_node_pool" "pool" {
  cluster = google_container_cluster.main.id

  node_config {
    # expect: TF106@20
    machine_type = "n2-standard-8"
  }
}

resource "google_compute_subnetwork" "app" {
  network = google_compute_network.main.id
  # expect: TF106@19
  ip_cidr_range = "10.2.0.0/16"
}

resource "azurerm_virtual_network" "main" {
  # expect: TF106@20
  address_space = ["10.30.0.0/16"]
}

resource "azurerm_subnet" "app" {
  # expect: TF106@23
  address_prefixes = ["10.30.1.0/24"]
}

resource "azurerm_linux_virtual_machine" "app" {
  # expect: TF106@10
  size = "Standard_D2s_v5"
}

resource "azurerm_kubernetes_cluster" "main" {
  default_node_pool {
    name = "system"
    # expect: TF106@15
    vm_size = "Standard_D4s_v5"
  }
}

# the attribute syntax of a nested block (`ingress = [{ ... }]`)
resource "aws_security_group" "legacy" {
  ingress = [{
    from_port = 5432
    to_port   = 5432
    protocol  = "tcp"
    # expect: TF106@20
    cidr_blocks = ["10.0.0.0/8"]
  }]
}

resource "aws_launch_template" "web" {
  # expect: TF106@14
  image_id = "ami-0c55b159cbfafe1f0"
}
