# settings about a secret, not secrets: a duration, a schedule, a rotation setting
variable "master_user_password_rotation_duration" {
  type    = string
  default = "3h"
}

variable "master_user_password_rotation_schedule_expression" {
  type    = string
  default = "rate(15 days)"
}

variable "master_user_password_rotation_automatically_after_days" {
  type = string
}

variable "secret_rotation_lambda_arn" {
  type = string
}

variable "existing_secret" {
  type = string
}
