"""`--shard K/N`: the shards of a run find together exactly what the run finds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from engine_tree import make_tree

from opslint.cli import main


def run(tree: Path, out: Path, *flags: str) -> dict[str, list[Any]]:
    main(["check", str(tree), "-q", "--no-cache", "-f", "json", "-o", str(out), *flags])
    data = json.loads(out.read_text())
    return {key: data[key] for key in ("findings", "suppressed")}


def combined(tree: Path, tmp_path: Path, count: int) -> tuple[list[Any], list[Any]]:
    """The findings and suppressed findings of every shard, in report order."""
    shards = [
        run(tree, tmp_path / f"{k}.json", "--shard", f"{k}/{count}") for k in range(1, count + 1)
    ]
    for first in range(count):
        for second in range(first + 1, count):
            paths = [{f["path"] for f in shards[n]["findings"]} for n in (first, second)]
            assert not paths[0] & paths[1]

    def order(finding: dict[str, Any]) -> tuple[str, int, int, str]:
        return (finding["path"], finding["line"], finding["column"], finding["code"])

    return (
        sorted((f for s in shards for f in s["findings"]), key=order),
        sorted((f for s in shards for f in s["suppressed"]), key=order),
    )


def test_four_shards_find_what_one_run_finds(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "tree")
    whole = run(tree, tmp_path / "whole.json")
    assert combined(tree, tmp_path, 4) == (whole["findings"], whole["suppressed"])
    shards = [run(tree, tmp_path / f"{k}.json", "--shard", f"{k}/4") for k in range(1, 5)]
    assert all(shard["findings"] for shard in shards)  # balanced by file count
    assert run(tree, tmp_path / "again.json", "--shard", "1/4") == shards[0]


def test_four_shards_of_the_corpus(shared: Path, tmp_path: Path) -> None:
    corpus = shared / "corpus"
    if not corpus.is_dir():
        pytest.skip("../shared/corpus is not there: the corpus comparison needs it")
    whole = run(corpus, tmp_path / "whole.json")
    assert combined(corpus, tmp_path, 4) == (whole["findings"], whole["suppressed"])


def test_a_bad_shard_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["check", str(tmp_path), "--shard", "5/4"])
    assert exit_info.value.code == 2
