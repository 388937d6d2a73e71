terraform {
  backend "s3" {
    bucket       = "acme-terraform-state"
    key          = "checkout/terraform.tfstate"
    region       = "eu-west-1"
    encrypt      = true
    use_lockfile = true
  }
}

provider "aws" {
  region = "eu-west-1"
}
