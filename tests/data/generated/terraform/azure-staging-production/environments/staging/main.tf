locals {
  name = "${var.name}-${var.environment}"
  tags = merge(var.tags, { environment = var.environment })
}

resource "azurerm_resource_group" "this" {
  name     = local.name
  location = var.location
  tags     = local.tags
}

module "network" {
  source                   = "../../modules/network"
  name                     = local.name
  location                 = azurerm_resource_group.this.location
  resource_group_name      = azurerm_resource_group.this.name
  tags                     = local.tags
  address_space            = var.address_space
  cluster_subnet_prefixes  = var.cluster_subnet_prefixes
  database_subnet_prefixes = var.database_subnet_prefixes
}

module "cluster" {
  source              = "../../modules/cluster"
  name                = local.name
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  tags                = local.tags
  subnet_id           = module.network.cluster_subnet_id
  kubernetes_version  = var.kubernetes_version
  sku_tier            = var.sku_tier
  node_vm_size        = var.node_vm_size
  node_min_count      = var.node_min_count
  node_max_count      = var.node_max_count
  service_cidr        = var.service_cidr
}

module "database" {
  source                = "../../modules/database"
  name                  = local.name
  location              = azurerm_resource_group.this.location
  resource_group_name   = azurerm_resource_group.this.name
  tags                  = local.tags
  subnet_id             = module.network.database_subnet_id
  virtual_network_id    = module.network.virtual_network_id
  postgres_version      = var.db_version
  sku_name              = var.db_sku_name
  storage_mb            = var.db_storage_mb
  backup_retention_days = var.db_backup_retention_days
  geo_redundant_backup  = var.db_geo_redundant_backup
  high_availability     = var.db_high_availability
  database_name         = replace(var.name, "-", "_")
}
