"""docs/rules/ is generated from the docstrings; this fails when it is stale."""

from __future__ import annotations

from conftest import ROOT
from test_rule_docs import FAMILIES, RULES

from opslint.docs import rendered_pages


def test_rule_pages_are_current() -> None:
    folder = ROOT / "docs" / "rules"
    expected = rendered_pages(RULES, FAMILIES)
    on_disk = {path.name: path.read_text(encoding="utf-8") for path in folder.glob("*.md")}
    stale = sorted(name for name in expected if on_disk.get(name) != expected[name])
    extra = sorted(set(on_disk) - set(expected))
    assert not stale and not extra, (
        f"regenerate with `python -m opslint.docs` (stale: {stale}, extra: {extra})"
    )


def test_rule_index_is_current() -> None:
    from opslint.docs import rule_index_module

    on_disk = (ROOT / "rules" / "_index.py").read_text(encoding="utf-8")
    assert on_disk == rule_index_module(RULES), "regenerate with `python -m opslint.docs`"
