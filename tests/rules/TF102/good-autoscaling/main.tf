resource "aws_autoscaling_group" "workers" {
  max_size = 3
  min_size = 1

  tag {
    key                 = "team"
    value               = "payments"
    propagate_at_launch = true
  }
  tag {
    key                 = "environment"
    value               = "prod"
    propagate_at_launch = true
  }
  tag {
    key                 = "service"
    value               = "billing"
    propagate_at_launch = true
  }
  tag {
    key                 = "cost-center"
    value               = "cc-42"
    propagate_at_launch = true
  }
}

# the tags come from the caller: the keys are not known here
resource "aws_autoscaling_group" "nodes" {
  max_size = 3
  min_size = 1

  dynamic "tag" {
    for_each = var.tags
    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }
}
