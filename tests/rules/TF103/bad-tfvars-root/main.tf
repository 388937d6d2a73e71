# expect: TF103@1
resource "google_storage_bucket" "assets" {
  name     = var.bucket
  location = "EU"
}

variable "bucket" {
  type = string
}
