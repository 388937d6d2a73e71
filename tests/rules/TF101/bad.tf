# expect: TF101@1
resource "aws_db_instance" "main" {
  engine         = "postgres"
  instance_class = var.instance_class
}

resource "aws_s3_bucket" "logs" {
  bucket = "acme-logs"

  lifecycle {
    # expect: TF101@23
    prevent_destroy = false
  }
}

# a lifecycle block without prevent_destroy
# expect: TF101@1
resource "google_storage_bucket" "assets" {
  name     = "acme-assets"
  location = "EU"

  lifecycle {
    ignore_changes = [labels]
  }
}

# expect: TF101@1
resource "azurerm_key_vault" "main" {
  name = "acme"
}
