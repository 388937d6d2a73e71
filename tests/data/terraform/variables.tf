variable "region" {
  type        = string
  default     = "eu-west-1"
  description = "Where everything runs"
}

variable "env" {
  type = string
  validation {
    condition     = contains(["dev", "prod"], var.env)
    error_message = "The env must be dev or prod."
  }
}

variable "items" {
  type = map(object({
    id   = string
    size = optional(number, 8)
  }))
  default = {}
}

variable "db_password" {
  type      = string
  default   = "hunter2"
  sensitive = true
}

variable "tags" {
  type = map(string)
  default = {
    team = "platform"
  }
}
