# The state store must exist before `terraform init`.
terraform {
  backend "gcs" {
    bucket = "shop-terraform-state"
    prefix = "shop/production"
  }
}
