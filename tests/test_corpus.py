"""The real-world corpus (../shared/corpus): no crash, no parse error, stable findings.

Two regression snapshots: the per-rule counts below, and every finding (code, path,
line, column) in `tests/data/corpus-findings.txt`, one `path:line:column CODE` line per
finding, sorted. A change in a rule's behaviour on real configs shows up here, in
review, and the snapshots are updated on purpose: re-record the findings with

    OPSLINT_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/test_corpus.py

and set SNAPSHOT to the counts the failing assertion then shows.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest
from conftest import ROOT, run_engine

from opslint.config import Config
from opslint.model.base import Finding

FINDINGS = ROOT / "tests" / "data" / "corpus-findings.txt"

SNAPSHOT = {
    "DC101": 39,
    "DC102": 81,
    "DC103": 81,
    "DC104": 68,
    "DC105": 4,
    "DC106": 2,
    "DC107": 3,
    "DF101": 58,
    "DF102": 74,
    "DF103": 1,
    "DF104": 3,
    "DF105": 3,
    "DF106": 19,
    "DF107": 11,
    "DF108": 20,
    "DF110": 7,
    "DF111": 5,
    "DF113": 1,
    "DF114": 2,
    "DF115": 1,
    "DF117": 52,
    "DF123": 1,
    "GH101": 498,
    "GH102": 83,
    "GH103": 16,
    "GH104": 233,
    "GH105": 15,
    "GH106": 27,
    "GH107": 13,
    "GH108": 1,
    "GH109": 2,
    "HL103": 1,
    "IM001": 151,
    "IM002": 239,
    "K8101": 111,
    "K8102": 122,
    "K8103": 129,
    "K8104": 92,
    "K8105": 1,
    "K8106": 132,
    "K8107": 125,
    "K8108": 124,
    "K8109": 124,
    "K8110": 8,
    "K8111": 12,
    "K8112": 25,
    "K8114": 49,
    "K8115": 26,
    "K8116": 2,
    "K8117": 2,
    "K8119": 3,
    "K8120": 1,
    "K8122": 1,
    "K8123": 5,
    "K8124": 10,
    "K8125": 4,
    "K8126": 259,
    "K8129": 175,
    "K8130": 113,
    "OP003": 5,
    "PR101": 1,
    "PR103": 1,
    "SE001": 32,
    "SH001": 8,
    "TF101": 1,
    "TF102": 19,
    "TF103": 1,
    "TF106": 2,
    "TF107": 2,
}  # fmt: skip


@pytest.mark.slow
def test_corpus_runs_clean_of_crashes(shared: Path) -> None:
    corpus = shared / "corpus"
    report = run_engine([corpus], select=("ALL",), config=Config(root=corpus))
    assert report.notes == []
    assert [f for f in report.findings if f.code == "OP001"] == []
    assert report.files_checked == 986  # the test-input folders (`test-cases/`) left out
    found = snapshot_lines(report.findings, corpus)
    if os.environ.get("OPSLINT_UPDATE_SNAPSHOTS") == "1":
        FINDINGS.write_text("".join(line + "\n" for line in found), encoding="utf-8")
    stored = FINDINGS.read_text(encoding="utf-8").splitlines()
    assert found == stored, changed_findings(stored, found)
    assert dict(sorted(Counter(f.code for f in report.findings).items())) == SNAPSHOT


@pytest.mark.slow
def test_test_input_folders_run_clean_of_crashes_too(shared: Path) -> None:
    """The default `exclude` skips test inputs; with none, every corpus file is read."""
    corpus = shared / "corpus"
    report = run_engine([corpus], select=("ALL",), config=Config(root=corpus, exclude=()))
    assert report.notes == []
    assert [f for f in report.findings if f.code == "OP001"] == []
    assert report.files_checked == 1167


def snapshot_lines(findings: list[Finding], corpus: Path) -> list[str]:
    """One `path:line:column CODE` line per finding, path relative to the corpus, sorted."""
    located = sorted(
        (Path(f.span.path).resolve().relative_to(corpus.resolve()).as_posix(), f.span.line,
         f.span.column, f.code)
        for f in findings
    )  # fmt: skip
    return [f"{path}:{line}:{column} {code}" for path, line, column, code in located]


def changed_findings(stored: list[str], found: list[str], most: int = 40) -> str:
    """The findings gone from and new to the snapshot, at most `most` of each."""
    gone = sorted((Counter(stored) - Counter(found)).elements())
    new = sorted((Counter(found) - Counter(stored)).elements())
    return "\n".join(
        [
            f"{len(gone)} findings gone, {len(new)} new (re-record: see the module docstring)",
            *(f"- {line}" for line in gone[:most]),
            *(f"+ {line}" for line in new[:most]),
        ]
    )


def test_changed_findings_name_what_went_and_what_came() -> None:
    stored = ["a/Dockerfile:1:1 DF101", "a/Dockerfile:3:5 DF106", "a/Dockerfile:3:5 DF106"]
    found = ["a/Dockerfile:1:1 DF101", "a/Dockerfile:3:5 DF106", "a/Dockerfile:3:9 DF106"]
    assert changed_findings(stored, found) == (
        "1 findings gone, 1 new (re-record: see the module docstring)\n"
        "- a/Dockerfile:3:5 DF106\n"
        "+ a/Dockerfile:3:9 DF106"
    )
