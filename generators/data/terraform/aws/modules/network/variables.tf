variable "name" {
  type        = string
  description = "Prefix of every resource name."
}

variable "cidr_block" {
  type        = string
  description = "Address range of the VPC."
}

variable "public_subnet_cidrs" {
  type        = list(string)
  description = "Address ranges of the public subnets, one per availability zone."
}

variable "private_subnet_cidrs" {
  type        = list(string)
  description = "Address ranges of the private subnets, one per availability zone."
}

variable "single_nat_gateway" {
  type        = bool
  description = "One NAT gateway for every zone (cheaper) instead of one per zone."
}

variable "tags" {
  type        = map(string)
  description = "Tags added to those of the provider's `default_tags`."
  default     = {}
}
