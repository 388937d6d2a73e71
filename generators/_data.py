"""The generators' fixed text: files shipped under `generators/data/`, read as package data."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

DATA: Traversable = files("opslint.generators") / "data"
"""The root of the shipped files; it is package data, so a wheel install carries it."""


def data_text(*parts: str) -> str:
    """The text of the data file at `parts` below `generators/data/`."""
    return DATA.joinpath(*parts).read_text(encoding="utf-8")


def data_tree(*parts: str) -> dict[str, str]:
    """Every file below the data folder at `parts`, keyed by its `/`-separated relative path."""
    found: dict[str, str] = {}

    def walk(folder: Traversable, prefix: str) -> None:
        for entry in folder.iterdir():
            if entry.is_dir():
                walk(entry, f"{prefix}{entry.name}/")
            else:
                found[prefix + entry.name] = entry.read_text(encoding="utf-8")

    walk(DATA.joinpath(*parts), "")
    return found
