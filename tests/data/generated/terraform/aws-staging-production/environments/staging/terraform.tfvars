# Identity
name        = "shop"
environment = "staging"
region      = "eu-west-1"
tags = {
  team          = "shop"
  service       = "shop"
  "cost-center" = "shop"
}

# Network
vpc_cidr             = "10.10.0.0/16"
public_subnet_cidrs  = ["10.10.0.0/20", "10.10.16.0/20", "10.10.32.0/20"]
private_subnet_cidrs = ["10.10.64.0/18", "10.10.128.0/18", "10.10.192.0/18"]
single_nat_gateway   = true

# Kubernetes (EKS)
kubernetes_version   = "1.32"
api_authorized_cidrs = []
node_instance_types  = ["t3.large"]
node_min_size        = 1
node_desired_size    = 2
node_max_size        = 3

# PostgreSQL (RDS)
db_engine_version        = "16"
db_instance_class        = "db.t4g.medium"
db_allocated_storage     = 20
db_max_allocated_storage = 100
db_multi_az              = false
db_backup_retention_days = 7
