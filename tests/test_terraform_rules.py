"""Helpers of the Terraform rules TF106, TF108 and TF112, and their JSON-syntax behaviour."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import ROOT, run_engine

from opslint.config import Config
from opslint.model.base import Span
from opslint.model.source import SourceFile
from opslint.model.terraform import Resource, Term
from opslint.parsers.terraform import parse_terraform
from opslint.rules.terraform._taggable import AWS_TAGGABLE_TYPES
from opslint.rules.terraform.hardcoded_values import hardcoded_terms, is_catch_all
from opslint.rules.terraform.module_source_pinned import (
    ModuleSourcePinnedOptions,
    SourceKind,
    classify_source,
    is_fixed_ref,
    source_ref,
    unpinned_reason,
)
from opslint.rules.terraform.open_admin_ingress import (
    is_anywhere,
    open_admin_sources,
    parse_port_range,
)

# TF112 helpers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("22", (22, 22)),
        (" 3389 ", (3389, 3389)),
        ("20-30", (20, 30)),
        ("0-65535", (0, 65535)),
        ("*", (0, 65535)),
        ("30-20", None),
        ("70000", None),
        ("1-70000", None),
        ("", None),
        ("ssh", None),
        ("22-", None),
        ("-22", None),
    ],
)
def test_parse_port_range(text: str, expected: tuple[int, int] | None) -> None:
    assert parse_port_range(text) == expected


@pytest.mark.parametrize(
    ("value", "azure", "expected"),
    [
        ("0.0.0.0/0", False, True),
        ("::/0", False, True),
        ("0000:0000:0000:0000:0000:0000:0000:0000/0", False, True),
        ("0.0.0.0/1", False, False),
        ("10.0.0.0/8", False, False),
        ("0.0.0.0", False, False),
        ("*", False, False),
        ("*", True, True),
        ("Internet", True, True),
        ("Any", True, True),
        ("VirtualNetwork", True, False),
        ("0.0.0.0/0", True, True),
    ],
)
def test_is_anywhere(value: str, azure: bool, expected: bool) -> None:
    assert is_anywhere(value, azure) is expected


def _resources(text: str, name: str = "main.tf") -> list[Resource]:
    document = parse_terraform(SourceFile(Path(name), name, text=text))
    assert document.problems == []
    return document.resources


def _opened(text: str, ports: tuple[int, ...] = (22, 3389)) -> list[tuple[Span, list[int]]]:
    found: list[tuple[Span, list[int]]] = []
    for resource in _resources(text):
        found.extend((t.span, p) for t, p in open_admin_sources(resource, ports))
    return found


def test_security_group_port_range_and_protocol() -> None:
    text = """\
