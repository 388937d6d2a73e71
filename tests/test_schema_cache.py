"""The Kubernetes definitions one kind needs: cut from `_definitions.json`, cached between runs."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from opslint.jsondata import Json
from opslint.ruleapi.schema_cache import CACHE_ENV, definitions_for, reachable
from opslint.ruleapi.schemas import KUBERNETES_PACKAGE, package_dir

REF = "/api/_definitions.json#/$defs/"
DEFINITIONS: dict[str, Json] = {
    "$id": "https://kubernetes.io/api/_definitions.json",
    "$defs": {
        "Spec": {"properties": {"meta": {"$ref": "#/$defs/Meta"}, "n": {"type": "integer"}}},
        "Meta": {"properties": {"owner": {"$ref": "#/$defs/Owner"}}},
        "Owner": {"properties": {"meta": {"$ref": "#/$defs/Meta"}}},  # a cycle
        "Unused": {"type": "string"},
    },
}
KIND: dict[str, Json] = {"properties": {"spec": {"$ref": f"{REF}Spec"}}}


def defs(resource: dict[str, Json]) -> list[str]:
    table = resource["$defs"]
    assert isinstance(table, dict)
    return sorted(table)


def test_only_the_definitions_a_schema_reaches_are_kept() -> None:
    cut = reachable(DEFINITIONS, KIND)
    assert defs(cut) == ["Meta", "Owner", "Spec"]
    assert cut["$id"] == DEFINITIONS["$id"]
    assert cut["$defs"]["Spec"] is DEFINITIONS["$defs"]["Spec"]


@pytest.mark.parametrize(
    "reference",
    [
        "other.json#/$defs/Spec",  # another document
        f"{REF}Spec/properties/n",  # a path into a definition
        f"{REF}Sp~1ec",  # a JSON pointer escape
        f"{REF}Missing",  # no such definition: the validator reports it as before
        "#/$defs/Spec",  # the kind's own definitions, not the shared file's
    ],
)
def test_a_reference_that_names_no_single_definition_keeps_them_all(reference: str) -> None:
    assert reachable(DEFINITIONS, {"$ref": reference}) is DEFINITIONS


def write_release(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "_definitions.json").write_text(json.dumps(DEFINITIONS), encoding="utf-8")
    kind = folder / "thing-v1.json"
    kind.write_text(json.dumps(KIND), encoding="utf-8")
    return kind


def whole(folder: Path) -> dict[str, Json]:
    loaded: dict[str, Json] = json.loads((folder / "_definitions.json").read_text("utf-8"))
    return loaded


def refuse() -> dict[str, Json]:
    raise AssertionError("the whole definitions file was read")


@pytest.fixture
def cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A release's kind schema whose cut is cached once, and the cache entry."""
    cache = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(cache))
    kind = write_release(tmp_path / "v1.0.0-local-strict")
    assert defs(definitions_for(kind, KIND, lambda: whole(kind.parent))) == [
        "Meta",
        "Owner",
        "Spec",
    ]
    [entry] = (cache / "kubernetes").iterdir()
    return kind, entry


def test_a_cut_is_cached_then_read_without_the_whole_file(cached: tuple[Path, Path]) -> None:
    kind, entry = cached
    assert entry.name.endswith("-v1.0.0-local-strict-thing-v1.json")
    assert defs(definitions_for(kind, KIND, refuse)) == ["Meta", "Owner", "Spec"]


def test_a_stale_or_broken_entry_is_worked_out_again(cached: tuple[Path, Path]) -> None:
    kind, entry = cached
    # a new release of the package: the definitions file changes, its stamp with it
    changed = json.loads(json.dumps(DEFINITIONS))
    changed["$defs"]["Spec"]["properties"]["n"] = {"type": "string"}
    definitions = kind.parent / "_definitions.json"
    definitions.write_text(json.dumps(changed), encoding="utf-8")
    status = definitions.stat()
    os.utime(definitions, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000_000))
    fresh = definitions_for(kind, KIND, lambda: whole(kind.parent))
    assert fresh["$defs"]["Spec"]["properties"]["n"] == {"type": "string"}
    assert definitions_for(kind, KIND, refuse) == fresh
    entry.write_text('{"format": 1, "stamp": ', encoding="utf-8")  # cut short
    assert definitions_for(kind, KIND, lambda: whole(kind.parent)) == fresh
    assert json.loads(entry.read_text("utf-8"))["definitions"] == fresh


def test_an_empty_setting_keeps_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    kind = write_release(tmp_path / "release")
    assert defs(definitions_for(kind, KIND, lambda: whole(kind.parent))) == [
        "Meta",
        "Owner",
        "Spec",
    ]
    assert not (tmp_path / "xdg").exists()


def newest_release() -> Path | None:
    base = package_dir(KUBERNETES_PACKAGE)
    if base is None:
        return None
    releases = sorted((base / "kubernetes-json-schema").glob("v*-local-strict"))
    return releases[-1] if releases else None


@pytest.mark.skipif(newest_release() is None, reason="kubernetes-validate is not installed")
def test_every_shipped_kind_is_cut_to_a_closed_set() -> None:
    """Over the newest release kubernetes-validate ships: every kind's cut holds every
    definition its references reach, each exactly as in the whole file."""
    folder = newest_release()
    assert folder is not None
    full = whole(folder)
    table = full["$defs"]
    assert isinstance(table, dict)
    kinds = sorted(folder.glob("*.json"))
    assert len(kinds) > 100
    for path in kinds:
        if path.name == "_definitions.json":
            continue
        schema = json.loads(path.read_text("utf-8"))
        cut = reachable(full, schema)
        assert cut is not full, path.name
        kept = cut["$defs"]
        assert isinstance(kept, dict)
        assert all(kept[name] is table[name] for name in kept)
        references = [*_refs(schema), *(ref for found in kept.values() for ref in _refs(found))]
        assert {reference.rsplit("/", 1)[1] for reference in references} == set(kept), path.name


def _refs(node: Json) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for key, value in node.items() if key != "$ref" for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []
