# expect: TF103
terraform {
  required_version = ">= 1.6"
}
