variable "name" {
  type        = string
  description = "Name of the cluster and its DNS prefix."
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
  description = "Subnet of the nodes."
}

variable "kubernetes_version" {
  type        = string
  description = "Kubernetes minor version, e.g. 1.32."
}

variable "sku_tier" {
  type        = string
  description = "Free, or Standard for the uptime SLA."
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

variable "service_cidr" {
  type        = string
  description = "Range of the Kubernetes services, outside the virtual network."
}
