"""Rules: dockerfile."""
