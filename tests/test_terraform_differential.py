"""The tree-sitter Terraform model against python-hcl2's, file by file.

python-hcl2 is the reference for HCL semantics (`opslint.parsers.terraform_hcl2`, which
also reads the files in which tree-sitter finds a syntax error). Over every `.tf` file of
../shared/corpus and of `tests/data/terraform`, both builders must give the same blocks
(class, type, labels, logical path, header, body and label spans), attributes (name,
spans, logical path), values (literals, expression text, function names and arguments,
object keys and their spans, tuple items) and facets.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, SHARED

from opslint.model.base import Span
from opslint.model.source import SourceFile
from opslint.model.terraform import Attribute, Block, Expression, Term, TerraformFile
from opslint.parsers.terraform import env_vars_of, parse_terraform, parse_terraform_vars
from opslint.parsers.terraform_hcl2 import hcl2_top_level

FIXTURES = ROOT / "tests" / "data" / "terraform"
CORPUS = SHARED / "corpus"

Outline = tuple[object, ...]


def span_of(span: Span) -> Outline:
    return (span.line, span.column, span.end_line, span.end_column)


def term_outline(term: Term) -> Outline:
    value = term.value
    if isinstance(value, Expression):
        shown: object = (
            "expression",
            value.text,
            span_of(value.span),
            value.function,
            tuple(term_outline(a) for a in value.arguments),
        )
    else:
        shown = (type(value).__name__, value)
    return (
        shown,
        span_of(term.span),
        {key: term_outline(entry) for key, entry in term.entries.items()},
        {key: span_of(span) for key, span in term.key_spans.items()},
        tuple(term_outline(item) for item in term.items),
        term.is_object,
        term.is_tuple,
        term.dynamic_keys,
    )


def attribute_outline(attribute: Attribute) -> Outline:
    return (
        attribute.name,
        span_of(attribute.span),
        span_of(attribute.name_span),
        attribute.logical,
        term_outline(attribute.term),
    )


def block_outline(block: Block) -> Outline:
    return (
        type(block).__name__,
        block.type,
        block.labels,
        block.logical,
        span_of(block.span),
        span_of(block.body_span),
        tuple(span_of(span) for span in block.label_spans),
        tuple(attribute_outline(a) for a in block.attributes.values()),
        tuple(block_outline(b) for b in block.blocks),
    )


def outline(document: TerraformFile) -> Outline:
    return (
        tuple(block_outline(block) for block in document.blocks),
        tuple(
            (e.name, e.value, span_of(e.span), span_of(e.value_span), e.origin, e.logical)
            for e in document.env_vars
        ),
        tuple((p.code, span_of(p.span)) for p in document.problems),
    )


def build_with_hcl2(source: SourceFile) -> TerraformFile:
    """The model of a `.tf` file as python-hcl2 reads it."""
    document = TerraformFile(source)
    document.blocks = hcl2_top_level(source.display, source.text)[0]
    document.env_vars = env_vars_of(document.blocks)
    return document


def tf_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.tf") if ".terraform" not in p.parts)


def source_of(path: Path, root: Path) -> SourceFile:
    display = path.relative_to(root).as_posix()
    text = path.read_bytes().decode("utf-8-sig")
    return SourceFile(path, display, text=text)


def fixture_files() -> list[Path]:
    return tf_files(FIXTURES)


def tree_sitter_reads(source: SourceFile) -> bool:
    """True when the tree-sitter grammar reads the whole file (python-hcl2 is then not
    asked, and the comparison is between the two parsers)."""
    import tree_sitter
    import tree_sitter_hcl

    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language()))
    return not parser.parse(source.text.encode("utf-8")).root_node.has_error


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: p.name)
def test_fixture_models_agree(path: Path) -> None:
    source = source_of(path, FIXTURES)
    assert tree_sitter_reads(source) == (path.name != "exponent.tf")
    assert outline(parse_terraform(source)) == outline(build_with_hcl2(source))


def test_fixtures_cover_every_construct() -> None:
    text = "\n".join(p.read_bytes().decode("utf-8") for p in fixture_files())
    for construct in (
        "<<EOT",
        "<<-",
        "%{ for",
        "%{ if",
        "${",
        'dynamic "',
        "[for ",
        "{ for ",
        "[*]",
        ".*.",
        "# ",
        "// ",
        "/*",
        "\r\n",
        "é",
        "moved {",
        "import {",
        'check "',
        "validation {",
        "= aws.replica",
        "depends_on",
        "locals {",
    ):
        assert construct in text, construct
    assert any(p.stat().st_size == 0 for p in fixture_files())


def test_corpus_models_agree(shared: Path) -> None:
    paths = tf_files(CORPUS)
    assert len(paths) > 100
    assert all(tree_sitter_reads(source_of(path, CORPUS)) for path in paths)
    differing = [
        path.relative_to(CORPUS).as_posix()
        for path in paths
        if outline(parse_terraform(source_of(path, CORPUS)))
        != outline(build_with_hcl2(source_of(path, CORPUS)))
    ]
    assert differing == []


def test_tfvars_agree() -> None:
    text = (FIXTURES / "values.tfvars").read_text(encoding="utf-8")
    source = SourceFile(Path("values.tfvars"), "values.tfvars", text=text)
    values = parse_terraform_vars(source).values
    reference = {a.name: a for a in hcl2_top_level(source.display, source.text)[1]}
    for attribute in reference.values():
        attribute.logical = f"var.{attribute.name}"
    assert len(values) == 4
    assert [attribute_outline(a) for a in values.values()] == [
        attribute_outline(reference[name]) for name in values
    ]


def test_binary_operation_ends_at_its_operand() -> None:
    text = "locals {\n  a = x + y # note\n  # more\n\n  b = 1\n}\n"
    document = parse_terraform(SourceFile(Path("m.tf"), "m.tf", text=text))
    attribute = document.blocks[0].attributes["a"]
    assert isinstance(attribute.value, Expression)
    assert (attribute.value.text, attribute.value.span) == ("x + y", Span("m.tf", 2, 7, 2, 12))
    assert attribute.span == Span("m.tf", 2, 3, 2, 12)
    reference = build_with_hcl2(SourceFile(Path("m.tf"), "m.tf", text=text))
    assert attribute_outline(reference.blocks[0].attributes["a"]) == attribute_outline(attribute)


def test_what_tree_sitter_cannot_read_python_hcl2_does() -> None:
    """`1e3` is HCL the tree-sitter grammar rejects: python-hcl2 reads the file."""
    source = source_of(FIXTURES / "exponent.tf", FIXTURES)
    locals_block = parse_terraform(source).blocks[0]
    assert locals_block.literal("thousand") == 1000.0
    total = locals_block.attributes["total"]
    assert isinstance(total.value, Expression) and total.value.text == "var.count * 2"
    assert total.span == Span("exponent.tf", 5, 3, 5, 27)


def test_a_number_hcl_does_not_have_is_the_reference_parse_error() -> None:
    """The grammar reads `0x1f` as a number; HCL has no such number, and python-hcl2 says
    where the file stops being HCL."""
    text = 'locals {\n  a = 0x1f\n}\nresource "aws_s3_bucket" "b" {}\n'
    document = parse_terraform(SourceFile(Path("hex.tf"), "hex.tf", text=text))
    assert document.blocks == []
    assert [(p.code, p.span.line, p.span.column, p.message) for p in document.problems] == [
        ("OP001", 3, 1, "HCL syntax error: unexpected `}`")
    ]


def test_non_ascii_columns_count_characters() -> None:
    text = 'locals {\n  t = ["é☕", { "ключ" = "значение", b = var.x }]\n}\n'
    source = SourceFile(Path("u.tf"), "u.tf", text=text)
    attribute = parse_terraform(source).blocks[0].attributes["t"]
    assert attribute.value_span == Span("u.tf", 2, 7, 2, 49)
    first, mapping = attribute.term.items
    assert (first.value, first.span) == ("é☕", Span("u.tf", 2, 8, 2, 12))
    assert mapping.key_spans == {
        "ключ": Span("u.tf", 2, 16, 2, 22),
        "b": Span("u.tf", 2, 37, 2, 38),
    }
    assert mapping.entries["ключ"].value == "значение"
    assert outline(parse_terraform(source)) == outline(build_with_hcl2(source))
