"""The schema precheck: a document it proves valid has no jsonschema error, one it proves
invalid has some, over the corpus, broken copies of it and hand-written invalid documents;
and a valid document is checked without importing jsonschema."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from test_lazy_imports import imported_modules, modules_after

from opslint.config import Config
from opslint.jsondata import Json
from opslint.parsers.yamlload import YamlError, load_yaml
from opslint.ruleapi import schemas
from opslint.ruleapi.schema_precheck import Verdict

pytest.importorskip("check_jsonschema")

VENDORED = {
    "github-workflow": "github-workflows",
    "github-action": "github-actions",
    "gitlab-ci": "gitlab-ci",
    "compose": "compose-spec",
    "circleci": "circle-ci",
}
"""The kinds whose schema rule validates against a vendored schema, with that schema."""


def verdicts(validator: schemas.Prechecked, instance: Json) -> tuple[Verdict, list[str]]:
    """The precheck's verdict and jsonschema's error messages for `instance`."""
    precheck = validator._precheck.decide(instance)
    return precheck, [error.message for error in validator.full().iter_errors(instance)]


def assert_sound(validator: schemas.Prechecked, instance: Json, label: object) -> Verdict:
    """Valid by the precheck: no jsonschema error; invalid by it: at least one."""
    verdict, errors = verdicts(validator, instance)
    if verdict is True:
        assert errors == [], label
    if verdict is False:
        assert errors != [], label
    return verdict


def broken(plain: Json) -> Iterator[Json]:
    """Invalid-looking copies of a document: an unknown top-level key, and for each of its
    first sections a value of the wrong type and a mapping missing its first key."""
    if not isinstance(plain, dict):
        return
    yield {**plain, "zz-unknown": 1}
    for key, value in list(plain.items())[:4]:
        yield {**plain, key: [[]] if not isinstance(value, list) else {"zz": 1}}
        if isinstance(value, dict) and value:
            inner_key, inner = next(iter(value.items()))
            yield {**plain, key: {**value, inner_key: 12345}}
            yield {**plain, key: dict(list(value.items())[1:])}
            if isinstance(inner, dict) and inner:
                yield {**plain, key: {**value, inner_key: dict(list(inner.items())[1:])}}


def corpus_documents(corpus: Path) -> Iterator[tuple[str, str, Json]]:
    """(schema, file, document) of every document of the vendored-schema kinds."""
    from opslint.cli import make_session

    session = make_session(Config())
    for path in sorted(corpus.rglob("*")):
        if not path.is_file():
            continue
        kind = session.kind_for(session.source(path, path.as_posix()))
        if kind not in VENDORED:
            continue
        try:
            documents = load_yaml(path.read_text(encoding="utf-8"), path.name).documents
        except (OSError, ValueError, YamlError):
            continue
        for document in documents:
            name = path.relative_to(corpus).as_posix()
            yield VENDORED[kind], name, schemas.to_plain(document.root)


def test_the_precheck_agrees_with_jsonschema_over_the_corpus(shared: Path) -> None:
    """Every corpus document of the vendored-schema kinds and broken copies of it."""
    valid = proven = checked = refuted = 0
    for schema, name, plain in corpus_documents(shared / "corpus"):
        validator = schemas.vendor_validator(schema)
        assert isinstance(validator, schemas.Prechecked)
        verdict = assert_sound(validator, plain, name)
        valid += not verdicts(validator, plain)[1]
        proven += verdict is True
        for variant in broken(plain):
            checked += 1
            refuted += assert_sound(validator, variant, (name, variant)) is False
    assert valid > 400
    assert proven >= valid * 0.95  # the common case is decided without jsonschema
    assert checked > 1500
    assert refuted > checked // 2


def parse(text: str) -> Json:
    root = load_yaml(text, "f.yaml").documents[0].root
    return schemas.to_plain(root)


WORKFLOW_VALID = """\
on: {push: {branches: [main]}}
jobs:
  build:
    runs-on: ubuntu-latest
    continue-on-error: ${{ matrix.experimental }}
    steps:
      - uses: actions/checkout@v4
      - run: make
  call:
    uses: ./.github/workflows/reusable.yml
