"""Plugins: an installed third-party package, project rule paths, and what is never imported."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT
from test_cli import CLEAN, Cli

PLUGIN_PACKAGE = ROOT / "tests" / "plugin_pkg"
ENV_EXAMPLE = "# example settings\nDB_HOST=localhost\nDB_PASSWORD=hunter2\nAPI_TOKEN=changeme\n"

ASSERT_RULE = '''
from opslint import Severity, rule
from opslint.model.dockerfile import Instruction


@rule("XT910", "no-sudo", Severity.WARNING)
def no_sudo(instruction: Instruction) -> None:
    """RUN does not call sudo."""
    assert "sudo" not in instruction.arguments, f"{instruction.keyword} calls sudo"
'''


def _pip_install(target: Path, package: Path) -> subprocess.CompletedProcess[str]:
    base = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target)]
    done = subprocess.run(
        [*base, "--no-build-isolation", str(package)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        # an older setuptools without `wheel` cannot build in place: let pip bring its own
        done = subprocess.run([*base, str(package)], capture_output=True, text=True, timeout=300)
    return done


@pytest.fixture(scope="module")
def plugin_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The example plugin, pip-installed (wheel build, entry points and all) into a folder.

    The folder goes on PYTHONPATH of the subprocesses only, so concurrent runs of the suite
    against the same virtual environment never see the plugin's extra rule and kind.
    """
    target = tmp_path_factory.mktemp("plugin-site")
    # build from a copy, so the build leaves nothing behind in the source tree
    package = tmp_path_factory.mktemp("plugin-src") / "pkg"
    shutil.copytree(PLUGIN_PACKAGE, package, ignore=shutil.ignore_patterns("build", "*.egg-info"))
    done = _pip_install(target, package)
    if done.returncode != 0:
        pytest.fail(f"pip could not install the example plugin:\n{done.stdout}\n{done.stderr}")
    assert (target / "opslint_example_plugin" / "__init__.py").is_file()
    assert list(target.glob("opslint_example_plugin-*.dist-info/entry_points.txt"))
    yield target


