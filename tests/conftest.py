"""Shared helpers for the test suite: run the real engine on files and folders."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from opslint.config import Config
from opslint.engine.runner import Session
from opslint.plugins import PluginManager
from opslint.report import Report

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def package_modules() -> dict[str, Path]:
    """Every module of the installed package by name, with its file. `rules` and
    `generators` are folders of the package as installed (in the repository, links in
    `src/opslint` to the top-level folders), so the walk follows links."""
    spec = importlib.util.find_spec("opslint")
    assert spec is not None and spec.submodule_search_locations is not None
    package = Path(next(iter(spec.submodule_search_locations)))
    modules: dict[str, Path] = {}
    for folder, _, files in os.walk(package, followlinks=True):
        for path in (Path(folder, name) for name in files if name.endswith(".py")):
            parts = path.relative_to(package.parent).with_suffix("").parts
            modules[".".join(parts).removesuffix(".__init__")] = path
    return dict(sorted(modules.items()))


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


@pytest.fixture(autouse=True)
def trust_store(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets an empty trust store of its own, never the user's."""
    home = tmp_path_factory.mktemp("xdg-config")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    return home / "opslint" / "trusted.json"


@pytest.fixture
def shared() -> Path:
    """The shared corpus and oracle folder; tests that need it skip when it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared (corpus, oracle) is not next to this checkout")
    return SHARED


def compare_snapshot(folder: Path, snapshot: Path) -> None:
    """The files under `folder` equal those under `snapshot`, byte for byte.

    With `OPSLINT_UPDATE_SNAPSHOTS=1` the snapshot is rewritten from `folder` instead (a
    deliberate step when a generator changes; never set in CI).
    """
    import os
    import shutil

    def files(root: Path) -> dict[str, bytes]:
        return {
            path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*"))
            if path.is_file()
        }

    produced = files(folder)
    if os.environ.get("OPSLINT_UPDATE_SNAPSHOTS") == "1":
        shutil.rmtree(snapshot, ignore_errors=True)
        for name, data in produced.items():
            (snapshot / name).parent.mkdir(parents=True, exist_ok=True)
            (snapshot / name).write_bytes(data)
    stored = files(snapshot)
    assert stored, f"no snapshot in {snapshot}: run with OPSLINT_UPDATE_SNAPSHOTS=1"
    assert sorted(produced) == sorted(stored)
    for name, data in produced.items():
        assert data == stored[name], f"{name} differs from its snapshot"
