# a block written on one line with an attribute cannot take a second one in place
# expect: TF110@1
variable "db_password" { type = string }
