variable "name" {
  type        = string
  description = "Identifier of the instance, prefix of its resources."
}

variable "vpc_id" {
  type        = string
  description = "VPC of the instance."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets of the instance."
}

variable "client_security_group_id" {
  type        = string
  description = "Security group allowed to connect (the cluster's)."
}

variable "engine_version" {
  type        = string
  description = "PostgreSQL version, e.g. 16."
}

variable "instance_class" {
  type        = string
  description = "RDS instance class."
}

variable "allocated_storage" {
  type        = number
  description = "Storage at creation, in GiB."
}

variable "max_allocated_storage" {
  type        = number
  description = "Storage autoscaling ceiling, in GiB."
}

variable "multi_az" {
  type        = bool
  description = "A standby in a second availability zone."
}

variable "backup_retention_days" {
  type        = number
  description = "Days automated backups are kept."
}

variable "database_name" {
  type        = string
  description = "Name of the database created in the instance."
}

variable "master_username" {
  type        = string
  description = "Name of the master user; its password is managed in Secrets Manager."
  default     = "app_admin"
}

variable "tags" {
  type        = map(string)
  description = "Tags added to those of the provider's `default_tags`."
  default     = {}
}
