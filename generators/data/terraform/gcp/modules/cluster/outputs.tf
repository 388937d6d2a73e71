output "name" {
  description = "Name of the cluster."
  value       = google_container_cluster.this.name
}

output "endpoint" {
  description = "Address of the Kubernetes API."
  value       = google_container_cluster.this.endpoint
}

output "ca_certificate" {
  description = "Base64 CA certificate of the Kubernetes API."
  value       = google_container_cluster.this.master_auth[0].cluster_ca_certificate
}
