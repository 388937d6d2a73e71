output "fqdn" {
  description = "Host name."
  value       = azurerm_postgresql_flexible_server.this.fqdn
}

output "administrator_login" {
  description = "Name of the administrator."
  value       = azurerm_postgresql_flexible_server.this.administrator_login
}

output "administrator_password" {
  description = "Password of the administrator."
  value       = random_password.administrator.result
  sensitive   = true
}
