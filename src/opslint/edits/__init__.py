"""Span edits in YAML and HCL, and how a fix reaches the disk."""
