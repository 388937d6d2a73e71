output "cluster_name" {
  description = "Name of the AKS cluster."
  value       = module.cluster.name
}

output "database_fqdn" {
  description = "Host name of PostgreSQL."
  value       = module.database.fqdn
}

output "database_administrator_password" {
  description = "Password of the PostgreSQL administrator."
  value       = module.database.administrator_password
  sensitive   = true
}
