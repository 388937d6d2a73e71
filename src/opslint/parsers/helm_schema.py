"""References in a chart's values schemas that Helm would load from outside the chart.

Helm validates values against each `values.schema.json` of a chart and its subcharts, and
its JSON Schema loader follows `$ref` (and an unknown `$schema`) to URLs and files: a
scanned chart could make a render fetch `http://169.254.169.254/...` or read
`file:///etc/...`. A chart whose schemas refer to anything beyond their own document is
therefore not rendered.
"""

from __future__ import annotations

import json
import os
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SCHEMA_FILE = "values.schema.json"
REFERENCE_KEYS = ("$ref", "$dynamicRef", "$recursiveRef")
KNOWN_METASCHEMAS = frozenset(
    f"{scheme}://json-schema.org/{draft}/schema"
    for scheme in ("http", "https")
    for draft in ("draft-04", "draft-06", "draft-07", "draft/2019-09", "draft/2020-12")
)
"""Metaschemas Helm's validators carry with them (never loaded from anywhere)."""


def outside_reference(root: Path) -> tuple[str, str] | None:
    """The first schema of the chart at `root` (subcharts and their archives included) that
    refers beyond itself: the schema's path in the chart, and the reference."""
    for name, text in _schemas(root):
        try:
            schema = json.loads(text)
        except (json.JSONDecodeError, UnicodeDecodeError):
            continue  # Helm reports a schema it cannot parse, and loads nothing for it
        reference = _first_reference(schema)
        if reference is not None:
            return name, reference
    return None


def _schemas(root: Path) -> Iterator[tuple[str, bytes]]:
    """Each values schema below `root`, also inside `charts/*.tgz` archives."""
    for folder, _, files in sorted(os.walk(root)):
        for file in sorted(files):
            path = Path(folder, file)
            shown = path.relative_to(root).as_posix()
            if file == SCHEMA_FILE:
                yield shown, path.read_bytes()
            elif file.endswith(".tgz") and Path(folder).name == "charts":
                yield from _archived_schemas(path, shown)


def _archived_schemas(path: Path, shown: str) -> Iterator[tuple[str, bytes]]:
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member in archive:
                if member.isfile() and Path(member.name).name == SCHEMA_FILE:
                    handle = archive.extractfile(member)
                    if handle is not None:
                        yield f"{shown}:{member.name}", handle.read()
    except (OSError, tarfile.TarError):
        return  # Helm cannot load the archive either


def _first_reference(node: Any) -> str | None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in REFERENCE_KEYS and isinstance(value, str) and not value.startswith("#"):
                return value
            known = isinstance(value, str) and value.rstrip("#") in KNOWN_METASCHEMAS
            if key == "$schema" and isinstance(value, str) and not known:
                return value
            found = _first_reference(value)
            if found is not None:
                return found
    elif isinstance(node, list):
        for item in node:
            found = _first_reference(item)
            if found is not None:
                return found
    return None
