"""One driver for every rule's fixtures: `tests/rules/<CODE>/bad*.<ext>` and `good*.<ext>`.

Each bad file marks every expected finding with a comment line `# expect: CODE` (several
comma-separated) directly above the line the finding must start on. `CODE@COL` also
fixes the 1-based column the finding starts at, and `CODE@COL-END` the column its span
ends before (exclusive, as spans count it) on that same line, so that a finding that
moves within its line fails. The driver runs only that rule: every finding must meet an
expectation and every expectation must be met; good files must give none. The file's
kind comes from its suffix (see KIND_SUFFIXES). `python tests/fixture_columns.py` writes
the columns the rules report today into expectations that have none.

A fixture may also be a folder (`bad-chart/`, `good-module/`): it is checked as a whole,
each file's kind detected as in a real run, and the expectations of all its files count.
That is how Helm charts and multi-file Terraform modules are tested. A folder may hold an
`opslint.toml` (read like a project's config file): its rule options apply to that
fixture, so configurable rules are tested with their options set.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT, run_engine

from opslint.config import Config, read_file
from opslint.engine.fixer import Fixer, write_changes
from opslint.engine.runner import Session
from opslint.model.base import Finding, Span
from opslint.plugins import PluginManager
from opslint.report import Report

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
_CODES = r"(?P<codes>\S.*?)"
_EXPECT = re.compile(rf"^\s*(?:#|//)\s*expect:\s*{_CODES}\s*$")
_EXPECT_FILE = re.compile(rf"^\s*(?:#|//)\s*expect-file:\s*{_CODES}\s*$")
"""`# expect-file: CODE` marks a finding on line 1 (files whose content is never read)."""
_ITEM = re.compile(r"^(?P<code>[A-Z][A-Z0-9]*)(?:@(?P<column>\d+)(?:-(?P<end>\d+))?)?$")


@dataclass(frozen=True, order=True)
class Expect:
    """One `# expect:` item: a code on a line, maybe at a column and ending at another."""

    code: str
    line: int
    column: int | None = None
    end_column: int | None = None

    def met_by(self, finding: Finding) -> bool:
        """Whether a finding is the one this expectation announces."""
        span = finding.span
        return (
            (finding.code, span.line) == (self.code, self.line)
            and self.column in (None, span.column)
            and self.end_column in (None, span.end_column if span.end_line == span.line else -1)
        )

    def item(self) -> str:
        """The expectation as a `# expect:` item: `CODE`, `CODE@COL` or `CODE@COL-END`."""
        column = f"@{self.column}" if self.column else ""
        end = f"-{self.end_column}" if self.end_column else ""
        return f"{self.code}{column}{end}"

    def __str__(self) -> str:
        return f"line {self.line}: {self.item()}"


def parse_items(codes: str, line: int) -> list[Expect]:
    """The expectations of one comment's comma-separated items, for `line`."""
    items = []
    for text in (part.strip() for part in codes.split(",")):
        match = _ITEM.match(text)
        if not text:
            continue
        assert match, f"`{text}` is not CODE, CODE@COL or CODE@COL-END"
        column, end = match.group("column"), match.group("end")
        items.append(
            Expect(
                match.group("code"),
                line,
                int(column) if column else None,
                int(end) if end else None,
            )
        )
    return items


def kind_of(path: Path) -> str:
    """The kind a fixture's suffix names."""
    for suffix, kind in KIND_SUFFIXES.items():
        if path.name.endswith(suffix):
            return kind
    raise AssertionError(f"{path}: fixture suffix names no kind ({', '.join(KIND_SUFFIXES)})")


def expected(path: Path) -> list[Expect]:
    """The expectations the `# expect:` comments of a fixture announce."""
    result: list[Expect] = []
    pending: list[str] = []
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        whole = _EXPECT_FILE.match(text)
        if whole:
            result.extend(parse_items(whole.group("codes"), 1))
            continue
        match = _EXPECT.match(text)
        if match:
            pending.append(match.group("codes"))
            continue
        for codes in pending:
            result.extend(parse_items(codes, number))
        pending = []
    return sorted(set(result))


def unmet(
    findings: Iterable[Finding], expects: Iterable[Expect]
) -> tuple[list[Finding], list[Expect]]:
    """The findings no expectation announces, and the expectations no finding meets."""
    findings, expects = list(findings), list(expects)
    stray = [f for f in findings if not any(e.met_by(f) for e in expects)]
    missing = [e for e in expects if not any(e.met_by(f) for f in findings)]
    return stray, missing


