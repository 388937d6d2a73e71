# expect: TF109
variable "retention_days" {
  description = "Days log objects are kept."
  default     = 30
}

# expect: TF109
variable "bucket_name" {
  type = string
}

# expect: TF109, TF109
variable "tags" {}

variable "region" {
  type = string
  # expect: TF109
  description = ""
}

variable "zone" {
  type = string
  # expect: TF109
  description = <<-EOT
  EOT
}
