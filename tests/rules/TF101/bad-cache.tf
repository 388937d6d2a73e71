# expect: TF101@1
resource "google_redis_instance" "store" {
  name           = "store"
  memory_size_gb = 1

  persistence_config {
    persistence_mode    = "RDB"
    rdb_snapshot_period = "ONE_HOUR"
  }
}

# expect: TF101@1
resource "azurerm_redis_cache" "store" {
  name     = "store"
  capacity = 1
  family   = "P"
  sku_name = "Premium"

  redis_configuration {
    aof_backup_enabled = true
  }
}

# a value the file does not show counts as set
# expect: TF101@1
resource "aws_elasticache_replication_group" "store" {
  replication_group_id     = "store"
  description              = "queue state"
  snapshot_retention_limit = var.snapshot_days
}
