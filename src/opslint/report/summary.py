"""Summaries of a run: the `github-summary` Markdown page and the `--statistics` table.

`github-summary` is what a GitHub Actions job shows on its summary page (the file
`$GITHUB_STEP_SUMMARY` names): the findings by severity and by rule, the files with the
most findings and a link to each rule's page. `--statistics` prints one line per rule,
as `ruff check --statistics` does.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import IO

from opslint.docs import help_uri
from opslint.model.base import Applicability, Finding
from opslint.report import Report, format_hooks
from opslint.severity import Severity

WORST_FILES = 10
"""How many files the summary lists, those with the most findings first."""


@dataclass(frozen=True)
class RuleCount:
    """How often one rule fired, and how many of those findings a fix run would change."""

    code: str
    name: str
    count: int
    fixable: int


def fixable(finding: Finding, unsafe: bool = False) -> bool:
    """Whether `opslint fix` (with `--unsafe-fixes` when `unsafe`) would apply a fix."""
    fix = finding.fix
    if fix is None or not fix.edits:
        return False
    return unsafe or fix.applicability is Applicability.SAFE


def rule_counts(findings: list[Finding], unsafe: bool = False) -> list[RuleCount]:
    """One entry per rule that fired: the most frequent first, then by code."""
    counts = Counter(finding.code for finding in findings)
    fixes = Counter(finding.code for finding in findings if fixable(finding, unsafe))
    names = {finding.code: finding.name for finding in findings}
    return [
        RuleCount(code, names[code], count, fixes[code])
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def write_statistics(report: Report, stream: IO[str], unsafe: bool = False) -> None:
    """`count<TAB>code<TAB>[*] name` per rule, as `ruff check --statistics` prints: `[*]`
    when every finding of the rule has a fix `opslint fix` applies, `[~]` when some do,
    `[ ]` when none does; the marks are left out when nothing is fixable."""
    counts = rule_counts(report.findings, unsafe)
    if not counts:
        return
    count_width = max(len(str(entry.count)) for entry in counts)
    code_width = max(len(entry.code) for entry in counts)
    any_fixable = any(entry.fixable for entry in counts)
    for entry in counts:
        mark = ""
        if any_fixable:
            mark = "[*] " if entry.fixable == entry.count else "[~] " if entry.fixable else "[ ] "
        stream.write(
            f"{entry.count:>{count_width}}\t{entry.code:<{code_width}}\t{mark}{entry.name}\n"
        )


def _cell(text: str) -> str:
    """Text for a Markdown table cell: pipes escaped, line breaks flattened."""
    return text.replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def _rule_link(report: Report, code: str) -> str:
    """The rule's code linked to its page (the one SARIF's `helpUri` names)."""
    rule = report.rule(code)
    return f"`{code}`" if rule is None else f"[`{code}`]({help_uri(rule)})"


def github_summary(report: Report) -> str:
    """The Markdown summary of `report` for a GitHub Actions job."""
    verdict = "fails" if report.failed() else "passes"
    lines = [
        "## opslint",
        "",
        f"{report.summary()}: the check {verdict} at `fail-on = {report.config.fail_on}`.",
    ]
    if not report.findings:
        return "\n".join([*lines, "", "No findings."]) + "\n"
    counts = report.counts()
    lines += ["", "| Severity | Findings |", "| --- | ---: |"]
    lines += [f"| {level} | {counts[level]} |" for level in sorted(counts, reverse=True)]
    severities = {finding.code: finding.severity for finding in report.findings}
    lines += [
        "",
        "| Rule | Name | Severity | Findings | Fixable |",
        "| --- | --- | --- | ---: | ---: |",
    ]
    for entry in rule_counts(report.findings):
        lines.append(
            f"| {_rule_link(report, entry.code)} | {_cell(entry.name)} | "
            f"{severities[entry.code]} | {entry.count} | {entry.fixable} |"
        )
    lines += ["", _worst_files_title(report), "", "| File | Findings | Most severe |"]
    lines.append("| --- | ---: | --- |")
    for path, count, worst in worst_files(report.findings):
        lines.append(f"| `{_cell(path)}` | {count} | {worst} |")
    return "\n".join(lines) + "\n"


def _worst_files_title(report: Report) -> str:
    files = len({finding.span.path for finding in report.findings})
    shown = f" (the {WORST_FILES} worst of {files})" if files > WORST_FILES else ""
    return f"### Files with the most findings{shown}"


def worst_files(findings: list[Finding]) -> list[tuple[str, int, Severity]]:
    """(path, findings, most severe) of the files with the most findings, at most
    `WORST_FILES`: the most findings first, then the most severe, then by path."""
    per_file = Counter(finding.span.path for finding in findings)
    worst: dict[str, Severity] = {}
    for finding in findings:
        path = finding.span.path
        worst[path] = max(worst.get(path, finding.severity), finding.severity)
    ranked = sorted(per_file, key=lambda path: (-per_file[path], -worst[path], path))
    return [(path, per_file[path], worst[path]) for path in ranked[:WORST_FILES]]


def write_github_summary(report: Report, stream: IO[str]) -> None:
    """Write the `github-summary` format."""
    stream.write(github_summary(report))


opslint_report_formats, opslint_report = format_hooks({"github-summary": write_github_summary})
