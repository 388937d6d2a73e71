"""Map the lines of a rendered Helm template back to the template lines that wrote them.

Helm names the template a manifest came from but keeps no line information, so the lines
are aligned afterwards. Each template line is classified from its actions (`{{ ... }}`):

- text lines write one rendered line; their literal parts must appear verbatim and each
  action matches any text, so `image: "{{ .Values.repo }}:{{ .Values.tag }}"` becomes a
  pattern, and the match tells which rendered columns each literal and action wrote;
- action lines (`{{- include "labels" . | nindent 4 }}`, `{{ toYaml .Values.x }}`) write
  any number of lines, at least as deep as their `nindent`/`indent`;
- control lines (`if`, `range`, `end`, assignments, comments) and the bodies of `define`
  blocks write nothing where they stand.

Rendered lines are then walked in order against the template: the next text line that
matches wins, lines an action wrote go to that action, lines of a false condition are
skipped forward, and a `range` that starts over is found looking back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from opslint.model.base import Span
from opslint.model.lines import LineBreaks, LineIndex

_ACTION = re.compile(r"\{\{.*?\}\}", re.DOTALL)
_CONTROL_WORDS = frozenset({"if", "else", "end", "range", "with", "define", "break", "continue"})
_OPENERS = frozenset({"if", "range", "with", "define", "block"})
_ASSIGNMENT = re.compile(r"^\$[\w]*\s*:?=")
_MULTILINE_FUNCTIONS = re.compile(r"\b(include|template|toYaml|tpl|nindent|indent|Files\.Get)\b")
_INDENT_ARGUMENT = re.compile(r"\bn?indent\s+(\d+)")
_SEARCH_WINDOW = 400


class LineKind(Enum):
    TEXT = "text"
    ACTION = "action"
    CONTROL = "control"


@dataclass(slots=True)
class TemplateLine:
    """One line of a template: its kind, and for text lines the pattern of its output."""

    number: int
    text: str
    kind: LineKind
    pattern: re.Pattern[str] | None = None
    segments: list[tuple[int, int, bool]] = field(default_factory=list)
    """(start, end, is_action) 0-based column ranges of the line's pieces, in order."""
    expands: bool = False
    """True when the line may write several lines (an include, toYaml, nindent...)."""
    depth: int = 0
    """The least indentation of the lines it writes beyond the first."""
    action_span: tuple[int, int] = (0, 0)
    """The 0-based columns of the line's first output action (or its content)."""


def _action_body(action: str) -> str:
    body = action[2:-2]
    body = body.removeprefix("-").removesuffix("-")
    return body.strip()


def _action_writes(body: str) -> bool:
    """False for actions that write nothing: control words, assignments, comments."""
    if not body or body.startswith("/*"):
        return False
    word = body.split(None, 1)[0]
    return word not in _CONTROL_WORDS and not _ASSIGNMENT.match(body)


