"""Core value types shared by every format: spans, severities, findings and edits."""

from __future__ import annotations

import enum
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar, cast

from opslint.severity import Severity

T = TypeVar("T")


class Derived:
    """Values worked out once from an object that lives for one run (the run, a
    document, a Terraform module, the run's Kubernetes index): indexes and readings that
    several rules, or one rule for each node, share."""

    def derived(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()` the first time `key` is asked for, then the same value."""
        store: dict[Hashable, Any] = self.__dict__.setdefault("_derived", {})
        if key not in store:
            store[key] = compute()
        return cast(T, store[key])

    def known(self, key: Hashable) -> object | None:
        """The value `key` was worked out to, or None while no one has asked for it."""
        store: dict[Hashable, Any] = self.__dict__.get("_derived", {})
        return store.get(key)


@dataclass(slots=True, order=True, unsafe_hash=True)
class Span:
    """A region of one file: 1-based lines and columns, end column exclusive.

    A value: never changed once made (hashed, shared between findings and model nodes).
    It is not a frozen dataclass because parsers make one for nearly every node, and a
    frozen dataclass's constructor costs four times a plain one's.
    """

    path: str
    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, path: str, line: int, column: int = 1) -> Span:
        """A span of zero width (used for the whole-file anchor)."""
        return cls(path, line, column, line, column)

    def start(self) -> Span:
        """The zero-width span at this span's start."""
        return Span(self.path, self.line, self.column, self.line, self.column)

    def to_line_end(self, lines: Sequence[str]) -> Span:
        """This span stretched to the end of its first line (for anchors on a block)."""
        text = lines[self.line - 1] if 0 < self.line <= len(lines) else ""
        return Span(self.path, self.line, self.column, self.line, max(self.column, len(text) + 1))


class Applicability(enum.Enum):
    """Whether a fix preserves behaviour (safe) or changes it (unsafe)."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True, slots=True)
class Anchor:
    """Text the parser read at a span: what an edit expects to find before it is applied
    (the key of the mapping it inserts into, the scalar it replaces)."""

    span: Span
    text: str


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the text of `span` (possibly empty, for an insertion) with `text`.

    `anchor`, when set, ties the edit to the node it was computed for: the fixer applies
    the edit only when the file holds `anchor.text` at `anchor.span`.
    """

    span: Span
    text: str
    anchor: Anchor | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Fix:
    """A titled set of edits proposed alongside a finding."""

    title: str
    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.SAFE


@dataclass(frozen=True, slots=True)
class RelatedLocation:
    """A second place that explains a finding (e.g. the values.yaml line behind a template)."""

    span: Span
    message: str


@dataclass(frozen=True, slots=True)
class Finding:
    """What a rule reports: where, what is wrong, and optionally how to fix it.

    Rules set `span`, `message`, and optionally `fix`, `related`, `logical`, `level`
    (a severity of its own for this finding, e.g. a warning from an error rule) and
    `help`; the engine stamps `code`, `name` and `severity`: a configured override, else
    `level`, else the rule's default.

    `message` is one short sentence saying what is wrong, naming the object, optionally
    followed by how to fix it. `help` is a line for what does not belong there: the setting
    that would let `opslint fix` write a fix, why no fix is offered, an alternative.
    """

    span: Span
    message: str
    fix: Fix | None = None
    related: tuple[RelatedLocation, ...] = ()
    logical: str = ""
    level: Severity | None = None
    code: str = ""
    name: str = ""
    severity: Severity = Severity.WARNING
    suppressed: tuple[str, ...] = field(default=(), compare=False)
    help: str | None = field(default=None, kw_only=True)

    def stamped(
        self, code: str, name: str, default: Severity, override: Severity | None = None
    ) -> Finding:
        """A copy carrying the rule's identity and the severity that applies."""
        severity = override or self.level or default
        return replace(self, code=code, name=name, severity=severity)

    def sort_key(self) -> tuple[str, int, int, str]:
        """Order findings by file, position and code."""
        return (self.span.path, self.span.line, self.span.column, self.code)
