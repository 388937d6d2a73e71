"""Text edits on YAML that keep the file as its author wrote it.

Fixes never re-serialise a file. They insert or replace text at exact spans, and new
structure is rendered in the file's own style: the indentation step it uses (2 or 4
spaces), whether sequences sit flush under their key or indented, and the quoting of the
value being replaced. Flow-style collections (`{a: 1}`, `[x]`) are not edited: a rule
offers no edit there.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from opslint.model.base import Anchor, Edit, Span
from opslint.model.source import Document
from opslint.model.yamltree import YMap, YNode, YScalar, YSeq

Value = str | int | float | bool | None | Mapping[str, "Value"] | Sequence["Value"]
"""A value to render: scalars, mappings (rendered in their insertion order) and lists."""

_PLAIN = re.compile(r"^[A-Za-z0-9_./][A-Za-z0-9_./@+-]*$")
_RESERVED = frozenset(
    {"true", "false", "yes", "no", "on", "off", "null", "~", "y", "n", "TRUE", "FALSE", "True"}
)


@dataclass(frozen=True)
class Style:
    """How a file indents: the step of nested mappings, and sequence items' offset."""

    step: int = 2
    sequence_indent: int = 2
    """Columns between a key and its `- ` items (0 when items sit flush under the key)."""


def document_style(document: Document) -> Style:
    """The indentation `document`'s file mostly uses, read once per document."""
    return document.derived("yaml style", lambda: detect_style(document.source.lines))


def detect_style(lines: Sequence[str]) -> Style:
    """The indentation the file mostly uses (2 when it cannot tell)."""
    steps: dict[int, int] = {}
    flush = indented = 0
    previous_indent: int | None = None
    previous_key = False
    for line in lines:
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(stripped)
        if previous_indent is not None and previous_key:
            if stripped.startswith("- "):
                if indent == previous_indent:
                    flush += 1
                elif indent > previous_indent:
                    indented += 1
            elif indent > previous_indent:
                steps[indent - previous_indent] = steps.get(indent - previous_indent, 0) + 1
        previous_indent = indent
        previous_key = stripped.rstrip().endswith(":") and not stripped.startswith("- ")
    step = max(steps, key=lambda k: (steps[k], -k)) if steps else 2
    step = step if step in (2, 4) else 2
    return Style(step, 0 if flush > indented else step)


def scalar_text(value: str | int | float | bool | None) -> str:
    """A scalar as YAML text: plain when that reads back the same, else double-quoted."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if _PLAIN.match(value) and value not in _RESERVED and not _looks_numeric(value):
        return value
    if "'" not in value and value.isprintable():
        return f"'{value}'"
    return json.dumps(value, ensure_ascii=False)


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def render(value: Value, indent: int, style: Style) -> list[str]:
    """Block YAML lines for a mapping or list at `indent` columns (no trailing newline)."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, Mapping):
        for key, item in value.items():
            name = scalar_text(key)
            if isinstance(item, Mapping) and item:
                lines.append(f"{pad}{name}:")
                lines.extend(render(item, indent + style.step, style))
            elif isinstance(item, list | tuple) and item:
                lines.append(f"{pad}{name}:")
                lines.extend(render(item, indent + style.sequence_indent, style))
            elif isinstance(item, Mapping | list | tuple):
                lines.append(f"{pad}{name}: {'{}' if isinstance(item, Mapping) else '[]'}")
            elif isinstance(item, str | int | float | bool) or item is None:
                lines.append(f"{pad}{name}: {scalar_text(item)}")
        return lines
    if isinstance(value, list | tuple):
        for item in value:
            if isinstance(item, Mapping) and item:
                inner = render(item, indent + 2, style)
                lines.append(f"{pad}- {inner[0].lstrip()}")
                lines.extend(inner[1:])
            elif isinstance(item, str | int | float | bool) or item is None:
                lines.append(f"{pad}- {scalar_text(item)}")
        return lines
    if isinstance(value, str | int | float | bool) or value is None:
        return [f"{pad}{scalar_text(value)}"]
    return []


def is_block(node: YNode, lines: Sequence[str]) -> bool:
    """True for a block-style mapping or sequence (not `{...}` or `[...]`)."""
    line = lines[node.span.line - 1] if 0 < node.span.line <= len(lines) else ""
    return not line[node.span.column - 1 : node.span.column].startswith(("{", "["))


