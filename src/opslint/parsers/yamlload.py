"""Load YAML with libyaml (PyYAML's C composer) into located `YNode` trees.

Checking never uses a round-trip loader: libyaml composes a node graph with marks, and this
module turns it into the typed tree of `opslint.model.yamltree` while it notes duplicate keys,
expands merge keys and refuses alias bombs.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from opslint.model.base import Span
from opslint.model.source import SourceFile
from opslint.model.yamltree import Scalar, YamlDocument, YMap, YNode, YScalar, YSeq
from opslint.parsers.bulk import collector_paused

MAX_EXPANDED_NODES = 1_000_000
"""An alias-expanded document larger than this is refused (the billion-laughs bound)."""

_MERGE_TAG = "tag:yaml.org,2002:merge"
_NULL_TEXTS = frozenset({"", "~", "null", "Null", "NULL"})


def _null(node: yaml.ScalarNode) -> None:
    if node.value not in _NULL_TEXTS:
        raise ValueError(f"{node.value!r} is not a null")


_SAFE = SafeConstructor()
_TYPED_SCALARS: dict[str, Callable[[yaml.ScalarNode], Scalar]] = {
    "tag:yaml.org,2002:null": _null,
    "tag:yaml.org,2002:bool": partial(SafeConstructor.construct_yaml_bool, _SAFE),
    "tag:yaml.org,2002:int": partial(SafeConstructor.construct_yaml_int, _SAFE),
    "tag:yaml.org,2002:float": partial(SafeConstructor.construct_yaml_float, _SAFE),
}
"""The tags whose plain scalars become Python values; every other tag (`!!str`,
`!!timestamp`, `!!binary`, local and unknown tags) keeps the text as written, so loading
never builds an object a tag asks for."""

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


class _Converter:
    def __init__(self, path: str, span_map: Callable[[Span], Span] | None) -> None:
        self.path = path
        self.span_map = span_map
        self.memo: dict[int, YNode] = {}
        self.sizes: dict[int, int] = {}
        self.duplicates: list[DuplicateKey] = []
        self.numbers: dict[int, int] = {}
        """One int object per line or column number above Python's small-int cache, shared
        by every span of the tree (each would be an object of its own: 32 bytes)."""

    def number(self, value: int) -> int:
        return self.numbers.setdefault(value, value) if value > 256 else value

    def span(self, node: yaml.Node) -> Span:
        start, end = node.start_mark, node.end_mark
        number = self.number
        span = Span(
            self.path,
            number(start.line + 1),
            number(start.column + 1),
            number(end.line + 1),
            number(end.column + 1),
        )
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
            # keys keep their text: `on:` is the GitHub trigger key, not the boolean true;
            # one string object per key name (`name`, `image`...) serves every mapping
            name = sys.intern(str(key_node.value))
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
    """The value of a scalar: quoted, block and text that does not fit its tag
    (`!!int abc`, `!!bool maybe`, `!!float` alone) stay the text as written."""
    typed = None if node.style else _TYPED_SCALARS.get(node.tag)
    if typed is None:  # one object per repeated text (`default`, `app`, an image name)
        return sys.intern(str(node.value))
    try:
        return typed(node)
    except (ValueError, LookupError):  # int('abc'), bool_values['maybe'], ''[0]
        return str(node.value)


def _refuse_bombs(converter: _Converter, root: yaml.Node, index: int) -> None:
    if converter.size(root) > MAX_EXPANDED_NODES:
        mark = root.start_mark
        raise YamlError(
            f"document {index + 1} expands to more than {MAX_EXPANDED_NODES:,} nodes "
            "through aliases; refused (alias bomb)",
            mark.line + 1,
            mark.column + 1,
        )


def _located(error: yaml.YAMLError | RecursionError) -> YamlError:
    """A loader error as a `YamlError` at the place it names."""
    if isinstance(error, RecursionError):
        return YamlError("nesting too deep to load")
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        problem = error.problem or "invalid YAML"
        if error.context:
            problem = f"{problem} ({error.context})"
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        return YamlError(problem, line, column)
    return YamlError(str(error).splitlines()[0])


def load_yaml(text: str, path: str, span_map: Callable[[Span], Span] | None = None) -> LoadedYaml:
    """Load every document of `text`; raise `YamlError` with a location when it cannot.

    `span_map`, when given, moves every node's span (from rendered text to its template).
    """
    with collector_paused():
        return _load(text, path, span_map)


def yaml_of(source: SourceFile) -> LoadedYaml:
    """`source` loaded as YAML, once per source (its `yaml_text` when it has one: a rendered
    Helm template); raises `YamlError` when it is not YAML, `SourceError` when unreadable."""

    def load() -> LoadedYaml:
        text = source.text if source.yaml_text is None else source.yaml_text
        return load_yaml(text, source.display, source.span_map)

    return source.derived(yaml_of, load)


def _load(text: str, path: str, span_map: Callable[[Span], Span] | None) -> LoadedYaml:
    converter = _Converter(path, span_map)
    documents: list[YamlDocument] = []
    # an alias names an anchor written before it: text without both marks has no alias to
    # expand, and its node count is bounded by its length
    aliased = "&" in text and "*" in text
    try:
        for index, root in enumerate(yaml.compose_all(text, Loader=_Loader)):
            # memo keys are node ids, which a finished document's freed nodes hand on to the
            # next one; aliases never cross documents, so each starts afresh
            converter.memo.clear()
            converter.sizes.clear()
            if root is None:
                documents.append(YamlDocument(None, index))
                continue
            if aliased:
                _refuse_bombs(converter, root, index)
            documents.append(YamlDocument(converter.convert(root), index))
    except (yaml.YAMLError, RecursionError) as error:
        raise _located(error) from None
    return LoadedYaml(documents, converter.duplicates)


def _by_shape(constructor: Any, node: yaml.Node) -> object:
    """A timestamp, binary, set, unknown or local tag (`!foo`, `!!python/object:x`): the
    node as plain data (a set as a mapping to nulls), its text for a scalar."""
    if isinstance(node, yaml.MappingNode):
        return constructor.construct_mapping(node)
    if isinstance(node, yaml.SequenceNode):
        return constructor.construct_sequence(node)
    return str(node.value)


def _strict(typed: Callable[[yaml.ScalarNode], Scalar]) -> Callable[[Any, yaml.Node], Scalar]:
    def construct(_: Any, node: yaml.Node) -> Scalar:
        problem = f"{node.tag.rsplit(':', 1)[-1]} value {node.value!r} is not valid"
        if isinstance(node, yaml.ScalarNode):
            try:
                return typed(node)
            except (ValueError, LookupError):
                pass
        else:
            problem = f"{node.tag.rsplit(':', 1)[-1]} tag on a collection"
        raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark)

    return construct


class _PlainConstructor(SafeConstructor):
    """Safe construction into JSON's types only, as Helm reads values: timestamps, binary
    and unknown tags keep their text (or their shape), and a value that does not fit its tag
    (`!!int abc`) is an error at its place."""


for _tag, _typed in _TYPED_SCALARS.items():
    _PlainConstructor.add_constructor(_tag, _strict(_typed))
for _shaped in (*(f"tag:yaml.org,2002:{name}" for name in ("timestamp", "binary", "set")), None):
    _PlainConstructor.add_constructor(_shaped, _by_shape)


def load_plain(text: str) -> object:
    """The single document of `text` as plain data (dicts, lists, str, int, float, bool,
    None); raise `YamlError` with a location when it cannot be loaded."""
    try:
        root = yaml.compose(text, Loader=_Loader)
        if root is None:
            return None
        _refuse_bombs(_Converter("", None), root, 0)
        return _PlainConstructor().construct_document(root)
    except (yaml.YAMLError, RecursionError) as error:
        raise _located(error) from None
