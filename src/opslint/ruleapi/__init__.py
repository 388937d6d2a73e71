"""What the builtin rules share: shell commands, secrets and schemas."""