def last_line(node: YNode, lines: Sequence[str]) -> int:
    """The last line holding the node's text (a block's end mark may sit on the next line)."""
    last = node.span.end_line
    if node.span.end_column == 1 or not lines[last - 1][: node.span.end_column - 1].strip():
        last -= 1
    while last > node.span.line and (
        not lines[last - 1].strip() or lines[last - 1].lstrip().startswith("#")
    ):
        last -= 1
    return max(last, node.span.line)


def _own_keys(mapping: YMap) -> list[YScalar]:
    """The keys written inside the mapping's span (not those merged in with `<<`)."""
    span = mapping.span
    return [
        key
        for key in mapping.keys.values()
        if (span.line, span.column) <= (key.span.line, key.span.column)
        and (key.span.line, key.span.column) < (span.end_line, span.end_column)
    ]


def key_column(mapping: YMap) -> int:
    """The 0-based column of a block mapping's keys.

    Keys merged in with `<<: *anchor` keep the anchor's spans and are not counted; a
    mapping that only merges has its keys where its `<<` stands.
    """
    own = _own_keys(mapping)
    return (own[0].span.column if own else mapping.span.column) - 1


def scalar_anchor(node: YScalar) -> Anchor | None:
    """The text the parser read for a plain string on one line: its value, verbatim."""
    span = node.span
    if node.style or not isinstance(node.value, str) or span.line != span.end_line:
        return None
    return Anchor(span, node.value)


def key_anchor(mapping: YMap, name: str | None = None) -> Anchor | None:
    """The anchor of an edit made for `mapping`: its key `name`, else its last own key."""
    keys = [mapping.keys[name]] if name in mapping.keys else _own_keys(mapping)[-1:]
    return scalar_anchor(keys[0]) if keys else None


def _line_end(path: str, line: int, lines: Sequence[str]) -> Span:
    """The zero-width point after the last character of `line` (before its newline)."""
    column = len(lines[line - 1]) + 1 if 0 < line <= len(lines) else 1
    return Span(path, line, column, line, column)


def add_entries(
    mapping: YMap, entries: Mapping[str, Value], lines: Sequence[str], style: Style | None = None
) -> Edit | None:
    """Insert `entries` as new keys at the end of a block mapping, in its own indentation."""
    if not entries or not is_block(mapping, lines) or not mapping.keys:
        return None
    style = style or detect_style(lines)
    rendered = render(dict(entries), key_column(mapping), style)
    end = last_line(mapping, lines)
    return Edit(
        _line_end(mapping.span.path, end, lines), "\n" + "\n".join(rendered), key_anchor(mapping)
    )


def add_nested(
    mapping: YMap,
    path: Sequence[str],
    value: Mapping[str, Value],
    lines: Sequence[str],
    style: Style | None = None,
) -> Edit | None:
    """Set `value`'s keys under `path` (e.g. `securityContext`), creating what is missing.

    The deepest existing mapping along `path` receives the rest, so
    `securityContext: {runAsNonRoot: true}` lands inside an existing `securityContext:`.
    """
    node: YMap = mapping
    remaining = list(path)
    while remaining:
        child = node.get(remaining[0])
        if not isinstance(child, YMap):
            if child is not None:
                return None  # a scalar or list where a mapping belongs: leave it to the author
            break
        node = child
        remaining.pop(0)
    payload: dict[str, Value] = dict(value)
    for key in reversed(remaining):
        payload = {key: payload}
    existing = [key for key in payload if key in node]
    if existing:
        return None
    return add_entries(node, payload, lines, style)


def opening_quote(line: str, column: int) -> str:
    """The quote (`'` or `"`) that stands at 1-based `column` of `line`, else ""."""
    char = line[column - 1 : column] if column > 0 else ""
    return char if char in ("'", '"') else ""


def replace_scalar(node: YScalar, value: str, lines: Sequence[str]) -> Edit:
    """Replace a scalar's text, keeping its quotes when it had them."""
    line = lines[node.span.line - 1] if node.span.line == node.span.end_line else ""
    quote = opening_quote(line, node.span.column)
    if quote == "'":
        new = "'" + value.replace("'", "''") + "'"
    elif quote == '"':
        new = json.dumps(value, ensure_ascii=False)
    else:
        new = scalar_text(value)
    return Edit(node.span, new, scalar_anchor(node))


