provider "aws" {
  alias  = "tagged"
  region = "eu-west-1"

  default_tags {
    tags = {
      team          = "payments"
      environment   = "prod"
      service       = "billing"
      "cost-center" = "cc-42"
    }
  }
}

locals {
  owner = {
    service       = "billing"
    "cost-center" = "cc-42"
  }
}

variable "extra_tags" {
  type = map(string)
  default = {
    environment = "prod"
    service     = "billing"
    cost-center = "cc-42"
  }
}

variable "caller_tags" {
  type = map(string)
}

# every key from the aliased provider's default_tags
resource "aws_sqs_queue" "jobs" {
  provider = aws.tagged
  name     = "jobs"
}

# team from the default provider's default_tags (bad.tf), the rest merged from a local
resource "aws_sns_topic" "events" {
  name = "events"
  tags = merge(local.owner, { environment = "prod" })
}

# a variable's literal default
resource "aws_s3_bucket" "reports" {
  bucket = "acme-reports"
  tags   = var.extra_tags
}

# tags the caller decides
resource "aws_s3_bucket" "exports" {
  bucket = "acme-exports"
  tags   = merge(var.caller_tags, { Name = "exports" })
}

# takes no tags
resource "aws_s3_bucket_policy" "reports" {
  bucket = aws_s3_bucket.reports.id
  policy = data.aws_iam_policy_document.reports.json
}

# not AWS
resource "google_pubsub_topic" "events" {
  name = "events"
}
