variable "admin_password" {
  type      = string
  sensitive = true
}

variable "password_length" {
  type    = number
  default = 24
}

variable "secret_name" {
  type = string
}

variable "kms_key_arn" {
  type = string
}

variable "manage_master_user_password" {
  type    = bool
  default = true
}

variable "create_api_token" {
  default = false
}

variable "secret_rotation_days" {
  type = number
}

variable "instance_type" {
  type = string
}