def opslint(site: Path | None, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("OPSLINT_DISABLE_PLUGIN_AUTOLOAD", None)
    env.pop("OPSLINT_FORMAT", None)
    if site is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "opslint", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_installed_plugin_adds_a_kind_and_a_rule(plugin_site: Path, tmp_path: Path) -> None:
    (tmp_path / ".env.example").write_text(ENV_EXAMPLE, encoding="utf-8")
    (tmp_path / "Dockerfile").write_text(CLEAN, encoding="utf-8")
    done = opslint(plugin_site, tmp_path, "check", "--format", "json", ".")
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    data = json.loads(done.stdout)
    found = [(f["code"], f["path"], f["line"], f["column"]) for f in data["findings"]]
    assert ("XP001", ".env.example", 3, 13) in found
    assert not [f for f in found if f[0] == "XP001" and f[2] != 3]
    finding = next(f for f in data["findings"] if f["code"] == "XP001")
    assert finding["name"] == "example-secret-value"
    assert finding["object"] == "env:DB_PASSWORD"
    assert data["summary"]["files"] == 2


def test_plugin_kind_and_rule_are_listed(plugin_site: Path, tmp_path: Path) -> None:
    done = opslint(plugin_site, tmp_path, "rules", "--format", "json")
    rows = {row["code"]: row for row in json.loads(done.stdout)}
    assert rows["XP001"]["kinds"] == ["dotenv"]
    assert rows["XP001"]["origin"] == "example"
    (tmp_path / "settings.txt").write_text(ENV_EXAMPLE, encoding="utf-8")
    forced = opslint(plugin_site, tmp_path, "check", "--kind", "dotenv", "settings.txt")
    assert forced.returncode == 1, forced.stderr
    assert "settings.txt:3:13 XP001 example-secret-value" in forced.stdout
    assert opslint(plugin_site, tmp_path, "rule", "XP001").stdout.startswith(
        "# XP001 example-secret-value"
    )


def test_plugin_can_be_disabled(plugin_site: Path, tmp_path: Path) -> None:
    (tmp_path / ".env.example").write_text(ENV_EXAMPLE, encoding="utf-8")
    done = opslint(plugin_site, tmp_path, "check", "-p", "no:example", ".")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "XP001" not in done.stdout
    assert "0 findings in 0 files" in done.stdout
    (tmp_path / ".opslint.toml").write_text("disable-plugins = ['example']\n", encoding="utf-8")
    assert opslint(plugin_site, tmp_path, "check", ".").returncode == 0
    # with the plugin off, its kind is unknown
    off = opslint(plugin_site, tmp_path, "check", "--kind", "dotenv", ".env.example")
    assert off.returncode == 2
    assert "unknown kind 'dotenv'" in off.stderr


def test_plugin_is_absent_without_install(tmp_path: Path) -> None:
    (tmp_path / ".env.example").write_text(ENV_EXAMPLE, encoding="utf-8")
    done = opslint(None, tmp_path, "check", ".")
    assert done.returncode == 0
    assert "XP001" not in done.stdout


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    monkeypatch.delenv("OPSLINT_FORMAT", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    return Cli(tmp_path, monkeypatch, capsys)


def test_rule_path_assert_becomes_a_finding(cli: Cli) -> None:
    cli.write("project_rules/no_sudo.py", ASSERT_RULE)
    cli.write("Dockerfile", "FROM alpine:3.20\nRUN apk add sudo \\\n    && sudo true\nUSER app\n")
    code = cli(
        "check", "--isolated", "--rule-path", "project_rules", "--select", "XT910",
        "--format", "json", ".",
    )  # fmt: skip
    assert code == 1
    data = json.loads(cli.out)
    [finding] = data["findings"]
    assert (finding["code"], finding["name"], finding["message"]) == (
        "XT910",
        "no-sudo",
        "RUN calls sudo",
    )
    # the subject's span: the whole RUN instruction, continuation included
    assert (finding["line"], finding["column"], finding["end_line"], finding["end_column"]) == (
        2,
        1,
        3,
        17,
    )
    assert finding["severity"] == "warning"


def test_rule_path_errors_exit_2(cli: Cli) -> None:
    cli.write("Dockerfile", CLEAN)
    assert cli("check", "--isolated", "--rule-path", "missing", ".") == 2
    assert "rule path missing does not exist" in cli.err
    cli.write("broken/rule.py", "import not_a_module_anywhere\n")
    assert cli("check", "--isolated", "--rule-path", "broken", ".") == 2
    assert "cannot import rule file" in cli.err
    cli.write("dup/a.py", ASSERT_RULE)
    cli.write("dup/b.py", ASSERT_RULE.replace("no_sudo", "no_sudo_again"))
    assert cli("check", "--isolated", "--rule-path", "dup", ".") == 2
    assert "XT910 is defined twice" in cli.err


def test_a_crashing_rule_is_a_note(cli: Cli) -> None:
    cli.write(
        "crash/rule.py",
        ASSERT_RULE.replace('assert "sudo"', "raise RuntimeError('boom')\n    assert \"sudo\""),
    )
    cli.write("Dockerfile", "FROM alpine:3.20\nRUN true\nUSER root\n")
    code = cli("check", "--isolated", "--rule-path", "crash", "--select", "XT910,DF101", ".")
    assert code == 1
    assert cli.err == "".join(
        f"opslint: note: rule XT910 failed on Dockerfile:{line}:1: RuntimeError: boom\n"
        for line in (1, 2, 3)
    )
    assert "DF101" in cli.out


def test_scanned_python_files_are_never_executed(cli: Cli) -> None:
    marker = cli.folder / "EXECUTED"
    payload = f"from pathlib import Path\nPath({str(marker)!r}).write_text('ran')\n" + ASSERT_RULE
    for name in ("rules/evil.py", "opslint_rules.py", "conftest.py", "plugins/__init__.py"):
        cli.write(name, payload)
    cli.write("pyproject.toml", "[project]\nname = 'victim'\n")
    cli.write("Dockerfile", "FROM alpine:3.20\nRUN sudo true\nUSER app\n")
    assert cli("check", ".") in (0, 1)
    assert not marker.exists()
    assert "XT910" not in cli.out
    assert cli("rules") == 0
    assert not marker.exists()
    assert "XT910" not in cli.out
