"""IM003 with `trusted-registries` configured: exact locations and Docker Hub naming."""

from __future__ import annotations

from pathlib import Path

from conftest import run_engine

from opslint.config import Config

DOCKERFILE = """\
FROM nginx:1.27
FROM docker.io/library/alpine:3.20
FROM bitnami/redis:7.4
FROM randomuser/tools:1.0
FROM ghcr.io/acme/api:2.0
FROM ghcr.io/acme-fork/api:2.0
FROM registry.acme.example:5000/base/python:3.12
FROM 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.0
FROM quay.io/coreos/etcd:v3.5.15
"""

COMPOSE = """\
services:
  web:
    image: "quay.io/jetstack/cert-manager:1.15.3"
  api:
    image: nginx
"""


def _findings(
    tmp_path: Path, name: str, text: str, entries: list[str], kind: str
) -> list[tuple[int, int, int]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    config = Config(root=tmp_path, rule_options={"IM003": {"trusted-registries": entries}})
    report = run_engine([path], select=("IM003",), kind=kind, config=config)
    return [(f.span.line, f.span.column, f.span.end_column) for f in report.findings]


def test_allow_list_by_registry_organisation_and_docker_hub(tmp_path: Path) -> None:
    entries = [
        "docker.io/library",
        "bitnami",
        "ghcr.io/acme",
        "registry.acme.example",
        "*.dkr.ecr.eu-west-1.amazonaws.com",
    ]
    found = _findings(tmp_path, "Dockerfile", DOCKERFILE, entries, "dockerfile")
    # implicit Docker Hub: the whole reference; explicit registry: the host only
    assert found == [(4, 6, 26), (6, 6, 13), (9, 6, 13)]


def test_nothing_without_configuration(tmp_path: Path) -> None:
    assert _findings(tmp_path, "Dockerfile", DOCKERFILE, [], "dockerfile") == []


def test_bare_name_is_an_official_docker_hub_image(tmp_path: Path) -> None:
    found = _findings(tmp_path, "Dockerfile", DOCKERFILE, ["docker.io"], "dockerfile")
    assert found == [(5, 6, 13), (6, 6, 13), (7, 6, 32), (8, 6, 50), (9, 6, 13)]
    path = tmp_path / "Dockerfile"
    config = Config(root=tmp_path, rule_options={"IM003": {"trusted-registries": ["quay.io"]}})
    report = run_engine([path], select=("IM003",), kind="dockerfile", config=config)
    messages = [f.message for f in report.findings if f.span.line == 1]
    assert messages == [
        "image `nginx:1.27` (read as `docker.io/library/nginx`) is not from a trusted "
        "registry: pull it from one listed in `trusted-registries`, or mirror it there"
    ]


def test_compose_locations(tmp_path: Path) -> None:
    found = _findings(tmp_path, "compose.yaml", COMPOSE, ["docker.io/library"], "compose")
    assert found == [(3, 13, 20)]


def test_moving_tags_point_at_the_tag_and_take_the_pin(tmp_path: Path) -> None:
    path = tmp_path / "compose.yaml"
    path.write_text(
        "services:\n"
        "  web:\n"
        "    image: node:lts\n"
        "  db:\n"
        "    image: postgres:alpine\n"
        "  base:\n"
        "    image: debian:bookworm-slim\n",
        encoding="utf-8",
    )
    config = Config(root=tmp_path, pins={"node": "node:22.11.0-bookworm-slim"})
    report = run_engine([path], select=("IM001",), kind="compose", config=config)
    assert [(f.span.line, f.span.column, f.span.end_column) for f in report.findings] == [
        (3, 17, 20),
        (5, 21, 27),
    ]
    web, db = report.findings
    assert web.message == "image `node:lts` uses the moving `lts` tag: pin a version or digest"
    assert web.fix is not None and web.fix.edits[0].text == "node:22.11.0-bookworm-slim"
    assert (
        db.message
        == "image `postgres:alpine` uses the moving `alpine` tag: pin a version or digest"
    )
    assert db.help == (
        "map `postgres` to a pinned reference in [tool.opslint.pins] to let `opslint fix` write it"
    )
