variable "name" {
  type        = string
  description = "Name of the server, prefix of its resources."
}

variable "location" {
  type        = string
  description = "Azure location of the resources."
}

variable "resource_group_name" {
  type        = string
  description = "Resource group of the resources."
}

variable "tags" {
  type        = map(string)
  description = "Tags of every resource."
}

variable "subnet_id" {
  type        = string
  description = "Subnet delegated to PostgreSQL."
}

variable "virtual_network_id" {
  type        = string
  description = "Virtual network resolving the server's name."
}

variable "postgres_version" {
  type        = string
  description = "PostgreSQL major version, e.g. 16."
}

variable "sku_name" {
  type        = string
  description = "SKU of the server, e.g. GP_Standard_D2ds_v5."
}

variable "storage_mb" {
  type        = number
  description = "Storage at creation, in MiB (it grows)."
}

variable "backup_retention_days" {
  type        = number
  description = "Days backups are kept (7 to 35)."
}

variable "geo_redundant_backup" {
  type        = bool
  description = "Backups copied to the paired region."
}

variable "high_availability" {
  type        = bool
  description = "A zone-redundant standby (General Purpose SKUs)."
}

variable "database_name" {
  type        = string
  description = "Name of the database created in the server."
}

variable "administrator_login" {
  type        = string
  description = "Name of the administrator; its password is generated."
  default     = "app_admin"
}
