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

variable "tags" {
  type        = map(string)
  description = "Required tags of every resource; `environment` is added."
}

variable "vpc_cidr" {
  type        = string
  description = "Address range of the VPC."
}

variable "public_subnet_cidrs" {
  type        = list(string)
  description = "Public subnets, one per zone."
}

variable "private_subnet_cidrs" {
  type        = list(string)
  description = "Private subnets, one per zone."
}

variable "single_nat_gateway" {
  type        = bool
  description = "One NAT gateway instead of one per zone."
}

variable "kubernetes_version" {
  type        = string
  description = "Kubernetes minor version."
}

variable "api_authorized_cidrs" {
  type        = list(string)
  description = "Address ranges allowed to reach the Kubernetes API from the internet; empty keeps it private."
}

variable "node_instance_types" {
  type        = list(string)
  description = "EC2 instance types of nodes."
}

variable "node_min_size" {
  type        = number
  description = "Fewest nodes."
}

variable "node_desired_size" {
  type        = number
  description = "Nodes at creation."
}

variable "node_max_size" {
  type        = number
  description = "Most nodes."
}

variable "db_engine_version" {
  type        = string
  description = "PostgreSQL major version."
}

variable "db_instance_class" {
  type        = string
  description = "RDS instance class."
}

variable "db_allocated_storage" {
  type        = number
  description = "Storage at creation, in GiB."
}

variable "db_max_allocated_storage" {
  type        = number
  description = "Storage ceiling, in GiB."
}

variable "db_multi_az" {
  type        = bool
  description = "A standby in a second zone."
}

variable "db_backup_retention_days" {
  type        = number
  description = "Days backups are kept."
}
