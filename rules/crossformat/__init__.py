"""Rules: crossformat."""
