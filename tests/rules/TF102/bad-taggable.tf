# the provider schema gives these `tags`
# expect: TF102@1
resource "aws_lambda_event_source_mapping" "jobs" {
  event_source_arn = "arn:aws:sqs:eu-west-1:123456789012:jobs"
  function_name    = "worker"
}

# expect: TF102@1
resource "aws_secretsmanager_secret" "db" {
  name = "db"
}
