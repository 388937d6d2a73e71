"""Facets every format exposes the same way: images, environment values, shell commands.

A cross-format rule asks for one facet type and runs unchanged on Dockerfiles, Compose,
Kubernetes and CI files alike.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import itemgetter

from opslint.model.base import Span

_DIGEST = re.compile(r"@(?P<algo>[a-z0-9]+):[0-9a-fA-F]{32,}$")


def sub_span(span: Span, start: int, length: int) -> Span:
    """The part of a single-line `span` that starts `start` characters in."""
    column = span.column + start
    return Span(span.path, span.line, column, span.line, column + length)


@dataclass(frozen=True, slots=True)
class ImageParts:
    """An image reference split into repository, tag and digest."""

    repository: str
    """The reference without tag or digest (registry and path included)."""
    tag: str | None
    """The tag, if one is written after the last path component."""
    digest: str | None
    """The `sha256:...` digest when the reference is pinned by one."""


def split_image(text: str) -> ImageParts:
    """Split an image reference; only a well-formed `@algo:hex` suffix counts as a digest."""
    match = _DIGEST.search(text)
    name = text[: match.start()] if match else text
    last = name.rsplit("/", 1)[-1]
    tag = last.split(":", 1)[1] if ":" in last else None
    repository = name[: -len(tag) - 1] if tag is not None else name
    return ImageParts(repository, tag, match.group(0)[1:] if match else None)


@dataclass(frozen=True, slots=True)
class ImageRef:
    """A container image reference as written, with the span of its text.

    `text` is the reference after variable substitution where the format allows it
    (Dockerfile ARG defaults); `written` is the source text. `origin` says which
    construct holds it ("FROM", "compose image", "container", ...).
    """

    text: str
    span: Span
    origin: str
    logical: str = ""
    written: str = ""
    dynamic: bool = False
    """True when the reference still holds unresolved variables or template expressions."""

    @property
    def digest(self) -> str | None:
        """The `sha256:...` digest when the reference is pinned by one."""
        return split_image(self.text).digest

    @property
    def tag(self) -> str | None:
        """The tag, if one is written after the last path component."""
        return split_image(self.text).tag

    @property
    def repository(self) -> str:
        """The reference without tag or digest (registry and path included)."""
        return split_image(self.text).repository

    @property
    def registry(self) -> str | None:
        """The registry host, when the first path component names one."""
        first, _, rest = self.repository.partition("/")
        if rest and ("." in first or ":" in first or first == "localhost"):
            return first
        return None

    def tag_span(self) -> Span | None:
        """The span of the tag token, when the text is written verbatim on one line."""
        tag = self.tag
        written = self.written or self.text
        if tag is None or self.span.line != self.span.end_line or written != self.text:
            return None
        start = len(self.repository) + 1
        return sub_span(self.span, start, len(tag))


@dataclass(frozen=True, slots=True)
class EnvVar:
    """A name/value pair that ends up in an environment or a configuration.

    `value` is None when the value is not a literal (a secret reference, a `valueFrom`).
    `reference` is True when the literal only points elsewhere (`${VAR}`, `$CI_TOKEN`,
    `${{ secrets.X }}`, `var.x`).
    """

    name: str
    value: str | None
    span: Span
    value_span: Span
    origin: str
    reference: bool = False
    logical: str = ""


class Segmented:
    """Text of which `segments` (in offset order) map stretches back to the file.

    Each segment is (offset into the text, file line, file column) of a stretch that stands
    verbatim in the file; `span` covers the whole construct.
    """

    __slots__ = ()
    span: Span
    segments: tuple[tuple[int, int, int], ...]

    def locate(self, offset: int, length: int) -> Span:
        """The span of `length` characters at `offset` into the text; the whole `span`
        when no segment starts at or before `offset`."""
        index = bisect_right(self.segments, offset, key=itemgetter(0))
        if index == 0:
            return self.span
        start, line, column = self.segments[index - 1]
        column += offset - start
        return Span(self.span.path, line, column, line, column + length)


@dataclass(frozen=True, slots=True)
class ShellCommand(Segmented):
    """A shell script some construct runs (RUN, `run:`, `script:`, `sh`).

    `segments` maps offsets of `text` back to the file: each entry is (offset into `text`,
    file line, file column) of a stretch that stands verbatim in the file, so a rule can point
    at the exact token of a continued or block-scalar script.
    """

    text: str
    span: Span
    origin: str
    segments: tuple[tuple[int, int, int], ...] = field(default=())
    logical: str = ""
    image: str = ""
    """The image the script runs in, where its file says: a Dockerfile RUN's stage base
    image, through the stages it builds on (`node:8`); empty when unknown."""


def map_script_lines(
    script: str, file_lines: Sequence[str], first_line: int, first_column: int | None = None
) -> tuple[tuple[int, int, int], ...]:
    """Segments for a script whose lines stand verbatim (only indented) in the file.

    The search runs forward from `first_line`; the first script line may be pinned to
    `first_column` on `first_line` (a plain or quoted scalar that starts after its key).
    """
    result: list[tuple[int, int, int]] = []
    cursor = first_line
    offset = 0
    for index, text in enumerate(script.split("\n")):
        if index == 0 and first_column is not None:
            result.append((offset, first_line, first_column))
            cursor = first_line + 1
            offset += len(text) + 1
            continue
        probe = text.strip()
        found: tuple[int, int] | None = None
        if probe:
            for number in range(cursor, min(len(file_lines), cursor + 50) + 1):
                position = file_lines[number - 1].find(probe)
                if position >= 0:
                    found = (number, position + 1 - (len(text) - len(text.lstrip())))
                    break
        if found is None:
            found = (min(cursor, max(1, len(file_lines))), 1)
        result.append((offset, found[0], found[1]))
        cursor = found[0] + 1
        offset += len(text) + 1
    return tuple(result)
