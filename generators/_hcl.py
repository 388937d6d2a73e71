"""A small writer of HCL text, laid out the way `terraform fmt` lays it out.

Blocks, attributes and comments are plain values; `render` turns them into text that
`terraform fmt -check` accepts as it is: two-space indentation, the `=` signs of
consecutive one-line attributes aligned, one blank line between blocks. The output
depends on the input alone, so a generator that builds the same values writes the same
bytes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeAlias

INLINE_WIDTH = 100
"""Lists longer than this on one line are written one item per line."""

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Expr:
    """An expression written as it is: a reference, a function call, a template string."""

    text: str


@dataclass(frozen=True)
class Call:
    """A function call whose arguments are values: `merge(var.tags, { Name = "x" })`."""

    function: str
    arguments: tuple[Value, ...]


Value: TypeAlias = "str | int | float | bool | Expr | Call | Sequence[Value] | Mapping[str, Value]"
"""What an attribute holds: literals, expressions, lists (tuples) and objects (maps)."""


@dataclass(frozen=True)
class Attribute:
    """`name = value`."""

    name: str
    value: Value


@dataclass(frozen=True)
class Comment:
    """A `#` comment line above the item that follows it."""

    text: str


@dataclass(frozen=True)
class Block:
    """`type "label" ... { body }`."""

    type: str
    labels: tuple[str, ...]
    body: tuple[Item, ...]


Item: TypeAlias = "Attribute | Block | Comment"


def block(kind: str, *parts: str | Mapping[str, Value] | Block | Comment) -> Block:
    """A block: the leading strings are its labels, then its body in order.

    A mapping in the body stands for its entries as attributes, in insertion order.
    """
    labels: list[str] = []
    body: list[Item] = []
    for part in parts:
        if isinstance(part, str):
            if body:
                raise ValueError(f"label {part!r} after the body of block {kind!r}")
            labels.append(part)
        elif isinstance(part, Block | Comment):
            body.append(part)
        else:
            body.extend(Attribute(name, value) for name, value in part.items())
    return Block(kind, tuple(labels), tuple(body))


def attributes(values: Mapping[str, Value]) -> list[Item]:
    """Top-level attributes (a `.tfvars` file), in insertion order."""
    return [Attribute(name, value) for name, value in values.items()]


def render(items: Sequence[Item]) -> str:
    """The text of a file holding `items`, ending with a newline."""
    return "\n".join(_body(items, 0)) + "\n"


def quote(text: str) -> str:
    """`text` as an HCL string literal (template sequences escaped)."""
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("${", "$${")
        .replace("%{", "%%{")
    )
    return f'"{escaped}"'


def _key(name: str) -> str:
    return name if _IDENTIFIER.match(name) else quote(name)


def _body(items: Sequence[Item], indent: int) -> list[str]:
    """Lines of a body: aligned runs of one-line attributes, blank lines around blocks."""
    pad = " " * indent
    lines: list[str] = []
    run: list[tuple[str, str]] = []
    previous: str | None = None

    def flush() -> None:
        width = max((len(name) for name, _ in run), default=0)
        lines.extend(f"{pad}{name.ljust(width)} = {text}" for name, text in run)
        run.clear()

    for item in items:
        if isinstance(item, Attribute):
            if previous == "block":
                flush()
                lines.append("")
            value = _value(item.value, indent)
            if len(value) == 1:
                run.append((item.name, value[0]))
            else:
                flush()
                lines.append(f"{pad}{item.name} = {value[0]}")
                lines.extend(value[1:])
            previous = "attribute"
            continue
        flush()
        if previous is not None and previous != "comment":
            lines.append("")
        if isinstance(item, Comment):
            lines.append(f"{pad}# {item.text}".rstrip())
            previous = "comment"
            continue
        header = " ".join([item.type, *(quote(label) for label in item.labels)])
        if item.body:
            lines.append(f"{pad}{header} {{")
            lines.extend(_body(item.body, indent + 2))
            lines.append(f"{pad}}}")
        else:
            lines.append(f"{pad}{header} {{}}")
        previous = "block"
    flush()
    return lines


def _value(value: Value, indent: int) -> list[str]:
    """The lines of a value whose first line follows `name = ` at `indent`."""
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, int | float):
        return [str(value)]
    if isinstance(value, str):
        return [quote(value)]
    if isinstance(value, Expr):
        return [value.text]
    pad = " " * indent
    if isinstance(value, Call):
        return _call(value, indent)
    if isinstance(value, Mapping):
        if not value:
            return ["{}"]
        entries = [Attribute(_key(name), item) for name, item in value.items()]
        return ["{", *_body(entries, indent + 2), f"{pad}}}"]
    rendered = [_value(item, indent + 2) for item in value]
    if all(len(lines) == 1 for lines in rendered):
        inline = "[" + ", ".join(lines[0] for lines in rendered) + "]"
        if indent + len(inline) <= INLINE_WIDTH:
            return [inline]
    lines = ["["]
    for item_lines in rendered:
        lines.append(f"{pad}  {item_lines[0]}")
        lines.extend(item_lines[1:-1])
        if len(item_lines) > 1:
            lines.append(item_lines[-1])
        lines[-1] += ","
    lines.append(f"{pad}]")
    return lines


def _call(call: Call, indent: int) -> list[str]:
    """`f(a, b)`; a last argument that spans lines opens on the call's line and closes it."""
    rendered = [_value(argument, indent) for argument in call.arguments]
    if any(len(lines) > 1 for lines in rendered[:-1]):
        raise ValueError(f"only the last argument of {call.function}() may span lines")
    heads = [lines[0] for lines in rendered]
    last = rendered[-1] if rendered else [""]
    first = f"{call.function}({', '.join(heads)}"
    if len(last) == 1:
        return [first + ")"]
    return [first, *last[1:-1], last[-1] + ")"]
