"""CI annotation reporters: GitHub Actions workflow commands and GitLab Code Quality.

`github` prints one `::error` / `::warning` / `::notice` command per finding, which the
Actions runner turns into annotations on the diff. `gitlab` writes the Code Quality JSON
array that `artifacts: reports: codequality:` expects. Suppressed findings appear in
neither. Both use the file paths as reported, which are relative to the working directory
(the checkout) when the files lie below it. A finding's help line is the annotation's
second line; the Code Quality `description` is the message alone.
"""

from __future__ import annotations

import hashlib
from typing import IO, Any

from opslint.model.base import Finding
from opslint.report import Report, dump_json, format_hooks
from opslint.report.sarif import LineHasher
from opslint.severity import Severity

GITHUB_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
GITLAB_SEVERITIES = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.INFO: "info"}


def escape_data(text: str) -> str:
    """A workflow command's message: `%`, CR and LF percent-encoded."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: as data, plus `:` and `,`."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_command(finding: Finding) -> str:
    """One finding as a GitHub Actions workflow command; its help line, if any, is the
    annotation's second line."""
    span = finding.span
    properties = {
        "file": span.path,
        "line": str(max(1, span.line)),
        "endLine": str(max(1, span.end_line, span.line)),
        "col": str(max(1, span.column)),
        "endColumn": str(max(1, span.end_column)),
        "title": f"opslint {finding.code} {finding.name}".rstrip(),
    }
    written = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    command = GITHUB_COMMANDS[finding.severity]
    text = f"{finding.message}\n{finding.help}" if finding.help else finding.message
    return f"::{command} {written}::{escape_data(text)}"


def write_github(report: Report, stream: IO[str]) -> None:
    """Every finding as a workflow command, the most severe first.

    The runner shows only the first few annotations of each level per step, so the order
    puts errors ahead of warnings and notices; within a level, file order.
    """
    ordered = sorted(report.findings, key=lambda f: (-f.severity, f.sort_key()))
    for finding in ordered:
        stream.write(github_command(finding) + "\n")


def gitlab_issues(report: Report) -> list[dict[str, Any]]:
    """The Code Quality entries of `report`.

    The fingerprint hashes the rule, the path, the line's content hash (the same value as
    SARIF's `primaryLocationLineHash`), the columns and the message, never the line
    number, so an entry keeps its identity when lines are added above it. Entries that
    would still coincide get an occurrence number mixed in.
    """
    hasher = LineHasher(report)
    seen: dict[str, int] = {}
    issues: list[dict[str, Any]] = []
    for finding in report.findings:
        span = finding.span
        line = max(1, span.line)
        anchor = hasher(span.path, line) or f"line {line}"
        parts = (finding.code, span.path, anchor, str(span.column), str(span.end_column))
        key = "\0".join((*parts, finding.message))
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            key += f"\0{seen[key]}"
        issues.append(
            {
                "description": f"{finding.code} {finding.name}: {finding.message}",
                "check_name": finding.code,
                "fingerprint": hashlib.sha256(key.encode("utf-8")).hexdigest(),
                "severity": GITLAB_SEVERITIES[finding.severity],
                "location": {"path": span.path, "lines": {"begin": line}},
            }
        )
    return issues


def write_gitlab(report: Report, stream: IO[str]) -> None:
    """The Code Quality report of `report`, a JSON array."""
    dump_json(gitlab_issues(report), stream)


opslint_report_formats, opslint_report = format_hooks(
    {"github": write_github, "gitlab": write_gitlab}
)
