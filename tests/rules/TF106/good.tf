variable "vpc_cidr" {
  type    = string
  default = "10.20.0.0/16"
}

locals {
  instance_type = "t3.large"
  subnets       = ["10.20.1.0/24", "10.20.2.0/24"]
}

data "aws_ami" "web" {
  most_recent = true
  owners      = ["amazon"]
}

resource "aws_instance" "web" {
  ami           = data.aws_ami.web.id
  instance_type = local.instance_type
}

resource "aws_db_instance" "main" {
  instance_class = var.db_instance_class
}

resource "aws_vpc" "main" {
  cidr_block = var.vpc_cidr
}

# function calls and interpolations derive the value
resource "aws_subnet" "app" {
  vpc_id          = aws_vpc.main.id
  cidr_block      = cidrsubnet(var.vpc_cidr, 8, 1)
  ipv6_cidr_block = "${var.ipv6_prefix}::/64"
}

# the catch-all ranges are TF112's concern
resource "aws_security_group" "web" {
  vpc_id = aws_vpc.main.id

  ingress {
    from_port        = 443
    to_port          = 443
    protocol         = "tcp"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }
}

resource "aws_route" "internet" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.main.id
}

# `size` outside Azure virtual machines is not a machine size
resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 100
}

resource "google_compute_disk" "data" {
  name = "data"
  size = 100
}

# module inputs are where literal values belong
module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "~> 5.0"
  cidr    = "10.0.0.0/16"
}

# tags are free-form
resource "aws_s3_bucket" "logs" {
  bucket = "acme-logs"
  tags = {
    instance_type = "t3.large"
  }
}
