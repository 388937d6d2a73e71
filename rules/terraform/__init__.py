"""Rules: terraform."""
