"""One driver for every rule's fixtures: `tests/rules/<CODE>/bad*.<ext>` and `good*.<ext>`.

Each bad file marks every expected finding with a comment line `# expect: CODE` (several
codes comma-separated) directly above the line the finding must start on. The driver runs
only that rule and asserts the exact set of (code, line) pairs; good files must give none.
The file's kind comes from its suffix (see KIND_SUFFIXES).

A fixture may also be a folder (`bad-chart/`, `good-module/`): it is checked as a whole,
each file's kind detected as in a real run, and the expectations of all its files count.
That is how Helm charts and multi-file Terraform modules are tested. A folder may hold an
`opslint.toml` (read like a project's config file): its rule options apply to that
fixture, so configurable rules are tested with their options set.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT, run_engine

from opslint.config import Config, read_file
from opslint.engine import Session
from opslint.fixer import Fixer, write_changes
from opslint.plugins import PluginManager

FIXTURES = ROOT / "tests" / "rules"
KIND_SUFFIXES = {
    ".Dockerfile": "dockerfile",
    ".compose.yaml": "compose",
    ".k8s.yaml": "kubernetes",
    ".workflow.yaml": "github-workflow",
    ".action.yaml": "github-action",
    ".gitlab-ci.yml": "gitlab-ci",
    ".circleci.yml": "circleci",
    ".rules.yaml": "prometheus",
    ".tf": "terraform",
    ".tfstate": "terraform-state",
    ".Jenkinsfile": "jenkinsfile",
}
_EXPECT = re.compile(r"^\s*(?:#|//)\s*expect:\s*(?P<codes>[A-Z0-9, ]+)\s*$")
_EXPECT_FILE = re.compile(r"^\s*(?:#|//)\s*expect-file:\s*(?P<codes>[A-Z0-9, ]+)\s*$")
"""`# expect-file: CODE` marks a finding on line 1 (files whose content is never read)."""


def kind_of(path: Path) -> str:
    """The kind a fixture's suffix names."""
    for suffix, kind in KIND_SUFFIXES.items():
        if path.name.endswith(suffix):
            return kind
    raise AssertionError(f"{path}: fixture suffix names no kind ({', '.join(KIND_SUFFIXES)})")


def expected(path: Path) -> set[tuple[str, int]]:
    """(code, line) pairs the `# expect:` comments of a fixture announce."""
    result: set[tuple[str, int]] = set()
    pending: list[str] = []
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        whole = _EXPECT_FILE.match(text)
        if whole:
            result.update((c.strip(), 1) for c in whole.group("codes").split(",") if c.strip())
            continue
        match = _EXPECT.match(text)
        if match:
            pending.extend(c.strip() for c in match.group("codes").split(",") if c.strip())
            continue
        result.update((code, number) for code in pending)
        pending = []
    return result


def fixture_files() -> list[Path]:
    """Every bad and good fixture file or folder."""
    return sorted(
        path
        for path in FIXTURES.glob("*/*")
        if path.name.startswith(("bad", "good")) and ".fixed" not in path.name
    )


def folder_expected(folder: Path) -> set[tuple[str, str, int]]:
    """(file, code, line) expectations of every file below a fixture folder."""
    return {
        (path.relative_to(folder).as_posix(), code, line)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
        for code, line in expected(path)
    }


def rule_config(code: str) -> Config | None:
    """The config a rule's fixture folder carries for its single-file fixtures, if any."""
    path = FIXTURES / code / "opslint.toml"
    return read_file(path) if path.is_file() else None


def fixed_twin(path: Path) -> Path:
    """Where the expected result of fixing a bad fixture lives: `bad.fixed.<ext>`."""
    stem, _, rest = path.name.partition(".")
    return path.with_name(f"{stem}.fixed.{rest}")


def fix_fixtures() -> list[Path]:
    """Every bad fixture file that has a `.fixed` twin."""
    return [p for p in fixture_files() if p.is_file() and fixed_twin(p).is_file()]


def folder_config(folder: Path) -> Config | None:
    """The config a fixture folder carries in its `opslint.toml`, if any."""
    path = folder / "opslint.toml"
    return read_file(path) if path.is_file() else None


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture(path: Path) -> None:
    code = path.parent.name
    # OP002 judges the suppressions of other rules, so it runs with all of them
    select = ("ALL",) if code == "OP002" else (code,)
    if path.is_dir():
        report = run_engine([path], select=select, config=folder_config(path))
        found: set[tuple[object, ...]] = {
            (
                Path(f.span.path).absolute().relative_to(path.absolute()).as_posix(),
                f.code,
                f.span.line,
            )
            for f in report.findings
            if f.code == code
        }
        want_all: set[tuple[object, ...]] = {
            item for item in folder_expected(path) if item[1] == code
        }
    else:
        report = run_engine([path], select=select, kind=kind_of(path), config=rule_config(code))
        found = {(f.code, f.span.line) for f in report.findings if f.code == code}
        want_all = {pair for pair in expected(path) if pair[0] == code}
    assert [note for note in report.notes if note.startswith(f"rule {code} failed")] == []
    if path.name.startswith("good"):
        assert found == set(), f"good fixture has findings: {report.findings}"
        assert want_all == set()
    else:
        assert want_all, "a bad fixture must mark at least one `# expect:` line"
        assert found == want_all


@pytest.mark.parametrize("path", fix_fixtures(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fix_fixture(path: Path, tmp_path: Path) -> None:
    """Fixing `bad` gives exactly `bad.fixed`, which then has none of the rule's findings."""
    code = path.parent.name
    work = tmp_path / path.name
    work.write_bytes(path.read_bytes())
    config = (rule_config(code) or Config(root=tmp_path)).with_overrides(select=(code,))
    plugins = PluginManager()
    plugins.load()
    result = Fixer(Session(config, plugins, forced_kind=kind_of(path)), unsafe=True).run([work])
    write_changes(result)
    assert result.not_written == [] and result.dropped == []
    assert work.read_bytes() == fixed_twin(path).read_bytes()  # line endings included
    again = run_engine([work], select=(code,), kind=kind_of(path), config=rule_config(code))
    assert [f for f in again.findings if f.code == code] == []
