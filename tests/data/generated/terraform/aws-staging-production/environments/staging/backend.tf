# The state store must exist before `terraform init`.
terraform {
  backend "s3" {
    bucket       = "shop-terraform-state"
    key          = "shop/staging/terraform.tfstate"
    region       = "eu-west-1"
    encrypt      = true
    use_lockfile = true
  }
}
