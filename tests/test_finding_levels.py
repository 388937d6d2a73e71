"""A rule may give one finding its own severity; a configured override still wins."""

from __future__ import annotations

from pathlib import Path

from conftest import run_engine

from opslint.config import Config
from opslint.severity import Severity

WORKFLOW = """\
on: push
permissions: read-all
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@main
"""


def test_tag_is_warning_and_branch_is_error(tmp_path: Path) -> None:
    path = tmp_path / "ci.yml"
    path.write_text(WORKFLOW)
    report = run_engine([path], select=("GH101",), kind="github-workflow")
    levels = {(f.span.line, f.span.column): f.severity for f in report.findings}
    assert levels == {(7, 32): Severity.WARNING, (8, 34): Severity.ERROR}


def test_override_beats_finding_level(tmp_path: Path) -> None:
    path = tmp_path / "ci.yml"
    path.write_text(WORKFLOW)
    config = Config(root=tmp_path, severity={"GH101": Severity.INFO})
    report = run_engine([path], select=("GH101",), kind="github-workflow", config=config)
    assert {f.severity for f in report.findings} == {Severity.INFO}
