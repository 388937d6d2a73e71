output "virtual_network_id" {
  description = "ID of the virtual network."
  value       = azurerm_virtual_network.this.id
}

output "cluster_subnet_id" {
  description = "ID of the cluster subnet."
  value       = azurerm_subnet.cluster.id
}

output "database_subnet_id" {
  description = "ID of the database subnet."
  value       = azurerm_subnet.database.id
}