"""
WORKFLOW_INVALID = [
    # wrong types
    "on: push\njobs:\n  a:\n    runs-on: 5\n    steps: [{run: x}]\n",
    "on: 5\njobs:\n  a:\n    runs-on: x\n    steps: [{run: x}]\n",
    "on: push\njobs:\n  a:\n    runs-on: x\n    timeout-minutes: soon\n    steps: [{run: x}]\n",
    # extra keys
    "on: push\njobs:\n  a:\n    runs-on: x\n    timeout-minute: 5\n    steps: [{run: x}]\n",
    "on: push\njobs:\n  a:\n    runs-on: x\n    steps: [{run: x, wth: {}}]\n",
    # missing required
    "on: push\njobs:\n  a:\n    steps: [{run: x}]\n",
    "jobs:\n  a:\n    runs-on: x\n    steps: [{run: x}]\n",
    # pattern failures: a job id, an expression, a reusable workflow path
    "on: push\njobs:\n  1a:\n    runs-on: x\n    steps: [{run: x}]\n",
    "on: push\njobs:\n  a:\n    runs-on: x\n    continue-on-error: maybe\n    steps: [{run: x}]\n",
    "on: push\njobs:\n  a:\n    uses: reusable\n",
    # oneOf: a step both `uses` and `run`, or neither
    "on: push\njobs:\n  a:\n    runs-on: x\n    steps: [{uses: a/b@v1, run: x}]\n",
    "on: push\njobs:\n  a:\n    runs-on: x\n    steps: [{name: x}]\n",
]

GITLAB_VALID = """\
stages: [build]
include:
  - local: /ci/common.yml
  - remote: https://example.com/ci.yml
build:
  stage: build
  script: [make]
  cache: {key: k, paths: [x], policy: pull}
  rules: [{if: $CI_COMMIT_BRANCH}]
"""
GITLAB_INVALID = [
    "build:\n  script: 5\n",
    "build:\n  script: [make]\n  when: sometimes\n",
    "build:\n  script: [make]\n  scirpt: [x]\n",
    "build:\n  script: [x]\n  release: {description: x}\n",
    "include:\n  - project: a/b\nbuild:\n  script: [x]\n",
    "include:\n  - remote: ftp://example.com/ci.txt\nbuild:\n  script: [x]\n",
    "build:\n  script: [x]\n  cache: {policy: never}\n",
    "build:\n  script: [x]\n  artifacts: {expire_in: 5, paths: x}\n",
    "build:\n  script: [x]\n  needs: [{job: a, artifacts: maybe}]\n",
]

COMPOSE_VALID = """\
services:
  web:
    image: nginx
    pull_policy: every_12h
    ports: ["80:80", {target: 443, published: 8443}]
    expose: [5432, "8080"]
    volumes: [{type: bind, source: ./a, target: /a, read_only: true}]
    x-note: anything
    post_start: [{command: echo}]
x-common: {a: 1}
"""
COMPOSE_INVALID = [
    "services:\n  web:\n    image: x\n    ports: 80\n",
    "services:\n  web:\n    image: x\n    environment: 5\n",
    "services:\n  web:\n    image: x\n    imagee: y\n",
    "services:\n  web:\n    image: x\n    volumes: [{source: a, target: /a}]\n",
    "services:\n  web:\n    image: x\n    post_start: [{user: root}]\n",
    "services:\n  bad name!:\n    image: x\n",
    "services:\n  web:\n    image: x\n    pull_policy: sometimes\n",
    "services:\n  web:\n    image: x\n    expose: [80, 80]\n",
    "services:\n  web:\n    image: x\n    ports: [{target: 80, protocl: tcp}]\n",
]

CIRCLECI_VALID = """\
version: 2.1
jobs:
  build:
    docker: [{image: cimg/base:stable}]
    steps: [checkout, {run: make}]
workflows:
  main:
    jobs: [build]
