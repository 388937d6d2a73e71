terraform {
  required_version = ">= 1.6, < 2.0"
  required_providers {
    aws = "~> 5.40"
  }
}

resource "aws_sqs_queue" "jobs" {
  name = "jobs"
}
