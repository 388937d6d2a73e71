"""The JSON reporter. Its schema is documented in docs/json-format.md and versioned."""

from __future__ import annotations

from collections import Counter
from typing import IO, Any

from opslint import __version__
from opslint.model.base import Finding, Span
from opslint.report import Report, dump_json, format_hooks
from opslint.severity import Severity

SCHEMA_VERSION = 1


def span_json(span: Span) -> dict[str, Any]:
    """A span as JSON (1-based; end column exclusive)."""
    return {
        "path": span.path,
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
    }


def finding_json(finding: Finding) -> dict[str, Any]:
    """One finding as JSON."""
    result: dict[str, Any] = {
        "code": finding.code,
        "name": finding.name,
        "severity": str(finding.severity),
        "message": finding.message,
        "help": finding.help,
        **span_json(finding.span),
        "object": finding.logical or None,
        "fix": None,
        "related": [
            {"message": related.message, **span_json(related.span)} for related in finding.related
        ],
    }
    if finding.fix is not None:
        result["fix"] = {
            "title": finding.fix.title,
            "applicability": finding.fix.applicability.value,
            "edits": [{"text": edit.text, **span_json(edit.span)} for edit in finding.fix.edits],
        }
    if finding.suppressed:
        result["suppressed"] = finding.suppressed[0]
        if len(finding.suppressed) > 1:
            result["suppressed_by"] = finding.suppressed[1]
    return result


def summary_json(
    *, files: int, counts: Counter[Severity], suppressed: int, failed: bool
) -> dict[str, Any]:
    """The report's `summary`: files checked, findings (`counts`: by severity), suppressed
    findings, and whether the run failed."""
    return {
        "files": files,
        "findings": sum(counts.values()),
        "by_severity": {str(level): count for level, count in sorted(counts.items())},
        "suppressed": suppressed,
        "failed": failed,
    }


def report_json(report: Report) -> dict[str, Any]:
    """The whole report as a JSON-ready mapping."""
    return {
        "version": SCHEMA_VERSION,
        "tool": {"name": "opslint", "version": __version__},
        "findings": [finding_json(finding) for finding in report.findings],
        "suppressed": [finding_json(finding) for finding in report.suppressed],
        "notes": report.notes,
        "summary": summary_json(
            files=report.files_checked,
            counts=report.counts(),
            suppressed=len(report.suppressed),
            failed=report.failed(),
        ),
    }


def write_json(report: Report, stream: IO[str]) -> None:
    """Write the JSON format."""
    dump_json(report_json(report), stream, ascii_only=True)


opslint_report_formats, opslint_report = format_hooks({"json": write_json})
