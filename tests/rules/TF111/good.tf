resource "aws_kms_key" "assets" {
  description = "Key for the assets bucket"
}

resource "aws_s3_bucket" "assets" {
  bucket = "acme-assets"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "assets" {
  bucket = aws_s3_bucket.assets.bucket

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.assets.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket" "inline" {
  bucket = "acme-inline"

  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        sse_algorithm     = "aws:kms:dsse"
        kms_master_key_id = aws_kms_key.assets.arn
      }
    }
  }
}

resource "aws_s3_bucket" "per_env" {
  count  = 2
  bucket = "acme-per-env-${count.index}"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "per_env" {
  count  = 2
  bucket = aws_s3_bucket.per_env[count.index].id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}

resource "aws_s3_bucket" "many" {
  for_each = toset(["a", "b"])
  bucket   = "acme-many-${each.key}"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "many" {
  for_each = aws_s3_bucket.many
  bucket   = each.value.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = var.sse_algorithm
    }
  }
}

resource "aws_s3_bucket" "named" {
  bucket = var.named_bucket
}

resource "aws_s3_bucket_server_side_encryption_configuration" "named" {
  bucket = var.named_bucket

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}

resource "aws_s3_bucket" "generated" {
  bucket = "acme-generated"

  dynamic "server_side_encryption_configuration" {
    for_each = var.encryption == null ? [] : [var.encryption]
    content {
      rule {
        apply_server_side_encryption_by_default {
          sse_algorithm = server_side_encryption_configuration.value.algorithm
        }
      }
    }
  }
}

module "s3" {
  source  = "terraform-aws-modules/s3-bucket/aws"
  version = "~> 4.1"
  bucket  = "acme-module"
}

resource "aws_s3_bucket_policy" "assets" {
  bucket = aws_s3_bucket.assets.id
  policy = "{}"
}
