# A module that uses most of the language.
// Line comments of both kinds, and a block comment:
/* spanning
   two lines */

terraform {
  required_version = ">= 1.7"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.40"
    }
  }
  backend "s3" {
    bucket = "acme-state"
    key    = "app/${terraform.workspace}.tfstate" # interpolated
  }
}

provider "aws" {
  region = var.region
  default_tags {
    tags = { team = "payments", "cost-center" = 42, enabled = true, none = null }
  }
}

provider "aws" {
  alias  = "replica"
  region = "eu-west-2"
}

locals {
  name      = "app-${var.env}"
  ports     = [80, 443, -1, 2.5, 1.5e3, 0.25E-2]
  nested    = { a = { b = [1, { c = "d" }] }, (var.key) = "computed", 7 = "seven" }
  upper     = [for s in var.names : upper(s) if s != ""]
  by_name   = { for k, v in var.items : k => v.id... }
  ids       = aws_instance.web[*].id
  old_ids   = aws_instance.web.*.id
  first     = var.list[0]
  condition = var.enabled ? "on" : "off"
  math      = (var.a + 2) * 3 # a comment after a binary operation
  negated   = !var.enabled
  escaped   = "tab\there \"quoted\" \u00e9 $${literal} %%{literal}"
  unicode   = "café ☕ naïve"
  empty     = ""
  joined    = join(",", concat(var.a, ["x", "y"]), )
  splatted  = max(var.numbers...)
  provided  = provider::aws::arn_parse("arn:aws:iam::123456789012:role/x")
  directive = "%{ if var.enabled }yes%{ else }no%{ endif }"
}

resource "aws_instance" "web" {
  count         = 2
  ami           = data.aws_ami.ubuntu.id
  instance_type = "t3.micro"
  provider      = aws.replica
  depends_on    = [aws_security_group.web]

  user_data = <<EOT
#!/bin/bash
echo hello
EOT

  templated = <<-EOT
    %{ for ip in var.ips ~}
    server ${ip}
    %{ endfor ~}
  EOT

  indented = <<-EOT
      one
        two
    three
  EOT

  dynamic "ebs_block_device" {
    for_each = var.volumes
    iterator = volume
    content {
      device_name = volume.value.name
      volume_size = volume.value.size
    }
  }

  lifecycle {
    create_before_destroy = true
    ignore_changes        = [tags, ami]
  }
}

data "aws_ami" "ubuntu" {
  most_recent = true
  filter {
    name   = "name"
    values = ["ubuntu/images/*"]
  }
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.8.1"
  providers = {
    aws = aws.replica
  }
  cidr = "10.0.0.0/16"
}

output "ids" {
  value       = local.ids
  description = "The instance ids"
  sensitive   = false
}
