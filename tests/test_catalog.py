"""The rules agree with the catalog (../shared/RULES.md): codes, names, severities,
default state, fix kinds and peers are public API.

Two fix kinds differ on purpose and are argued in the rules' docs: K8106 and K8107 are
unsafe (they stop images that run as root or write to their filesystem). One default
state differs on purpose and is argued in its doc: DF102 is off by default, as hadolint's
DL3057 is.
"""

from __future__ import annotations

import re
from pathlib import Path

from opslint.plugins import PluginManager
from opslint.rule import make_rule

ROW = re.compile(r"^\| ((?:[A-Z]{2}|K8)\d{3}) \| ([a-z0-9-]+) \|(.*)$")
FIX_KINDS_ARGUED = {"K8106": "unsafe", "K8107": "unsafe"}
OFF_BY_DEFAULT_ARGUED = {"DF102"}


def catalog(path: Path) -> dict[str, dict[str, object]]:
    rows: dict[str, dict[str, object]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if not match:
            continue
        code, name, rest = match.groups()
        cells = [cell.strip() for cell in rest.split("|")][:-1]
        if code[:2] in ("IM", "SE", "SH"):
            cells = cells[1:]  # the "applies to" column
        severity = cells[0]
        fix = "-" if code.startswith("OP") else cells[1].rstrip("*")
        peers = cells[3] if len(cells) > 3 else ""
        rows[code] = {
            "name": name,
            "severity": severity.split()[0],
            "off": "(off" in severity,
            "fix": fix,
            "peers": [p.strip() for p in peers.split(",") if p.strip() not in ("", "-")],
        }
    return rows


def test_rules_match_the_catalog(shared: Path) -> None:
    wanted = catalog(shared / "RULES.md")
    plugins = PluginManager()
    plugins.load(autoload=False)
    families = plugins.rule_families()
    functions = plugins.rule_functions()
    rules = {rule.code: rule for rule in (make_rule(f, o, families) for o, f in functions)}
    assert sorted(rules) == sorted(wanted)
    for code, row in wanted.items():
        spec = rules[code].spec
        assert spec.name == row["name"], code
        assert str(spec.severity) == row["severity"], code
        assert spec.default_enabled is not (row["off"] or code in OFF_BY_DEFAULT_ARGUED), code
        assert spec.fix == FIX_KINDS_ARGUED.get(code, row["fix"]), code
        if row["peers"]:
            assert list(spec.peers) == row["peers"], code
