"""Overlapping rules: a rule that `yields_to` another steps back where that one reports the
same span (or the same object), and reports again when the owner is off or elsewhere."""

from __future__ import annotations

import json
from pathlib import Path
from typing import cast

import pytest
from test_cli import Cli

from opslint import Severity, rule
from opslint.rule import RuleDefinitionError, YieldScope, make_rule

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  automountServiceAccountToken: false
  containers:
    - name: app
      image: example/app:1.4.2
      securityContext:
        privileged: true
    - name: side
      image: example/side:1.4.2
  volumes:
    - name: sock
      hostPath:
        path: /var/run/docker.sock
    - name: logs
      hostPath:
        path: /var/log
"""

DOCKERFILE = """\
FROM debian:12.8-slim
RUN apt-get update
RUN apt-get update && apt-get install -y --no-install-recommends curl
"""

COMPOSE = """\
services:
  web:
    image: nginx
  db:
    image: postgres:17.2
"""

ACCOUNTS = """\
apiVersion: v1
kind: Pod
metadata:
  name: unnamed
spec:
  containers:
    - name: app
      image: example/app:1.4.2
---
apiVersion: v1
kind: Pod
metadata:
  name: named
spec: {serviceAccountName: default, containers: [{name: app, image: example/app:1.4.2}]}
"""

Spans = list[tuple[str, str, int, int, int, int]]


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    monkeypatch.delenv("OPSLINT_FORMAT", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    return Cli(tmp_path, monkeypatch, capsys)


def check(cli: Cli, *args: str) -> Spans:
    """The findings of `opslint check --isolated ARGS .`: code, path and span."""
    cli("check", "--isolated", "--format", "json", *args, ".")
    return [
        (f["code"], f["path"], f["line"], f["column"], f["end_line"], f["end_column"])
        for f in json.loads(cli.out)["findings"]
    ]


def test_privileged_container_is_one_finding_of_k8110(cli: Cli) -> None:
    cli.write("pod.yaml", POD)
    # the owner reports the container: K8108 steps back there, and still reports `side`
    assert check(cli, "--select", "K8108,K8110") == [
        ("K8110", "pod.yaml", 11, 21, 11, 25),
        ("K8108", "pod.yaml", 12, 7, 12, 17),
    ]
    # the owner not selected, or ignored: nothing is lost
    both = [("K8108", "pod.yaml", 11, 21, 11, 25), ("K8108", "pod.yaml", 12, 7, 12, 17)]
    assert check(cli, "--select", "K8108") == both
    assert check(cli, "--select", "K8108,K8110", "--ignore", "K8110") == both


def test_privileged_container_has_no_capability_finding_beside_k8110(cli: Cli) -> None:
    cli.write("pod.yaml", POD)
    assert check(cli, "--select", "K8109,K8110") == [
        ("K8110", "pod.yaml", 11, 21, 11, 25),
        ("K8109", "pod.yaml", 12, 7, 12, 17),
    ]
    assert check(cli, "--select", "K8109") == [
        ("K8109", "pod.yaml", 8, 7, 8, 16),
        ("K8109", "pod.yaml", 12, 7, 12, 17),
    ]


def test_privileged_container_has_no_read_only_finding_beside_k8110(cli: Cli) -> None:
    cli.write("pod.yaml", POD)
    assert check(cli, "--select", "K8107,K8110") == [
        ("K8110", "pod.yaml", 11, 21, 11, 25),
        ("K8107", "pod.yaml", 12, 7, 12, 17),
    ]
    assert [span[:3] for span in check(cli, "--select", "K8107")] == [
        ("K8107", "pod.yaml", 8),
        ("K8107", "pod.yaml", 12),
    ]


def test_socket_mount_is_one_finding_of_k8125(cli: Cli) -> None:
    cli.write("pod.yaml", POD)
    assert check(cli, "--select", "K8112,K8125") == [
        ("K8125", "pod.yaml", 17, 15, 17, 35),
        ("K8112", "pod.yaml", 20, 15, 20, 23),
    ]
    assert check(cli, "--select", "K8112") == [
        ("K8112", "pod.yaml", 17, 15, 17, 35),
        ("K8112", "pod.yaml", 20, 15, 20, 23),
    ]


def test_lone_apt_update_is_one_finding_of_df123(cli: Cli) -> None:
    cli.write("Dockerfile", DOCKERFILE)
    # line 2: DF123's update; line 3 installs, so DF123 is silent and DF106 reports it
    assert check(cli, "--select", "DF106,DF123") == [
        ("DF123", "Dockerfile", 2, 5, 2, 19),
        ("DF106", "Dockerfile", 3, 13, 3, 19),
    ]
    assert check(cli, "--select", "DF106") == [
        ("DF106", "Dockerfile", 2, 13, 2, 19),
        ("DF106", "Dockerfile", 3, 13, 3, 19),
    ]


def test_floating_image_is_one_finding_of_im001(cli: Cli) -> None:
    cli.write("compose.yaml", COMPOSE)
    assert check(cli, "--select", "IM001,IM002") == [
        ("IM001", "compose.yaml", 3, 12, 3, 17),
        ("IM002", "compose.yaml", 5, 21, 5, 25),
    ]
    assert check(cli, "--select", "IM002") == [
        ("IM002", "compose.yaml", 3, 12, 3, 17),
        ("IM002", "compose.yaml", 5, 21, 5, 25),
    ]


def test_pod_without_account_or_token_setting_is_one_finding_of_k8129(cli: Cli) -> None:
    cli.write("pods.yaml", ACCOUNTS)
    # `unnamed` writes neither key: one finding at its `spec:` key; `named` writes `default`
    # (flow style), K8113's own token inside K8129's span (`spec:` to the line's end), so
    # "start" keeps it where "span" would not
    assert check(cli, "--select", "K8113,K8129") == [
        ("K8129", "pods.yaml", 5, 1, 5, 6),
        ("K8129", "pods.yaml", 14, 1, 14, 89),
        ("K8113", "pods.yaml", 14, 28, 14, 35),
    ]
    assert check(cli, "--select", "K8113") == [
        ("K8113", "pods.yaml", 5, 1, 5, 6),
        ("K8113", "pods.yaml", 14, 28, 14, 35),
    ]


def test_a_suppressed_owner_still_owns_the_token(cli: Cli) -> None:
    cli.write("compose.yaml", COMPOSE.replace("nginx", "nginx  # opslint: ignore[IM001] mirror"))
    assert check(cli, "--select", "IM001,IM002") == [("IM002", "compose.yaml", 5, 21, 5, 25)]
    suppressed = json.loads(cli.out)["suppressed"]
    assert [(f["code"], f["line"], f["column"]) for f in suppressed] == [("IM001", 3, 12)]


def test_an_owner_ignored_for_the_file_gives_the_token_back(cli: Cli) -> None:
    cli.write("compose.yaml", COMPOSE)
    cli.write("pyproject.toml", '[tool.opslint.per-file-ignores]\n"compose.yaml" = ["IM001"]\n')
    cli("check", "--format", "json", "--select", "IM001,IM002", ".")
    findings = json.loads(cli.out)["findings"]
    assert [(f["code"], f["line"], f["column"]) for f in findings] == [
        ("IM002", 3, 12),
        ("IM002", 5, 21),
    ]


RULES = '''\
from opslint import Finding, Severity, rule
from opslint.model.base import Span
from opslint.model.dockerfile import Dockerfile


@rule("XO001", "owner", Severity.WARNING)
def owner(dockerfile: Dockerfile):
    """Reports columns 1-5 of line 1, about object `a`."""
    yield Finding(Span(dockerfile.path, 1, 1, 1, 5), "owner", logical="a")


@rule("XO002", "by-object", Severity.INFO, yields_to=("XO001",), yields_within="object")
def by_object(dockerfile: Dockerfile):
    """Reports object `a` on another line, and object `b` on the owner's span."""
    yield Finding(Span(dockerfile.path, 2, 3, 2, 9), "a, moved", logical="a")
    yield Finding(Span(dockerfile.path, 1, 1, 1, 5), "b, same span", logical="b")


