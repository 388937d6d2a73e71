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
    "DC101": 39, "DC102": 81, "DC103": 81, "DC104": 71, "DC105": 4, "DC106": 2, "DC107": 3,
    "DF101": 60, "DF102": 62, "DF103": 1, "DF104": 4, "DF105": 3, "DF106": 20, "DF107": 11,
    "DF108": 36, "DF110": 7, "DF111": 10, "DF113": 1, "DF114": 2, "DF115": 1, "DF117": 4,
    "DF123": 1, "GH101": 449, "GH102": 58, "GH103": 11, "GH104": 217, "GH105": 15,
    "GH106": 29, "GH107": 13, "GH108": 1, "GH109": 2, "GH111": 1, "GL101": 1, "GL103": 3,
    "GL104": 11, "HL103": 1, "IM001": 171, "IM002": 396, "K8101": 119, "K8102": 121,
    "K8103": 128, "K8104": 130, "K8105": 1, "K8106": 131, "K8107": 132, "K8108": 131,
    "K8109": 131, "K8110": 8, "K8111": 10, "K8112": 27, "K8113": 124, "K8114": 57,
    "K8115": 12, "K8116": 2, "K8117": 2, "K8122": 1, "K8123": 6, "K8124": 10, "K8125": 4,
    "K8126": 286, "K8129": 175, "K8130": 112, "OP003": 6, "SE001": 36, "SH001": 9,
    "TF101": 2, "TF102": 6, "TF103": 1, "TF107": 2,
}  # fmt: skip


@pytest.mark.slow
def test_corpus_runs_clean_of_crashes(shared: Path) -> None:
    corpus = shared / "corpus"
    report = run_engine([corpus], select=("ALL",), config=Config(root=corpus))
    assert report.notes == []
    assert [f for f in report.findings if f.code == "OP001"] == []
    assert report.files_checked == 894
    assert dict(sorted(Counter(f.code for f in report.findings).items())) == SNAPSHOT
