variable "project_id" {
  type        = string
  description = "Google Cloud project of the environment."
}

variable "name" {
  type        = string
  description = "Prefix of every resource name."
}

variable "environment" {
  type        = string
  description = "Name of the environment, in names and tags."
}

variable "region" {
  type        = string
  description = "Cloud region of every resource."
}

variable "labels" {
  type        = map(string)
  description = "Required labels of every resource; `environment` is added."
}

variable "subnet_cidr" {
  type        = string
  description = "Address range of the nodes."
}

variable "services_cidr" {
  type        = string
  description = "Range of the Kubernetes services."
}

variable "control_plane_cidr" {
  type        = string
  description = "The /28 of the control plane."
}

variable "private_services_cidr" {
  type        = string
  description = "Range of Cloud SQL addresses."
}

variable "pods_cidr" {
  type        = string
  description = "Range of the pods."
}

variable "release_channel" {
  type        = string
  description = "GKE release channel."
}

variable "api_authorized_cidrs" {
  type        = list(string)
  description = "Address ranges allowed to reach the Kubernetes API from outside."
}

variable "machine_type" {
  type        = string
  description = "Machine type of the nodes."
}

variable "node_min_count" {
  type        = number
  description = "Fewest nodes per zone."
}

variable "node_max_count" {
  type        = number
  description = "Most nodes per zone."
}

variable "db_version" {
  type        = string
  description = "Cloud SQL database version."
}

variable "db_tier" {
  type        = string
  description = "Machine tier of the instance."
}

variable "db_availability_type" {
  type        = string
  description = "ZONAL or REGIONAL."
}

variable "db_disk_size_gb" {
  type        = number
  description = "Disk size at creation, in GB."
}

variable "db_retained_backups" {
  type        = number
  description = "Daily backups kept."
}
