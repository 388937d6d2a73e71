variable "instance_count" {
  type        = number
  description = "How many instances to run."
  default     = 2
}

variable "settings" {
  type        = any
  description = "Free-form settings passed through to the chart."
}

variable "subnets" {
  description = <<-EOT
    Subnet ids, one per availability zone.
  EOT
  type        = list(string)
}

locals {
  unrelated = "no variables here"
}

output "count" {
  value = var.instance_count
}
