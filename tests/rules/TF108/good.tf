module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 20.8"
}

module "services" {
  source  = "terraform-google-modules/project-factory/google//modules/project_services"
  version = "18.0.0"
}

module "network" {
  source  = "app.terraform.io/acme/network/aws"
  version = var.network_version
}

# local modules ship with the configuration
module "local" {
  source = "./modules/local"
}

module "parent" {
  source = "../.."
}

# tags and commits
module "vpc" {
  source = "git::https://example.com/network/vpc.git?ref=v3.4.1"
}

module "dns" {
  source = "git::ssh://git@example.com/network/dns.git//modules/zone?ref=6f1c2a9e0b7d4c3f8a5e2d1b0c9f8e7d6a5b4c3d"
}

module "iam" {
  source = "github.com/acme/terraform-iam?ref=release-2024-05"
}

module "queues" {
  source = "git@github.com:acme/terraform-queues.git?depth=1&ref=tags/1.4.0"
}

module "legacy" {
  source = "hg::https://example.com/legacy?rev=1.2"
}

# archives and buckets: immutability depends on how they are published
module "archive" {
  source = "https://example.com/modules/vpc-1.2.0.zip"
}

module "bucket" {
  source = "s3::https://s3-eu-west-1.amazonaws.com/acme-modules/vpc.zip"
}

module "gcs" {
  source = "gcs::https://www.googleapis.com/storage/v1/acme-modules/vpc.zip"
}
