"""Helm chart rules (HL)."""
