"""Baselines: keyed by file, object and rule, never by line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from opslint.cli import main

COMPOSE = """\
services:
  web:
    image: nginx:latest
  worker:
    image: busybox:1.36
"""


def run(*args: str) -> int:
    return main(["check", "--isolated", "--select", "IM001,DC101", *args])


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "compose.yaml").write_text(COMPOSE, encoding="utf-8")
    return tmp_path


def test_write_then_check_against_the_baseline(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("--write-baseline", "opslint-baseline.json", "compose.yaml") == 0
    written = json.loads((project / "opslint-baseline.json").read_text(encoding="utf-8"))
    assert written["version"] == 1
    assert [(e["path"], e["code"], e["object"], e["count"]) for e in written["findings"]] == [
        ("compose.yaml", "DC101", "service:web", 1),
        ("compose.yaml", "DC101", "service:worker", 1),
        ("compose.yaml", "IM001", "service:web", 1),
    ]
    assert "line" not in json.dumps(written["findings"])
    capsys.readouterr()
    assert run("--baseline", "opslint-baseline.json", "compose.yaml") == 0
    assert "0 findings in 1 file, 3 in baseline" in capsys.readouterr().out


def test_unrelated_edits_do_not_resurrect_baselined_findings(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run("--write-baseline", "opslint-baseline.json", "compose.yaml")
    moved = "# a comment\nx-common: &common\n  restart: unless-stopped\n\n" + COMPOSE
    moved = moved.replace("busybox:1.36", "busybox:latest")
    (project / "compose.yaml").write_text(moved, encoding="utf-8")
    capsys.readouterr()
    assert run("--baseline", "opslint-baseline.json", "-f", "json", "compose.yaml") == 1
    data = json.loads(capsys.readouterr().out)
    # web moved down four lines and stays baselined; worker's new `latest` is reported
    assert [(f["code"], f["line"], f["object"]) for f in data["findings"]] == [
        ("IM001", 9, "service:worker"),
    ]


def test_a_second_finding_of_the_same_kind_on_an_object_is_new(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "k8s.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n"
        "    - name: a\n      image: nginx:latest\n",
        encoding="utf-8",
    )
    assert (
        main(["check", "--isolated", "--select", "IM001", "--write-baseline", "b.json", "k8s.yaml"])
        == 0
    )
    with (project / "k8s.yaml").open("a", encoding="utf-8") as handle:
        handle.write("      env: []\n    - name: b\n      image: redis:latest\n")
    capsys.readouterr()
    assert (
        main(
            [
                "check",
                "--isolated",
                "--select",
                "IM001",
                "--baseline",
                "b.json",
                "-f",
                "json",
                "k8s.yaml",
            ]
        )
        == 1
    )
    data = json.loads(capsys.readouterr().out)
    assert [(f["line"], f["object"]) for f in data["findings"]] == [
        (11, "Pod/default/p/container:b"),
    ]


def test_baseline_paths_are_relative_to_the_baseline_file(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "ci").mkdir()
    run("--write-baseline", "ci/baseline.json", "compose.yaml")
    entries = json.loads((project / "ci/baseline.json").read_text(encoding="utf-8"))["findings"]
    assert {e["path"] for e in entries} == {"../compose.yaml"}
    monkeypatch.chdir(project / "ci")
    capsys.readouterr()
    assert (
        main(
            [
                "check",
                "--isolated",
                "--select",
                "IM001,DC101",
                "--baseline",
                "baseline.json",
                "../compose.yaml",
            ]
        )
        == 0
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read baseline"),
        ("not json", "is not JSON"),
        ('{"version": 7}', "is not an opslint baseline"),
        ('{"version": 1, "findings": [{"path": "x"}]}', "malformed entry"),
    ],
)
def test_bad_baselines_are_usage_errors(
    project: Path, capsys: pytest.CaptureFixture[str], content: str | None, message: str
) -> None:
    if content is not None:
        (project / "b.json").write_text(content, encoding="utf-8")
    assert run("--baseline", "b.json", "compose.yaml") == 2
    assert message in capsys.readouterr().err
