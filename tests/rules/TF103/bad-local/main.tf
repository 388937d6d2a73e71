terraform {
  required_version = ">= 1.6"
  # expect: TF103@3
  backend "local" {
    path = "state/terraform.tfstate"
  }
}
