"""The Compose parser: services, dependencies, facets and exact locations."""

from __future__ import annotations

from pathlib import Path

from conftest import run_engine

from opslint.model.base import Span
from opslint.model.compose import BuildHealth, ComposeFile
from opslint.model.dockerfile import Dockerfile
from opslint.model.source import Document, SourceFile
from opslint.parsers.compose import parse_compose
from opslint.parsers.dockerfile import parse_dockerfile

TEXT = """\
version: "3.8"
x-logging: &logging
  driver: json-file
services:
  x-ignored:
    image: nope:1
  web:
    image: "nginx:1.27"
    restart: always
    logging: *logging
    environment:
      - PLAIN=value
      - REF=${HOME}
      - "QUOTED=a b"
      - FROM_SHELL
    depends_on:
      - db
  db:
    image: ${REGISTRY}/postgres:16
    healthcheck:
      test: ["CMD", "pg_isready"]
    environment:
      POSTGRES_PASSWORD: $DB_PASSWORD
      POSTGRES_DB: app
      EMPTY:
    depends_on:
      migrate:
        condition: service_completed_successfully
  migrate:
    build:
      context: ./app
      dockerfile: Migrate.Dockerfile
      target: tools
  odd: null
  numbers: 42
"""


def parse(text: str, name: str = "compose.yaml") -> ComposeFile:
    return parse_compose(SourceFile(Path(name), name, text=text))


def test_services_and_keys() -> None:
    compose = parse(TEXT)
    assert [s.name for s in compose.services] == ["web", "db", "migrate"]
    web = compose.services[0]
    assert web.span == Span("compose.yaml", 7, 3, 7, 6)
    assert web.logical == "service:web"
    assert web.restart is not None and web.restart.text == "always"
    assert web.logging is not None and web.logging.string("driver") == "json-file"
    assert compose.version_span == Span("compose.yaml", 1, 1, 1, 8)


def test_images_are_facets_with_inner_spans() -> None:
    compose = parse(TEXT)
    web, db = compose.services[0], compose.services[1]
    assert web.image is not None and web.image.span == Span("compose.yaml", 8, 13, 8, 23)
    assert web.image.origin == "compose image" and not web.image.dynamic
    assert db.image is not None and db.image.dynamic
    assert compose.images == [web.image, db.image]


def test_environment_list_and_map_forms() -> None:
    compose = parse(TEXT)
    web_env = {e.name: e for e in compose.services[0].environment}
    assert web_env["PLAIN"].value == "value" and not web_env["PLAIN"].reference
    assert web_env["PLAIN"].span == Span("compose.yaml", 12, 9, 12, 14)
    assert web_env["PLAIN"].value_span == Span("compose.yaml", 12, 15, 12, 20)
    assert web_env["REF"].reference
    assert web_env["QUOTED"].value == "a b"
    assert web_env["QUOTED"].value_span == Span("compose.yaml", 14, 17, 14, 20)
    assert web_env["FROM_SHELL"].value is None
    db_env = {e.name: e for e in compose.services[1].environment}
    assert db_env["POSTGRES_PASSWORD"].reference
    assert db_env["POSTGRES_PASSWORD"].span == Span("compose.yaml", 23, 7, 23, 24)
    assert db_env["POSTGRES_DB"].value == "app" and not db_env["POSTGRES_DB"].reference
    assert db_env["EMPTY"].value is None
    assert len(compose.env_vars) == 7


def test_depends_on_forms_and_one_shot() -> None:
    compose = parse(TEXT)
    web, db, migrate = compose.services
    (short,) = web.depends_on
    assert (short.name, short.condition, short.short_form) == ("db", "service_started", True)
    assert short.span == Span("compose.yaml", 17, 9, 17, 11)
    (long,) = db.depends_on
    assert long.condition == "service_completed_successfully"
    assert long.span == Span("compose.yaml", 27, 7, 27, 14)
    assert long.condition_span == Span("compose.yaml", 28, 20, 28, 50)
    assert migrate.one_shot and not web.one_shot


def test_build_paths() -> None:
    compose = parse(TEXT, "project/compose.yaml")
    migrate = compose.services[2]
    assert migrate.build is not None and migrate.build.target == "tools"
    assert migrate.dockerfile_path == Path("project/./app/Migrate.Dockerfile")
    assert compose.services[0].dockerfile_path is None


def test_build_healthcheck_follows_target() -> None:
    compose = parse("services:\n  app:\n    build:\n      context: .\n      target: base\n")
    dockerfile_text = "FROM alpine:3.20 AS base\nHEALTHCHECK NONE\nFROM base\nCMD true\n"
    dockerfile = parse_dockerfile(SourceFile(Path("Dockerfile"), "Dockerfile", dockerfile_text))

    def load(path: Path) -> Document | None:
        return dockerfile if path.name == "Dockerfile" else None

    assert compose.services[0].build_healthcheck(load) is BuildHealth.DISABLED
    assert isinstance(dockerfile, Dockerfile) and dockerfile.has_healthcheck()
    assert compose.services[0].build_healthcheck(lambda _: None) is BuildHealth.UNKNOWN


def test_odd_input_never_raises() -> None:
    for text in (
        "",
        "[]\n",
        "services: []\n",
        "services:\n  a: 1\n",
        "services:\n  a:\n    image: 42\n    depends_on: 7\n    environment: 3\n",
        "services:\n  a:\n    depends_on: {b: null, c: [1]}\n    environment: [1, null]\n",
        "services:\n  a:\n    build: {context: 3}\n    healthcheck: null\n",
    ):
        parse(text)


def test_duplicate_keys_become_problems() -> None:
    compose = parse("services:\n  a:\n    image: x:1\n    image: x:2\n")
    (problem,) = compose.problems
    assert problem.code == "OP003"
    assert problem.span == Span("compose.yaml", 4, 5, 4, 10)
    assert "line 3" in problem.message


def test_compose_rules_on_a_project(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Dockerfile").write_text("FROM alpine:3.20\nHEALTHCHECK CMD true\n")
    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        "  web:\n"
        "    build: app\n"
        "  api:\n"
        "    image: example/api:1.0.0\n"
        "    depends_on: [web]\n"
    )
    report = run_engine([tmp_path / "compose.yaml"], select=("DC104", "DC105"))
    found = sorted((f.code, f.span.line, f.span.column, f.logical) for f in report.findings)
    assert found == [
        ("DC104", 4, 3, "service:api"),
        ("DC105", 6, 18, "service:api/depends_on:web"),
    ]
