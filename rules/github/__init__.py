"""Rules: GitHub Actions workflows and action metadata."""
