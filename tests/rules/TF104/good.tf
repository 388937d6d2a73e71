terraform {
  backend "s3" {
    bucket         = "acme-terraform-state"
    key            = "checkout/terraform.tfstate"
    encrypt        = true
    dynamodb_table = "terraform-locks"
  }
}

terraform {
  backend "s3" {
    bucket       = "acme-terraform-state"
    key          = "billing/terraform.tfstate"
    encrypt      = true
    use_lockfile = true
  }
}

# configured at `terraform init -backend-config=prod.s3.tfbackend`
terraform {
  backend "s3" {}
}

terraform {
  backend "gcs" {
    bucket = "acme-terraform-state"
    prefix = "checkout"
  }
}

terraform {
  backend "http" {
    address      = "https://state.example.com/checkout"
    lock_address = "https://state.example.com/checkout/lock"
  }
}
