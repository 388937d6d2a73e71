"""Rules: engine."""
