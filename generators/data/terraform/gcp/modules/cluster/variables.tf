variable "name" {
  type        = string
  description = "Name of the cluster, prefix of its other resources."
}

variable "project_id" {
  type        = string
  description = "Project of the cluster."
}

variable "region" {
  type        = string
  description = "Region of the (regional) cluster."
}

variable "network_id" {
  type        = string
  description = "Network of the cluster."
}

variable "subnetwork_id" {
  type        = string
  description = "Subnetwork of the nodes."
}

variable "pods_range_name" {
  type        = string
  description = "Secondary range of the pods."
}

variable "services_range_name" {
  type        = string
  description = "Secondary range of the services."
}

variable "control_plane_cidr" {
  type        = string
  description = "The /28 range of the control plane."
}

variable "api_authorized_cidrs" {
  type        = list(string)
  description = "Address ranges allowed to reach the Kubernetes API from outside."
}

variable "release_channel" {
  type        = string
  description = "GKE release channel: RAPID, REGULAR or STABLE."
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
