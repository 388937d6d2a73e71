# a registry module without a version
# expect: TF108@1
module "eks" {
  source = "terraform-aws-modules/eks/aws"
}

# a private registry, with a subdirectory
# expect: TF108@1
module "network" {
  source = "app.terraform.io/acme/network/aws//modules/vpc"
}

module "vpc" {
  # expect: TF108@12
  source = "git::https://example.com/network/vpc.git"
}

module "dns" {
  # expect: TF108@12
  source = "git::https://example.com/network/dns.git//modules/zone?ref=main"
}

module "iam" {
  # expect: TF108@12
  source = "github.com/acme/terraform-iam?ref=master"
}

module "queues" {
  # expect: TF108@12
  source = "git@github.com:acme/terraform-queues.git?depth=1&ref=develop"
}

module "buckets" {
  # expect: TF108@12
  source = "bitbucket.org/acme/terraform-buckets"
}

module "legacy" {
  # expect: TF108@12
  source = "hg::https://example.com/legacy?rev=default"
}

module "mirror" {
  # expect: TF108@12
  source = "git://example.com/mirror.git?ref=HEAD"
}
