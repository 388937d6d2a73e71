"""`--format junit`: valid against the JUnit schema Jenkins reads, one test case per rule
and file, failures with their locations and messages."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from opslint.cli import main

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "checkout-service"
SCHEMA = Path(__file__).parent / "data" / "junit" / "junit-10.xsd"
DOCKERFILE = """\
FROM python:latest
RUN pip install flask
RUN apt-get update && apt-get install -y curl
CMD python app.py
"""


def junit(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, ET.Element]:
    """Run `opslint check -f junit`, validate its XML against the schema, parse it."""
    xmlschema = pytest.importorskip("xmlschema", reason="xmlschema (the test extra)")
    status = main(["check", "--isolated", "-q", "-f", "junit", *arguments])
    out = capsys.readouterr().out
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')
    xmlschema.XMLSchema10(SCHEMA).validate(out)
    return status, ET.fromstring(out)


def applicable_rules(capsys: pytest.CaptureFixture[str], kind: str) -> list[str]:
    """`CODE name` of every enabled rule for `kind`, as `opslint rules` lists them."""
    assert main(["rules", "--isolated", "--format", "json"]) == 0
    rules = json.loads(capsys.readouterr().out)
    return sorted(
        f"{rule['code']} {rule['name']}"
        for rule in rules
        if rule["enabled"] and (kind in rule["kinds"] or "*" in rule["kinds"])
    )


def cases(suite: ET.Element) -> dict[str, ET.Element]:
    return {case.attrib["name"]: case for case in suite.iter("testcase")}


def test_a_test_case_per_rule_and_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "Dockerfile").write_text(DOCKERFILE, encoding="utf-8")
    shutil.copytree(EXAMPLE / "k8s", tmp_path / "k8s")
    monkeypatch.chdir(tmp_path)
    dockerfile_rules = applicable_rules(capsys, "dockerfile")
    kubernetes_rules = applicable_rules(capsys, "kubernetes")
    status, root = junit(capsys, ".")
    assert status == 1
    suites = root.findall("testsuite")
    assert [suite.attrib["name"] for suite in suites] == ["Dockerfile", "k8s/deployment.yaml"]
    docker, deployment = suites
    assert sorted(cases(docker)) == dockerfile_rules
    assert sorted(cases(deployment)) == kubernetes_rules
    assert docker.attrib == {
        "name": "Dockerfile",
        "tests": str(len(dockerfile_rules)),
        "failures": "6",
        "errors": "0",
    }
    assert deployment.attrib["failures"] == "11"
    assert root.attrib["tests"] == str(len(dockerfile_rules) + len(kubernetes_rules))
    assert (root.attrib["failures"], root.attrib["errors"]) == ("17", "0")
    assert all(case.attrib["classname"] == "Dockerfile" for case in docker.iter("testcase"))

    passing = cases(docker)["DF107 copy-over-add"]
    assert list(passing) == []
    single = cases(docker)["DF110 exec-form-cmd"].find("failure")
    assert single is not None
    message = (
        "CMD in shell form runs under `/bin/sh -c`, which does not pass signals on: write "
        'it in exec form (`CMD ["program", "arg"]`)'
    )
    assert single.attrib == {"message": message, "type": "warning"}
    assert single.text == f"Dockerfile:4:5: {message}\n"

    twice = cases(docker)["DF106 package-cache-cleanup"].findall("failure")
    assert len(twice) == 1
    first = (
        "`pip install` keeps its download cache in the image: add `--no-cache-dir` "
        "(or set `ENV PIP_NO_CACHE_DIR=1`)"
    )
    assert twice[0].attrib == {"message": f"2 findings; first: {first}", "type": "info"}
    assert twice[0].text == (
        f"Dockerfile:2:9: {first}\n"
        "Dockerfile:3:13: `apt-get update` leaves the package lists in the image: end the "
        "same RUN with `rm -rf /var/lib/apt/lists/*`\n"
        "  help: a cache mount at /var/lib/apt keeps them out of the image too\n"
    )


def test_suppressed_findings_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = DOCKERFILE.replace(
        "CMD python", "# opslint: ignore[DF110] the shell is wanted\nCMD python"
    )
    (tmp_path / "Dockerfile").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    _, root = junit(capsys, "--select", "DF110,DF101", ".")
    [suite] = root.findall("testsuite")
    assert [(case.attrib["name"], len(case)) for case in suite] == [
        ("DF101 non-root-user", 1),
        ("DF110 exec-form-cmd", 0),
    ]


def test_nothing_checked_is_one_passing_case(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, root = junit(capsys, str(tmp_path))
    assert status == 0
    assert root.attrib == {
        "name": "opslint",
        "time": root.attrib["time"],
        "tests": "1",
        "failures": "0",
        "errors": "0",
    }
    [suite] = root
    assert suite.attrib == {"name": "opslint", "tests": "1", "failures": "0", "errors": "0"}
    [case] = suite
    assert (case.attrib, list(case)) == ({"classname": "opslint", "name": "no files checked"}, [])


def test_characters_xml_cannot_carry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "svc\x01a"
    folder.mkdir()
    (folder / "Dockerfile").write_text("FROM python:latest\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    _, root = junit(capsys, "--select", "IM001", ".")
    [suite] = root.findall("testsuite")
    assert suite.attrib["name"] == "svc\ufffda/Dockerfile"
    [case] = suite
    failure = case.find("failure")
    assert failure is not None and failure.text is not None
    assert failure.text.startswith("svc\ufffda/Dockerfile:1:13: image `python:latest`")