resource "aws_security_group" "a" {
  ingress {
    from_port   = 0
    to_port     = 1024
    protocol    = "TCP"
    cidr_blocks = ["0.0.0.0/0", "10.0.0.0/8"]
  }
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "icmp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
"""
    assert _opened(text) == [(Span("main.tf", 6, 20, 6, 31), [22])]
    assert _opened(text, ports=(5985,)) == []


def test_google_ports_with_a_variable_item() -> None:
    text = """\
resource "google_compute_firewall" "a" {
  allow {
    protocol = "tcp"
    ports    = [var.port, "3389"]
  }
  allow {
    protocol = "udp"
  }
  source_ranges = ["::/0"]
}
"""
    assert _opened(text) == [(Span("main.tf", 9, 20, 9, 26), [3389])]


def test_non_literal_protocol_or_direction_is_not_reported() -> None:
    text = """\
resource "google_compute_firewall" "a" {
  direction = var.direction
  allow {
    protocol = "all"
  }
  source_ranges = ["0.0.0.0/0"]
}

resource "aws_security_group_rule" "b" {
  type        = "ingress"
  protocol    = var.protocol
  from_port   = 22
  to_port     = 22
  cidr_blocks = ["0.0.0.0/0"]
}

resource "azurerm_network_security_rule" "c" {
  direction              = "Inbound"
  access                 = "Allow"
  protocol               = "Tcp"
  destination_port_range = var.port
  source_address_prefix  = "*"
}
"""
    assert _opened(text) == []


def test_open_admin_ingress_in_json_syntax() -> None:
    path = Path("tests/data/tf112.tf.json")
    text = """\
{
  "resource": {
    "aws_security_group": {
      "bastion": {
        "ingress": [
          {"from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]}
        ]
      }
    }
  }
}
"""
    source = SourceFile(path, str(path), text=text)
    source.kind = "terraform"
    document = parse_terraform(source)
    [resource] = document.resources
    [(term, ports)] = open_admin_sources(resource)
    assert (term.span, ports) == (Span(str(path), 6, 79, 6, 90), [22])


# TF108 helpers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("./modules/vpc", SourceKind.LOCAL),
        ("../..", SourceKind.LOCAL),
        ("../", SourceKind.LOCAL),
        ("hashicorp/consul/aws", SourceKind.REGISTRY),
        ("terraform-google-modules/project-factory/google//modules/svc", SourceKind.REGISTRY),
        ("app.terraform.io/acme/network/aws", SourceKind.REGISTRY),
        ("registry.example.com:8443/acme/network/aws", SourceKind.REGISTRY),
        ("github.com/hashicorp/example", SourceKind.GIT),
        ("github.com/hashicorp/example/aws", SourceKind.GIT),
        ("bitbucket.org/acme/modules", SourceKind.GIT),
        ("git@github.com:acme/modules.git", SourceKind.GIT),
        ("git::https://example.com/vpc.git", SourceKind.GIT),
        ("git::ssh://git@example.com/vpc.git", SourceKind.GIT),
        ("git://example.com/vpc.git", SourceKind.GIT),
        ("hg::https://example.com/vpc", SourceKind.MERCURIAL),
        ("https://example.com/vpc.zip", SourceKind.ARCHIVE),
        ("s3::https://s3-eu-west-1.amazonaws.com/bucket/vpc.zip", SourceKind.ARCHIVE),
        ("gcs::https://www.googleapis.com/storage/v1/bucket/vpc.zip", SourceKind.ARCHIVE),
        ("acme-modules.s3.amazonaws.com/vpc.zip", SourceKind.UNKNOWN),
        ("s3-eu-west-1.amazonaws.com/bucket/vpc.zip", SourceKind.ARCHIVE),
        ("modules/vpc", SourceKind.UNKNOWN),
        ("a/b/c/d", SourceKind.UNKNOWN),
    ],
)
def test_classify_source(source: str, kind: SourceKind) -> None:
    assert classify_source(source) is kind


def test_source_ref() -> None:
    assert source_ref("git::https://x/y.git//sub?ref=v1.2.0", SourceKind.GIT) == "v1.2.0"
    assert source_ref("git::https://x/y.git?depth=1&ref=main", SourceKind.GIT) == "main"
    assert source_ref("git::https://x/y.git?depth=1", SourceKind.GIT) is None
    assert source_ref("hg::https://x/y?rev=default", SourceKind.MERCURIAL) == "default"
    assert source_ref("hg::https://x/y?ref=default", SourceKind.MERCURIAL) is None


@pytest.mark.parametrize(
    ("ref", "fixed"),
    [
        ("v1.2.0", True),
        ("1.4", True),
        ("tags/1.4.0", True),
        ("refs/tags/v2.0.1-rc.1", True),
        ("release-2.3", True),
        ("6f1c2a9", True),
        ("6f1c2a9e0b7d4c3f8a5e2d1b0c9f8e7d6a5b4c3d", True),
        ("main", False),
        ("feature/login", False),
        ("v1", False),
        ("abc", False),
    ],
)
def test_is_fixed_ref(ref: str, fixed: bool) -> None:
    assert is_fixed_ref(ref) is fixed


def test_unpinned_reason() -> None:
    flexible = ModuleSourcePinnedOptions()
    strict = ModuleSourcePinnedOptions(strict=True)
    extra = ModuleSourcePinnedOptions(moving_refs=("Stable",))
    source = "github.com/acme/mod?ref=stable"
    assert unpinned_reason(source, flexible) is None
    assert unpinned_reason(source, extra) == "uses `ref=stable`, a branch that moves"
    assert unpinned_reason(source, strict) == (
        "uses `ref=stable`, neither a commit SHA nor a version tag"
    )
    assert unpinned_reason("github.com/acme/mod?ref=Main", flexible) == (
        "uses `ref=Main`, a branch that moves"
    )
    assert unpinned_reason("hg::https://x/y?rev=tip", flexible) == (
        "uses `rev=tip`, a branch that moves"
    )
    assert unpinned_reason("github.com/acme/mod", flexible) == (
        "has no `?ref=`, so it follows the default branch"
    )
    assert unpinned_reason("terraform-aws-modules/vpc/aws", strict) is None
    assert unpinned_reason("https://example.com/vpc.zip", strict) is None


def test_module_source_pinned_strict_option(tmp_path: Path) -> None:
    path = tmp_path / "main.tf"
    path.write_text(
        'module "a" {\n  source = "github.com/acme/mod?ref=stable"\n}\n', encoding="utf-8"
    )
    config = Config(root=tmp_path, rule_options={"TF108": {"strict": True}})
    report = run_engine([path], select=("TF108",), config=config)
    assert [(f.code, f.span.line, f.span.column) for f in report.findings] == [("TF108", 2, 12)]
    report = run_engine([path], select=("TF108",))
    assert report.findings == []


# TF106 helpers ---------------------------------------------------------------------------


def test_is_catch_all() -> None:
    assert is_catch_all("0.0.0.0/0")
    assert is_catch_all("::/0")
    assert not is_catch_all("10.0.0.0/8")
    assert not is_catch_all("not-a-cidr")


def test_hardcoded_terms() -> None:
    span = Span("x.tf", 1, 1, 1, 2)
    items = [Term("10.0.0.0/16", span), Term("0.0.0.0/0", span), Term("", span)]
    listed = Term(["10.0.0.0/16", "0.0.0.0/0", ""], span, items=items, is_tuple=True)
    assert [t.value for t in hardcoded_terms("cidr_blocks", listed)] == ["10.0.0.0/16"]
    assert list(hardcoded_terms("cidr_block", Term("subnet-a", span))) == []
    assert [t.value for t in hardcoded_terms("ami", Term("ami-123", span))] == ["ami-123"]
    assert list(hardcoded_terms("instance_type", Term(4, span))) == []


def test_hardcoded_values_arguments_option(tmp_path: Path) -> None:
    path = tmp_path / "main.tf"
    path.write_text(
        'resource "aws_instance" "a" {\n'
        '  ami           = "ami-123"\n'
        '  instance_type = "t3.micro"\n'
        "}\n",
        encoding="utf-8",
    )
    report = run_engine([path], select=("TF106",))
    assert [(f.span.line, f.span.column) for f in report.findings] == [(2, 19), (3, 19)]
    config = Config(root=tmp_path, rule_options={"TF106": {"arguments": ["instance_type"]}})
    report = run_engine([path], select=("TF106",), config=config)
    assert [(f.span.line, f.span.column) for f in report.findings] == [(3, 19)]


def test_taggable_types_come_from_the_shipped_list() -> None:
    """TF102's taggable types are the generated list, which names where it comes from."""
    data = json.loads(
        (ROOT / "rules" / "terraform" / "aws_taggable_resources.json").read_text(encoding="utf-8")
    )
    source = data["source"]
    assert source["repository"] == "https://github.com/terraform-linters/tflint-ruleset-aws"
    assert source["path"] == "rules/tags/resources.go"
    assert re.fullmatch(r"[0-9a-f]{40}", source["commit"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", source["commit_date"])
    types = data["resource_types"]
    assert types == sorted(set(types)) and all(t.startswith("aws_") for t in types)
    assert frozenset(types) == AWS_TAGGABLE_TYPES
    assert "aws_secretsmanager_secret" in AWS_TAGGABLE_TYPES
    assert "aws_secretsmanager_secret_rotation" not in AWS_TAGGABLE_TYPES
