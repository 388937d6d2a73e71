"""Text edits on Terraform files that keep the file as its author wrote it.

Fixes insert or replace text at exact spans; they never re-serialise a block. A new
attribute takes the indentation of the block's other attributes and, where the lines
around it align their `=` signs (as `terraform fmt` does), joins that alignment: it is
padded to the group's column, or the group's padding is widened when the new name is
longer. JSON files (`*.tf.json`) get no edit.
"""

from __future__ import annotations

from collections.abc import Sequence

from opslint.model.base import Anchor, Edit, Span
from opslint.model.terraform import Attribute, Block

STEP = "  "
"""One level of indentation, as `terraform fmt` writes it."""


def editable(block: Block) -> bool:
    """True for a block of a native-syntax file (`*.tf`), which fixes may edit."""
    return not block.span.path.endswith(".json")


def _line(lines: Sequence[str], number: int) -> str:
    return lines[number - 1] if 0 < number <= len(lines) else ""


def _indent(text: str) -> str:
    return text[: len(text) - len(text.lstrip(" \t"))]


def _brace_columns(block: Block, lines: Sequence[str]) -> tuple[int, int] | None:
    """The 0-based columns of the block's `{` (on the header's last line) and `}`."""
    header = _line(lines, block.span.end_line)
    closing = _line(lines, block.body_span.end_line)
    open_column = block.span.end_column - 2
    close_column = block.body_span.end_column - 2
    if (
        header[open_column : open_column + 1] != "{"
        or closing[close_column : close_column + 1] != "}"
    ):
        return None
    return open_column, close_column


def body_indent(block: Block, lines: Sequence[str]) -> str:
    """The indentation of the block's attributes and nested blocks (one step in if none)."""
    starts = [attribute.name_span for attribute in block.attributes.values()]
    starts += [nested.span for nested in block.blocks]
    for start in sorted(starts, key=lambda span: (span.line, span.column)):
        text = _line(lines, start.line)
        lead = text[: start.column - 1]
        if not lead.strip():
            return lead
    return _indent(_line(lines, block.span.line)) + STEP


def _one_line(attribute: Attribute) -> bool:
    return attribute.name_span.line == attribute.span.end_line


def _equals_column(attribute: Attribute, lines: Sequence[str]) -> int | None:
    """The 0-based column of the attribute's `=`, when only blanks precede it."""
    text = _line(lines, attribute.name_span.line)
    after = attribute.name_span.end_column - 1
    rest = text[after:]
    gap = len(rest) - len(rest.lstrip(" \t"))
    return after + gap if rest[gap : gap + 1] == "=" else None


def _group(block: Block, last: int) -> list[Attribute]:
    """The one-line attributes on consecutive lines ending at line `last`: the lines
    `terraform fmt` aligns with a line added right below them."""
    by_line = {a.name_span.line: a for a in block.attributes.values() if _one_line(a)}
    group: list[Attribute] = []
    line = last
    while line in by_line:
        group.append(by_line[line])
        line -= 1
    return group


def _aligned(
    block: Block, last: int, name: str, value: str, indent: str, lines: Sequence[str]
) -> tuple[str, list[Edit]]:
    """The new line `name = value` and the edits that keep its group aligned."""
    group = _group(block, last)
    columns = [_equals_column(attribute, lines) for attribute in group]
    starts = {attribute.name_span.column for attribute in group}
    if not group or None in columns or len(starts) != 1 or len(set(columns)) != 1:
        return f"{indent}{name} = {value}", []
    start = starts.pop() - 1
    width = max(columns[0] or 0, start + len(name) + 1) - start
    edits = []
    if columns[0] != start + width:
        for attribute in group:
            span = attribute.name_span
            column = _equals_column(attribute, lines) or 0
            padding = " " * (start + width - (span.end_column - 1))
            edits.append(
                Edit(Span(span.path, span.line, span.end_column, span.line, column + 1), padding)
            )
    return f"{indent}{name}{' ' * (width - len(name))}= {value}", edits


