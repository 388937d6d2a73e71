resource "aws_db_instance" "main" {
  engine         = "postgres"
  instance_class = var.instance_class

  lifecycle {
    prevent_destroy = true
  }
}

resource "google_sql_database_instance" "main" {
  name             = "main"
  database_version = "POSTGRES_16"
  lifecycle {
    prevent_destroy       = true
    create_before_destroy = false
  }
}

# not stateful
resource "aws_instance" "web" {
  ami           = var.ami
  instance_type = "t3.micro"
}

# a data source reads, it does not own the bucket
data "aws_s3_bucket" "logs" {
  bucket = "acme-logs"
}