"""
CIRCLECI_INVALID = [
    "version: 2.1\njobs:\n  build:\n    docker: {image: x}\n    steps: [checkout]\n",
    "version: 2.1\njobs:\n  build:\n    docker: [{image: x}]\n    stepz: [checkout]\n",
    "version: 2.1\njobs:\n  build:\n    docker: [{image: x}]\n",
    "version: 2.1\njobs:\n  build:\n    docker: [{image: x}]\n    steps: checkout\n",
    "version: 2.1\nworkflows:\n  main:\n    jobs: build\n",
]

SCHEMAS = [
    ("github-workflows", WORKFLOW_VALID, WORKFLOW_INVALID),
    ("gitlab-ci", GITLAB_VALID, GITLAB_INVALID),
    ("compose-spec", COMPOSE_VALID, COMPOSE_INVALID),
    ("circle-ci", CIRCLECI_VALID, CIRCLECI_INVALID),
]


@pytest.mark.parametrize(("schema", "valid", "invalid"), SCHEMAS, ids=[s[0] for s in SCHEMAS])
def test_hand_written_documents(schema: str, valid: str, invalid: list[str]) -> None:
    """The valid document is proven valid; no invalid one is, and each is invalid indeed,
    with the same findings whether the precheck runs first or not."""
    validator = schemas.vendor_validator(schema)
    assert isinstance(validator, schemas.Prechecked)
    assert verdicts(validator, parse(valid)) == (True, [])
    for text in invalid:
        verdict, errors = verdicts(validator, parse(text))
        assert errors, text  # the document is invalid indeed
        assert verdict is not True, text
        root = load_yaml(text, "f.yaml").documents[0].root
        assert root is not None
        lines = text.splitlines()
        direct = schemas.validate(root, validator.full(), lines)
        assert direct and schemas.validate(root, validator, lines) == direct, text


MANIFESTS_VALID = {
    "ConfigMap": "metadata: {name: a}\ndata: {n: '1'}\n",
    "Deployment": "metadata: {name: a}\nspec:\n  replicas: 2\n  selector: {}\n  template:\n"
    "    spec: {containers: [{name: a, image: x}]}\n",
    "Service": "metadata: {name: a}\nspec: {ports: [{port: 80, targetPort: http}]}\n",
}
"""A valid object of each kind: proven valid."""
MANIFESTS_INVALID = [
    ("v1", "ConfigMap", "metadata: {name: a}\ndata: {n: 1}\n"),
    ("v1", "ConfigMap", "metadata: {name: a}\ndatta: {}\n"),
    ("apps/v1", "Deployment", "metadata: {name: a}\nspec: {replicas: '2', selector: {}}\n"),
    (
        "apps/v1",
        "Deployment",
        "metadata: {name: a}\nspec:\n  selector: {}\n  template:\n"
        "    spec: {containers: [{image: x}]}\n",
    ),
    ("v1", "Service", "metadata: {name: a}\nspec: {ports: [{port: http}]}\n"),
]


@pytest.mark.parametrize(("api_version", "kind", "body"), MANIFESTS_INVALID)
def test_hand_written_invalid_manifests(api_version: str, kind: str, body: str) -> None:
    pytest.importorskip("kubernetes_validate")
    version = schemas.kubernetes_version("")
    validator = schemas.kubernetes_validator(version, api_version, kind)
    assert isinstance(validator, schemas.Prechecked)
    text = f"apiVersion: {api_version}\nkind: {kind}\n{body}"
    verdict, errors = verdicts(validator, parse(text))
    assert errors and verdict is not True
    fixed = parse(f"apiVersion: {api_version}\nkind: {kind}\n{MANIFESTS_VALID[kind]}")
    assert verdicts(validator, fixed) == (True, [])


DRAFT7 = "http://json-schema.org/draft-07/schema#"
DRAFT2020 = "https://json-schema.org/draft/2020-12/schema"

CASES: list[tuple[str, dict[str, Json], Json, Verdict]] = [
    (
        "draft 7 ignores the siblings of $ref",
        {
            "$schema": DRAFT7,
            "definitions": {"s": {"type": "string"}},
            "properties": {"x": {"$ref": "#/definitions/s", "type": "integer"}},
        },
        {"x": "text"},
        True,
    ),
    (
        "draft 2020-12 applies them",
        {
            "$schema": DRAFT2020,
            "$defs": {"s": {"type": "string"}},
            "properties": {"x": {"$ref": "#/$defs/s", "type": "integer"}},
        },
        {"x": "text"},
        False,
    ),
    ("true is not 1 in enum", {"enum": [1]}, True, False),
    ("1.0 is 1 in enum", {"enum": [1]}, 1.0, True),
    ("2.0 is an integer", {"type": "integer"}, 2.0, True),
    ("a boolean is no integer", {"type": "integer"}, False, False),
    ("a boolean is no number", {"type": "number"}, True, False),
    ("1 and 1.0 are not unique", {"uniqueItems": True}, [1, 1.0], False),
    ("1 and true are unique", {"uniqueItems": True}, [1, True], True),
    ("equal objects are not unique", {"uniqueItems": True}, [{"a": [1]}, "x", {"a": [1]}], False),
    ("arrays of arrays are left to jsonschema", {"uniqueItems": True}, [[1], [1]], None),
    ("\\d reads Unicode digits, as Python's re", {"pattern": "^\\d+$"}, "\u0663", True),
    ("$ matches before a final newline", {"pattern": "^a$"}, "a\n", True),
    (
        "a key ending in a newline matches `^x$` in patternProperties",
        {"patternProperties": {"^x$": {"type": "integer"}}},
        {"x\n": "text"},
        False,
    ),
    (
        "additionalProperties passes over keys patternProperties match",
        {"patternProperties": {"^x-": {}}, "additionalProperties": False},
        {"x-a": 1},
        True,
    ),
    (
        "additionalProperties false refuses the others",
        {"properties": {"a": {}}, "patternProperties": {"^x-": {}}, "additionalProperties": False},
        {"a": 1, "b": 2},
        False,
    ),
    ("oneOf with two holding", {"oneOf": [{"type": "integer"}, {"type": "number"}]}, 1, False),
    ("oneOf with one holding", {"oneOf": [{"type": "integer"}, {"type": "number"}]}, 1.5, True),
    ("oneOf with none holding", {"oneOf": [{"type": "integer"}, {"type": "null"}]}, "a", False),
    ("anyOf", {"anyOf": [{"type": "integer"}, {"minLength": 2}]}, "ab", True),
    ("not", {"not": {"type": "string"}}, "a", False),
    ("not of a failure", {"not": {"type": "string"}}, 1, True),
    (
        "if/then",
        {"if": {"required": ["a"]}, "then": {"required": ["b"]}, "else": {"type": "array"}},
        {"a": 1},
        False,
    ),
    (
        "if/else",
        {"if": {"required": ["a"]}, "then": {"required": ["b"]}, "else": {"type": "object"}},
        {"c": 1},
        True,
    ),
    ("dependencies", {"dependencies": {"a": ["b"]}}, {"a": 1}, False),
    ("format is not asserted", {"format": "email"}, "not an address", True),
    ("const", {"const": {"a": [1, 2]}}, {"a": [1, 2.0]}, True),
    (
        "unevaluatedProperties counts keys declared through allOf and $ref",
        {
            "$schema": DRAFT2020,
            "$defs": {"base": {"properties": {"a": {}}}},
            "allOf": [{"$ref": "#/$defs/base"}],
            "properties": {"b": {}},
            "unevaluatedProperties": False,
        },
        {"a": 1, "b": 2},
        True,
    ),
    (
        "an unevaluated key is unsure, never invalid: jsonschema may count it",
        {
            "$schema": DRAFT2020,
            "anyOf": [{"properties": {"c": {}}}],
            "unevaluatedProperties": False,
        },
        {"c": 1},
        None,
    ),
    ("a remote $ref is never followed", {"$ref": "https://example.invalid/s.json"}, 1, None),
    (
        "a nested $id is not read",
        {"properties": {"a": {"$id": "x.json", "type": "string"}}},
        {"a": "s"},
        None,
    ),
    ("a $ref cycle is not followed forever", {"$schema": DRAFT2020, "$ref": "#"}, 1, None),
    (
        "a keyword it does not read is unsure...",
        {"multipleOf": 2, "type": "integer"},
        4,
        None,
    ),
    ("...but a failing sibling still fails", {"multipleOf": 2, "type": "integer"}, "a", False),
    (
        "an unknown draft is not decided",
        {"$schema": "http://json-schema.org/draft-04/schema#"},
        1,
        None,
    ),
    (
        "a keyword of another draft is ignored",
        {"$schema": DRAFT7, "prefixItems": [False]},
        [1],
        True,
    ),
]


@pytest.mark.parametrize(
    ("label", "schema", "instance", "expected"), CASES, ids=[c[0] for c in CASES]
)
def test_keyword_semantics_match_jsonschema(
    label: str, schema: dict[str, Json], instance: Json, expected: Verdict
) -> None:
    validator = schemas.Prechecked(schema)
    assert validator._precheck.decide(instance) is expected
    if expected is not None:  # jsonschema agrees
        errors = [error.message for error in validator.full().iter_errors(instance)]
        assert (errors == []) is expected, errors


def test_a_valid_document_needs_no_jsonschema(tmp_path: Path) -> None:
    """A valid workflow is checked with the precheck alone; an invalid one loads jsonschema
    for its errors; a Dockerfile loads neither."""
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "ci.yml").write_text(WORKFLOW_VALID, encoding="utf-8")
    modules = imported_modules(tmp_path, "check", "--select", "GH111", ".", top_level=False)
    assert "opslint.ruleapi.schema_precheck" in modules
    assert not {"jsonschema", "referencing"} & {name.split(".")[0] for name in modules}
    (workflows / "ci.yml").write_text(WORKFLOW_INVALID[0], encoding="utf-8")
    names = imported_modules(tmp_path, "check", "--select", "GH111", ".")
    assert "jsonschema" in names
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\n", encoding="utf-8")
    modules = modules_after(tmp_path, "check", "--no-cache", "Dockerfile")
    assert not {"opslint.ruleapi.schemas", "opslint.ruleapi.schema_precheck"} & modules
