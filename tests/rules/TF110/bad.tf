# expect: TF110
variable "db_password" {
  type        = string
  description = "Password of the application's database user."
}

# expect: TF110
variable "github_token" {}

variable "client_secret" {
  type = string
  # expect: TF110
  sensitive = false
}

# expect: TF110
variable "signing_key" {
  type      = string
  ephemeral = true
}
