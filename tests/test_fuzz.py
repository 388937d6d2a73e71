"""Mutated input of every kind never escapes containment (see `fuzzing.py`).

From a fixed seed, thousands of mutated files per kind are checked in batches next to a
valid Dockerfile: no exception leaves the run or a reporter, no rule, parser or hook
fails, no file runs out of its time budget, the neighbour's finding is always reported,
and `opslint fix` neither crashes nor breaks a file that parsed. Crashes the longer
campaign (`benchmarks/fuzz.py`) ever found are kept under `tests/data/fuzz/` and replayed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fuzzing import (
    CASES,
    REASON_FILE,
    Crash,
    Runner,
    batched,
    cases,
    read_case,
    run_batches,
    scratch,
    seeds,
)

SEED = 20261204
PER_KIND = 2000
COUNTS = {seed.kind: PER_KIND for seed in seeds()} | {"helm-chart": 150}
"""A chart renders through Helm: fewer of them."""
BATCH = 250
FIX_EVERY = 40
"""`opslint fix` runs on every 40th case (about 560)."""
JOBS = min(2, os.cpu_count() or 1)


@pytest.fixture(scope="module")
def workspace() -> Iterator[Path]:
    with scratch() as folder:
        yield Path(folder)


def _described(crashes: list[Crash]) -> list[str]:
    return [f"{c.case.name} {c.case.mutations}: {c.reason}" for c in crashes]


def test_mutated_inputs_of_every_kind_never_escape_containment(workspace: Path) -> None:
    found = run_batches(batched(cases(SEED, COUNTS), BATCH), workspace, jobs=JOBS)
    assert _described(found) == []


def test_fix_on_mutated_inputs_never_crashes_or_breaks_a_file(workspace: Path) -> None:
    sample = (case for index, case in enumerate(cases(SEED, COUNTS)) if index % FIX_EVERY == 0)
    found = run_batches(batched(sample, 20), workspace, jobs=JOBS, mode="fix")
    assert _described(found) == []


def test_cases_are_the_same_for_the_same_seed() -> None:
    first = [case.name for case in cases(SEED, {"compose": 50})]
    assert first == [case.name for case in cases(SEED, {"compose": 50})]
    assert first != [case.name for case in cases(SEED + 1, {"compose": 50})]
    assert len(set(first)) > 40


def _kept() -> list[Path]:
    return sorted(CASES.iterdir()) if CASES.is_dir() else []


@pytest.mark.parametrize("folder", _kept(), ids=lambda folder: folder.name)
def test_kept_crash_stays_fixed(folder: Path, tmp_path: Path) -> None:
    runner = Runner(tmp_path)
    case = read_case(folder)
    reason = (folder / REASON_FILE).read_text(encoding="utf-8")
    crashes = runner.fix([case]) if reason.startswith("fix") else runner.check([case])
    assert _described(crashes) == []
