provider "aws" {
  default_tags {
    tags = {
      team          = "payments"
      environment   = "prod"
      service       = "billing"
      "cost-center" = "cc-42"
    }
  }
}

# default_tags do not reach an autoscaling group
# expect: TF102@1-45
resource "aws_autoscaling_group" "workers" {
  max_size = 3
  min_size = 1

  tag {
    key                 = "team"
    value               = "payments"
    propagate_at_launch = true
  }
}

# expect: TF102@1-43
resource "aws_autoscaling_group" "batch" {
  max_size = 1
  min_size = 0
}