def classify(text: str) -> list[TemplateLine]:
    """Classify every line of a template (1-based `number`)."""
    breaks = LineIndex(text, LineBreaks.YAML)
    lines = breaks.split()
    starts = breaks.starts
    # the actions touching each line, and lines inside a multi-line action
    touching: list[list[tuple[int, int, str]]] = [[] for _ in lines]
    continued = [False] * len(lines)
    stack: list[tuple[str, int]] = []
    defining = [False] * len(lines)
    line_index = 0
    for match in _ACTION.finditer(text):
        while line_index + 1 < len(lines) and starts[line_index + 1] <= match.start():
            line_index += 1
        first = line_index
        last = first
        while last + 1 < len(lines) and starts[last + 1] < match.end():
            last += 1
        body = _action_body(match.group())
        column = match.start() - starts[first]
        end = match.end() - starts[first] if last == first else len(lines[first])
        touching[first].append((column, end, body))
        for index in range(first + 1, last + 1):
            continued[index] = True
        word = body.split(None, 1)[0] if body else ""
        if word in _OPENERS:
            stack.append((word, first))
        elif word == "end" and stack:
            opener, opened = stack.pop()
            if opener == "define":  # the whole body, lines without actions included
                for index in range(opened, last + 1):
                    defining[index] = True
        if any(opener == "define" for opener, _ in stack):
            for index in range(first, last + 1):
                defining[index] = True
    result: list[TemplateLine] = []
    for index, line in enumerate(lines):
        number = index + 1
        actions = touching[index]
        if defining[index] or continued[index]:
            result.append(TemplateLine(number, line, LineKind.CONTROL))
            continue
        literal = line
        for column, end, _ in reversed(actions):
            literal = literal[:column] + literal[end:]
        writing = [a for a in actions if _action_writes(a[2])]
        if not literal.strip():
            if writing:
                column, end, body = writing[0]
                indent = _INDENT_ARGUMENT.search(body)
                depth = int(indent.group(1)) if indent else len(line) - len(line.lstrip())
                result.append(
                    TemplateLine(
                        number,
                        line,
                        LineKind.ACTION,
                        expands=True,
                        depth=depth,
                        action_span=(column, end),
                    )
                )
            else:
                result.append(TemplateLine(number, line, LineKind.CONTROL))
            continue
        result.append(_text_line(number, line, actions))
    return result


def _text_line(number: int, line: str, actions: list[tuple[int, int, str]]) -> TemplateLine:
    pattern_parts: list[str] = []
    segments: list[tuple[int, int, bool]] = []
    position = 0
    expands = False
    depth = len(line) - len(line.lstrip()) + 1
    first_action: tuple[int, int] | None = None
    for column, end, body in actions:
        if column > position:
            piece = line[position:column]
            if line.startswith("{{-", column):
                piece = piece.rstrip()  # `{{-` trims the space before it
            pattern_parts.append(f"({re.escape(piece)})")
            segments.append((position, column, False))
        if _action_writes(body):
            pattern_parts.append("(.*?)")
            segments.append((column, end, True))
            if first_action is None:
                first_action = (column, end)
            if _MULTILINE_FUNCTIONS.search(body):
                expands = True
                indent = _INDENT_ARGUMENT.search(body)
                if indent:
                    depth = int(indent.group(1))
        position = end
    tail = line[position:].rstrip()
    if tail:
        pattern_parts.append(f"({re.escape(tail)})")
        segments.append((position, position + len(tail), False))
    pattern = re.compile("".join(pattern_parts), re.DOTALL)
    stripped = len(line) - len(line.lstrip())
    return TemplateLine(
        number,
        line,
        LineKind.TEXT,
        pattern=pattern,
        segments=segments,
        expands=expands,
        depth=depth,
        action_span=first_action or (stripped, len(line.rstrip())),
    )


@dataclass(slots=True)
class LinePlacement:
    """Where one rendered line came from."""

    line: TemplateLine
    match: re.Match[str] | None
    """The text line's pattern matched against the rendered line (None for expansions)."""

    def column(self, rendered_column: int, end: bool) -> int:
        """The 1-based template column of a 1-based rendered column."""
        line = self.line
        if self.match is None:
            start, stop = line.action_span
            return (stop if end else start) + 1
        offset = rendered_column - 1
        for group, (start, stop, is_action) in enumerate(line.segments, start=1):
            group_start, group_end = self.match.span(group)
            inside = group_start <= offset < group_end or (end and offset == group_end)
            if not inside:
                continue
            if is_action:
                return (stop if end else start) + 1
            return start + (offset - group_start) + 1
        if self.match.end() <= offset:
            return len(line.text.rstrip()) + 1
        start, _ = line.action_span
        return start + 1


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def place_lines(template: list[TemplateLine], rendered: list[str]) -> list[LinePlacement | None]:
    """For each rendered line, the template line that wrote it (None when unknown)."""
    texts = [line for line in template if line.kind is not LineKind.CONTROL]
    result: list[LinePlacement | None] = []
    pointer = 0  # index into `texts` of the next line to expect
    expanding: TemplateLine | None = None
    previous: LinePlacement | None = None
    for text in rendered:
        content = text.rstrip()
        if not content.strip():
            result.append(previous)
            continue
        placement = _place(texts, pointer, content, expanding)
        if placement is None:
            result.append(previous)
            continue
        placed, index = placement
        result.append(placed)
        previous = placed
        pointer = index + 1
        if placed.line.expands:
            expanding = placed.line
        elif placed.match is not None:
            expanding = None
    return result


