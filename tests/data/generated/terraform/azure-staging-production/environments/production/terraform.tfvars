# Identity
name        = "shop"
environment = "production"
location    = "westeurope"
tags = {
  team          = "shop"
  service       = "shop"
  "cost-center" = "shop"
}

# Network
address_space            = ["10.20.0.0/16"]
cluster_subnet_prefixes  = ["10.20.0.0/18"]
database_subnet_prefixes = ["10.20.64.0/24"]
service_cidr             = "172.16.0.0/16"

# Kubernetes (AKS)
kubernetes_version = "1.32"
sku_tier           = "Standard"
node_vm_size       = "Standard_D4s_v5"
node_min_count     = 3
node_max_count     = 6

# PostgreSQL (flexible server)
db_version               = "16"
db_sku_name              = "GP_Standard_D2ds_v5"
db_storage_mb            = 131072
db_backup_retention_days = 35
db_geo_redundant_backup  = true
db_high_availability     = true
