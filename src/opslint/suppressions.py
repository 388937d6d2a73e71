"""The builtin suppression plugin: inline comments and Kubernetes annotations.

Grammar, for every format with comments (``#``; HCL also ``//``)::

    # opslint: ignore[CODE, name, ...] reason   (own line: next line; trailing: its line)
    # opslint: ignore-file[CODE, ...] reason    (the whole file)

Kubernetes objects also take the annotation ``opslint.io/ignore: "CODE,CODE"``, which
survives Helm rendering; documents expose those through `Document.scoped_suppressions`.
"""

from __future__ import annotations

import re
from dataclasses import replace

from opslint.config import Config
from opslint.model.base import Finding, Span
from opslint.model.source import Document, SourceError
from opslint.model.suppression import Suppression
from opslint.plugins import hookimpl
from opslint.project import Project

_COMMENT = re.compile(
    r"(?:#|//)\s*opslint:\s*(?P<verb>ignore-file|ignore)\s*(?:\[(?P<codes>[^\]]*)\])?\s*(?P<reason>.*)$"
)


def split_codes(text: str) -> tuple[str, ...]:
    """Codes from a comma- or space-separated list."""
    return tuple(code for code in re.split(r"[,\s]+", text.strip()) if code)


def comment_suppressions(document: Document) -> list[Suppression]:
    """The suppression comments of one document's source."""
    found: list[Suppression] = []
    source = document.source
    try:
        if "opslint:" not in source.text:
            return found
    except SourceError:  # unreadable: its OP001 problem is all there is to report
        return found
    lines = source.lines
    for index, text in enumerate(lines):
        if "opslint:" not in text:
            continue
        match = _COMMENT.search(text)
        if not match:
            continue
        number = index + 1
        span = Span(source.display, number, match.start() + 1, number, len(text.rstrip()) + 1)
        codes = split_codes(match.group("codes") or "")
        reason = match.group("reason").strip()
        if match.group("verb") == "ignore-file":
            found.append(Suppression(span, codes, 1, len(lines), reason, "file"))
            continue
        last = number
        if not text[: match.start()].strip():  # a comment of its own: covers the next line
            last = next(
                (
                    n + 1
                    for n in range(index + 1, len(lines))
                    if lines[n].strip() and not lines[n].lstrip().startswith(("#", "//"))
                ),
                number,
            )
        found.append(Suppression(span, codes, number, document.block_end(last), reason, "line"))
    return found


@hookimpl
def opslint_adjust_findings(findings: list[Finding], project: Project, config: Config) -> None:
    """Mark the findings an inline comment or annotation suppresses."""
    by_path: dict[str, list[Suppression]] = {}
    for document in project.documents:
        document.suppressions = comment_suppressions(document) + list(
            document.scoped_suppressions()
        )
        if document.suppressions:
            by_path[document.path] = document.suppressions
    for position, finding in enumerate(findings):
        for suppression in by_path.get(finding.span.path, ()):
            if not suppression.covers(finding.span.path, finding.span.line):
                continue
            matched = next(
                (c for c in suppression.codes if c in (finding.code, finding.name)), None
            )
            if matched is None:
                continue
            suppression.used.add(matched)
            reason = suppression.reason or f"{suppression.scope} suppression"
            findings[position] = replace(finding, suppressed=(reason,))
            break
