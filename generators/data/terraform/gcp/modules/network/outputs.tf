output "network_id" {
  description = "ID of the network."
  value       = google_compute_network.this.id
}

output "subnetwork_id" {
  description = "ID of the subnetwork."
  value       = google_compute_subnetwork.this.id
}

output "pods_range_name" {
  description = "Name of the pods' secondary range."
  value       = google_compute_subnetwork.this.secondary_ip_range[0].range_name
}

output "services_range_name" {
  description = "Name of the services' secondary range."
  value       = google_compute_subnetwork.this.secondary_ip_range[1].range_name
}
