output "cluster_name" {
  description = "Name of the GKE cluster."
  value       = module.cluster.name
}

output "cluster_endpoint" {
  description = "Address of the Kubernetes API."
  value       = module.cluster.endpoint
}

output "database_connection_name" {
  description = "Cloud SQL connection name."
  value       = module.database.connection_name
}

output "database_password_secret_id" {
  description = "Secret holding the database password."
  value       = module.database.password_secret_id
}
