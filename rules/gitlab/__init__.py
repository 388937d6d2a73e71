"""Rules: GitLab CI pipelines."""
