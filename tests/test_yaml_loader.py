"""The YAML loader: located trees, duplicate keys, merge keys, errors and alias bombs."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from opslint.engine.discovery import reader
from opslint.model.base import Span
from opslint.model.source import SourceError, SourceFile, decode
from opslint.model.yamltree import YMap, YScalar, YSeq
from opslint.parsers.yamldoc import duplicate_problems
from opslint.parsers.yamlload import YamlError, load_yaml, yaml_of

PATH = "x.yaml"


def span(line: int, column: int, end_line: int, end_column: int) -> Span:
    return Span(PATH, line, column, end_line, end_column)


def root(text: str) -> YMap:
    loaded = load_yaml(text, PATH)
    node = loaded.documents[0].root
    assert isinstance(node, YMap)
    return node


def test_spans_of_keys_and_values() -> None:
    tree = root("services:\n  web:\n    image: nginx:1.27\n    ports: ['80:80']\n")
    web = tree.map("services")
    assert web is not None
    web = web.map("web")
    assert web is not None
    image = web.get("image")
    assert isinstance(image, YScalar)
    assert image.value == "nginx:1.27"
    assert image.span == span(3, 12, 3, 22)
    assert web.key_span("image") == span(3, 5, 3, 10)
    ports = web.get("ports")
    assert isinstance(ports, YSeq)
    assert ports.items[0].span == span(4, 13, 4, 20)


def test_scalar_types_and_on_key() -> None:
    tree = root("on: push\nn: 3\nf: 1.5\nb: true\nz: null\ns: '3'\nd: 2024-01-01\n")
    assert "on" in tree
    values = {key: node.value for key, node in tree.entries.items() if isinstance(node, YScalar)}
    assert values == {
        "on": "push",
        "n": 3,
        "f": 1.5,
        "b": True,
        "z": None,
        "s": "3",
        "d": "2024-01-01",
    }


def test_duplicate_keys_are_recorded() -> None:
    loaded = load_yaml("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n", PATH)
    dupes = [(d.key, d.span.line, d.span.column, d.first.line) for d in loaded.duplicates]
    assert dupes == [("c", 4, 3, 3), ("a", 5, 1, 1)]
    problems = duplicate_problems(loaded)
    assert [(p.code, p.span.line) for p in problems] == [("OP003", 4), ("OP003", 5)]
    assert "line 3" in problems[0].message


def test_merge_keys() -> None:
    tree = root("base: &b\n  x: 1\n  y: 2\nchild:\n  <<: *b\n  y: 3\n")
    child = tree.map("child")
    assert child is not None
    assert {k: v.value for k, v in child.entries.items() if isinstance(v, YScalar)} == {
        "x": 1,
        "y": 3,
    }


def test_multiple_documents_and_empty() -> None:
    loaded = load_yaml("a: 1\n---\n---\nb: 2\n", PATH)
    assert len(loaded.documents) == 3
    empty = loaded.documents[1].root
    assert empty is None or (isinstance(empty, YScalar) and empty.value is None)
    assert load_yaml("", PATH).documents == []


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("services:\n  web:\n    image: x\n     ports: [1]\n", 4, 11),
        ("a: [1, 2\nb: 3\n", 2, 2),
        ("a: 'unterminated\n", 2, 1),
        ("key: value\n\tother: 1\n", 2, 1),
    ],
)
def test_syntax_errors_carry_the_location(text: str, line: int, column: int) -> None:
    with pytest.raises(YamlError) as caught:
        load_yaml(text, PATH)
    assert (caught.value.line, caught.value.column) == (line, column)
    assert caught.value.message


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    with pytest.raises(YamlError) as caught:
        load_yaml("a: " + "[" * 10_000 + "]" * 10_000 + "\n", PATH)
    assert "depth" in caught.value.message or "deep" in caught.value.message


def billion_laughs() -> str:
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    previous = "a"
    for name in "bcdefghi":
        text += f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]\n"
        previous = name
    return text


def test_alias_bomb_is_refused_fast() -> None:
    started = time.perf_counter()
    with pytest.raises(YamlError) as caught:
        load_yaml(billion_laughs(), PATH)
    assert "alias bomb" in caught.value.message
    assert time.perf_counter() - started < 2


def test_recursive_alias_does_not_hang() -> None:
    tree = root("a: &x\n  b: *x\n")
    inner = tree.map("a")
    assert inner is not None
    assert inner.map("b") is inner


def test_decode_bom_crlf_and_bad_bytes() -> None:
    assert decode(b"\xef\xbb\xbfa: 1\n") == "a: 1\n"
    with pytest.raises(SourceError) as caught:
        decode(b"a: 1\nb: x\xffy\n")
    assert (caught.value.line, caught.value.column) == (2, 5)
    with pytest.raises(SourceError, match="binary"):
        decode(b"\x00\x01")
    source = SourceFile(Path(PATH), PATH, text="a: 1\r\nb:\r\n  c: 2\r\n")
    assert source.lines == ["a: 1", "b:", "  c: 2"]
    tree = yaml_of(source).documents[0].root
    assert yaml_of(source) is yaml_of(source)  # loaded once per source
    assert isinstance(tree, YMap)
    inner = tree.map("b")
    assert inner is not None
    assert inner.key_span("c") == span(3, 3, 3, 4)


def test_bom_file_columns(tmp_path: Path) -> None:
    file = tmp_path / "x.yaml"
    file.write_bytes(b"\xef\xbb\xbfimage: nginx\n")
    source = SourceFile(file, PATH, read=reader(None))
    tree = yaml_of(source).documents[0].root
    assert isinstance(tree, YMap)
    assert tree.key_span("image") == span(1, 1, 1, 6)
    value = tree.get("image")
    assert value is not None
    assert value.span == span(1, 8, 1, 13)
