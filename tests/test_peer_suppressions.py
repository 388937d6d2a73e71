"""Suppressions written for hadolint, checkov, kube-linter, tflint and zizmor."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_engine

from opslint.cli import main
from opslint.config import Config, ConfigError, from_mapping


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def outcome(
    paths: list[Path], select: tuple[str, ...], config: Config | None = None
) -> tuple[list[tuple[str, int]], list[tuple[str, int, str]]]:
    """(code, line) of the findings, and (code, line, suppressed_by) of the suppressed."""
    report = run_engine(paths, select=select, config=config)
    kept = sorted((f.code, f.span.line) for f in report.findings)
    gone = sorted(
        (f.code, f.span.line, f.suppressed[1].split(" at ")[0]) for f in report.suppressed
    )
    return kept, gone


DOCKERFILE = """\
# hadolint global ignore=DL3057
FROM alpine:3.20 AS build
RUN echo build
# hadolint ignore=DL3007,DL3059
FROM nginx:latest
FROM busybox:latest
#checkov:skip=CKV_DOCKER_3:the image runs as root on purpose
"""


def test_hadolint_and_checkov_comments_in_a_dockerfile(tmp_path: Path) -> None:
    path = write(tmp_path, "Dockerfile", DOCKERFILE)
    kept, gone = outcome([path], ("IM001", "DF101", "DF102", "OP002"))
    assert kept == [("IM001", 6)]
    assert gone == [
        ("DF101", 6, "checkov comment [CKV_DOCKER_3]"),
        ("DF102", 6, "hadolint comment [DL3057]"),
        ("IM001", 5, "hadolint comment [DL3007, DL3059]"),
    ]


def test_peer_suppressions_can_be_turned_off_wholly_or_per_tool(tmp_path: Path) -> None:
    path = write(tmp_path, "Dockerfile", DOCKERFILE)
    off = Config(root=tmp_path, peer_suppressions=())
    kept, gone = outcome([path], ("IM001", "DF101", "DF102"), off)
    assert sorted(kept) == [("DF101", 6), ("DF102", 6), ("IM001", 5), ("IM001", 6)]
    assert gone == []
    only_checkov = from_mapping({"peer-suppressions": ["checkov"]}, tmp_path, None)
    kept, gone = outcome([path], ("IM001", "DF101", "DF102"), only_checkov)
    assert [g[0] for g in gone] == ["DF101"]
    with pytest.raises(ConfigError, match="unknown tool"):
        from_mapping({"peer-suppressions": ["hadolynt"]}, tmp_path, None)


def test_checkov_and_tflint_comments_in_terraform(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "infra/main.tf",
        """\
# tflint-ignore-file: terraform_required_version
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
}

# tflint-ignore: aws_resource_missing_tags # tagged by the account's tag policy
resource "aws_sqs_queue" "jobs" {
  name = "jobs"
}

resource "aws_security_group" "bastion" {
  #checkov:skip=CKV_AWS_24:reached through the VPN only
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  tags = { team = "a", environment = "b", service = "c", cost-center = "d" }
}

resource "aws_security_group" "admin" {
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  tags = { team = "a", environment = "b", service = "c", cost-center = "d" }
}
""",
    )
    report = run_engine([path.parent], select=("TF102", "TF107", "TF112"))
    assert [(f.code, f.span.line) for f in report.findings] == [("TF112", 29)]
    assert sorted((f.code, f.span.line, f.suppressed[0]) for f in report.suppressed) == [
        ("TF102", 9, "tagged by the account's tag policy"),
        ("TF107", 2, "file suppression"),
        ("TF112", 19, "reached through the VPN only"),
    ]


def test_kube_linter_and_checkov_annotations(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "k8s.yaml",
        """\
apiVersion: v1
kind: Pod
metadata:
  name: legacy
  annotations:
    ignore-check.kube-linter.io/latest-tag: "vendor image, tags only latest"
    checkov.io/skip1: CKV_K8S_23=runs as root upstream
spec:
  containers:
    - name: app
      image: vendor/app:latest
---
apiVersion: v1
kind: Pod
metadata:
  name: fresh
spec:
  containers:
    - name: app
      image: vendor/app:latest
""",
    )
    kept, gone = outcome([path], ("IM001", "K8106"))
    assert kept == [("IM001", 20), ("K8106", 19)]
    assert gone == [
        ("IM001", 11, "kube-linter annotation [latest-tag]"),
        ("K8106", 10, "checkov annotation [CKV_K8S_23]"),
    ]


def test_zizmor_comment_in_a_workflow(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        ".github/workflows/ci.yml",
        """\
on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4 # zizmor: ignore[unpinned-uses] reviewed monthly
      - uses: actions/setup-node@v4
""",
    )
    kept, gone = outcome([path], ("GH101",))
    assert kept == [("GH101", 8)]
    assert gone == [("GH101", 7, "zizmor comment [unpinned-uses]")]


def test_peer_codes_we_do_not_map_are_not_op002(tmp_path: Path) -> None:
    path = write(tmp_path, "Dockerfile", "# hadolint ignore=DL3059\nFROM alpine:3.20\nUSER app\n")
    report = run_engine([path], select=("ALL",))
    assert [f.code for f in report.findings if f.code == "OP002"] == []


def test_show_suppressions_lists_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "Dockerfile", DOCKERFILE)
    code = main(["check", "--isolated", "--select", "IM001", "--show-suppressions", "Dockerfile"])
    out = capsys.readouterr().out
    assert code == 1
    assert (
        "Dockerfile:5:12 IM001 image-tag-pinned image `nginx:latest` uses the moving `latest` "
        "tag: pin a version or digest\n"
        "  = suppressed by hadolint comment [DL3007, DL3059] at Dockerfile:4: line suppression\n"
    ) in out
    assert "1 finding (1 error) in 1 file, 1 suppressed" in out
