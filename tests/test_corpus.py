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
    "DC101": 39, "DC102": 81, "DC103": 81, "DC104": 68, "DC105": 4, "DC106": 2, "DC107": 3,
    "DF101": 120, "DF102": 116, "DF103": 9, "DF104": 3, "DF105": 3, "DF106": 52, "DF107": 11,
    "DF108": 20, "DF110": 7, "DF111": 10, "DF113": 1, "DF114": 58, "DF115": 1, "DF117": 82,
    "DF123": 1, "GH101": 498, "GH102": 83, "GH103": 19, "GH104": 243, "GH105": 16, "GH106": 32,
    "GH107": 13, "GH108": 1, "GH109": 2, "GH111": 1, "GL101": 1, "GL103": 3, "GL104": 11,
    "HL103": 1, "IM001": 235, "IM002": 497, "K8101": 120, "K8102": 122, "K8103": 140, "K8104": 141,
    "K8105": 1, "K8106": 132, "K8107": 133, "K8108": 132, "K8109": 132, "K8110": 8, "K8111": 12,
    "K8112": 29, "K8113": 125, "K8114": 61, "K8115": 13, "K8116": 2, "K8117": 2, "K8119": 3,
    "K8120": 3, "K8122": 1, "K8123": 6, "K8124": 10, "K8125": 4, "K8126": 295, "K8129": 175,
    "K8130": 113, "OP003": 6, "PR101": 1, "PR103": 1, "SE001": 39, "SH001": 8, "TF101": 2,
    "TF102": 19, "TF103": 5, "TF106": 2, "TF107": 2,
}  # fmt: skip


@pytest.mark.slow
def test_corpus_runs_clean_of_crashes(shared: Path) -> None:
    corpus = shared / "corpus"
    report = run_engine([corpus], select=("ALL",), config=Config(root=corpus))
    assert report.notes == []
    assert [f for f in report.findings if f.code == "OP001"] == []
    assert report.files_checked == 1167
    assert dict(sorted(Counter(f.code for f in report.findings).items())) == SNAPSHOT
