"""The builtin generators for ``opslint new``."""
