variable "name" {
  type        = string
  description = "Name of the instance, prefix of its resources."
}

variable "region" {
  type        = string
  description = "Region of the instance."
}

variable "network_id" {
  type        = string
  description = "Network the instance gets its private address in."
}

variable "database_version" {
  type        = string
  description = "Cloud SQL version, e.g. POSTGRES_16."
}

variable "tier" {
  type        = string
  description = "Machine tier of the instance."
}

variable "availability_type" {
  type        = string
  description = "ZONAL, or REGIONAL for a standby."
}

variable "disk_size_gb" {
  type        = number
  description = "Disk size at creation, in GB (it grows)."
}

variable "retained_backups" {
  type        = number
  description = "Number of daily backups kept."
}

variable "database_name" {
  type        = string
  description = "Name of the database created in the instance."
}

variable "user_name" {
  type        = string
  description = "Name of the application's user."
  default     = "app"
}

variable "labels" {
  type        = map(string)
  description = "Labels of the instance."
  default     = {}
}
