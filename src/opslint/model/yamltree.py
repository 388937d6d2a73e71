"""A located YAML tree: mappings, sequences and scalars, each with its exact span."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from opslint.model.base import Span

Scalar = str | int | float | bool | None


@dataclass(slots=True, eq=False)
class YNode:
    """Any YAML node; `span` covers the node's own text."""

    span: Span


@dataclass(slots=True, eq=False)
class YScalar(YNode):
    """A scalar with its resolved value and quoting style ('', "'", '"', '|', '>')."""

    value: Scalar
    style: str = ""

    @property
    def text(self) -> str:
        """The value as a string (`null` becomes the empty string)."""
        if self.value is None:
            return ""
        if isinstance(self.value, bool):
            return "true" if self.value else "false"
        return str(self.value)


def text_span(scalar: YScalar) -> Span:
    """The span of a scalar's text, without the quotes of a one-line quoted scalar."""
    span = scalar.span
    if span.line == span.end_line and scalar.style in ("'", '"'):
        return Span(span.path, span.line, span.column + 1, span.end_line, span.end_column - 1)
    return span


@dataclass(slots=True, eq=False)
class YSeq(YNode):
    """A sequence of nodes."""

    items: list[YNode] = field(default_factory=list)

    def __iter__(self) -> Iterator[YNode]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def maps(self) -> Iterator[YMap]:
        """The items that are mappings."""
        return (item for item in self.items if isinstance(item, YMap))

    def scalars(self) -> Iterator[YScalar]:
        """The items that are scalars."""
        return (item for item in self.items if isinstance(item, YScalar))


@dataclass(slots=True, eq=False)
class YMap(YNode):
    """A mapping with string keys; `keys` holds each key's own node for locations."""

    entries: dict[str, YNode] = field(default_factory=dict)
    keys: dict[str, YScalar] = field(default_factory=dict)

    def __contains__(self, key: str) -> bool:
        return key in self.entries

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, key: str) -> YNode | None:
        """The value node under `key`, if present."""
        return self.entries.get(key)

    def items(self) -> Iterator[tuple[str, YNode]]:
        """Key and value pairs in source order."""
        return iter(self.entries.items())

    def map(self, key: str) -> YMap | None:
        """The value under `key` when it is a mapping."""
        node = self.entries.get(key)
        return node if isinstance(node, YMap) else None

    def seq(self, key: str) -> YSeq | None:
        """The value under `key` when it is a sequence."""
        node = self.entries.get(key)
        return node if isinstance(node, YSeq) else None

    def scalar(self, key: str) -> YScalar | None:
        """The value under `key` when it is a scalar."""
        node = self.entries.get(key)
        return node if isinstance(node, YScalar) else None

    def string(self, key: str) -> str | None:
        """The value under `key` as text, when it is a non-null scalar."""
        node = self.entries.get(key)
        if isinstance(node, YScalar) and node.value is not None:
            return node.text
        return None

    def path(self, *keys: str) -> YNode | None:
        """Follow nested mapping keys; None when any step is missing or not a mapping."""
        node: YNode | None = self
        for key in keys:
            if not isinstance(node, YMap):
                return None
            node = node.entries.get(key)
        return node

    def key_span(self, key: str) -> Span:
        """The span of the key itself (falls back to the mapping's span)."""
        key_node = self.keys.get(key)
        return key_node.span if key_node is not None else self.span

    def entry_span(self, key: str) -> Span:
        """From the start of the key to the end of its value."""
        key_node = self.keys.get(key)
        value = self.entries.get(key)
        if key_node is None or value is None:
            return self.span
        end = value.span if isinstance(value, YScalar) else key_node.span
        return Span(
            self.span.path, key_node.span.line, key_node.span.column, end.end_line, end.end_column
        )


@dataclass(slots=True)
class YamlDocument:
    """One document of a YAML stream, with its root node (None for an empty document)."""

    root: YNode | None
    index: int


def has_value(mapping: YMap | None, key: str) -> bool:
    """True when `mapping` gives `key` a scalar that is neither null nor blank."""
    value = mapping.get(key) if mapping is not None else None
    return isinstance(value, YScalar) and value.value is not None and value.text.strip() != ""


def string_map(node: YNode | None) -> dict[str, str]:
    """A mapping of scalars as text (null values and nested nodes left out)."""
    if not isinstance(node, YMap):
        return {}
    return {
        key: value.text
        for key, value in node.items()
        if isinstance(value, YScalar) and value.value is not None
    }
