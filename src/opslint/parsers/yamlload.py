"""Load YAML with libyaml (PyYAML's C composer) into located `YNode` trees.

Checking never uses a round-trip loader: libyaml composes a node graph with marks, and this
module turns it into the typed tree of `opslint.model.yamltree` while it notes duplicate keys,
expands merge keys and refuses alias bombs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import yaml

from opslint.model.base import Span
from opslint.model.yamltree import Scalar, YamlDocument, YMap, YNode, YScalar, YSeq
from opslint.parsers.bulk import collector_paused

MAX_EXPANDED_NODES = 1_000_000
"""An alias-expanded document larger than this is refused (the billion-laughs bound)."""

_CONSTRUCTOR = yaml.SafeLoader("")
_MERGE_TAG = "tag:yaml.org,2002:merge"

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader


class YamlError(Exception):
    """A YAML stream that cannot be loaded, with a 1-based location."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


@dataclass(slots=True)
class DuplicateKey:
    """A key repeated in one mapping: where it is now, and where it first appeared."""

    key: str
    span: Span
    first: Span


@dataclass(slots=True)
class LoadedYaml:
    """The documents of a stream and the duplicate keys found while loading them."""

    documents: list[YamlDocument]
    duplicates: list[DuplicateKey] = field(default_factory=list)


def _span(path: str, node: yaml.Node) -> Span:
    start, end = node.start_mark, node.end_mark
    return Span(path, start.line + 1, start.column + 1, end.line + 1, end.column + 1)


class _Converter:
    def __init__(self, path: str, span_map: Callable[[Span], Span] | None) -> None:
        self.path = path
        self.span_map = span_map
        self.memo: dict[int, YNode] = {}
        self.sizes: dict[int, int] = {}
        self.duplicates: list[DuplicateKey] = []

    def span(self, node: yaml.Node) -> Span:
        span = _span(self.path, node)
        return span if self.span_map is None else self.span_map(span)

    def size(self, node: yaml.Node) -> int:
        """The node count of `node` with every alias expanded (memoised, so cheap)."""
        known = self.sizes.get(id(node))
        if known is not None:
            return known
        self.sizes[id(node)] = 1  # guards against recursive aliases
        if isinstance(node, yaml.MappingNode):
            total = 1 + sum(self.size(k) + self.size(v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total = 1 + sum(self.size(item) for item in node.value)
        else:
            total = 1
        self.sizes[id(node)] = total
        return total

    def convert(self, node: yaml.Node) -> YNode:
        known = self.memo.get(id(node))
        if known is not None:
            return known
        span = self.span(node)
        result: YNode
        if isinstance(node, yaml.ScalarNode):
            result = YScalar(span, _scalar_value(node), node.style or "")
        elif isinstance(node, yaml.SequenceNode):
            seq = YSeq(span)
            self.memo[id(node)] = seq
            seq.items = [self.convert(item) for item in node.value]
            result = seq
        else:
            assert isinstance(node, yaml.MappingNode)
            result = self.convert_mapping(node, span)
        self.memo[id(node)] = result
        return result

    def convert_mapping(self, node: yaml.MappingNode, span: Span) -> YMap:
        mapping = YMap(span)
        self.memo[id(node)] = mapping
        merged: list[YMap] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                value = self.convert(value_node)
                sources = value.items if isinstance(value, YSeq) else [value]
                merged.extend(item for item in sources if isinstance(item, YMap))
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                continue  # complex keys carry nothing our formats use
            # keys keep their text: `on:` is the GitHub trigger key, not the boolean true
            name = str(key_node.value)
            key = YScalar(self.span(key_node), name, key_node.style or "")
            if name in mapping.keys:
                self.duplicates.append(DuplicateKey(name, key.span, mapping.keys[name].span))
            mapping.keys[name] = key
            mapping.entries[name] = self.convert(value_node)
        for source in merged:
            for name, value in source.entries.items():
                if name not in mapping.entries:
                    mapping.entries[name] = value
                    mapping.keys[name] = source.keys[name]
        return mapping


def _scalar_value(node: yaml.ScalarNode) -> Scalar:
    if node.style:  # quoted or block scalars are always strings
        return str(node.value)
    try:
        value = _CONSTRUCTOR.construct_object(node)
    except yaml.YAMLError:
        return str(node.value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(node.value)  # timestamps, binary: keep their text


def load_yaml(text: str, path: str, span_map: Callable[[Span], Span] | None = None) -> LoadedYaml:
    """Load every document of `text`; raise `YamlError` with a location when it cannot.

    `span_map`, when given, moves every node's span (from rendered text to its template).
    """
    with collector_paused():
        return _load(text, path, span_map)


def _load(text: str, path: str, span_map: Callable[[Span], Span] | None) -> LoadedYaml:
    converter = _Converter(path, span_map)
    documents: list[YamlDocument] = []
    try:
        for index, root in enumerate(yaml.compose_all(text, Loader=_Loader)):
            # memo keys are node ids, which a finished document's freed nodes hand on to the
            # next one; aliases never cross documents, so each starts afresh
            converter.memo.clear()
            converter.sizes.clear()
            if root is None:
                documents.append(YamlDocument(None, index))
                continue
            if converter.size(root) > MAX_EXPANDED_NODES:
                mark = root.start_mark
                raise YamlError(
                    f"document {index + 1} expands to more than {MAX_EXPANDED_NODES:,} nodes "
                    "through aliases; refused (alias bomb)",
                    mark.line + 1,
                    mark.column + 1,
                )
            documents.append(YamlDocument(converter.convert(root), index))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or "invalid YAML"
        if error.context:
            problem = f"{problem} ({error.context})"
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        raise YamlError(problem, line, column) from None
    except yaml.YAMLError as error:
        raise YamlError(str(error).splitlines()[0]) from None
    except RecursionError:
        raise YamlError("nesting too deep to load") from None
    return LoadedYaml(documents, converter.duplicates)
