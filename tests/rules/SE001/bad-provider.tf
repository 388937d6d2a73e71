# checkov CKV_AWS_41: literal credentials in a provider block
provider "aws" {
  region = "eu-west-1"
  # expect: SE001@17
  access_key = "AKIAZ7XQ3MPLE4WR2NQT"
  # expect: SE001@17
  secret_key = "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"
}

# an access key that is not an AWS key ID names a test account; its secret is the finding
provider "aws" {
  alias      = "localstack"
  access_key = "test"
  # expect: SE001@17
  secret_key = "l0calstack"
}

# an Azure storage account's shared key is the secret itself
module "backup" {
  source = "./modules/backup"
  # expect: SE001@25
  primary_access_key = "c3RvcmFnZS1hY2NvdW50LWtleS1ub3QtcmVhbA=="
}
