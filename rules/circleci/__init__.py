"""Rules: CircleCI configs."""
