resource "aws_s3_bucket" "site" {
  bucket = "acme-site"

  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        sse_algorithm = "aws:kms"
      }
    }
  }
}

# server access logs reach only buckets encrypted with S3-managed keys
resource "aws_s3_bucket" "access_logs" {
  bucket = "acme-access-logs"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_logging" "site" {
  bucket        = aws_s3_bucket.site.id
  target_bucket = aws_s3_bucket.access_logs.id
  target_prefix = "site/"
}

resource "aws_s3_bucket" "lb_logs" {
  bucket = "acme-lb-logs"
}

resource "aws_lb" "web" {
  name = "web"

  access_logs {
    bucket  = aws_s3_bucket.lb_logs.bucket
    enabled = true
  }
}

resource "aws_s3_bucket" "legacy_logs" {
  bucket = "acme-legacy-logs"
  acl    = "log-delivery-write"
}

resource "aws_s3_bucket" "acl_logs" {
  bucket = "acme-acl-logs"
}

resource "aws_s3_bucket_acl" "acl_logs" {
  bucket = aws_s3_bucket.acl_logs.id
  acl    = "log-delivery-write"
}
