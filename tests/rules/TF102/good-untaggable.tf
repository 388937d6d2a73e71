# resource types whose schema has no `tags` argument
resource "aws_secretsmanager_secret_rotation" "db" {
  secret_id           = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db"
  rotation_lambda_arn = "arn:aws:lambda:eu-west-1:123456789012:function:rotate"

  rotation_rules {
    automatically_after_days = 30
  }
}

resource "aws_db_instance_automated_backups_replication" "db" {
  source_db_instance_arn = "arn:aws:rds:eu-west-1:123456789012:db:db"
}

resource "aws_db_instance_role_association" "db" {
  db_instance_identifier = "db"
  feature_name           = "S3_INTEGRATION"
  role_arn               = "arn:aws:iam::123456789012:role/db-s3"
}

resource "aws_ec2_tag" "primary" {
  resource_id = "sg-0123456789abcdef0"
  key         = "team"
  value       = "payments"
}

resource "aws_eks_access_policy_association" "admin" {
  cluster_name  = "main"
  policy_arn    = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
  principal_arn = "arn:aws:iam::123456789012:role/admin"

  access_scope {
    type = "cluster"
  }
}

# not an AWS type
resource "random_password" "db" {
  length = 24
}