def add_attribute(
    block: Block, name: str, value: str, lines: Sequence[str]
) -> tuple[Edit, ...] | None:
    """Edits adding `name = value` to `block`: after its last attribute, else first.

    A block written on one line gets the attribute only when its body is empty (`{}`);
    `None` when the block cannot be edited this way (JSON, odd layout).
    """
    if not editable(block) or name in block.attributes:
        return None
    braces = _brace_columns(block, lines)
    if braces is None:
        return None
    path = block.span.path
    if block.span.end_line == block.body_span.end_line:
        return _fill_empty(block, braces, f"{name} = {value}", lines)
    indent = body_indent(block, lines)
    attributes = list(block.attributes.values())
    if attributes:
        last = max(attributes, key=lambda a: (a.span.end_line, a.span.end_column))
        line = last.span.end_line
        if line >= block.body_span.end_line:
            return None
        text, edits = _aligned(block, line, name, value, indent, lines)
        anchor = Anchor(last.name_span, last.name)
    else:
        line = block.span.end_line
        text, edits = f"{indent}{name} = {value}", []
        anchor = _brace_anchor(block.span, "{")
    end = len(_line(lines, line)) + 1
    return (*edits, Edit(Span(path, line, end, line, end), "\n" + text, anchor))


def add_block(
    block: Block, type_: str, attributes: Sequence[tuple[str, str]], lines: Sequence[str]
) -> tuple[Edit, ...] | None:
    """Edits adding a nested block `type_ { name = value ... }` at the end of `block`.

    The new block is separated from what precedes it by a blank line, and its
    attributes are aligned as `terraform fmt` would align them.
    """
    if not editable(block) or not attributes:
        return None
    braces = _brace_columns(block, lines)
    if braces is None:
        return None
    width = max(len(name) for name, _ in attributes)
    path = block.span.path
    if block.span.end_line == block.body_span.end_line:
        inner = _indent(_line(lines, block.span.line)) + STEP
        body = [f"{inner}{STEP}{n}{' ' * (width - len(n))} = {v}" for n, v in attributes]
        nested = "\n".join([f"{type_} {{", *body, f"{inner}}}"])
        return _fill_empty(block, braces, nested, lines)
    closing = block.body_span.end_line
    if _line(lines, closing)[: braces[1]].strip():
        return None  # something precedes the closing brace on its line
    inner = body_indent(block, lines)
    body = [f"{inner}{STEP}{n}{' ' * (width - len(n))} = {v}" for n, v in attributes]
    previous = _line(lines, closing - 1).strip()
    gap = [""] if closing - 1 > block.span.end_line and previous else []
    text = "\n".join([*gap, f"{inner}{type_} {{", *body, f"{inner}}}"]) + "\n"
    return (Edit(Span(path, closing, 1, closing, 1), text, _brace_anchor(block.body_span, "}")),)


def _brace_anchor(span: Span, brace: str) -> Anchor:
    """The brace that ends `span` (a block header's `{`, a body's `}`) as the parser read it."""
    end = Span(span.path, span.end_line, span.end_column - 1, span.end_line, span.end_column)
    return Anchor(end, brace)


def _fill_empty(
    block: Block, braces: tuple[int, int], content: str, lines: Sequence[str]
) -> tuple[Edit, ...] | None:
    """Turn a one-line empty body (`{}`) into a multi-line one holding `content`."""
    open_column, close_column = braces
    line = block.span.end_line
    text = _line(lines, line)
    if text[open_column + 1 : close_column].strip():
        return None  # a one-line block with an attribute: leave it to the author
    outer = _indent(_line(lines, block.span.line))
    span = Span(block.span.path, line, open_column + 1, line, close_column + 2)
    anchor = _brace_anchor(block.span, "{")
    return (Edit(span, f"{{\n{outer}{STEP}{content}\n{outer}}}", anchor),)
