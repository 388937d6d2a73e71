"""Dockerfile package rules: DF105's `os-packages` option and DF108's ignore-file reading."""

from __future__ import annotations

from pathlib import Path

from conftest import run_engine

from opslint.config import Config
from opslint.severity import Severity

DOCKERFILE = """\
FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u7 git \\
    && rm -rf /var/lib/apt/lists/*
RUN apt-get install -y ./vendor/tool_1.0_amd64.deb -t bookworm-backports jq=1.6*
RUN apk add --no-cache --virtual .deps flex=2.6.4-r1 "libffi~3.2" bash
ONBUILD RUN apt-get install -y make
RUN pip install --no-cache-dir flask
"""


RPM_DOCKERFILE = """\
FROM fedora:40
RUN dnf install -y tomcat-9.0.1 openssl-1:3.0.7-1.fc40 rpm-sign gcc-c++ ./local.rpm @development
RUN microdnf install -y java-17-openjdk-headless python3-pip && yum install -y /usr/bin/ps
RUN zypper in -y git-core=2.43.0 "curl>=8" tar
RUN dnf module install -y nodejs:20 && dnf install -y "$EXTRA"
"""


def _findings(
    tmp_path: Path, os_packages: bool, text: str = DOCKERFILE
) -> list[tuple[int, int, int, Severity]]:
    path = tmp_path / "Dockerfile"
    path.write_text(text, encoding="utf-8")
    options = {"DF105": {"os-packages": True}} if os_packages else {}
    config = Config(root=tmp_path, rule_options=options)
    report = run_engine([path], select=("DF105",), config=config)
    return [
        (f.span.line, f.span.column, f.span.end_column, f.severity)
        for f in report.findings
        if f.code == "DF105"
    ]


def test_os_packages_off_by_default(tmp_path: Path) -> None:
    assert _findings(tmp_path, False) == [(7, 32, 37, Severity.WARNING)]


def test_os_packages_reported_at_info(tmp_path: Path) -> None:
    assert _findings(tmp_path, True) == [
        (2, 89, 92, Severity.INFO),
        (5, 67, 71, Severity.INFO),
        (6, 32, 36, Severity.INFO),
        (7, 32, 37, Severity.WARNING),
    ]


def test_os_packages_of_rpm_distributions(tmp_path: Path) -> None:
    assert _findings(tmp_path, False, RPM_DOCKERFILE) == []
    assert _findings(tmp_path, True, RPM_DOCKERFILE) == [
        (2, 56, 64, Severity.INFO),
        (2, 65, 72, Severity.INFO),
        (3, 50, 61, Severity.INFO),
        (4, 44, 47, Severity.INFO),
    ]


RPM_OPTIONS = """\
FROM opensuse/leap:15.6
RUN zypper -n in -y -t pattern devel_basis && zypper -n in -y --from oss vim=9.1
RUN yum -C install -y httpd && zypper -x in -y tar
"""


def test_options_taking_a_value_are_each_managers_own(tmp_path: Path) -> None:
    """zypper's `-t pattern` and `--from oss` are values, not packages; yum's `-C` and
    zypper's `-x` take none, so what follows them is the verb."""
    assert _findings(tmp_path, True, RPM_OPTIONS) == [
        (2, 32, 43, Severity.INFO),
        (3, 23, 28, Severity.INFO),
        (3, 48, 51, Severity.INFO),
    ]


def test_dockerignore_patterns() -> None:
    from opslint.rules.dockerfile.dockerignore import excluded

    assert excluded([".git"], ".git")
    assert excluded(["/.git/"], ".git")
    assert excluded(["**/.git"], ".git")
    assert excluded(["*"], ".git")
    assert excluded(["*", "!src"], ".git")
    assert not excluded(["*", "!.git"], ".git")
    assert not excluded(["# .git", "src/.git"], ".git")
    assert excluded(["**/node_modules"], "node_modules")
    assert not excluded(["node_modules/*.js"], "node_modules")
