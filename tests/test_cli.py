"""The command line: exit codes, flags, output formats, the `rules` and `rule` commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from opslint.cli import main

ROOT_USER = "FROM alpine:3.20\nUSER root\nHEALTHCHECK NONE\n"
"""One DF101 error (2:6), nothing else."""
NO_HEALTHCHECK = "FROM alpine:3.20\nUSER app\n"
"""One DF102 warning (1:1), nothing else."""
CLEAN = "FROM alpine:3.20\nUSER app\nHEALTHCHECK NONE\n"

OFF_RULE = '''
from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.dockerfile import Dockerfile


@rule("XT900", "every-dockerfile", Severity.INFO, default_enabled=False)
def every_dockerfile(dockerfile: Dockerfile) -> Iterator[Finding]:
    """Reports every Dockerfile (a rule that is off by default)."""
    yield Finding(dockerfile.span, "off-by-default rule ran")
'''


class Cli:
    """Runs `opslint` in-process in a folder, capturing what it prints."""

    def __init__(
        self, folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        self.folder = folder
        self.monkeypatch = monkeypatch
        self.capsys = capsys
        self.out = self.err = ""

    def write(self, name: str, text: str) -> Path:
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def __call__(self, *args: str) -> int:
        self.monkeypatch.chdir(self.folder)
        try:
            code = main(list(args))
        except SystemExit as exit_:  # argparse's own usage errors
            code = int(exit_.code or 0)
        captured = self.capsys.readouterr()
        self.out, self.err = captured.out, captured.err
        assert "Traceback" not in self.out + self.err
        return code

    def codes(self) -> list[tuple[str, str, int, int]]:
        data = json.loads(self.out)
        return [(f["code"], f["path"], f["line"], f["column"]) for f in data["findings"]]


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    monkeypatch.delenv("OPSLINT_FORMAT", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    return Cli(tmp_path, monkeypatch, capsys)


def test_exit_0_when_clean(cli: Cli) -> None:
    cli.write("Dockerfile", CLEAN)
    assert cli("check", "--select", "DF101,DF102", ".") == 0
    assert "0 findings in 1 file" in cli.out


def test_exit_1_on_findings(cli: Cli) -> None:
    cli.write("Dockerfile", ROOT_USER)
    assert cli("check", "--select", "DF101", ".") == 1


def test_exit_2_on_unknown_rule_in_select(cli: Cli) -> None:
    cli.write("Dockerfile", CLEAN)
    assert cli("check", "--select", "ZZ999", ".") == 2
    assert "unknown rule code or name `ZZ999`" in cli.err
    assert cli("check", "--ignore", "not-a-rule", ".") == 2
    assert "not-a-rule" in cli.err


def test_exit_2_on_usage_errors(cli: Cli) -> None:
    assert cli("check", "--no-such-flag") == 2
    assert cli("check", "--format", "yaml", ".") == 2
    assert "unknown format 'yaml'" in cli.err
    assert cli("check", "--fail-on", "fatal", ".") == 2
    assert cli("check", "-p", "formats", ".") == 2
    assert "no:NAME" in cli.err
    assert cli("rule", "ZZ999") == 2
    assert "unknown rule `ZZ999`" in cli.err


def test_fail_on_threshold(cli: Cli) -> None:
    cli.write("Dockerfile", NO_HEALTHCHECK)
    assert cli("check", "--select", "DF101,DF102", ".") == 1
    assert cli("check", "--select", "DF101,DF102", "--fail-on", "error", ".") == 0
    assert "1 finding (1 warning)" in cli.out
    assert cli("check", "--select", "DF101,DF102", "--fail-on", "warning", ".") == 1


def test_exit_zero(cli: Cli) -> None:
    cli.write("Dockerfile", ROOT_USER)
    assert cli("check", "--select", "DF101", "--exit-zero", ".") == 0
    assert "DF101" in cli.out


def test_kind_forces_a_kind(cli: Cli) -> None:
    cli.write("build.txt", ROOT_USER)
    assert cli("check", "--select", "DF101", "build.txt") == 0
    assert "0 findings in 0 files" in cli.out
    assert cli("check", "--select", "DF101", "--kind", "dockerfile", "build.txt") == 1
    assert "build.txt:2:6 DF101" in cli.out


def test_unknown_kind(cli: Cli) -> None:
    cli.write("build.txt", ROOT_USER)
    assert cli("check", "--kind", "dockerfiles", "build.txt") == 2
    assert "unknown kind 'dockerfiles'" in cli.err
    assert "dockerfile" in cli.err


def test_text_format(cli: Cli) -> None:
    cli.write("app/Dockerfile", ROOT_USER)
    assert cli("check", "--select", "DF101", ".") == 1
    lines = cli.out.splitlines()
    assert lines[0] == "app/Dockerfile"
    assert lines[1].startswith("app/Dockerfile:2:6 DF101 non-root-user the final stage runs as")
    assert lines[2] == "2 | USER root"
    assert lines[3] == "  |      ^^^^"
    assert lines[-1].startswith("1 finding (1 error) in 1 file")


def test_json_format_and_summary_on_stderr(cli: Cli) -> None:
    cli.write("Dockerfile", ROOT_USER)
    assert cli("check", "--select", "DF101", "--format", "json", ".") == 1
    data = json.loads(cli.out)
    assert data["summary"]["findings"] == 1
    assert data["findings"][0]["end_column"] == 10
    assert "1 finding" in cli.err


def test_output_file(cli: Cli) -> None:
    cli.write("Dockerfile", ROOT_USER)
    assert cli("check", "--select", "DF101", "--output", "report.txt", ".") == 1
    written = (cli.folder / "report.txt").read_text(encoding="utf-8")
    assert "Dockerfile:2:6 DF101 non-root-user" in written
    assert "DF101" not in cli.out
    assert "1 finding" in cli.err
    assert cli("check", "--select", "DF101", "-f", "json", "-o", "out.json", ".") == 1
    assert json.loads((cli.folder / "out.json").read_text(encoding="utf-8"))["findings"]
    assert cli("check", "-o", "missing/dir/out.txt", ".") == 2
    assert "cannot write" in cli.err


def test_output_file_is_replaced_in_one_step(cli: Cli) -> None:
    """A reader never sees half a report: the new report takes the old one's name by a
    rename (a new inode), and the old file's mode is kept."""
    cli.write("Dockerfile", ROOT_USER)
    report = cli.folder / "report.json"
    report.write_text("old report\n", encoding="utf-8")
    report.chmod(0o600)
    old_inode = report.stat().st_ino
    assert cli("check", "--select", "DF101", "-f", "json", "-o", "report.json", ".") == 1
    assert json.loads(report.read_text(encoding="utf-8"))["summary"]["findings"] == 1
    assert report.stat().st_ino != old_inode
    assert report.stat().st_mode & 0o777 == 0o600
    assert [path.name for path in cli.folder.iterdir() if path.name.endswith(".opslint")] == []


