"""Shared helpers for the test suite: run the real engine on files and folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from opslint.config import Config
from opslint.engine import Session
from opslint.plugins import PluginManager
from opslint.report import Report

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def run_engine(
    paths: list[Path],
    *,
    select: tuple[str, ...] | None = None,
    kind: str | None = None,
    config: Config | None = None,
) -> Report:
    """Check `paths` with the real plugins, as `opslint check` does."""
    base = config or Config(root=Path.cwd())
    if select is not None:
        base = base.with_overrides(select=select)
    plugins = PluginManager()
    plugins.load(disabled=base.disable_plugins)
    return Session(base, plugins, forced_kind=kind).run(paths)


@pytest.fixture
def shared() -> Path:
    """The shared corpus and oracle folder; tests that need it skip when it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared (corpus, oracle) is not next to this checkout")
    return SHARED
