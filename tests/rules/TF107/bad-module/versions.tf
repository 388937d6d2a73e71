# expect: TF107@1
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.40"
    }
    # expect: TF107@5
    random = {
      source = "hashicorp/random"
    }
  }
}
