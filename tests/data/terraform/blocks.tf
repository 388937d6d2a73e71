moved {
  from = aws_instance.old
  to   = aws_instance.web
}

import {
  to = aws_s3_bucket.logs
  id = "acme-logs"
}

check "health" {
  data "http" "site" {
    url = "https://example.com"
  }
  assert {
    condition     = data.http.site.status_code == 200
    error_message = "The site is down."
  }
}

removed {
  from = aws_instance.legacy
  lifecycle {
    destroy = false
  }
}

resource "aws_s3_bucket" "logs" {}

resource "aws_s3_bucket" "unicode" { bucket = "été-logs" }

locals { one_line = { a = 1 } }
