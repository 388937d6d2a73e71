variable "name" {
  type        = string
  description = "Name of the network, prefix of its resources."
}

variable "region" {
  type        = string
  description = "Region of the subnetwork."
}

variable "subnet_cidr" {
  type        = string
  description = "Address range of the nodes."
}

variable "pods_cidr" {
  type        = string
  description = "Secondary range of the pods."
}

variable "services_cidr" {
  type        = string
  description = "Secondary range of the Kubernetes services."
}

variable "private_services_cidr" {
  type        = string
  description = "Range reserved for Google-managed services (Cloud SQL)."
}
