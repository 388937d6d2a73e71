# expect: TF109@1
variable "retention_days" {
  description = "Days log objects are kept."
  default     = 30
}

# expect: TF109@1
variable "bucket_name" {
  type = string
}

# expect: TF109@1
variable "tags" {}

variable "region" {
  type = string
  # expect: TF109@17
  description = ""
}

variable "zone" {
  type = string
  # expect: TF109@17
  description = <<-EOT
  EOT
}
