provider "aws" {
  region = "us-east-1"
}

resource "aws_sqs_queue" "jobs" {
  provider = awseu
  name     = "jobs"
}

data "aws_caller_identity" "current" {}
