"""Rules: compose."""
