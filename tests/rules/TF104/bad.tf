terraform {
  # expect: TF104@3
  backend "s3" {
    bucket = "acme-terraform-state"
    key    = "checkout/terraform.tfstate"
    region = "eu-west-1"
    # expect: TF104@15
    encrypt = false
  }
}

terraform {
  # expect: TF104@3
  backend "s3" {
    bucket       = "acme-terraform-state"
    key          = "billing/terraform.tfstate"
    use_lockfile = true
  }
}

terraform {
  backend "consul" {
    path = "terraform/checkout"
    # expect: TF104@12
    lock = false
  }
}

terraform {
  # expect: TF104@3
  backend "http" {
    address = "https://state.example.com/checkout"
  }
}

terraform {
  # expect: TF104@3
  backend "oss" {
    bucket  = "acme-state"
    encrypt = true
  }
}
