# an access key ID is the public half of a key pair; its secret half is the sensitive one
variable "access_key" {
  type = string
}

variable "aws_access_key_id" {
  type = string
}

variable "secret_key" {
  type      = string
  sensitive = true
}
