"""The code style gates run in the suite: ruff lint and format, mypy strict."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

CHECKED = ["src", "rules", "generators", "tests", "benchmarks"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_ruff_lint() -> None:
    result = _run("ruff", "check", *CHECKED)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format() -> None:
    result = _run("ruff", "format", "--check", *CHECKED)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict() -> None:
    result = _run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_sees_rules_and_generators_inside_the_package() -> None:
    """mypy checks `src` only: the links place `rules` and `generators` where the installed
    package has them, so `from opslint.generators.k8s import ...` type-checks."""
    for name in ("rules", "generators"):
        link = ROOT / "src" / "opslint" / name
        assert link.is_symlink() and link.resolve() == ROOT / name, link