def describe(stray: list[Finding], missing: list[Expect], prefix: str = "") -> str:
    """What a failed comparison shows: the unexpected findings and the unmet expectations."""
    return "\n".join(
        [
            *(
                f"unexpected: {prefix}line {f.span.line}: {f.code}@{f.span.column}-"
                f"{f.span.end_column} {f.message}"
                for f in stray
            ),
            *(f"missing: {prefix}{e}" for e in missing),
        ]
    )


def fixture_files() -> list[Path]:
    """Every bad and good fixture file or folder."""
    return sorted(
        path
        for path in FIXTURES.glob("*/*")
        if path.name.startswith(("bad", "good")) and ".fixed" not in path.name
    )


def folder_expected(folder: Path) -> dict[str, list[Expect]]:
    """The expectations of every file below a fixture folder, by relative path."""
    return {
        path.relative_to(folder).as_posix(): expected(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
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
    report = run_fixture(path)
    assert [note for note in report.notes if note.startswith(f"rule {code} failed")] == []
    found = [f for f in report.findings if f.code == code]
    if path.is_dir():
        by_file = {
            name: [e for e in expects if e.code == code]
            for name, expects in folder_expected(path).items()
        }
        want = [e for expects in by_file.values() for e in expects]
        problems = [
            describe(
                *unmet(
                    [f for f in found if fixture_path(f, path) == name],
                    by_file.get(name, []),
                ),
                prefix=f"{name} ",
            )
            for name in sorted(set(by_file) | {fixture_path(f, path) for f in found})
        ]
        problem = "\n".join(p for p in problems if p)
    else:
        want = [e for e in expected(path) if e.code == code]
        problem = describe(*unmet(found, want))
    if path.name.startswith("good"):
        assert found == [], f"good fixture has findings: {report.findings}"
        assert want == []
    else:
        assert want, "a bad fixture must mark at least one `# expect:` line"
        assert problem == "", problem


def run_fixture(path: Path) -> Report:
    """Run a fixture's rule (every rule for OP002) over a fixture file or folder."""
    code = path.parent.name
    # OP002 judges the suppressions of other rules, so it runs with all of them
    select = ("ALL",) if code == "OP002" else (code,)
    if path.is_dir():
        return run_engine([path], select=select, config=folder_config(path))
    return run_engine([path], select=select, kind=kind_of(path), config=rule_config(code))


def fixture_path(finding: Finding, folder: Path) -> str:
    """A finding's file, relative to the fixture folder it was found in."""
    return Path(finding.span.path).absolute().relative_to(folder.absolute()).as_posix()


def test_expectations_with_columns_fail_a_finding_that_moves_within_its_line() -> None:
    moved = Finding(Span("bad.Dockerfile", 3, 9, 3, 14), "m", code="DF106")
    assert unmet([moved], [Expect("DF106", 3)]) == ([], [])
    assert unmet([moved], [Expect("DF106", 3, 9, 14)]) == ([], [])
    assert unmet([moved], [Expect("DF106", 3, 5)]) == ([moved], [Expect("DF106", 3, 5)])
    assert unmet([moved], [Expect("DF106", 3, 9, 20)]) == ([moved], [Expect("DF106", 3, 9, 20)])
    assert describe([moved], [Expect("DF106", 3, 5)]) == (
        "unexpected: line 3: DF106@9-14 m\nmissing: line 3: DF106@5"
    )


def test_expect_comments_read_codes_columns_and_ends(tmp_path: Path) -> None:
    fixture = tmp_path / "bad.Dockerfile"
    fixture.write_text(
        "# expect-file: DF101@1\nFROM a\n# expect: DF106@5-20, DF107\n# expect: DF108@3\nRUN x\n"
    )
    assert expected(fixture) == [
        Expect("DF101", 1, 1),
        Expect("DF106", 5, 5, 20),
        Expect("DF107", 5),
        Expect("DF108", 5, 3),
    ]
    fixture.write_text("# expect: DF106@x\nRUN x\n")
    with pytest.raises(AssertionError, match="`DF106@x` is not CODE, CODE@COL or CODE@COL-END"):
        expected(fixture)


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
