variable "name" {
  type        = string
  description = "Prefix of every resource name."
}

variable "environment" {
  type        = string
  description = "Name of the environment, in names and tags."
}

variable "location" {
  type        = string
  description = "Cloud location of every resource."
}

variable "tags" {
  type        = map(string)
  description = "Required tags of every resource; `environment` is added."
}

variable "address_space" {
  type        = list(string)
  description = "Ranges of the virtual network."
}

variable "cluster_subnet_prefixes" {
  type        = list(string)
  description = "Ranges of the nodes."
}

variable "database_subnet_prefixes" {
  type        = list(string)
  description = "Ranges of PostgreSQL."
}

variable "service_cidr" {
  type        = string
  description = "Kubernetes services, outside the network."
}

variable "kubernetes_version" {
  type        = string
  description = "Kubernetes minor version."
}

variable "sku_tier" {
  type        = string
  description = "AKS pricing tier."
}

variable "node_vm_size" {
  type        = string
  description = "Virtual machine size of the nodes."
}

variable "node_min_count" {
  type        = number
  description = "Fewest nodes."
}

variable "node_max_count" {
  type        = number
  description = "Most nodes."
}

variable "db_version" {
  type        = string
  description = "PostgreSQL major version."
}

variable "db_sku_name" {
  type        = string
  description = "SKU of the server."
}

variable "db_storage_mb" {
  type        = number
  description = "Storage at creation, in MiB."
}

variable "db_backup_retention_days" {
  type        = number
  description = "Days backups are kept."
}

variable "db_geo_redundant_backup" {
  type        = bool
  description = "Backups in the paired region."
}

variable "db_high_availability" {
  type        = bool
  description = "A zone-redundant standby."
}
