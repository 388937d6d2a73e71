provider "aws" {
  region = "eu-west-1"
}

module "queue" {
  source = "../.."
  name   = "demo"
}
