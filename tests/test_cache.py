"""The results cache: keyed by content, signed, rewritten when corrupt, safe at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from engine_tree import make_tree

from opslint.cli import main
from opslint.engine.cache import Cache, FileDigests, file_digest


def findings(tree: Path, out: Path, *flags: str) -> list[tuple[str, str, int, int]]:
    """(code, path, line, column) of every finding of a JSON check of `tree`."""
    main(["check", str(tree), "-q", "-f", "json", "-o", str(out), *flags])
    data = json.loads(out.read_text())
    return [(f["code"], f["path"], f["line"], f["column"]) for f in data["findings"]]


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The test tree as the working directory, with a user key of its own."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(make_tree(tmp_path / "tree"))
    return tmp_path / "tree"


def entries(tree: Path) -> list[Path]:
    return sorted((tree / ".opslint_cache").glob("unit-*.json"))


def test_warm_run_reads_the_cache(tree: Path, tmp_path: Path) -> None:
    cold = (tmp_path / "cold.json", tmp_path / "warm.json")
    first = findings(Path(), cold[0])
    assert (tree / ".opslint_cache" / ".gitignore").read_text() == "# written by opslint\n*\n"
    assert len(entries(tree)) == 64
    stamps = {path: path.stat().st_mtime_ns for path in entries(tree)}
    assert findings(Path(), cold[1]) == first
    assert cold[0].read_bytes() == cold[1].read_bytes()
    assert {path: path.stat().st_mtime_ns for path in entries(tree)} == stamps


def test_a_warm_run_imports_no_rule_unless_its_report_lists_them(
    tree: Path, tmp_path: Path
) -> None:
    findings(Path(), tmp_path / "cold.json")
    main(["check", ".", "-q", "-f", "sarif", "-o", str(tmp_path / "cold.sarif"), "--no-cache"])
    script = (
        "import sys\n"
        "from opslint.cli import main\n"
        "main(sys.argv[2:])\n"
        "print(sorted(m for m in sys.modules if m.startswith('opslint.rules.')))\n"
    )
    loaded = {}
    for fmt in ("json", "sarif"):
        out = tmp_path / f"warm.{fmt}"
        done = subprocess.run(
            [sys.executable, "-c", script, "-", "check", ".", "-q", "-f", fmt, "-o", str(out)],
            capture_output=True,
            text=True,
            timeout=120,
            env=os.environ.copy(),
        )
        assert done.returncode == 0, done.stderr
        loaded[fmt] = done.stdout.strip()
        assert out.read_bytes() == (tmp_path / f"cold.{fmt}").read_bytes()
    assert loaded["json"] == "['opslint.rules._index']"
    assert "'opslint.rules.dockerfile.healthcheck'" in loaded["sarif"]


def test_no_cache_writes_nothing(tree: Path, tmp_path: Path) -> None:
    findings(Path(), tmp_path / "out.json", "--no-cache")
    assert not (tree / ".opslint_cache").exists()


def test_editing_a_module_file_changes_the_module_findings(tree: Path, tmp_path: Path) -> None:
    before = findings(Path(), tmp_path / "a.json")
    (tree / "infra/variables.tf").write_text(
        'variable "name" {\n  type = string\n}\n\nvariable "unused" {}\n'
    )
    after = findings(Path(), tmp_path / "b.json")
    fresh = findings(Path(), tmp_path / "c.json", "--no-cache")
    assert after == fresh
    assert after != before
    changed = sorted(set(after) ^ set(before))
    assert changed and all(path.startswith("infra/") for _, path, _, _ in changed)


def messages(path: Path, out: Path, *flags: str) -> list[str]:
    """`code path:line:column message` of every finding of a JSON check of `path`."""
    main(["check", str(path), "-q", "-f", "json", "-o", str(out), *flags])
    data = json.loads(out.read_text())
    return [
        f"{f['code']} {f['path']}:{f['line']}:{f['column']} {f['message']}"
        for f in data["findings"]
    ]


def test_a_file_added_beside_a_checked_module_file_changes_its_findings(
    tree: Path, tmp_path: Path
) -> None:
    """The module view lists the folder: a `.tf` file the run was not given still counts."""
    (tree / "infra/variables.tf").unlink()
    main_tf = Path("infra/main.tf")
    before = messages(main_tf, tmp_path / "a.json")
    (tree / "infra/versions.tf").write_text('terraform {\n  required_version = ">= 1.5"\n}\n')
    after = messages(main_tf, tmp_path / "b.json")
    assert after == messages(main_tf, tmp_path / "c.json", "--no-cache")
    assert [line for line in before if line not in after] == [
        "TF107 infra/main.tf:1:1 module `infra` sets no `required_version`"
    ]
    assert [line for line in after if line not in before] == []


def test_corrupt_and_forged_entries_are_rewritten(tree: Path, tmp_path: Path) -> None:
    expected = findings(Path(), tmp_path / "a.json")
    paths = entries(tree)
    paths[0].write_bytes(b"\x00garbage")
    body = json.dumps(
        {
            "findings": [],
            "notes": [],
            "run_notes": [],
            "kinds": [],
            "sources": [],
            "documents": 0,
            "secrets": [],
            "reads": {},
        }
    )
    for path in paths[1:]:
        path.write_text("0" * 64 + "\n" + body)  # a planted entry with no valid signature
    assert findings(Path(), tmp_path / "b.json") == expected
    for path in entries(tree):
        signature, _, data = path.read_bytes().partition(b"\n")
        assert len(signature) == 64 and json.loads(data)["documents"] >= 1


def test_two_runs_at_once(tree: Path, tmp_path: Path) -> None:
    expected = findings(Path(), tmp_path / "expected.json", "--no-cache")
    command = [sys.executable, "-m", "opslint", "check", ".", "-q", "-f", "json", "-o"]
    runs = [
        subprocess.Popen([*command, str(tmp_path / f"run{n}.json")], env=os.environ.copy())
        for n in range(2)
    ]
    assert [run.wait(timeout=300) for run in runs] == [1, 1]
    for n in range(2):
        assert (tmp_path / f"run{n}.json").read_bytes() == (tmp_path / "expected.json").read_bytes()
    assert findings(Path(), tmp_path / "after.json") == expected
    assert not list((tree / ".opslint_cache").glob(".tmp-*"))


def test_a_scanned_config_cannot_send_the_cache_outside(tree: Path, tmp_path: Path) -> None:
    (tree / ".opslint.toml").write_text('cache-dir = "../elsewhere"\n')
    main(["check", ".", "-f", "json", "-o", str(tmp_path / "out.json")])
    assert not (tmp_path / "elsewhere").exists()
    assert (tree / ".opslint_cache").is_dir()
    notes = json.loads((tmp_path / "out.json").read_text())["notes"]
    assert any("left out cache-dir ../elsewhere" in note for note in notes)


def test_a_linked_cache_folder_is_not_used(tree: Path, tmp_path: Path) -> None:
    (tmp_path / "target").mkdir()
    (tree / ".opslint_cache").symlink_to(tmp_path / "target")
    findings(Path(), tmp_path / "out.json")
    assert list((tmp_path / "target").iterdir()) == []


def test_file_digests_are_remembered_while_the_stat_is_unchanged(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache")
    path = tmp_path / "main.tf"
    path.write_text('variable "a" {}\n')
    first = FileDigests(cache)
    assert first.digest(path) == file_digest(path)
    assert first.digest(tmp_path) is None
    first.save()
    # a file changed within the last seconds may change again unseen: not remembered
    assert FileDigests(cache).known == {}

    remembering = FileDigests(cache, racy_ns=0)
    assert remembering.digest(path) == file_digest(path)
    remembering.save()
    again = FileDigests(cache)
    assert list(again.known) == [str(path)]
    again.known[str(path)][4] = "remembered"
    assert again.digest(path) == "remembered"
    stamp = path.stat().st_mtime_ns
    path.write_text('variable "b" {}\n')  # the same size and modification time, a new stat
    os.utime(path, ns=(stamp, stamp))
    assert again.digest(path) == file_digest(path) != "remembered"


def test_runs_in_one_process_each_choose_their_rules(tree: Path, tmp_path: Path) -> None:
    """The SARIF report reads the rules after the run: the next run, with another
    selection, still chooses its own."""
    main(["check", ".", "-q", "-f", "sarif", "-o", str(tmp_path / "all.sarif")])
    selected = findings(Path(), tmp_path / "df.json", "--select", "DF101")
    assert selected == findings(Path(), tmp_path / "fresh.json", "--select", "DF101", "--no-cache")
    assert selected and {code for code, *_ in selected} == {"DF101"}
