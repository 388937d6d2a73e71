"""The real-world corpus (../shared/corpus): no crash, no parse error, stable findings.

The per-rule counts are a regression snapshot: a change in a rule's behaviour on real
configs shows up here, in review, and the snapshot is updated on purpose.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from conftest import run_engine

from opslint.config import Config

SNAPSHOT = {
    "DC101": 39, "DC103": 81, "DC104": 71, "DC105": 4, "DF101": 60, "DF102": 62,
    "GH101": 449, "GH102": 58, "GL101": 1, "HL103": 1, "IM001": 171, "K8101": 119,
    "K8102": 121, "K8103": 128, "K8104": 130, "K8106": 131, "K8108": 131, "K8110": 8, "K8111": 10,
    "OP003": 6, "SE001": 34, "SH001": 9, "TF101": 2, "TF102": 6,
    "TF103": 1, "TF107": 2,
}  # fmt: skip


@pytest.mark.slow
def test_corpus_runs_clean_of_crashes(shared: Path) -> None:
    corpus = shared / "corpus"
    report = run_engine([corpus], select=("ALL",), config=Config(root=corpus))
    assert report.notes == []
    assert [f for f in report.findings if f.code == "OP001"] == []
    assert report.files_checked == 894
    assert dict(sorted(Counter(f.code for f in report.findings).items())) == SNAPSHOT
