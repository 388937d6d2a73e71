"""Helpers shared by the YAML-based parsers."""

from __future__ import annotations

from opslint.model.base import Finding, Severity
from opslint.parsers.yamlload import LoadedYaml


def duplicate_problems(loaded: LoadedYaml) -> list[Finding]:
    """One OP003 finding per repeated mapping key, naming the line of the first occurrence."""
    return [
        Finding(
            duplicate.span,
            f"duplicate key `{duplicate.key}` (first defined on line {duplicate.first.line}); "
            "the later value wins",
            code="OP003",
            name="duplicate-key",
            severity=Severity.ERROR,
        )
        for duplicate in loaded.duplicates
    ]
