"""Text edits on Terraform files (`opslint.edits.hcl`): placement, indentation, alignment."""

from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path

from opslint.edits.hcl import add_attribute, add_block, body_indent
from opslint.engine.fixer import apply_edits
from opslint.model.base import Edit, Finding, Fix, Span
from opslint.model.source import SourceFile
from opslint.model.terraform import Block, TerraformFile
from opslint.parsers.terraform import parse_terraform


def first_block(text: str, name: str = "main.tf") -> Block:
    document = parse_terraform(SourceFile(Path(name), name, text=text))
    assert isinstance(document, TerraformFile) and document.blocks
    return document.blocks[0]


def lines_of(text: str) -> list[str]:
    return [line.rstrip("\r") for line in text.split("\n")][: text.count("\n")]


def applied(text: str, edits: tuple[Edit, ...] | None) -> str:
    assert edits is not None
    fix = Fix("t", edits)
    result, taken = apply_edits(text, [(Finding(edits[0].span, "m", fix), edits)])
    assert len(taken) == 1
    return result


def add(text: str, name: str = "sensitive", value: str = "true") -> str:
    block = first_block(text)
    return applied(text, add_attribute(block, name, value, lines_of(text)))


def test_a_new_attribute_joins_an_aligned_group() -> None:
    text = textwrap.dedent(
        """\
        variable "db_password" {
          type        = string
          description = "Password."
        }
        """
    )
    assert add(text) == text.replace('"Password."\n', '"Password."\n  sensitive   = true\n')


def test_a_longer_name_widens_the_group() -> None:
    text = 'variable "x" {\n  type = string\n}\n'
    block = first_block(text)
    edits = add_attribute(block, "sensitive", "true", lines_of(text))
    assert edits is not None
    assert edits[0] == Edit(Span("main.tf", 2, 7, 2, 8), "      ")
    assert edits[1] == Edit(Span("main.tf", 2, 16, 2, 16), "\n  sensitive = true")
    assert applied(text, edits) == 'variable "x" {\n  type      = string\n  sensitive = true\n}\n'


def test_an_unaligned_group_gets_a_single_space() -> None:
    text = 'variable "x" {\n  type = string\n  description = "d"\n}\n'
    assert (
        add(text) == 'variable "x" {\n  type = string\n  description = "d"\n  sensitive = true\n}\n'
    )


def test_a_multi_line_attribute_ends_the_group() -> None:
    text = 'variable "x" {\n  type = map(string)\n  default = {\n    a = "b"\n  }\n}\n'
    assert add(text) == (
        'variable "x" {\n  type = map(string)\n  default = {\n    a = "b"\n  }\n'
        "  sensitive = true\n}\n"
    )


def test_a_blank_line_ends_the_group_and_nested_blocks_stay_last() -> None:
    text = textwrap.dedent(
        """\
        variable "x" {
          description = "d"

          type = string

          validation {
            condition     = true
            error_message = "e"
          }
        }
        """
    )
    assert add(text) == text.replace(
        "  type = string\n", "  type      = string\n  sensitive = true\n"
    )


def test_an_empty_body_is_opened_onto_lines() -> None:
    assert add('variable "x" {}\n') == 'variable "x" {\n  sensitive = true\n}\n'
    assert add('variable "x" {\n}\n') == 'variable "x" {\n  sensitive = true\n}\n'


def test_a_body_with_only_comments_gets_the_attribute_first() -> None:
    assert (
        add('variable "x" {\n  # note\n}\n') == 'variable "x" {\n  sensitive = true\n  # note\n}\n'
    )


def test_tabs_and_crlf_survive() -> None:
    text = 'variable "x" {\r\n\ttype = string\r\n}\r\n'
    assert add(text) == 'variable "x" {\r\n\ttype      = string\r\n\tsensitive = true\r\n}\r\n'


def test_no_edit_for_json_one_line_blocks_or_existing_attributes() -> None:
    one_line = 'variable "x" { type = string }\n'
    assert add_attribute(first_block(one_line), "sensitive", "true", lines_of(one_line)) is None
    present = 'variable "x" {\n  sensitive = false\n}\n'
    assert add_attribute(first_block(present), "sensitive", "true", lines_of(present)) is None
    block = first_block('variable "x" {\n}\n')
    block.span = dataclasses.replace(block.span, path="main.tf.json")
    assert add_attribute(block, "sensitive", "true", ['variable "x" {', "}"]) is None


def test_add_block_after_a_blank_line_in_the_body_indentation() -> None:
    text = 'resource "aws_s3_bucket" "b" {\n    bucket = "x"\n}\n'
    block = first_block(text)
    assert body_indent(block, lines_of(text)) == "    "
    edits = add_block(block, "lifecycle", [("prevent_destroy", "true")], lines_of(text))
    assert applied(text, edits) == (
        'resource "aws_s3_bucket" "b" {\n    bucket = "x"\n\n'
        "    lifecycle {\n      prevent_destroy = true\n    }\n}\n"
    )


def test_add_block_into_an_empty_body() -> None:
    text = 'resource "aws_s3_bucket" "b" {}\n'
    edits = add_block(first_block(text), "lifecycle", [("prevent_destroy", "true")], [text[:-1]])
    assert applied(text, edits) == (
        'resource "aws_s3_bucket" "b" {\n  lifecycle {\n    prevent_destroy = true\n  }\n}\n'
    )


def test_add_block_aligns_its_attributes_and_keeps_crlf() -> None:
    text = 'resource "a" "b" {\r\n  x = 1\r\n}\r\n'
    edits = add_block(
        first_block(text), "lifecycle", [("a", "1"), ("long_name", "2")], lines_of(text)
    )
    assert applied(text, edits) == (
        'resource "a" "b" {\r\n  x = 1\r\n\r\n  lifecycle {\r\n    a         = 1\r\n'
        "    long_name = 2\r\n  }\r\n}\r\n"
    )