def test_output_to_a_pipe_is_written_as_it_is(cli: Cli) -> None:
    cli.write("Dockerfile", ROOT_USER)
    fifo = cli.folder / "report.pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")))
    reader.start()
    assert cli("check", "--select", "DF101", "-o", str(fifo), ".") == 1
    reader.join(timeout=30)
    assert "Dockerfile:2:6 DF101 non-root-user" in received[0]
    assert fifo.is_fifo()


def test_quiet(cli: Cli) -> None:
    cli.write("Dockerfile", ROOT_USER)
    assert cli("check", "--select", "DF101", "-q", ".") == 1
    assert "finding" not in cli.out.splitlines()[-1]


def test_rules_listing(cli: Cli) -> None:
    assert cli("rules") == 0
    rows = {line.split()[0]: line for line in cli.out.splitlines()}
    assert {"OP001", "OP002", "OP003", "DF101", "IM001"} <= set(rows)
    assert "non-root-user" in rows["DF101"]
    assert " on " in rows["DF101"]
    assert cli("rules", "--select", "DF") == 0
    rows = {line.split()[0]: line for line in cli.out.splitlines()}
    assert " off " in rows["IM001"]


def test_rules_json(cli: Cli) -> None:
    rule_file = cli.write("rules/off.py", OFF_RULE)
    assert cli("rules", "--format", "json", "--rule-path", str(rule_file)) == 0
    rows = {row["code"]: row for row in json.loads(cli.out)}
    assert rows["IM001"]["name"] == "image-tag-pinned"
    assert rows["IM001"]["severity"] == "error"
    assert rows["IM001"]["enabled"] is True
    assert rows["DF101"]["kinds"] == ["dockerfile"]
    assert rows["XT900"]["default_enabled"] is False
    assert rows["XT900"]["enabled"] is False
    assert rows["XT900"]["origin"] == str(rule_file)
    assert set(rows["IM001"]) >= {"summary", "fix", "tags", "peers"}


def test_rule_documentation(cli: Cli) -> None:
    assert cli("rule", "IM001") == 0
    assert cli.out.startswith("# IM001 image-tag-pinned\n")
    assert "| Severity | error |" in cli.out
    for section in ("## What it does", "## Why it matters", "## Example", "## Use instead"):
        assert section in cli.out
    assert cli("rule", "non-root-user") == 0
    assert cli.out.startswith("# DF101 non-root-user")


def test_default_path_is_the_current_folder(cli: Cli) -> None:
    cli.write("Dockerfile", ROOT_USER)
    assert cli("check", "--select", "DF101") == 1
    assert "Dockerfile:2:6 DF101" in cli.out


def test_missing_path_is_a_usage_error(cli: Cli) -> None:
    cli.write("Dockerfile", CLEAN)
    assert cli("check", "--select", "DF101", "nope", "Dockerfile") == 2
    assert "opslint: error: no such file or directory: nope" in cli.err


def test_format_from_environment(cli: Cli) -> None:
    cli.write("Dockerfile", ROOT_USER)
    cli.monkeypatch.setenv("OPSLINT_FORMAT", "json")
    # the default is read when the parser is built
    assert cli("check", "--select", "DF101", ".") == 1
    assert json.loads(cli.out)["summary"]["findings"] == 1


def test_real_executable(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(ROOT_USER, encoding="utf-8")
    command = [sys.executable, "-m", "opslint", "check", "--select", "DF101", "."]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr
    assert "Dockerfile:2:6 DF101 non-root-user" in done.stdout
    version = subprocess.run(
        [sys.executable, "-m", "opslint", "--version"], capture_output=True, text=True, timeout=60
    )
    assert version.stdout.startswith("opslint ")


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_report_to_a_pipe_is_the_report_to_a_file(tmp_path: Path, fmt: str) -> None:
    """Stdout that is no terminal gets the report in one piece, unbuffered or not."""
    (tmp_path / "Dockerfile").write_text("FROM python:latest\nRUN cd /app\n", encoding="utf-8")
    command = [sys.executable, "-m", "opslint", "check", "-q", "-f", fmt, "--no-cache"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    piped = subprocess.run(
        [*command, "Dockerfile"], cwd=tmp_path, capture_output=True, env=env, check=False
    )
    written = subprocess.run(
        [*command, "-o", "out", "Dockerfile"], cwd=tmp_path, capture_output=True, check=False
    )
    assert piped.returncode == written.returncode == 1
    assert piped.stdout == (tmp_path / "out").read_bytes()
    assert b"DF101" in piped.stdout
