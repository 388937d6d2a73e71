"""The outcome of a run, as every reporter receives it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from json.encoder import encode_basestring, encode_basestring_ascii
from typing import IO

from opslint.config import Config
from opslint.model.base import Finding
from opslint.model.source import SourceFile
from opslint.plugins import hookimpl
from opslint.rule import Rule
from opslint.safety.redact import Secrets
from opslint.severity import Severity


@dataclass
class Report:
    """Findings after suppressions, what was suppressed, notes, and the rules that ran."""

    findings: list[Finding]
    rules: list[Rule]
    config: Config
    sources: dict[str, SourceFile] = field(default_factory=dict)
    suppressed: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files_checked: int = 0
    seconds: float = 0.0
    baselined: int = 0
    """Findings left out because the baseline holds them."""
    show_suppressed: bool = False
    """List the suppressed findings too (`--show-suppressions`)."""
    secrets: Secrets = field(default_factory=Secrets)
    """Where the checked files hold secret values (found whatever rules ran)."""
    redacted: bool = False
    """Secret values are masked in messages, notes, excerpts and line hashes (`redact`)."""

    def redact(self) -> None:
        """Mask every secret value the report would show (`--show-secrets` skips this)."""
        self.findings = [self.secrets.finding(finding) for finding in self.findings]
        self.suppressed = [self.secrets.finding(finding) for finding in self.suppressed]
        self.notes = [self.secrets.text(note) for note in self.notes]
        self.redacted = True

    def excerpt(self, path: str, number: int) -> tuple[str, list[tuple[int, int]]] | None:
        """Line `number` of `path` as reports may show it, with the ranges masked in it;
        None when the file is not at hand or cannot be read any more."""
        source = self.sources.get(path)
        if source is None:
            return None
        try:
            text = source.line(number)
        except Exception:  # the file vanished or became unreadable after parsing
            return None
        return self.secrets.line(path, number, text) if self.redacted else (text, [])

    def counts(self) -> Counter[Severity]:
        """How many findings of each severity."""
        return Counter(finding.severity for finding in self.findings)

    def failed(self) -> bool:
        """True when a finding reaches the `fail-on` threshold."""
        return any(f.severity >= self.config.fail_on for f in self.findings)

    def rule(self, code: str) -> Rule | None:
        """The rule of `code` among those that ran."""
        return next((rule for rule in self.rules if rule.code == code), None)

    def summary(self) -> str:
        """One line: files, findings by severity, suppressed, time."""
        counts = self.counts()
        parts = [f"{counts[s]} {s}" for s in sorted(counts, reverse=True)]
        found = f"{len(self.findings)} finding{'s' if len(self.findings) != 1 else ''}"
        detail = f" ({', '.join(parts)})" if parts else ""
        extra = f", {len(self.suppressed)} suppressed" if self.suppressed else ""
        extra += f", {self.baselined} in baseline" if self.baselined else ""
        files = f"{self.files_checked} file{'s' if self.files_checked != 1 else ''}"
        return f"{found}{detail} in {files}{extra} [{self.seconds:.2f}s]"


Writer = Callable[[Report, IO[str]], None]
"""Writes a report to a stream in one format."""


def format_hooks(
    writers: dict[str, Writer],
) -> tuple[Callable[[], list[str]], Callable[[Report, str, IO[str]], bool | None]]:
    """The `opslint_report_formats` and `opslint_report` hooks of a plugin that writes the
    formats `writers` names, each with its writer."""

    @hookimpl
    def opslint_report_formats() -> list[str]:
        """The formats of this plugin."""
        return list(writers)

    @hookimpl
    def opslint_report(report: Report, format: str, stream: IO[str]) -> bool | None:
        """Write `report` in `format` when this plugin writes that format."""
        writer = writers.get(format)
        if writer is None:
            return None
        writer(report, stream)
        return True

    return opslint_report_formats, opslint_report


def dump_json(data: object, stream: IO[str], ascii_only: bool = False) -> None:
    """`data` as indented JSON and a final line break, in one write: the text
    `json.dumps(data, indent=2, ensure_ascii=ascii_only)` gives, made in one and a half
    times less time (`json` writes indented JSON with its pure-Python encoder)."""
    pieces: list[str] = []
    _indented(data, pieces, "\n", encode_basestring_ascii if ascii_only else encode_basestring)
    pieces.append("\n")
    stream.write("".join(pieces))


def _indented(value: object, out: list[str], newline: str, string: Callable[[str], str]) -> None:
    if isinstance(value, str):
        out.append(string(value))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = newline + "  "
        separator = "{" + inner
        for key, item in value.items():
            out.append(separator)
            out.append(string(key if isinstance(key, str) else _key(key)))
            out.append(": ")
            _indented(item, out, inner, string)
            separator = "," + inner
        out.append(newline + "}")
    elif isinstance(value, list | tuple):
        if not value:
            out.append("[]")
            return
        inner = newline + "  "
        separator = "[" + inner
        for item in value:
            out.append(separator)
            _indented(item, out, inner, string)
            separator = "," + inner
        out.append(newline + "]")
    else:
        out.append(_scalar(value))


def _scalar(value: object) -> str:
    """A number, boolean or null as `json` writes it."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        if value != value:
            return "NaN"
        if value in (_INFINITY, -_INFINITY):
            return "Infinity" if value > 0 else "-Infinity"
        return float.__repr__(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _key(key: object) -> str:
    """A key that is not a string, as `json` turns it into one."""
    if isinstance(key, float | int | bool) or key is None:
        return _scalar(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


_INFINITY = float("inf")
