resource "aws_sqs_queue" "jobs" {
  name = "jobs-${random_id.suffix.hex}"
}

resource "random_id" "suffix" {
  byte_length = 4
}

# expect: TF107@1
resource "null_resource" "notify" {
  triggers = { queue = aws_sqs_queue.jobs.arn }
}

resource "terraform_data" "marker" {
  input = "built-in provider: no declaration needed"
}
