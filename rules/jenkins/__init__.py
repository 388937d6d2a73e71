"""Rules: Jenkins pipelines (Jenkinsfiles)."""
