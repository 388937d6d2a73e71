provider "aws" {
  region = "eu-west-1"

  default_tags {
    tags = {
      team = "payments"
    }
  }
}

locals {
  common = {
    environment = "prod"
  }
}

# expect: TF102@1
resource "aws_sqs_queue" "jobs" {
  name = "jobs"
}

resource "aws_sns_topic" "events" {
  name = "events"
  # expect: TF102@3
  tags = {
    service = "billing"
  }
}

resource "aws_s3_bucket" "reports" {
  bucket = "acme-reports"
  # expect: TF102@3
  tags = merge(local.common, { service = "billing" })
}
