# expect: TF103@1
terraform {
  required_version = ">= 1.6"
}
