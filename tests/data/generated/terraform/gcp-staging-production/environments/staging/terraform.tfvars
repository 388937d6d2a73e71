# Identity
project_id  = "shop-staging"
name        = "shop"
environment = "staging"
region      = "europe-west1"
labels = {
  team          = "shop"
  service       = "shop"
  "cost-center" = "shop"
}

# Network
subnet_cidr           = "10.10.0.0/20"
services_cidr         = "10.10.16.0/20"
control_plane_cidr    = "10.10.32.0/28"
private_services_cidr = "10.10.48.0/20"
pods_cidr             = "10.10.128.0/17"

# Kubernetes (GKE)
release_channel      = "REGULAR"
api_authorized_cidrs = []
machine_type         = "e2-standard-2"
node_min_count       = 1
node_max_count       = 2

# PostgreSQL (Cloud SQL)
db_version           = "POSTGRES_16"
db_tier              = "db-custom-1-3840"
db_availability_type = "ZONAL"
db_disk_size_gb      = 20
db_retained_backups  = 7
