# expect: TF107
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.40"
    }
    # expect: TF107
    random = {
      source = "hashicorp/random"
    }
  }
}
