"""Turning input that cannot be read or parsed into an OP001 finding with a location."""

from __future__ import annotations

import re

from opslint.model.base import Finding, Span
from opslint.model.source import Document, SourceError, SourceFile
from opslint.severity import Severity

_CONSTRUCT = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,39}|[^\w\s]{1,3}")


def construct(text: str) -> str | None:
    """`text` when it names a construct and may be quoted in a message (a keyword, an
    identifier, up to three punctuation marks); None when it may be file content (a value,
    a whole line, a credential that a link or a typo put where a config was expected)."""
    return text if _CONSTRUCT.fullmatch(text) else None


MAX_ERROR_TEXT = 200
"""Characters of an unexpected exception's message a note or finding quotes."""


def describe(error: BaseException) -> str:
    """An unexpected exception in one line: its type and the start of its message."""
    lines = str(error).strip().splitlines()
    text = lines[0] if lines else ""
    if len(text) > MAX_ERROR_TEXT:
        text = text[: MAX_ERROR_TEXT - 1] + "…"
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def parse_failure(source: SourceFile, error: Exception, stage: str = "parser") -> Document:
    """A document that holds nothing but one OP001 problem describing `error`.

    `stage` names the work that failed on an unexpected exception ("parser", "kind
    detection").
    """
    from opslint.parsers.yamlload import YamlError

    if isinstance(error, SourceError | YamlError):
        line, column, message = error.line, error.column, error.message
    elif isinstance(error, RecursionError):
        line, column, message = 1, 1, "nesting too deep to parse"
    else:
        line, column = 1, 1
        # an exception's text may quote the input; its type says enough
        message = f"{stage} failed: {type(error).__name__}"
    span = Span(source.display, line, column, line, column)
    document = Document(source)
    document.problems.append(
        Finding(span, message, code="OP001", name="parse-error", severity=Severity.ERROR)
    )
    return document
