"""Where lines break in each format, and one index from (line, column) to offsets and back.

Every parser, excerpt and fix reads lines through a `LineIndex`, built once per text with
the line breaks of the file's format, so a span means the same text everywhere. Each
format follows its own definition:

- YAML (Compose, Kubernetes, GitHub, GitLab CI, CircleCI, Prometheus, Helm charts, and any
  kind not named below): LF, CR, CRLF, NEL (U+0085), LS (U+2028) and PS (U+2029), the
  line breaks of YAML 1.1 that libyaml counts in the marks every node's span comes from.
- Dockerfile: LF, with a CR right before it part of the ending. BuildKit reads lines with
  Go's `bufio.ScanLines`; a lone CR, NEL, LS or PS is a character of its line (the parser
  reports a lone CR, which joins what the author saw as two lines).
- HCL (Terraform, tfvars, `.tf.json`): LF and CRLF, the newline of HCL's native syntax
  (JSON counts lines the same way); a lone CR breaks no line.
- Groovy (Jenkinsfile): LF, CR and CRLF, the line terminators of the Groovy (Java) lexer.
"""

from __future__ import annotations

import bisect
import enum
import re
from array import array
from collections import Counter
from collections.abc import Iterator, Sequence
from functools import cached_property
from typing import overload


class LineBreaks(enum.Enum):
    """A format's definition of a line break, as a pattern matching one break."""

    YAML = r"\r\n|[\n\r\x85\u2028\u2029]"
    LF = r"\r?\n"
    GROOVY = r"\r\n|[\n\r]"

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """The compiled pattern of one line break."""
        return re.compile(self.value)

    @cached_property
    def besides_lf(self) -> str:
        """The characters other than LF that take part in a break (without them in a
        text, its lines are what splitting at LF gives)."""
        return "\r\x85\u2028\u2029" if self is LineBreaks.YAML else "\r"


_BREAKS_BY_KIND = {
    "dockerfile": LineBreaks.LF,
    "terraform": LineBreaks.LF,
    "terraform-vars": LineBreaks.LF,
    "terraform-state": LineBreaks.LF,
    "jenkinsfile": LineBreaks.GROOVY,
}


_SHOWN = str.maketrans({"\r": "\u240d", "\x85": "\u2424", "\u2028": "\u2424", "\u2029": "\u2424"})


def visible(line: str) -> str:
    """`line` with each character some format breaks lines at (one a format left inside a
    line) shown as a symbol, one for one: CR as ␍, NEL, LS and PS as ␤."""
    return line.translate(_SHOWN)


def breaks_for(kind: str | None) -> LineBreaks:
    """The line breaks of files of `kind` (YAML's for every YAML kind and for no kind)."""
    return _BREAKS_BY_KIND.get(kind or "", LineBreaks.YAML)


class LineIndex:
    """The lines of one text under one definition of a line break.

    `starts[i]` is the offset where 1-based line `i + 1` begins and `ends[i]` where its
    text ends (before its break); a text ending in a break has one more, empty, line.
    """

    def __init__(self, text: str, breaks: LineBreaks) -> None:
        self.text = text
        self.breaks = breaks

    @cached_property
    def _plain(self) -> bool:
        """True when LF is the only break in the text (the common case, split fast)."""
        return not any(character in self.text for character in self.breaks.besides_lf)

    @cached_property
    def _bounds(self) -> tuple[array[int], array[int]]:
        # machine integers: a manifest's lines are counted by the ten thousand, and a list
        # of Python ints (or of the lines' texts) costs five times as much per line
        starts, ends = array("q", [0]), array("q")
        if self._plain:
            for length in map(len, self.text.split("\n")):
                ends.append(starts[-1] + length)
                starts.append(ends[-1] + 1)
            starts.pop()
            return starts, ends
        for match in self.breaks.pattern.finditer(self.text):
            ends.append(match.start())
            starts.append(match.end())
        ends.append(len(self.text))
        return starts, ends

    @property
    def starts(self) -> array[int]:
        """The offset where each line begins (index 0 is line 1)."""
        return self._bounds[0]

    @property
    def ends(self) -> array[int]:
        """The offset where each line's text ends, before its break."""
        return self._bounds[1]

    def split(self) -> list[str]:
        """The text of every line without its break, the empty one after a final break
        included (as `str.split` gives them)."""
        if self._plain:
            return self.text.split("\n")
        return [self.text[start:end] for start, end in zip(self.starts, self.ends, strict=True)]

    @cached_property
    def lines(self) -> Lines:
        """The text of every line without its break (no empty line after a final break)."""
        starts, ends = self._bounds
        return Lines(self.text, starts, ends, len(starts) - (ends[-1] == starts[-1]))

    def pieces(self) -> list[str]:
        """Every line with its break kept (joined, they give the text back)."""
        bounds = zip(self.starts, [*self.starts[1:], len(self.text)], strict=True)
        return [self.text[start:end] for start, end in bounds if end > start]

    def line(self, number: int) -> str:
        """The text of 1-based line `number` (empty when out of range); the lines of the
        whole text are not kept for it."""
        if not 0 < number <= len(self.starts):
            return ""
        return self.text[self.starts[number - 1] : self.ends[number - 1]]

    def break_after(self, number: int) -> str:
        """The line break that ends 1-based line `number` ("" for the last line)."""
        if 0 < number < len(self.starts):
            return self.text[self.ends[number - 1] : self.starts[number]]
        return ""

    def common_break(self) -> str:
        """The line break most lines end with (LF for a text of one line)."""
        counts = Counter(self.break_after(number) for number in range(1, len(self.starts)))
        return max(counts, key=lambda found: (counts[found], found == "\n"), default="\n")

    def within(self, line: int, column: int) -> bool:
        """True when 1-based `line` exists and `column` lies on it or right after its end."""
        if not 0 < line <= len(self.starts) or column < 1:
            return False
        return self.starts[line - 1] + column - 1 <= self.ends[line - 1]

    def offset(self, line: int, column: int) -> int:
        """The offset of a 1-based line and column, clamped to the line's text."""
        if line > len(self.starts):
            return len(self.text)
        if line < 1:
            return 0
        start = self.starts[line - 1]
        return min(start + max(column, 1) - 1, self.ends[line - 1])

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based (line, column) of an offset (a break belongs to the line it ends)."""
        index = bisect.bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1


class Lines(Sequence[str]):
    """The lines of a text, each sliced from it when read: a run keeps the texts of its
    files, and a list of every line beside each would double what they cost."""

    __slots__ = ("_count", "_ends", "_starts", "_text")

    def __init__(self, text: str, starts: array[int], ends: array[int], count: int) -> None:
        self._text = text
        self._starts = starts
        self._ends = ends
        self._count = count

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self._line(number) for number in range(*index.indices(self._count))]
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError("line index out of range")
        return self._line(index)

    def _line(self, index: int) -> str:
        return self._text[self._starts[index] : self._ends[index]]

    def __iter__(self) -> Iterator[str]:
        return map(self._line, range(self._count))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Lines | list | tuple):
            return len(self) == len(other) and all(map(str.__eq__, self, other))
        return NotImplemented

    def __repr__(self) -> str:
        return f"Lines({list(self)!r})"
