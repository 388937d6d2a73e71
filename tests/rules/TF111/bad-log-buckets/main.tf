# a bucket that writes logs elsewhere is not itself a log target
# expect: TF111@1-34
resource "aws_s3_bucket" "site" {
  bucket = "acme-site"
}

resource "aws_s3_bucket_logging" "site" {
  bucket        = aws_s3_bucket.site.id
  target_bucket = "acme-access-logs"
}

# a private ACL makes no log bucket
resource "aws_s3_bucket" "private" {
  bucket = "acme-private"
  acl    = "private"

  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        # expect: TF111@25-33
        sse_algorithm = "AES256"
      }
    }
  }
}
