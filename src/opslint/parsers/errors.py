"""Turning input that cannot be read or parsed into an OP001 finding with a location."""

from __future__ import annotations

from opslint.model.base import Finding, Severity, Span
from opslint.model.source import Document, SourceError, SourceFile


def parse_failure(source: SourceFile, error: Exception) -> Document:
    """A document that holds nothing but one OP001 problem describing `error`."""
    from opslint.parsers.yamlload import YamlError

    if isinstance(error, SourceError | YamlError):
        line, column, message = error.line, error.column, error.message
    elif isinstance(error, RecursionError):
        line, column, message = 1, 1, "nesting too deep to parse"
    else:
        line, column = 1, 1
        message = f"parser failed: {type(error).__name__}: {error}"
    span = Span(source.display, line, column, line, column)
    document = Document(source)
    document.problems.append(
        Finding(span, message, code="OP001", name="parse-error", severity=Severity.ERROR)
    )
    return document
