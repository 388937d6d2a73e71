output "cluster_name" {
  description = "Name of the EKS cluster."
  value       = module.cluster.name
}

output "cluster_endpoint" {
  description = "URL of the Kubernetes API."
  value       = module.cluster.endpoint
}

output "database_address" {
  description = "Host name of PostgreSQL."
  value       = module.database.address
}

output "database_secret_arn" {
  description = "Secret holding the database master password."
  value       = module.database.master_user_secret_arn
}