@rule("XO003", "by-span", Severity.INFO, yields_to=("XO001",))
def by_span(dockerfile: Dockerfile):
    """Reports a span overlapping the owner's, one right after it, and one on line 2."""
    yield Finding(Span(dockerfile.path, 1, 4, 1, 9), "overlaps", logical="z")
    yield Finding(Span(dockerfile.path, 1, 5, 1, 9), "starts where the owner ends")
    yield Finding(Span(dockerfile.path, 2, 1, 2, 4), "another line", logical="a")


@rule("XO004", "by-start", Severity.INFO, yields_to=("XO001",), yields_within="start")
def by_start(dockerfile: Dockerfile):
    """Reports a span starting where the owner's does, and one inside it."""
    yield Finding(Span(dockerfile.path, 1, 1, 1, 3), "same start")
    yield Finding(Span(dockerfile.path, 1, 2, 1, 4), "inside, another start")
'''


def test_yields_within_object_span_or_start(cli: Cli) -> None:
    cli.write("rules/overlap.py", RULES)
    cli.write("Dockerfile", "FROM alpine:3.20\nUSER app\n")
    select = ("--rule-path", "rules", "--select", "XO")
    assert check(cli, *select) == [
        ("XO001", "Dockerfile", 1, 1, 1, 5),
        ("XO002", "Dockerfile", 1, 1, 1, 5),
        ("XO004", "Dockerfile", 1, 2, 1, 4),
        ("XO003", "Dockerfile", 1, 5, 1, 9),
        ("XO003", "Dockerfile", 2, 1, 2, 4),
    ]
    assert check(cli, *select, "--ignore", "XO001") == [
        ("XO002", "Dockerfile", 1, 1, 1, 5),
        ("XO004", "Dockerfile", 1, 1, 1, 3),
        ("XO004", "Dockerfile", 1, 2, 1, 4),
        ("XO003", "Dockerfile", 1, 4, 1, 9),
        ("XO003", "Dockerfile", 1, 5, 1, 9),
        ("XO003", "Dockerfile", 2, 1, 2, 4),
        ("XO002", "Dockerfile", 2, 3, 2, 9),
    ]


def test_rules_list_says_what_a_rule_yields_to(cli: Cli) -> None:
    cli("rules", "--isolated", "--format", "json")
    rows = {row["code"]: row for row in json.loads(cli.out)}
    assert (rows["K8108"]["yields_to"], rows["K8108"]["yields_within"]) == (["K8110"], "object")
    assert (rows["IM002"]["yields_to"], rows["IM002"]["yields_within"]) == (["IM001"], "span")
    assert (rows["K8110"]["yields_to"], rows["K8110"]["yields_within"]) == ([], None)


def test_a_rule_cannot_yield_to_itself_or_within_an_unknown_scope() -> None:
    @rule("XO009", "selfish", Severity.INFO, yields_to=("XO009",))
    def selfish(dockerfile: Path) -> None:
        """Yields to itself."""

    with pytest.raises(RuleDefinitionError, match="XO009: a rule cannot yield to itself"):
        make_rule(selfish, "test", {})

    line = cast("YieldScope", "line")

    @rule("XO008", "by-line", Severity.INFO, yields_to=("XO001",), yields_within=line)
    def by_line(dockerfile: Path) -> None:
        """Names a scope there is not."""

    with pytest.raises(RuleDefinitionError, match="XO008: yields_within is 'line'"):
        make_rule(by_line, "test", {})
