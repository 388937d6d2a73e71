"""Every builtin rule is documented in the fixed shape and has good and bad fixtures."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

from opslint.plugins import PluginManager
from opslint.rule import DOC_SECTIONS, Rule, make_rule

PLUGINS = PluginManager()
PLUGINS.load(autoload=False)
FAMILIES = PLUGINS.rule_families()
RULES = [
    make_rule(function, origin, FAMILIES)
    for origin, function in PLUGINS.rule_functions()
    if origin == "opslint.rules"
]


def test_catalog_is_not_empty() -> None:
    assert len(RULES) >= 6


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_docstring_shape(rule: Rule) -> None:
    doc = rule.doc
    assert rule.summary.endswith("."), "the summary line is one sentence"
    headings = re.findall(r"^## (.+)$", doc, flags=re.MULTILINE)
    expected = [s for s in DOC_SECTIONS if s != "References"]
    if "Options" in headings:
        expected.insert(expected.index("Fix") + 1, "Options")
    expected.append("Variants")  # every builtin rule lists its peers' variants
    assert headings == [*expected, "References"]
    for heading in headings:
        body = doc.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
        assert body.strip(), f"section {heading!r} is empty"
    if rule.options_type is not None:
        assert "Options" in headings, "a rule with options documents them"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_fixtures_exist(rule: Rule) -> None:
    folder = ROOT / "tests" / "rules" / rule.code
    names = [p.name for p in folder.iterdir()] if folder.is_dir() else []
    assert any(n.startswith("bad") for n in names), f"{folder} needs a bad fixture"
    assert any(n.startswith("good") for n in names), f"{folder} needs a good fixture"


def test_codes_match_modules() -> None:
    codes = [rule.code for rule in RULES]
    assert len(codes) == len(set(codes))
    for rule in RULES:
        assert re.fullmatch(r"[A-Z][A-Z0-9]\d{3}", rule.code)
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.spec.name)
