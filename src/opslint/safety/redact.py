"""Keeping secret values out of reports: each value becomes `***`, the rest of the text
stays, as gitleaks' `--redact` does (`--show-secrets` turns it off).

A report is read where the repository is not: CI logs, code scanning alerts, merge request
widgets. Secret values are found for every file of a run, whatever rules it selects, from
two cheap sources:

- SE001's detection over the name/value pairs every parser extracts (`EnvVar`: Dockerfile
  `ENV`, Compose and Kubernetes env, CI variables, Terraform values): its value span, and,
  unless it is a plain word, its value wherever else it stands in that file;
- a scan of the text itself (the excerpt's line, a message, a diff line) for well-known
  credential formats, `NAME=value` or `NAME: value` whose name says secret (in a message,
  `NAME:` only for a name written as a variable, not a lone word of prose such as
  `secret: pass it on`), and passwords in URLs
  (`https://user:pass@host`); this covers files that do not parse and messages that quote
  input.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from opslint.model.base import Finding, RelatedLocation, Span
from opslint.model.facets import EnvVar
from opslint.model.source import Document
from opslint.ruleapi.secrets import (
    CREDENTIAL_PATTERNS,
    URL_PASSWORD,
    is_literal_secret,
    is_secret_name,
    secret_in,
    value_span,
)

MASK = "***"
MIN_REPEATED = 3
WORD_REPEATED = 16
"""A value is masked wherever it recurs when it has `MIN_REPEATED` characters and is no
plain word (a digit or a symbol in it), or has `WORD_REPEATED` letters; a word such as
`wordpress` (a placeholder password that is also the service's name) is masked at its own
span only, or every message about the service would lose its name."""
_NOT_A_LETTER = re.compile(r"[^A-Za-z]")

_ASSIGNMENT = re.compile(
    r"""(?P<name>[A-Za-z_][A-Za-z0-9_.-]*)["']?[ \t]*[=:][ \t]*"""
    r"""(?:"(?P<double>[^"\n]*)"|'(?P<single>[^'\n]*)'|(?P<bare>\$\{[^}\n]*\}[^\s"'`,;]*|[^\s"'`,;}\])]+))"""
)
_CREDENTIAL_HINT = re.compile(r"AKIA|gh[opsur]_|github_pat_|glpat-|xox[abprs]-|-----BEGIN")
"""The literal part of every credential format (`CREDENTIAL_PATTERNS`): a cheap test first."""
_SECRET_HINT = re.compile(r"pass|pwd|secret|token|key|cred")
"""A part of every name `is_secret_name` accepts, in lower case: a cheap test before the
exact one."""
_VARIABLE_LIKE = re.compile(r"[A-Z_.-]")
"""A name written as a variable: a separator or a capital (a lone lower-case word is prose)."""

Ranges = list[tuple[int, int]]


def _recurs(value: str) -> bool:
    """True for a value masked wherever it stands (see `WORD_REPEATED`)."""
    if len(value) < MIN_REPEATED or "\n" in value:
        return False
    return len(value) >= WORD_REPEATED or _NOT_A_LETTER.search(value) is not None


def _merged(ranges: Iterable[tuple[int, int]]) -> Ranges:
    result: Ranges = []
    for start, end in sorted(ranges):
        if result and start <= result[-1][1]:
            result[-1] = (result[-1][0], max(result[-1][1], end))
        else:
            result.append((start, end))
    return result


def _within_lines(text: str, ranges: Ranges) -> Ranges:
    """`ranges` cut at line breaks, which are never masked (line numbers hold)."""
    result: Ranges = []
    for start, end in ranges:
        for match in re.finditer(r"[^\r\n]+", text[start:end]):
            result.append((start + match.start(), start + match.end()))
    return result


def _assignments(text: str) -> Iterator[re.Match[str]]:
    """`NAME=value` and `NAME: value` matches whose name may be a secret's: found from the
    secret words in `text`, so a large file without any costs one quick search."""
    last = -1
    folded = text.lower()  # a case-blind pattern is several times slower than this
    if len(folded) == len(text):
        hints = _SECRET_HINT.finditer(folded)
    else:  # lowering changed offsets (`İ`)
        hints = re.finditer(_SECRET_HINT.pattern, text, re.IGNORECASE)
    for hint in hints:
        start = hint.start()
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_.-"):
            start -= 1
        if start <= last:
            continue
        match = _ASSIGNMENT.match(text, start)
        if match is not None:
            last = start
            yield match


def scanned(text: str, prose: bool = False) -> Ranges:
    """Ranges of `text` that hold a secret by their look alone (see the module docstring);
    `prose` for a message rather than a file's text."""
    found: Ranges = []
    if _CREDENTIAL_HINT.search(text):
        for _, pattern in CREDENTIAL_PATTERNS:
            found.extend(match.span() for match in pattern.finditer(text))
    for match in _assignments(text):
        group = next(g for g in ("double", "single", "bare") if match.group(g) is not None)
        value = match.group(group)
        name = match.group("name")
        if prose and ":" in match.group(0)[len(name) :] and not _VARIABLE_LIKE.search(name):
            continue
        if is_secret_name(name) and is_literal_secret(value, name):
            found.append(match.span(group))
    if "://" in text:
        found.extend(match.span("password") for match in URL_PASSWORD.finditer(text))
    return found


def masked(text: str, ranges: Ranges) -> str:
    """`text` with each of the merged `ranges` replaced by `MASK`."""
    pieces: list[str] = []
    kept = 0
    for start, end in ranges:
        pieces.extend((text[kept:start], MASK))
        kept = end
    pieces.append(text[kept:])
    return "".join(pieces)


def moved(column: int, ranges: Ranges) -> int:
    """Where a 0-based `column` of the original text lands once `ranges` are masked (a
    column inside a masked range lands on the mask's start)."""
    shift = 0
    for start, end in ranges:
        if column < start:
            break
        if column < end:
            return start + shift
        shift += len(MASK) - (end - start)
    return column + shift


@dataclass
class Secrets:
    """Where the files of a run hold secret values, by the path reports show."""

    spans: dict[str, list[Span]] = field(default_factory=lambda: defaultdict(list))
    values: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    _patterns: dict[str, re.Pattern[str] | None] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, documents: Iterable[Document]) -> Secrets:
        """The secrets SE001's detection finds in `documents`, whatever rules run."""
        secrets = cls()
        for document in documents:
            try:
                for target in document.objects():
                    if isinstance(target, EnvVar) and target.value and secret_in(target):
                        span = value_span(target, target.value)
                        secrets.spans[span.path].append(span)
                        secrets.values[span.path].add(target.value)
            except Exception:  # the engine notes a failing walk; the text scan still masks
                continue
        return secrets

    def update(self, other: Secrets) -> None:
        """Add the secrets `other` knows of."""
        for path, spans in other.spans.items():
            self.spans[path].extend(s for s in spans if s not in self.spans[path])
        for path, values in other.values.items():
            self.values[path].update(values)
        self._patterns.clear()

    def repeated(self, path: str) -> re.Pattern[str] | None:
        """One pattern for the values of `path`'s file, wherever they stand (cached)."""
        if path not in self._patterns:
            values = sorted(
                (v for v in self.values.get(path, ()) if _recurs(v)),
                key=len,
                reverse=True,
            )
            alternatives = "|".join(re.escape(value) for value in values)
            self._patterns[path] = (
                re.compile(rf"(?<![A-Za-z0-9])(?:{alternatives})(?![A-Za-z0-9])")
                if values
                else None
            )
        return self._patterns[path]

    def ranges(
        self, text: str, path: str | None, number: int | None = None, prose: bool = False
    ) -> Ranges:
        """Secret ranges of `text`: by look, the values of `path`'s file wherever they
        stand, and, when `text` is that file's from line `number` on, its value spans."""
        found = scanned(text, prose)
        if path is None:
            return _merged(found)
        pattern = self.repeated(path)
        if pattern is not None:
            found.extend(match.span() for match in pattern.finditer(text))
        if number is not None and self.spans.get(path):
            starts = [0, *(match.end() for match in re.finditer("\n", text))]

            def offset(line: int, column: int) -> int:
                index = line - number
                if index < 0:
                    return 0
                if index >= len(starts):
                    return len(text)
                end = starts[index + 1] - 1 if index + 1 < len(starts) else len(text)
                return min(starts[index] + column - 1, end)

            for span in self.spans[path]:
                begin, end = offset(span.line, span.column), offset(span.end_line, span.end_column)
                if begin < end:
                    found.append((begin, end))
        return _within_lines(text, _merged(r for r in found if r[0] < r[1]))

    def line(self, path: str, number: int, text: str) -> tuple[str, Ranges]:
        """Line `number` of `path`'s file masked, and the ranges masked (for columns)."""
        ranges = self.ranges(text, path, number)
        return masked(text, ranges), ranges

    def text(self, text: str, path: str | None = None, *, prose: bool = True) -> str:
        """A message, note or diff line, with the secrets it quotes masked."""
        return masked(text, self.ranges(text, path, prose=prose))

    def file_text(self, path: str, text: str) -> str:
        """`path`'s whole text masked (line breaks kept, so line numbers hold)."""
        return masked(text, self.ranges(text, path, 1))

    def finding(self, finding: Finding) -> Finding:
        """`finding` with the secrets its texts quote masked; its fix is left out when the
        fix would write a secret (a masked fix would write `***` into the file)."""
        path = finding.span.path
        fix = finding.fix
        if fix is not None and any(
            self.text(text, path) != text for text in (fix.title, *(e.text for e in fix.edits))
        ):
            fix = None
        return replace(
            finding,
            message=self.text(finding.message, path),
            fix=fix,
            related=tuple(
                RelatedLocation(r.span, self.text(r.message, r.span.path)) for r in finding.related
            ),
            suppressed=tuple(self.text(reason, path) for reason in finding.suppressed),
        )
