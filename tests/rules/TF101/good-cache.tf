# caches that keep nothing a warm-up does not bring back
resource "google_redis_instance" "cart" {
  name           = "redis-cart"
  memory_size_gb = 1
  tier           = "STANDARD_HA"
}

resource "google_redis_instance" "sessions" {
  name           = "sessions"
  memory_size_gb = 1

  persistence_config {
    persistence_mode = "DISABLED"
  }
}

resource "azurerm_redis_cache" "cache" {
  name     = "cache"
  capacity = 1
  family   = "C"
  sku_name = "Standard"

  redis_configuration {
    rdb_backup_enabled = false
  }
}

resource "aws_elasticache_replication_group" "cache" {
  replication_group_id     = "cache"
  description              = "page cache"
  snapshot_retention_limit = 0
}

# Memcached never persists
resource "aws_elasticache_cluster" "memcached" {
  cluster_id = "sessions"
  engine     = "memcached"
}

resource "google_memcache_instance" "memcached" {
  name       = "memcached"
  node_count = 1
}
