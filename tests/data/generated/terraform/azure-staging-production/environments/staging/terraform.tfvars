# Identity
name        = "shop"
environment = "staging"
location    = "westeurope"
tags = {
  team          = "shop"
  service       = "shop"
  "cost-center" = "shop"
}

# Network
address_space            = ["10.10.0.0/16"]
cluster_subnet_prefixes  = ["10.10.0.0/18"]
database_subnet_prefixes = ["10.10.64.0/24"]
service_cidr             = "172.16.0.0/16"

# Kubernetes (AKS)
kubernetes_version = "1.32"
sku_tier           = "Free"
node_vm_size       = "Standard_D2s_v5"
node_min_count     = 1
node_max_count     = 3

# PostgreSQL (flexible server)
db_version               = "16"
db_sku_name              = "B_Standard_B2s"
db_storage_mb            = 32768
db_backup_retention_days = 7
db_geo_redundant_backup  = false
db_high_availability     = false
