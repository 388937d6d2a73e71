variable "name" {
  type        = string
  description = "Name of the virtual network."
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

variable "address_space" {
  type        = list(string)
  description = "Address ranges of the virtual network."
}

variable "cluster_subnet_prefixes" {
  type        = list(string)
  description = "Ranges of the cluster's subnet."
}

variable "database_subnet_prefixes" {
  type        = list(string)
  description = "Ranges of the subnet delegated to PostgreSQL."
}
