"""The Kubernetes definitions a schema needs, cut from the whole file and kept between runs.

kubernetes-validate ships each release's definitions as one `_definitions.json` of some
1.5 MB, and every kind's schema refers into it. Parsing it whole costs more than the rest
of a one-manifest run; a Deployment needs 120 of its 862 definitions (a seventh of its
bytes). So the definitions one kind's schema reaches through `$ref` are cut out once and
written to the user's cache folder, stamped with the size and modification time of both
files; later runs read that cut. A missing, stale or unreadable entry is worked out again
from the whole file and rewritten (atomically, so concurrent runs never see half a file).
"""

from __future__ import annotations

import contextlib
import json
import os
import zlib
from collections.abc import Callable
from pathlib import Path

from opslint.jsondata import Json

CACHE_ENV = "OPSLINT_SCHEMA_CACHE"
"""A folder to keep the cut definitions in; set but empty, nothing is kept."""
FORMAT = 1
"""The layout of a cache entry; an entry of another layout is worked out again."""
_DEFINITIONS_FILE = "_definitions.json"


def cache_folder() -> Path | None:
    """`$OPSLINT_SCHEMA_CACHE`, else `opslint/schemas` in `$XDG_CACHE_HOME` (default
    `~/.cache`); None when the variable is set empty or no home folder is known."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen is not None:
        return Path(chosen) if chosen else None
    base = os.environ.get("XDG_CACHE_HOME")
    if base:
        return Path(base) / "opslint" / "schemas"
    try:
        return Path.home() / ".cache" / "opslint" / "schemas"
    except RuntimeError:  # no home folder to be found
        return None


def reachable(definitions: dict[str, Json], schema: Json) -> dict[str, Json]:
    """`definitions` (a `_definitions.json` resource) with only the definitions `schema`
    reaches, directly or through other definitions; the whole resource when a reference
    points anywhere but at one definition of it (then nothing may be left out)."""
    key = "$defs" if "$defs" in definitions else "definitions"
    table = definitions.get(key)
    if not isinstance(table, dict):
        return definitions
    kept: dict[str, Json] = {}
    pending = [(reference, False) for reference in _references(schema)]
    while pending:
        reference, within = pending.pop()
        name = _definition_named(reference, key, within)
        if name is None or name not in table:
            return definitions
        if name not in kept:
            kept[name] = table[name]
            pending.extend((found, True) for found in _references(table[name]))
    return {**definitions, key: kept}


def _definition_named(reference: str, key: str, within: bool) -> str | None:
    """The definition a `$ref` names: `<...>/_definitions.json#/$defs/NAME` from a kind's
    schema, `#/$defs/NAME` from `within` the definitions; None for any other reference."""
    document, _, fragment = reference.partition("#")
    into_file = document == _DEFINITIONS_FILE or document.endswith(f"/{_DEFINITIONS_FILE}")
    if not (into_file or (within and document == "")):
        return None
    prefix = f"/{key}/"
    name = fragment[len(prefix) :] if fragment.startswith(prefix) else ""
    # a JSON pointer escape or a path into a definition: no single definition to keep
    return name if name and not any(mark in name for mark in "/~%") else None


def _references(node: Json) -> list[str]:
    """Every `$ref` below `node`."""
    found: list[str] = []
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, dict):
            for name, value in current.items():
                if name == "$ref" and isinstance(value, str):
                    found.append(value)
                else:
                    pending.append(value)
        elif isinstance(current, list):
            pending.extend(current)
    return found


def definitions_for(
    schema_path: Path, schema: Json, load_all: Callable[[], dict[str, Json]]
) -> dict[str, Json]:
    """The definitions `schema` (read from `schema_path`) needs, from the cache when its
    entry is current, else cut from `load_all()` (the whole `_definitions.json` beside it)
    and cached."""
    folder = cache_folder()
    if folder is None:
        return reachable(load_all(), schema)
    label = zlib.crc32(str(schema_path.parent).encode("utf-8"))
    entry = folder / "kubernetes" / f"{label:08x}-{schema_path.parent.name}-{schema_path.name}"
    try:
        stamp: list[Json] = [_stamp(schema_path.parent / _DEFINITIONS_FILE), _stamp(schema_path)]
    except OSError:
        return reachable(load_all(), schema)
    cached = _read(entry, stamp)
    if cached is not None:
        return cached
    cut = reachable(load_all(), schema)
    _write(entry, {"format": FORMAT, "stamp": stamp, "definitions": cut})
    return cut


def _stamp(path: Path) -> list[Json]:
    status = path.stat()
    return [str(path), status.st_size, status.st_mtime_ns]


def _read(entry: Path, stamp: list[Json]) -> dict[str, Json] | None:
    """The definitions of a current cache entry; None for a missing, stale or broken one."""
    try:
        loaded = json.loads(entry.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(loaded, dict) or loaded.get("format") != FORMAT:
        return None
    definitions = loaded.get("definitions")
    if loaded.get("stamp") != stamp or not isinstance(definitions, dict):
        return None
    return definitions


def _write(entry: Path, content: dict[str, Json]) -> None:
    """Write `entry` whole or not at all; a cache that cannot be written is no error."""
    from opslint.edits.atomicwrite import write_atomically

    with contextlib.suppress(OSError):
        entry.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(entry, json.dumps(content, separators=(",", ":")), mode=0o644)
