# azurerm 4 reads the subscription from ARM_SUBSCRIPTION_ID.
provider "azurerm" {
  features {}
}
