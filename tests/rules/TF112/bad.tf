resource "aws_security_group" "bastion" {
  name   = "bastion"
  vpc_id = var.vpc_id

  ingress {
    from_port = 22
    to_port   = 22
    protocol  = "tcp"
    # expect: TF112@20
    cidr_blocks = ["0.0.0.0/0"]
    # expect: TF112@25
    ipv6_cidr_blocks = ["::/0"]
  }

  # a wide range holds 3389
  ingress {
    from_port = 3000
    to_port   = 4000
    protocol  = "6"
    cidr_blocks = [
      var.office_cidr,
      # expect: TF112@7
      "0.0.0.0/0",
    ]
  }
}

# all traffic opens every port
resource "aws_default_security_group" "default" {
  vpc_id = var.vpc_id

  ingress {
    protocol  = "-1"
    from_port = 0
    to_port   = 0
    self      = true
    # expect: TF112@20
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group_rule" "rdp" {
  type              = "ingress"
  from_port         = "3389"
  to_port           = "3389"
  protocol          = "tcp"
  security_group_id = aws_security_group.bastion.id
  # expect: TF112@18
  cidr_blocks = ["0.0.0.0/0"]
}

resource "aws_vpc_security_group_ingress_rule" "ssh" {
  security_group_id = aws_security_group.bastion.id
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  # expect: TF112@15
  cidr_ipv6 = "::/0"
}

resource "aws_vpc_security_group_ingress_rule" "everything" {
  security_group_id = aws_security_group.bastion.id
  ip_protocol       = "-1"
  # expect: TF112@15
  cidr_ipv4 = "0.0.0.0/0"
}

# the attribute syntax of nested blocks
resource "aws_security_group" "legacy" {
  ingress = [{
    from_port = 0
    to_port   = 65535
    protocol  = "tcp"
    # expect: TF112@20
    cidr_blocks = ["0.0.0.0/0"]
  }]
}

resource "google_compute_firewall" "ssh" {
  name    = "allow-ssh"
  network = google_compute_network.main.name

  allow {
    protocol = "tcp"
    ports    = ["80", "20-30"]
  }

  # expect: TF112@20
  source_ranges = ["0.0.0.0/0"]
}

resource "google_compute_firewall" "everything" {
  name      = "allow-all"
  network   = google_compute_network.main.name
  direction = "INGRESS"

  allow {
    protocol = "all"
  }

  # expect: TF112@20
  source_ranges = ["0.0.0.0/0"]
}

resource "google_compute_firewall" "rdp" {
  name    = "allow-rdp"
  network = google_compute_network.main.name

  # tcp without ports opens every TCP port
  allow {
    protocol = "tcp"
  }

  # expect: TF112@34
  source_ranges = ["10.0.0.0/8", "0.0.0.0/0"]
}

resource "azurerm_network_security_rule" "ssh" {
  name                        = "ssh"
  priority                    = 100
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "22"
  destination_address_prefix  = "*"
  resource_group_name         = azurerm_resource_group.main.name
  network_security_group_name = azurerm_network_security_group.main.name
  # expect: TF112@27
  source_address_prefix = "*"
}

resource "azurerm_network_security_group" "main" {
  name                = "main"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name

  security_rule {
    name                       = "rdp"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_ranges    = ["443", "3000-4000"]
    destination_address_prefix = "*"
    # expect: TF112@29
    source_address_prefix = "Internet"
  }

  security_rule {
    name                       = "any-port"
    priority                   = 110
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "*"
    destination_address_prefix = "*"
    source_address_prefixes = [
      "10.0.0.0/8",
      # expect: TF112@7
      "0.0.0.0/0",
    ]
  }
}
