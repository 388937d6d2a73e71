# a test root module: CI applies and destroys it, so its state is throwaway
terraform {
  required_version = ">= 1.5.7"
}

provider "aws" {
  region = "eu-west-1"
}

module "eks" {
  source = "../.."
}
