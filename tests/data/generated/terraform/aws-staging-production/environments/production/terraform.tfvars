# Identity
name        = "shop"
environment = "production"
region      = "eu-west-1"
tags = {
  team          = "shop"
  service       = "shop"
  "cost-center" = "shop"
}

# Network
vpc_cidr             = "10.20.0.0/16"
public_subnet_cidrs  = ["10.20.0.0/20", "10.20.16.0/20", "10.20.32.0/20"]
private_subnet_cidrs = ["10.20.64.0/18", "10.20.128.0/18", "10.20.192.0/18"]
single_nat_gateway   = false

# Kubernetes (EKS)
kubernetes_version   = "1.32"
api_authorized_cidrs = []
node_instance_types  = ["m6i.large"]
node_min_size        = 3
node_desired_size    = 3
node_max_size        = 6

# PostgreSQL (RDS)
db_engine_version        = "16"
db_instance_class        = "db.m6g.large"
db_allocated_storage     = 100
db_max_allocated_storage = 500
db_multi_az              = true
db_backup_retention_days = 30
