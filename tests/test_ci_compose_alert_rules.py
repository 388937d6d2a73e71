"""GitLab, CircleCI, Prometheus and Compose rules: exact locations, levels, odd input."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from conftest import run_engine

from opslint.config import Config
from opslint.severity import Severity


def _check(
    tmp_path: Path, name: str, text: str, code: str, kind: str, config: Config | None = None
) -> list[tuple[int, int, int, Severity]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    report = run_engine([path], select=(code,), kind=kind, config=config)
    assert not [note for note in report.notes if "failed" in note], report.notes
    return [
        (f.span.line, f.span.column, f.span.end_column, f.severity)
        for f in report.findings
        if f.code == code
    ]


ALERT = "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n"
LOCATED = [
    pytest.param(
        "config.yml",
        "version: 2.1\norbs:\n  a: circleci/node@5.1\n  b: circleci/node@volatile\n",
        "CC101",
        "circleci",
        [(3, 20, 23, Severity.WARNING), (4, 20, 28, Severity.ERROR)],
        id="orb-ranges-are-warnings-and-volatile-an-error",
    ),
    pytest.param(
        "alerts.yaml",
        ALERT + "        labels:\n          severity: 'page'\n",
        "PR102",
        "prometheus",
        [(7, 22, 26, Severity.WARNING)],
        id="alert-severity-points-at-the-value",
    ),
    pytest.param(
        "compose.yaml",
        "services:\n  proxy:\n    image: traefik:v3.1\n    volumes:\n"
        '      - "/var/run/docker.sock:/var/run/docker.sock:ro"\n',
        "DC107",
        "compose",
        [(5, 10, 30, Severity.ERROR)],
        id="docker-socket-points-at-the-source",
    ),
    pytest.param(
        "compose.yaml",
        "x-base: &base\n  logging:\n    driver: json-file\n"
        "services:\n  a:\n    <<: *base\n    image: x:1\n  b:\n    <<: *base\n    image: y:1\n",
        "DC102",
        "compose",
        [(2, 3, 10, Severity.WARNING)],
        id="shared-logging-anchor-is-reported-once",
    ),
]


@pytest.mark.parametrize(("name", "text", "code", "kind", "expected"), LOCATED)
def test_exact_locations(
    tmp_path: Path,
    name: str,
    text: str,
    code: str,
    kind: str,
    expected: list[tuple[int, int, int, Severity]],
) -> None:
    assert _check(tmp_path, name, text, code, kind) == expected


def test_alert_severity_option_replaces_the_set(tmp_path: Path) -> None:
    text = ALERT + "        labels:\n          severity: page\n"
    config = replace(Config(root=tmp_path), rule_options={"PR102": {"severities": ["page"]}})
    assert _check(tmp_path, "alerts.yaml", text, "PR102", "prometheus", config) == []


def test_odd_shapes_are_skipped(tmp_path: Path) -> None:
    compose = (
        "services:\n  a:\n    image: x:1\n    logging: 5\n    volumes:\n    cap_add: ALL\n"
        "    privileged: null\n    network_mode: [host]\n  b:\n    image: y:1\n"
        "    volumes: [1, {}]\n    logging: {driver: [json-file]}\n"
    )
    for code in ("DC102", "DC107"):
        _check(tmp_path, "compose.yaml", compose, code, "compose")
    gitlab = "job:\n  script: make\n  cache: 5\n  only: null\nother:\n  cache: [1, null, {}]\n"
    assert _check(tmp_path, "ci.yml", gitlab, "GL103", "gitlab-ci") == []
    assert len(_check(tmp_path, "ci.yml", gitlab, "GL102", "gitlab-ci")) == 1
    alerts = "groups:\n  - rules:\n      - alert: A\n        labels: [1]\n        annotations: 3\n"
    for code in ("PR102", "PR103"):
        assert len(_check(tmp_path, "a.yaml", alerts, code, "prometheus")) == 1
    circle = "version: 2.1\norbs:\n  a: circleci/node@\n  b:\n  c: [x]\n"
    assert [line for line, *_ in _check(tmp_path, "c.yml", circle, "CC101", "circleci")] == [3]
