# Identity
project_id  = "shop-production"
name        = "shop"
environment = "production"
region      = "europe-west1"
labels = {
  team          = "shop"
  service       = "shop"
  "cost-center" = "shop"
}

# Network
subnet_cidr           = "10.20.0.0/20"
services_cidr         = "10.20.16.0/20"
control_plane_cidr    = "10.20.32.0/28"
private_services_cidr = "10.20.48.0/20"
pods_cidr             = "10.20.128.0/17"

# Kubernetes (GKE)
release_channel      = "REGULAR"
api_authorized_cidrs = []
machine_type         = "e2-standard-4"
node_min_count       = 1
node_max_count       = 5

# PostgreSQL (Cloud SQL)
db_version           = "POSTGRES_16"
db_tier              = "db-custom-2-7680"
db_availability_type = "REGIONAL"
db_disk_size_gb      = 100
db_retained_backups  = 30
