resource "aws_s3_bucket_server_side_encryption_configuration" "exports" {
  bucket = aws_s3_bucket.exports.id

  rule {
    apply_server_side_encryption_by_default {
      # expect: TF111@23
      sse_algorithm = "AES256"
    }
  }
}

# not a link: the policy names the bucket, not an encryption configuration
resource "aws_s3_bucket_policy" "uploads" {
  bucket = aws_s3_bucket.uploads.id
  policy = "{}"
}
