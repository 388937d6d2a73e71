# expect: TF101@1
resource "google_redis_instance" "cart" {
  name           = "redis-cart"
  memory_size_gb = 1
}
