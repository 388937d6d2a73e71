"""`opslint fix` over a copy of the real-world corpus: safe to run on a repository.

With a config that gives every fix its values, fixing the whole corpus must leave every
file parseable (and every chart renderable), remove every finding it had an edit for,
change no line outside the spans of its edits, and reach a fixed point.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from opslint.config import read_file
from opslint.engine.fixer import Fixer, write_changes
from opslint.engine.runner import Session
from opslint.plugins import PluginManager

CONFIG = Path(__file__).parent / "data" / "fix-corpus.opslint.toml"


def session(root: Path) -> Session:
    config = read_file(CONFIG)
    assert config is not None
    plugins = PluginManager()
    plugins.load()
    return Session(config.with_overrides(root=root), plugins)


@pytest.mark.slow
def test_fixing_the_corpus_is_safe_and_converges(shared: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(shared / "corpus", corpus, symlinks=True)
    before = session(corpus).run([corpus])
    broken_before = {(f.code, f.span.path) for f in before.findings if f.code in ("OP001", "HL102")}

    started = time.perf_counter()
    result = Fixer(session(corpus), unsafe=True).run([corpus])
    write_changes(result)
    seconds = time.perf_counter() - started
    assert result.not_written == []
    assert result.dropped == []
    assert result.changes, "the corpus has fixable findings"

    after = session(corpus).run([corpus])
    broken_after = {(f.code, f.span.path) for f in after.findings if f.code in ("OP001", "HL102")}
    assert broken_after <= broken_before  # (1) everything still parses and renders
    left = [f for f in after.findings if f.fix is not None and f.fix.edits]
    assert left == []  # (2) every finding that had an edit is gone
    stray = {
        change.display: change.lines_outside_edits()
        for change in result.changes.values()
        if change.lines_outside_edits()
    }
    assert stray == {}  # (3) no line changed outside the spans of the edits
    again = Fixer(session(corpus), unsafe=True).run([corpus])
    assert again.changes == {}  # (4) a fixed point

    fixed = len(result.fixed)
    print(
        f"\ncorpus fix: {len(result.changes)} files, {fixed} findings fixed in "
        f"{result.passes} passes, {seconds:.1f} s; findings {len(before.findings)} -> "
        f"{len(after.findings)}"
    )