def entry_last_line(mapping: YMap, key: str, lines: Sequence[str]) -> int:
    """The last line of `key`'s entry in a block mapping.

    That is the last line of its value, stretched over the comment lines right below it
    that are indented deeper than the key (a commented-out item belongs to the value).
    """
    key_node = mapping.keys.get(key)
    if key_node is None:
        return last_line(mapping, lines)
    end = key_node.span.line
    value = mapping.get(key)
    if value is not None:
        end = max(end, last_line(value, lines))
    column = key_node.span.column - 1
    while end < len(lines):
        text = lines[end]
        stripped = text.lstrip(" ")
        if not stripped.startswith("#") or len(text) - len(stripped) <= column:
            break
        end += 1
    return end


def add_after(
    mapping: YMap,
    key: str,
    entries: Mapping[str, Value],
    lines: Sequence[str],
    style: Style | None = None,
) -> Edit | None:
    """Insert `entries` as new keys right after `key`'s entry, in the mapping's indentation.

    Where `key` is absent they go at the end of the mapping (as `add_entries` does). When
    blank lines set the entries apart (one follows the entry, and one precedes it or the
    mapping is the document's top level), the new keys get one too. No edit when one of
    the keys is already there, or for a flow-style mapping.
    """
    if not entries or any(name in mapping for name in entries):
        return None
    if key not in mapping.keys:
        return add_entries(mapping, entries, lines, style)
    if not is_block(mapping, lines):
        return None
    style = style or detect_style(lines)
    rendered = render(dict(entries), key_column(mapping), style)
    end = entry_last_line(mapping, key, lines)
    start = mapping.keys[key].span.line
    spaced = key_column(mapping) == 0 or (start > 1 and not lines[start - 2].strip())
    gap = "\n" if spaced and end < len(lines) and not lines[end].strip() else ""
    return Edit(
        _line_end(mapping.span.path, end, lines),
        "\n" + gap + "\n".join(rendered),
        key_anchor(mapping, key),
    )


def set_scalar(node: YScalar, value: str | int | float | bool, lines: Sequence[str]) -> Edit:
    """Give an existing scalar a new value: an empty one (`key:`) gets ` value` after its
    colon, a string keeps its quotes, and a boolean or number is written plain."""
    if node.span.line == node.span.end_line and node.span.column == node.span.end_column:
        return Edit(node.span, " " + scalar_text(value))
    if isinstance(value, str):
        return replace_scalar(node, value, lines)
    return Edit(node.span, scalar_text(value), scalar_anchor(node))


def append_item(
    sequence: YSeq, value: str | int | float | bool, lines: Sequence[str]
) -> Edit | None:
    """Add a scalar item after the last item of a block sequence, at its items' indentation
    and in the quoting of its last scalar item (`- "NET_RAW"` gives `- "ALL"`)."""
    if not sequence.items or not is_block(sequence, lines):
        return None
    last = sequence.items[-1]
    end = last_line(last, lines) if not isinstance(last, YScalar) else last.span.end_line
    dash = " " * (sequence.span.column - 1)
    text = scalar_text(value)
    quoted = [item for item in sequence.scalars() if item.style in ("'", '"')]
    if isinstance(value, str) and quoted and quoted[-1] is sequence.items[-1]:
        text = (
            "'" + value.replace("'", "''") + "'" if quoted[-1].style == "'" else json.dumps(value)
        )
    anchor = scalar_anchor(last) if isinstance(last, YScalar) else None
    return Edit(_line_end(sequence.span.path, end, lines), f"\n{dash}- {text}", anchor)


def add_entries_first(
    mapping: YMap, entries: Mapping[str, Value], lines: Sequence[str], style: Style | None = None
) -> Edit | None:
    """Insert `entries` as the first keys of a block mapping that starts on the line after
    its key (`spec:` then its keys): they go right after that line, above any comment
    that leads the first key. None for a mapping that starts a sequence item (`- name:`)."""
    if not entries or not is_block(mapping, lines) or not mapping.keys:
        return None
    if any(name in mapping for name in entries):
        return None
    column = key_column(mapping)
    first = next(iter(mapping.keys.values()))
    if lines[first.span.line - 1][: first.span.column - 1].strip():
        return None  # the mapping starts after `- ` or another key on its line
    header = first.span.line - 1
    while header > 0 and (
        not lines[header - 1].strip() or lines[header - 1].lstrip().startswith("#")
    ):
        header -= 1
    if header < 1:
        return None
    text = lines[header - 1]
    if len(text) - len(text.lstrip(" ")) >= column:
        return None
    style = style or detect_style(lines)
    rendered = render(dict(entries), column, style)
    return Edit(
        _line_end(mapping.span.path, header, lines), "\n" + "\n".join(rendered), key_anchor(mapping)
    )
