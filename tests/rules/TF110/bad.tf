# expect: TF110@1
variable "db_password" {
  type        = string
  description = "Password of the application's database user."
}

# expect: TF110@1
variable "github_token" {}

variable "client_secret" {
  type = string
  # expect: TF110@15
  sensitive = false
}

# expect: TF110@1
variable "signing_key" {
  type      = string
  ephemeral = true
}

# expect: TF110@1
variable "api_token" {
  type = string
}

# expect: TF110@1
variable "webhook_secret" {
  description = "Signs webhook payloads."
  type        = string

  validation {
    condition     = length(var.webhook_secret) >= 32
    error_message = "Use at least 32 characters."
  }
}

# expect: TF110@1
variable "reader_password" {
  type = object({ name = string, value = string })
  default = {
    name  = "reader"
    value = ""
  }
}

# expect: TF110@1
variable "private_key" {
  # PEM text
}
