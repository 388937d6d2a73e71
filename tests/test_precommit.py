"""The pre-commit hook, end to end: `pre-commit try-repo` installs this repository and runs it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

pytestmark = pytest.mark.slow

BAD = 'FROM python\nCMD ["python", "-m", "http.server"]\n'
FIXED = 'FROM python:3.12-slim\nUSER 10001\nCMD ["python", "-m", "http.server"]\n'


def test_hook_definitions() -> None:
    hooks = {
        hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    }
    assert set(hooks) == {"opslint", "opslint-fix"}
    assert hooks["opslint"]["entry"] == "opslint check --force-exclude"
    assert hooks["opslint-fix"]["entry"] == "opslint fix --force-exclude"
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["types_or"] == ["dockerfile", "yaml", "terraform", "hcl", "json"]
        assert hook["require_serial"] is True
        assert hook["minimum_pre_commit_version"] == "2.9.2"


def _pre_commit() -> list[str]:
    beside = Path(sys.executable).with_name("pre-commit")
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("pre-commit")
    if found is None:
        pytest.skip("pre-commit is not installed (it is in the `test` extra)")
    return [found]


def _git(cwd: Path, env: dict[str, str], *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, timeout=120)


def _snapshot_of_this_repository(target: Path, env: dict[str, str]) -> None:
    """The working tree as it is (tracked and untracked, minus ignored files), committed.

    `try-repo` on a local path uses the committed HEAD plus changes to tracked files only,
    so a fresh repository of the current tree is what tests the files as they stand.
    """
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if not source.is_file() or name.startswith(("tests/", "docs/", ".ci")):
            continue
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, destination)
    _git(target, env, "init", "-q")
    _git(target, env, "add", "-A")
    _git(target, env, "commit", "-q", "-m", "snapshot")


def test_try_repo(tmp_path: Path) -> None:
    command = _pre_commit()
    home = tmp_path / "home"
    home.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GIT_", "PRE_COMMIT", "OPSLINT_"))
    }
    env.update(
        HOME=str(home),
        PRE_COMMIT_HOME=str(tmp_path / "cache"),
        GIT_AUTHOR_NAME="Test",
        GIT_AUTHOR_EMAIL="test@example.invalid",
        GIT_COMMITTER_NAME="Test",
        GIT_COMMITTER_EMAIL="test@example.invalid",
        GIT_CONFIG_NOSYSTEM="1",
        NO_COLOR="1",
    )
    user_pip = Path.home() / ".config" / "pip" / "pip.conf"
    if user_pip.is_file() and "PIP_CONFIG_FILE" not in env:
        env["PIP_CONFIG_FILE"] = str(user_pip)  # the package index this machine is set up for
    hook_repo = tmp_path / "hook-repo"
    hook_repo.mkdir()
    _snapshot_of_this_repository(hook_repo, env)

    project = tmp_path / "project"
    project.mkdir()
    (project / ".opslint.toml").write_text(
        "select = ['DF101', 'IM001']\nexclude = ['vendor/']\n", encoding="utf-8"
    )
    (project / "Dockerfile").write_text(BAD, encoding="utf-8")
    (project / "vendor").mkdir()
    (project / "vendor" / "Dockerfile").write_text(BAD, encoding="utf-8")
    (project / "README.md").write_text("not checked\n", encoding="utf-8")
    _git(project, env, "init", "-q")
    _git(project, env, "add", "-A")
    _git(project, env, "commit", "-q", "-m", "bad Dockerfile")

    def try_repo(hook: str = "opslint") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*command, "try-repo", str(hook_repo), hook, "--all-files", "--color", "never"],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )

    failing = try_repo()
    output = failing.stdout + failing.stderr
    assert failing.returncode == 1, output
    assert "Failed" in output
    assert "Dockerfile:1:6 IM001 image-tag-pinned" in output
    assert "Dockerfile:1:1 DF101 non-root-user" in output
    assert "vendor/Dockerfile" not in output  # --force-exclude applies the config's exclude
    assert "Traceback" not in output

    (project / "Dockerfile").write_text(FIXED, encoding="utf-8")
    _git(project, env, "add", "-A")
    _git(project, env, "commit", "-q", "-m", "fixed")
    passing = try_repo()
    output = passing.stdout + passing.stderr
    assert passing.returncode == 0, output
    assert "Passed" in output

    # the fix hook rewrites what it can and fails, as pre-commit hooks that edit files do
    (project / ".opslint.toml").write_text("select = ['SH001']\n", encoding="utf-8")
    (project / "Dockerfile").write_text(FIXED + "RUN npm install\n", encoding="utf-8")
    _git(project, env, "add", "-A")
    _git(project, env, "commit", "-q", "-m", "npm install")
    fixing = try_repo("opslint-fix")
    output = fixing.stdout + fixing.stderr
    assert fixing.returncode == 1, output
    assert "files were modified by this hook" in output
    assert (project / "Dockerfile").read_text(encoding="utf-8") == FIXED + "RUN npm ci\n"
    _git(project, env, "add", "-A")
    _git(project, env, "commit", "-q", "-m", "fixed by the hook")
    settled = try_repo("opslint-fix")
    assert settled.returncode == 0, settled.stdout + settled.stderr
