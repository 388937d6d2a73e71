# CRLF line ends
resource "aws_sqs_queue" "q" { // inline
  name = "q"
  tags = {
    team = "x"
  }
  policy = <<EOT
{"a": 1}
EOT
  delay = var.delay + 1
}
