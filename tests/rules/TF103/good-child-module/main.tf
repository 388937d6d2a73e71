# a reusable module: it declares its requirements but configures no provider
terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.40"
    }
  }
}

resource "aws_sqs_queue" "jobs" {
  name = var.name
}

variable "name" {
  type = string
}
