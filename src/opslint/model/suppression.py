"""Suppressions: inline comments, file-wide comments and per-object annotations."""

from __future__ import annotations

from dataclasses import dataclass, field

from opslint.model.base import Span


@dataclass(eq=False)
class Suppression:
    """One suppression and the lines it covers.

    `codes` holds codes or rule names as written; `used` collects those that suppressed a
    finding, so unused ones can be reported.
    """

    span: Span
    codes: tuple[str, ...]
    first_line: int
    last_line: int
    reason: str = ""
    scope: str = "line"
    """`line`, `file` or `object`."""
    used: set[str] = field(default_factory=set)
    tool: str = "opslint"
    """Whose syntax it is written in: `opslint`, or a peer (`hadolint`, `checkov`, ...)."""
    targets: tuple[str, ...] = ()
    """For a peer's suppression: the opslint codes its peer codes stand for."""

    @property
    def applies_to(self) -> tuple[str, ...]:
        """The opslint codes or names it silences."""
        return self.codes if self.tool == "opslint" else self.targets

    @property
    def origin(self) -> str:
        """How reports name it: `# hadolint ignore=DL3008 (Dockerfile:4)`."""
        written = ", ".join(self.codes) or "all"
        kind = "annotation" if self.scope == "object" else "comment"
        return f"{self.tool} {kind} [{written}] at {self.span.path}:{self.span.line}"

    def covers(self, path: str, line: int) -> bool:
        """True when a finding at `path`:`line` is in this suppression's reach."""
        return path == self.span.path and self.first_line <= line <= self.last_line

    @property
    def logical(self) -> str:
        """Suppressions are named by where they stand."""
        return f"suppression:{self.span.line}"
