"""Rules: Prometheus alerting and recording rules."""
