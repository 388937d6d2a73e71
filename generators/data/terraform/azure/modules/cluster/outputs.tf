output "name" {
  description = "Name of the cluster."
  value       = azurerm_kubernetes_cluster.this.name
}

output "oidc_issuer_url" {
  description = "OIDC issuer for workload identities."
  value       = azurerm_kubernetes_cluster.this.oidc_issuer_url
}
