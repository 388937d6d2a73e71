region      = "eu-west-1"
db_password = "hunter2-prod"
zones       = ["a", "b"]
tags = {
  team = "payments"
}
