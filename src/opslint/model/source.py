"""A file as read from disk, and the parsed document every format derives from."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from opslint.model.base import Derived, Finding, Span
from opslint.model.lines import LineBreaks, LineIndex, Lines, breaks_for
from opslint.model.suppression import Suppression


class SourceError(Exception):
    """A file that cannot be read as text, with a 1-based location when one is known."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def decode(data: bytes) -> str:
    """Decode UTF-8 (a BOM is dropped); raise `SourceError` at the first bad byte."""
    if b"\0" in data[:8192]:
        raise SourceError("binary file (NUL bytes), not a text config")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = error.start - (before.rfind(b"\n") + 1) + 1
        raise SourceError(f"invalid UTF-8 (byte 0x{data[error.start]:02x})", line, column) from None


Reader = Callable[[Path], str]
"""Reads the text of a file under the run's policy (its boundary, its size limit); raises
`SourceError` when the file may not or cannot be read as text."""


class Overlaid:
    """A reader that gives the texts of some files (an editor's unsaved buffers) in place
    of what is on disk, and reads every other file with `read`."""

    def __init__(self, read: Reader, texts: Mapping[Path, str]) -> None:
        self.read = read
        self.texts = texts
        """Texts by resolved path."""

    def __call__(self, path: Path) -> str:
        try:
            text = self.texts.get(path.resolve())
        except OSError:  # a name too long for the file system: `read` says why
            text = None
        return self.read(path) if text is None else text


def unread(path: Path) -> str:
    """The reader of a source made without one: it has no text to give."""
    raise SourceError("no text given and no reader to read it; not checked")


class SourceFile(Derived):
    """One file: its path on disk, the path reports show, and its text, read on first use.

    Reading is deferred so that kind detection by name never touches the disk. Whoever
    makes a source gives its text or the `read` that fetches it (the run's reader applies
    its boundary and size limit); `read`'s `SourceError` comes out of `text`. Parsers keep
    what they read from it as its `derived` values (`opslint.parsers.yamlload.yaml_of`).
    """

    def __init__(
        self,
        path: Path,
        display: str,
        text: str | None = None,
        *,
        read: Reader = unread,
        yaml_text: str | None = None,
        span_map: Callable[[Span], Span] | None = None,
    ) -> None:
        self.path = path
        self.display = display
        self.read = read
        """How this source's text is read, and how files derived from it are (a chart's)."""
        self.kind: str | None = None
        self.yaml_text = yaml_text
        """YAML to load in place of `text` (a rendered Helm template: `text` is the template)."""
        self.span_map = span_map
        """Maps every span of the loaded YAML to where its text came from."""
        self._indexes: dict[LineBreaks, LineIndex] = {}
        if text is not None:
            self.__dict__["text"] = text

    @cached_property
    def text(self) -> str:
        """The decoded text, read once by `read`."""
        return self.read(self.path)

    @property
    def index(self) -> LineIndex:
        """The lines of `text` as the file's kind breaks them (built once per kind)."""
        breaks = breaks_for(self.kind)
        index = self._indexes.get(breaks)
        if index is None:
            index = self._indexes[breaks] = LineIndex(self.text, breaks)
        return index

    @property
    def lines(self) -> Lines:
        """The lines without their breaks (see `opslint.model.lines` for each kind's)."""
        return self.index.lines

    def line(self, number: int) -> str:
        """The text of 1-based line `number` (empty when out of range)."""
        return self.index.line(number)

    def whole_file_span(self) -> Span:
        """The anchor for findings about the file as a whole: its first line."""
        first = self.line(1)
        return Span(self.display, 1, 1, 1, max(1, len(first) + 1))


@dataclass(eq=False)
class Document(Derived):
    """A parsed file of one kind: the root every model walker starts from.

    `problems` holds findings the parser itself raised (duplicate keys, instructions it
    could not read); the engine reports them like rule findings.
    """

    source: SourceFile
    problems: list[Finding] = field(default_factory=list, kw_only=True)
    suppressions: list[Suppression] = field(default_factory=list, kw_only=True)
    notes: list[str] = field(default_factory=list, kw_only=True)
    """Messages for the run's summary (each said once per run, however many files say it)."""

    kind = "*"

    @property
    def path(self) -> str:
        """The path reports show for this document."""
        return self.source.display

    @property
    def span(self) -> Span:
        """The anchor for findings about the whole file."""
        return self.source.whole_file_span()

    def objects(self) -> Iterator[object]:
        """Every model node a rule may ask for, this document included."""
        yield self

    def block_end(self, line: int) -> int:
        """The last line of the block whose header is on `line` (a suppression comment
        above a block covers all of it); `line` itself where no block starts."""
        return line

    def enclosing_lines(self, line: int) -> tuple[int, int] | None:
        """The first and last line of the top-level object holding `line` (a Terraform
        block, a Kubernetes object), for suppressions scoped to an object."""
        return None

    def companions(self) -> list[Document]:
        """Documents parsed along with this one (the templates and values of a Helm chart)."""
        return []

    def problems_with(self, code: str) -> Iterator[Finding]:
        """The parser's problems of one code, for the rule of that code to report."""
        return (problem for problem in self.problems if problem.code == code)

    def scoped_suppressions(self) -> Iterator[Suppression]:
        """Suppressions the format declares on its objects (Kubernetes annotations)."""
        return iter(())
