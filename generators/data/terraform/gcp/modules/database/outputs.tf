output "connection_name" {
  description = "Connection name for the Cloud SQL connectors."
  value       = google_sql_database_instance.this.connection_name
}

output "private_ip_address" {
  description = "Private address of the instance."
  value       = google_sql_database_instance.this.private_ip_address
}

output "password_secret_id" {
  description = "Secret Manager secret holding the user's password."
  value       = google_secret_manager_secret.app_password.id
}
