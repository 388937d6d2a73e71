variable "name" {
  type        = string
  description = "Name of the cluster, prefix of its other resources."
}

variable "kubernetes_version" {
  type        = string
  description = "Kubernetes minor version, e.g. 1.32."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets of the control plane and nodes."
}

variable "api_authorized_cidrs" {
  type        = list(string)
  description = "Address ranges allowed to reach the Kubernetes API from the internet; empty keeps the API private."
}

variable "node_instance_types" {
  type        = list(string)
  description = "EC2 instance types of the nodes."
}

variable "node_min_size" {
  type        = number
  description = "Fewest nodes."
}

variable "node_desired_size" {
  type        = number
  description = "Nodes when the group is created."
}

variable "node_max_size" {
  type        = number
  description = "Most nodes."
}

variable "tags" {
  type        = map(string)
  description = "Tags added to those of the provider's `default_tags`."
  default     = {}
}
