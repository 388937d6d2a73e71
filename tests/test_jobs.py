"""`--jobs`: units, and worker processes whose report is byte for byte that of one process."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from engine_tree import make_tree

from opslint.cli import main
from opslint.config import Config
from opslint.engine.options import MIN_PARALLEL_FILES
from opslint.engine.parallel import Executor, _detect
from opslint.engine.runner import Session
from opslint.engine.units import partition
from opslint.plugins import PluginManager

FORMATS = ("text", "json", "sarif", "github", "gitlab")


def check(
    tree: Path, out: Path, capsys: pytest.CaptureFixture[str], *flags: str
) -> tuple[int, str]:
    """Exit status and stderr (the time in the summary left out) of one check."""
    status = main(["check", str(tree), "--no-cache", "-o", str(out), *flags])
    return status, re.sub(r"\[\d+\.\d+s\]", "[s]", capsys.readouterr().err)


@pytest.mark.parametrize("fmt", FORMATS)
def test_workers_report_what_one_process_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    tree = make_tree(tmp_path / "tree")
    one = check(tree, tmp_path / "one", capsys, "-j", "1", "-f", fmt)
    two = check(tree, tmp_path / "two", capsys, "-j", "2", "-f", fmt)
    assert one == two
    assert one[0] == 1
    assert (tmp_path / "one").read_bytes() == (tmp_path / "two").read_bytes()


def test_units_join_what_the_views_join(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "tree")
    session = Session(Config(root=tmp_path), PluginManager())
    session.plugins.load()
    files = sorted(p for p in tree.rglob("*") if p.is_file())
    assert len(files) >= MIN_PARALLEL_FILES
    shown = [(path, path.relative_to(tmp_path).as_posix()) for path in files]
    boundary = session.boundary([tree])
    targets, notes = _detect(
        Executor(session, 1), boundary, shown, [None] * len(shown), None, "", True
    )
    groups = [sorted(t.display for t in unit.targets) for unit in partition(targets)]
    assert notes == []
    assert [group for group in groups if len(group) > 1] == [
        ["tree/app/Dockerfile", "tree/app/compose.yaml"],
        ["tree/infra/main.tf", "tree/infra/variables.tf"],
        ["tree/k8s/account.yaml", "tree/k8s/deploy.yaml", "tree/k8s/service.yaml"],
    ]
    # a file of CustomResourceDefinitions alone joins no other manifest
    assert ["tree/k8s/crds.yaml"] in groups
    assert len(groups) == 3 + 1 + 60


def test_rules_are_made_once_for_every_set_of_kinds(tmp_path: Path) -> None:
    """A Helm chart's templates add kinds after detection: choosing the rules again reuses
    the rules made already."""
    session = Session(Config(root=tmp_path), PluginManager())
    session.plugins.load()
    chart = frozenset({"helm-chart"})
    every, enabled = session.rules(chart)
    again, enabled_again = session.rules(chart | {"helm-template", "helm-values"})
    assert [rule.code for rule in again] == [rule.code for rule in every]
    assert all(first is second for first, second in zip(every, again, strict=True))
    assert enabled_again == enabled
    docker, _ = session.rules(frozenset({"dockerfile"}))
    assert "DF101" in {rule.code for rule in docker} - {rule.code for rule in every}
    assert {rule.code: rule for rule in docker}["OP001"] is {r.code: r for r in every}["OP001"]


def test_corpus_with_workers(
    shared: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = shared / "corpus"
    if not corpus.is_dir():
        pytest.skip("../shared/corpus is not there: the corpus comparison needs it")
    one = check(corpus, tmp_path / "one", capsys, "-j", "1", "-f", "json")
    two = check(corpus, tmp_path / "two", capsys, "-j", "2", "-f", "json")
    assert one == two
    assert (tmp_path / "one").read_bytes() == (tmp_path / "two").read_bytes()
