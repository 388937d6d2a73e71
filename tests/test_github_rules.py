"""GitHub workflow rules: exact locations and the shell reading they share."""

from __future__ import annotations

from pathlib import Path

from conftest import run_engine

from opslint.severity import Severity

WORKFLOW = """\
on:
  pull_request_target:
permissions:
  contents: read
jobs:
  build:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: |
          echo start
          echo "${{ github.event.pull_request.title }}" \\
            && docker push ghcr.io/acme/web:latest
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: |
            ghcr.io/acme/api:main
  gated:
    runs-on: ubuntu-24.04
    environment: review
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.head_ref }}
"""


def findings(tmp_path: Path, code: str) -> list[tuple[int, int, int, int, str, Severity]]:
    path = tmp_path / "ci.yml"
    path.write_text(WORKFLOW, encoding="utf-8")
    report = run_engine([path], select=(code,), kind="github-workflow")
    return sorted(
        (
            f.span.line,
            f.span.column,
            f.span.end_line,
            f.span.end_column,
            f.logical,
            f.severity,
        )
        for f in report.findings
        if f.code == code
    )


def test_template_injection_points_at_the_expression(tmp_path: Path) -> None:
    assert findings(tmp_path, "GH110") == [(14, 17, 14, 55, "job:build/step:1", Severity.ERROR)]


def test_dangerous_trigger_points_at_the_ref(tmp_path: Path) -> None:
    assert findings(tmp_path, "GH109") == [
        (11, 16, 11, 57, "job:build/step:0", Severity.ERROR),
        (27, 16, 27, 38, "job:gated/step:0", Severity.WARNING),
    ]


def test_immutable_image_tag_points_at_the_tag(tmp_path: Path) -> None:
    assert findings(tmp_path, "GH108") == [
        (15, 28, 15, 51, "job:build/step:1", Severity.WARNING),
        (20, 13, 20, 34, "job:build/step:2", Severity.WARNING),
    ]


def test_deploy_environment_anchors_at_the_job_key(tmp_path: Path) -> None:
    assert findings(tmp_path, "GH103") == [(6, 3, 6, 8, "job:build", Severity.WARNING)]


def test_action_pinned_points_at_the_ref_inside_a_block_scalar(tmp_path: Path) -> None:
    path = tmp_path / "ci.yml"
    path.write_text(
        "on: push\njobs:\n  build:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - uses: |\n          some-org/action@main\n",
        encoding="utf-8",
    )
    report = run_engine([path], select=("GH101",), kind="github-workflow")
    assert [
        (f.span.line, f.span.column, f.span.end_line, f.span.end_column) for f in report.findings
    ] == [(7, 27, 7, 31)]
    assert report.findings[0].message.startswith(
        "action `some-org/action` follows the branch `main`"
    )
