# Azure's shared keys are the secret itself
# expect: TF110@1
variable "arm_access_key" {
  type      = string
  sensitive = true
}

# expect: TF110@1
variable "storage_primary_access_key" {
  type      = string
  sensitive = true
}
