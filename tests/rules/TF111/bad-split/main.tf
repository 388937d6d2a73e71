# expect: TF111@1
resource "aws_s3_bucket" "uploads" {
  bucket = "acme-uploads"
}

resource "aws_s3_bucket" "exports" {
  bucket = "acme-exports"
}
