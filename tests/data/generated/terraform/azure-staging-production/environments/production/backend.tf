# The state store must exist before `terraform init`.
terraform {
  backend "azurerm" {
    resource_group_name  = "shop-tfstate"
    storage_account_name = "shoptfstate"
    container_name       = "tfstate"
    key                  = "shop/production.tfstate"
    use_azuread_auth     = true
  }
}
