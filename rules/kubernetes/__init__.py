"""Rules: kubernetes."""
