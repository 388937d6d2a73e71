"""Schema validation: exact locations, `oneOf` narrowing, offline `$ref`s, missing packages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from opslint.parsers.yamlload import YamlError, load_yaml
from opslint.ruleapi import schemas

pytest.importorskip("check_jsonschema")


def problems(text: str, validator: Any) -> list[tuple[int, int, str]]:
    root = load_yaml(text, "f.yaml").documents[0].root
    assert root is not None
    found = schemas.validate(root, validator, text.splitlines())
    return [(p.span.line, p.span.column, p.message) for p in found]


WORKFLOW = """\
on:
  push:
    branches: main
jobs:
  build:
    runs-on: ubuntu-latest
    timeout-minute: 5
    steps:
      - uses: actions/checkout@v4
        wth:
          x: 1
  test:
    steps:
      - run: echo
  other:
    runs-on: 5
"""


def test_github_errors_are_located_on_their_nodes() -> None:
    assert problems(WORKFLOW, schemas.vendor_validator("github-workflows")) == [
        (3, 15, "`on.push.branches` must be an array"),
        (7, 5, "`jobs.build.timeout-minute` is not allowed here (did you mean `timeout-minutes`?)"),
        (10, 9, "`jobs.build.steps[0].wth` is not allowed here (did you mean `with`?)"),
        (12, 3, "`runs-on` is required in `jobs.test`"),
        (16, 14, "`jobs.other.runs-on` must be a string, an array or an object"),
    ]


def test_one_of_is_narrowed_to_the_alternative_that_fits() -> None:
    # a port mapping matches the long form's shape: its bad key is reported, not the
    # failure of the short (string) form
    text = "services:\n  web:\n    image: x\n    ports:\n      - target: 80\n        protocl: tcp\n"
    assert problems(text, schemas.vendor_validator("compose-spec")) == [
        (6, 9, "`services.web.ports[0].protocl` is not allowed here (did you mean `protocol`?)")
    ]


def test_unevaluated_properties_count_keys_declared_through_all_of() -> None:
    text = "services:\n  web:\n    image: x\n    environment: 5\n"
    assert problems(text, schemas.vendor_validator("compose-spec")) == [
        (4, 18, "`services.web.environment` must be an object or an array")
    ]


def test_compose_version_and_extensions_are_valid() -> None:
    text = 'version: "3"\nx-a: &a {restart: always}\nservices:\n  web:\n    <<: *a\n    image: x\n'
    assert problems(text, schemas.vendor_validator("compose-spec")) == []


def test_unrendered_placeholders_are_skipped() -> None:
    text = "on: push\njobs:\n  a:\n    runs-on: {{runner}}\n    steps: [{run: x}]\n"
    assert problems(text, schemas.vendor_validator("github-workflows")) == []


def test_remote_refs_are_never_fetched() -> None:
    validator = schemas._validator({"$ref": "https://example.invalid/schema.json"})
    root = load_yaml("a: 1\n", "f.yaml").documents[0].root
    assert root is not None
    with pytest.raises(schemas.SchemaUnavailable, match="unresolvable"):
        schemas.validate(root, validator, ["a: 1"])


def test_kubernetes_schema_and_custom_resources() -> None:
    pytest.importorskip("kubernetes_validate")
    version = schemas.kubernetes_version("")
    assert version == schemas.kubernetes_versions()[-1]
    assert schemas.kubernetes_version("1.99") == version
    assert (
        schemas.kubernetes_validator(version, "monitoring.coreos.com/v1", "ServiceMonitor") is None
    )
    # same file name as networking.k8s.io/v1 Ingress, another group: not validated
    assert schemas.kubernetes_validator(version, "networking.istio.io/v1", "Ingress") is None
    validator = schemas.kubernetes_validator(version, "v1", "ConfigMap")
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  n: 1\ndatta: {}\n"
    assert problems(text, validator) == [
        (6, 6, "`data.n` must be a string or null"),
        (7, 1, "`datta` is not allowed here (did you mean `data`?)"),
    ]
    with pytest.raises(schemas.SchemaUnavailable):
        schemas.kubernetes_version("1.2")


def test_a_missing_package_is_one_note_and_no_problems() -> None:
    root = load_yaml("a: 1\n", "f.yaml").documents[0].root
    notes: list[str] = []
    for _ in range(2):
        found = schemas.check(
            root,
            lambda: None,
            package="opslint_no_such_package",
            notes=notes,
            rule=("GH111", "schema"),
            lines=[],
        )
        assert found == []
    assert notes == [
        "GH111 schema: not checked: opslint-no-such-package is not installed "
        "(pip install 'opslint[schemas]')"
    ]


def kubernetes_objects(corpus: Path) -> list[tuple[str, Any]]:
    """(file, object) of every built-in-looking Kubernetes object among the corpus's YAML."""
    found = []
    for path in sorted(corpus.rglob("*.y*ml")):
        try:
            documents = load_yaml(path.read_text(encoding="utf-8"), path.name).documents
        except (OSError, ValueError, YamlError):
            continue
        for document in documents:
            plain = schemas.to_plain(document.root)
            if isinstance(plain, dict) and {"apiVersion", "kind"} <= plain.keys():
                found.append((path.relative_to(corpus).as_posix(), plain))
    return found


def test_the_precheck_proves_valid_only_what_jsonschema_accepts(shared: Path) -> None:
    """Over every corpus manifest, and each with an unknown key and a wrong type added: an
    object the quick check proves valid has no jsonschema error; the others go to
    jsonschema, so the findings are jsonschema's either way."""
    pytest.importorskip("kubernetes_validate")
    version = schemas.kubernetes_version("")
    proven = checked = 0
    for name, plain in kubernetes_objects(shared / "corpus"):
        validator = schemas.kubernetes_validator(
            version, str(plain["apiVersion"]), str(plain["kind"])
        )
        if not isinstance(validator, schemas.Prechecked):
            continue
        spec = plain.get("spec")
        variants = [plain, {**plain, "metadata": {"name": "x", "labelz": {}}}]
        if isinstance(spec, dict):
            variants.append({**plain, "spec": {**spec, "replicas": "2"}})
        for instance in variants:
            checked += 1
            errors = [error.message for error in validator.full().iter_errors(instance)]
            if validator.proves_valid(instance):
                proven += 1
                assert errors == [], (name, instance is plain)
            assert [error.message for error in validator.iter_errors(instance)] == errors
    assert checked > 300
    assert proven > checked // 4
