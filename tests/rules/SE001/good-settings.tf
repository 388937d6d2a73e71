# names and values that are settings about a secret or point at one
variable "master_user_password_rotation_duration" {
  type    = string
  default = "3h"
}

resource "aws_secretsmanager_secret_rotation" "db" {
  secret_id = aws_secretsmanager_secret.db.id

  rotation_rules {
    schedule_expression = "rate(15 days)"
  }
}

module "db" {
  source                                            = "terraform-aws-modules/rds/aws"
  master_password                                   = random_password.db.result
  master_user_password_rotation_schedule_expression = "cron(0 3 ? * SUN *)"
  master_user_password_rotation_duration            = "2h"
}
