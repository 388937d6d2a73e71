locals {
  name   = "${var.name}-${var.environment}"
  labels = merge(var.labels, { environment = var.environment })
}

resource "google_project_service" "apis" {
  for_each = toset([
    "compute.googleapis.com",
    "container.googleapis.com",
    "iam.googleapis.com",
    "secretmanager.googleapis.com",
    "servicenetworking.googleapis.com",
    "sqladmin.googleapis.com",
  ])
  service            = each.value
  disable_on_destroy = false
}

module "network" {
  source                = "../../modules/network"
  name                  = local.name
  region                = var.region
  subnet_cidr           = var.subnet_cidr
  pods_cidr             = var.pods_cidr
  services_cidr         = var.services_cidr
  private_services_cidr = var.private_services_cidr
  depends_on            = [google_project_service.apis]
}

module "cluster" {
  source               = "../../modules/cluster"
  name                 = local.name
  project_id           = var.project_id
  region               = var.region
  network_id           = module.network.network_id
  subnetwork_id        = module.network.subnetwork_id
  pods_range_name      = module.network.pods_range_name
  services_range_name  = module.network.services_range_name
  control_plane_cidr   = var.control_plane_cidr
  api_authorized_cidrs = var.api_authorized_cidrs
  release_channel      = var.release_channel
  machine_type         = var.machine_type
  node_min_count       = var.node_min_count
  node_max_count       = var.node_max_count
  depends_on           = [google_project_service.apis]
}

module "database" {
  source            = "../../modules/database"
  name              = local.name
  region            = var.region
  network_id        = module.network.network_id
  database_version  = var.db_version
  tier              = var.db_tier
  availability_type = var.db_availability_type
  disk_size_gb      = var.db_disk_size_gb
  retained_backups  = var.db_retained_backups
  database_name     = replace(var.name, "-", "_")
  labels            = local.labels
  depends_on        = [module.network]
}
