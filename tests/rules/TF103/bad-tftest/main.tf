# expect: TF103@1
terraform {
  required_version = ">= 1.5.7"
}

provider "aws" {
  region = "eu-west-1"
}
