"""The text reporter: findings grouped by file, with a source excerpt and a caret."""

from __future__ import annotations

import os
from typing import IO

from opslint.model.base import Finding
from opslint.model.lines import visible
from opslint.report import Report, format_hooks
from opslint.safety.redact import MASK, moved
from opslint.severity import Severity

_COLOURS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


def _use_colour(stream: IO[str]) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class _Painter:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled else text


def _excerpt(report: Report, finding: Finding, paint: _Painter) -> list[str]:
    excerpt = report.excerpt(finding.span.path, finding.span.line)
    if excerpt is None or not excerpt[0].strip():
        return []
    text, masked = excerpt
    shown = visible(text).expandtabs(1)
    width = len(str(finding.span.line))
    start = moved(max(0, finding.span.column - 1), masked)
    if finding.span.end_line == finding.span.line:
        stop = max(0, finding.span.end_column - 1)
        end = moved(stop, masked)
        if any(begin < stop < until for begin, until in masked):
            end += len(MASK)  # the span ends inside a masked value: cover all of the mask
        length = max(1, end - start)
    else:
        length = max(1, len(shown) - start)
    caret = " " * start + "^" * min(length, max(1, len(shown) - start))
    gutter = paint("34", f"{finding.span.line:>{width}} |")
    return [
        f"{gutter} {shown}",
        f"{' ' * width} {paint('34', '|')} {paint(_COLOURS[finding.severity], caret)}",
    ]


def write_text(report: Report, stream: IO[str], colour: bool | None = None) -> None:
    """Write `report` for people: `path:line:col CODE name message`, excerpt, related
    locations and the help line, then the suppressed findings when asked for."""
    paint = _Painter(_use_colour(stream) if colour is None else colour)
    current: str | None = None
    for finding in report.findings:
        if finding.span.path != current:
            if current is not None:
                stream.write("\n")
            current = finding.span.path
            stream.write(paint("1", current) + "\n")
        where = f"{finding.span.path}:{finding.span.line}:{finding.span.column}"
        code = paint(_COLOURS[finding.severity], f"{finding.code}")
        stream.write(f"{where} {code} {finding.name} {finding.message}\n")
        for line in _excerpt(report, finding, paint):
            stream.write(line + "\n")
        for related in finding.related:
            span = related.span
            stream.write(f"  = {span.path}:{span.line}:{span.column}: {related.message}\n")
        if finding.help:
            stream.write(f"  = help: {finding.help}\n")
    if report.findings:
        stream.write("\n")
    if report.show_suppressed and report.suppressed:
        stream.write(paint("1", "suppressed") + "\n")
        for finding in report.suppressed:
            where = f"{finding.span.path}:{finding.span.line}:{finding.span.column}"
            stream.write(f"{where} {finding.code} {finding.name} {finding.message}\n")
            reason, origin = (*finding.suppressed, "", "")[:2]
            stream.write(f"  = suppressed by {origin or 'a suppression'}: {reason}\n")
        stream.write("\n")


opslint_report_formats, opslint_report = format_hooks({"text": write_text})