def _place(
    texts: list[TemplateLine], pointer: int, content: str, expanding: TemplateLine | None
) -> tuple[LinePlacement, int] | None:
    # the next text line, with the action lines before it
    actions: list[int] = []
    index = pointer
    while index < len(texts) and texts[index].kind is LineKind.ACTION:
        actions.append(index)
        index += 1
    if index < len(texts):
        match = _match(texts[index], content)
        if match is not None:
            return LinePlacement(texts[index], match), index
    if actions:
        first = actions[0]
        return LinePlacement(texts[first], None), first
    if expanding is not None and _indent(content) >= expanding.depth:
        return LinePlacement(expanding, None), texts.index(expanding)
    for ahead in range(index + 1, min(len(texts), index + _SEARCH_WINDOW)):
        if texts[ahead].kind is LineKind.TEXT:
            match = _match(texts[ahead], content)
            if match is not None:
                return LinePlacement(texts[ahead], match), ahead
    for back in range(min(pointer, len(texts)) - 1, max(-1, pointer - _SEARCH_WINDOW), -1):
        if texts[back].kind is LineKind.TEXT:
            match = _match(texts[back], content)
            if match is not None:
                return LinePlacement(texts[back], match), back
    if expanding is not None:
        return LinePlacement(expanding, None), texts.index(expanding)
    return None


def _match(line: TemplateLine, content: str) -> re.Match[str] | None:
    assert line.pattern is not None
    return line.pattern.fullmatch(content)


def unclosed_block(text: str) -> tuple[int, int] | None:
    """The 1-based line and column of the last `if`/`range`/... that has no `end`."""
    stack: list[int] = []
    for match in _ACTION.finditer(text):
        body = _action_body(match.group())
        word = body.split(None, 1)[0] if body else ""
        if word in _OPENERS:
            stack.append(match.start())
        elif word == "end" and stack:
            stack.pop()
    if not stack:
        return None
    return LineIndex(text, LineBreaks.YAML).position(stack[-1])


class SpanMapper:
    """Moves spans of a rendered template's text onto the template file."""

    def __init__(self, template_text: str, rendered_text: str, display: str) -> None:
        self.display = display
        self.template = classify(template_text)
        rendered = LineIndex(rendered_text, LineBreaks.YAML).split()
        self.placements = place_lines(self.template, rendered)

    def line_of(self, rendered_line: int) -> int:
        """The template line (1-based) that wrote a rendered line (1 when unknown)."""
        placement = self._placement(rendered_line)
        return placement.line.number if placement is not None else 1

    def _placement(self, rendered_line: int) -> LinePlacement | None:
        index = min(max(rendered_line - 1, 0), len(self.placements) - 1)
        while index >= 0:
            placement = self.placements[index]
            if placement is not None:
                return placement
            index -= 1
        return None

    def position(self, line: int, column: int, end: bool = False) -> tuple[int, int]:
        """A rendered (line, column) as a template (line, column)."""
        placement = self._placement(line)
        if placement is None:
            return 1, 1
        return placement.line.number, placement.column(column, end)

    def __call__(self, span: Span) -> Span:
        line, column = self.position(span.line, span.column)
        end_line, end_column = self.position(span.end_line, span.end_column, end=True)
        if (end_line, end_column) < (line, column):
            end_line, end_column = line, max(column, len(self.template[line - 1].text) + 1)
        return Span(self.display, line, column, end_line, end_column)
