"""The SARIF, GitHub and GitLab reporters, on real engine runs and on hand-made reports."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import ROOT, run_engine

from opslint.cli import main
from opslint.config import Config
from opslint.model.base import Edit, Finding, Fix, RelatedLocation, Span
from opslint.model.source import SourceFile
from opslint.report import Report
from opslint.report.annotations import (
    escape_data,
    escape_property,
    github_command,
    gitlab_issues,
    write_github,
)
from opslint.report.sarif import artifact_uri, line_hashes, sarif_json, utf16_column
from opslint.severity import Severity

SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text("utf-8"))

DOCKERFILE = """\
# opslint: ignore[DF102] the orchestrator probes the service
FROM node:latest
COPY . /app
CMD ["node", "/app/server.js"]
"""


def validate_sarif(log: dict[str, Any]) -> None:
    """Schema-valid, and within what GitHub code scanning accepts and uses."""
    validator_class = jsonschema.validators.validator_for(SCHEMA)
    assert validator_class is jsonschema.Draft4Validator
    validator_class.check_schema(SCHEMA)
    errors = sorted(validator_class(SCHEMA).iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)

    assert log["version"] == "2.1.0"
    assert log["$schema"]
    assert len(log["runs"]) == 1
    run = log["runs"][0]
    assert isinstance(run["results"], list)
    assert run["automationDetails"]["id"] == "opslint/"
    assert run["columnKind"] == "utf16CodeUnits"
    assert run["invocations"][0]["executionSuccessful"] is True
    driver = run["tool"]["driver"]
    assert driver["name"] == "opslint"
    assert driver["version"] and driver["semanticVersion"]
    rules = driver["rules"]
    assert len({rule["id"] for rule in rules}) == len(rules)
    for rule in rules:
        assert rule["id"]
        assert 0 < len(rule["name"]) <= 255
        assert 0 < len(rule["shortDescription"]["text"].strip()) <= 1024
        assert 0 < len(rule["fullDescription"]["text"].strip()) <= 1024
        assert rule["help"]["text"].strip()
        assert rule["defaultConfiguration"]["level"] in {"note", "warning", "error"}
        properties = rule["properties"]
        assert len(properties["tags"]) <= 10
        assert len(set(properties["tags"])) == len(properties["tags"])
        assert properties["problem.severity"] in {"error", "warning", "recommendation"}
        if "security-severity" in properties:
            score = properties["security-severity"]
            assert isinstance(score, str)
            assert 0.1 <= float(score) <= 10.0
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in {"note", "warning", "error"}
        assert result["message"]["text"].strip()
        assert 1 <= len(result["locations"]) <= 10
        physical = result["locations"][0]["physicalLocation"]
        uri = physical["artifactLocation"]["uri"]
        if physical["artifactLocation"].get("uriBaseId") == "%SRCROOT%":
            assert not re.match(r"^[a-z]+:", uri) and not uri.startswith(("/", "../"))
        else:
            assert uri.startswith("file:///")
        region = physical["region"]
        assert region["startLine"] >= 1
        assert region["startColumn"] >= 1
        assert region["endLine"] >= region["startLine"]
        assert re.fullmatch(
            r"[0-9a-f]+:[0-9]+", result["partialFingerprints"]["primaryLocationLineHash"]
        )


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory holding one flawed Dockerfile."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text(DOCKERFILE, encoding="utf-8")
    return tmp_path


def sarif_of(report: Report) -> dict[str, Any]:
    log = sarif_json(report)
    validate_sarif(log)
    return log


def result_of(log: dict[str, Any], code: str) -> dict[str, Any]:
    results = [r for r in log["runs"][0]["results"] if r["ruleId"] == code]
    assert len(results) == 1, results
    result: dict[str, Any] = results[0]
    return result


def test_sarif_of_a_real_run(project: Path) -> None:
    report = run_engine([Path("Dockerfile")], select=("IM001", "DF101", "DF102"))
    log = sarif_of(report)
    run = log["runs"][0]
    ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert ids == ["DF101", "DF102", "IM001"]

    image = result_of(log, "IM001")
    assert image["level"] == "error"
    assert "`node:latest`" in image["message"]["text"]
    location = image["locations"][0]
    assert location["physicalLocation"] == {
        "artifactLocation": {"uri": "Dockerfile", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 2, "startColumn": 11, "endLine": 2, "endColumn": 17},
    }
    assert location["logicalLocations"] == [{"fullyQualifiedName": "stage:0"}]
    assert "suppressions" not in image

    suppressed = result_of(log, "DF102")
    assert suppressed["suppressions"] == [
        {"kind": "inSource", "justification": "the orchestrator probes the service"}
    ]
    assert result_of(log, "DF101")["level"] == "error"

    rule = run["tool"]["driver"]["rules"][ids.index("IM001")]
    assert rule["name"] == "image-tag-pinned"
    assert rule["shortDescription"]["text"] == (
        "Images carry a tag that names a version, or a digest."
    )
    assert rule["fullDescription"]["text"].startswith("Checks every container image reference")
    assert rule["help"]["markdown"].startswith("# IM001 image-tag-pinned")
    assert rule["helpUri"].endswith("/IM001.md")
    assert rule["properties"]["security-severity"] == "5.0"
    assert rule["properties"]["precision"] == "high"
    assert rule["properties"]["problem.severity"] == "error"
    assert rule["properties"]["tags"][:3] == ["security", "reproducibility", "opslint/cross-format"]
    assert len(rule["properties"]["tags"]) == 10  # code scanning's limit
    assert "hadolint DL3007" in rule["properties"]["tags"]
    assert rule["properties"]["peers"][-2:] == ["trivy DS-0001", "trivy KSV-0013"]
    healthcheck = run["tool"]["driver"]["rules"][ids.index("DF102")]
    assert healthcheck["defaultConfiguration"] == {"level": "warning"}
    assert "security-severity" not in healthcheck["properties"]


def test_sarif_of_a_clean_run_has_an_empty_results_array(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text("FROM node:22.11-bookworm-slim\n", encoding="utf-8")
    log = sarif_of(run_engine([Path("Dockerfile")], select=("IM001",)))
    assert log["runs"][0]["results"] == []
    assert [rule["id"] for rule in log["runs"][0]["tool"]["driver"]["rules"]] == ["IM001"]


def test_line_hash_survives_lines_inserted_above(project: Path) -> None:
    before = result_of(sarif_of(run_engine([Path("Dockerfile")], select=("IM001",))), "IM001")
    (project / "Dockerfile").write_text(
        "# syntax=docker/dockerfile:1\n\n# the web front end\n" + DOCKERFILE, encoding="utf-8"
    )
    after = result_of(sarif_of(run_engine([Path("Dockerfile")], select=("IM001",))), "IM001")
    region = after["locations"][0]["physicalLocation"]["region"]
    assert (
        region["startLine"] == before["locations"][0]["physicalLocation"]["region"]["startLine"] + 3
    )
    assert after["partialFingerprints"] == before["partialFingerprints"]


def test_line_hashes_match_upload_sarif() -> None:
    # reference values printed by GitHub's upload-sarif implementation for the same inputs
    assert line_hashes("") == {1: "c129715d7a2bc9a3:1"}
    assert list(line_hashes(" a\nb\n  \t\tc\n d").values()) == [
        "271789c17abda88f:1",
        "54703d4cd895b18:1",
        "180aee12dab6264:1",
        "a23a3dc5e078b07b:1",
    ]
    crlf = line_hashes(" hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n")
    assert crlf == line_hashes(" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n")
    assert crlf[1] == "e9496ae3ebfced30:1"
    assert crlf[7] == "c129715d7a2bc9a3:1"
    repeated = line_hashes("Lorem ipsum dolor sit amet.\n" * 10)
    assert [repeated[n] for n in (1, 6, 7)] == [
        "a7f2ff13bc495cf2:1",
        "a7f2ff13bc495cf2:6",
        "a7f2ff1481e87703:1",
    ]


def test_line_hash_ignores_indentation() -> None:
    assert line_hashes("  x: 1\n")[1] == line_hashes("x: 1\n")[1]
    assert line_hashes("x: 1\n")[1] != line_hashes("x: 2\n")[1]


def _report(tmp_path: Path, text: str, findings: list[Finding], **extra: Any) -> tuple[Report, str]:
    path = "app/Dockerfile"
    source = SourceFile(tmp_path / path, path, text=text)
    report = Report(
        findings=findings,
        rules=[],
        config=Config(root=tmp_path),
        sources={path: source},
        **extra,
    )
    return report, path


def test_sarif_columns_count_utf16_units(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    text = 'LABEL note="\U0001f600 x" secret=abc\n'
    start = text.index("abc") + 1
    span = Span("app/Dockerfile", 1, start, 1, start + 3)
    report, _ = _report(tmp_path, text, [Finding(span, "m", code="X001", name="x")])
    region = result_of(sarif_of(report), "X001")["locations"][0]["physicalLocation"]["region"]
    assert (region["startColumn"], region["endColumn"]) == (start + 1, start + 4)
    assert utf16_column("ab", 2) == 2
    assert utf16_column("\U0001f600b", 2) == 3
    assert utf16_column("a", 5) == 5


def test_sarif_fix_related_notes_and_unknown_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = "FROM node:latest\nRUN npm install\n"
    span = Span("app/Dockerfile", 2, 9, 2, 16)
    fix = Fix("use `npm ci`", (Edit(span, "ci"),))
    related = (RelatedLocation(Span("app/Dockerfile", 1, 1, 1, 17), "the image"),)
    finding = Finding(
        span, "use npm ci", fix=fix, related=related, code="X001", name="x", logical="stage:0"
    )
    report, _ = _report(tmp_path, text, [finding], notes=["a.yaml: cannot read: denied"])
    log = sarif_of(report)
    run = log["runs"][0]
    assert run["tool"]["driver"]["rules"][0]["id"] == "X001"
    result = result_of(log, "X001")
    assert result["fixes"] == [
        {
            "artifactChanges": [
                {
                    "artifactLocation": {"uri": "app/Dockerfile", "uriBaseId": "%SRCROOT%"},
                    "replacements": [
                        {
                            "deletedRegion": {
                                "startLine": 2,
                                "startColumn": 9,
                                "endLine": 2,
                                "endColumn": 16,
                            },
                            "insertedContent": {"text": "ci"},
                        }
                    ],
                }
            ],
            "description": {"text": "use `npm ci`"},
            "properties": {"applicability": "safe"},
        }
    ]
    assert result["relatedLocations"][0]["id"] == 1
    assert result["relatedLocations"][0]["message"] == {"text": "the image"}
    assert run["invocations"][0]["toolExecutionNotifications"] == [
        {"message": {"text": "a.yaml: cannot read: denied"}, "level": "warning"}
    ]


def test_artifact_uris(tmp_path: Path) -> None:
    assert artifact_uri("app/my file.yaml", tmp_path) == ("app/my%20file.yaml", "%SRCROOT%")
    assert artifact_uri(str(tmp_path / "a" / "b.yaml"), tmp_path) == ("a/b.yaml", "%SRCROOT%")
    uri, base = artifact_uri("/elsewhere/Dockerfile", tmp_path)
    assert (uri, base) == ("file:///elsewhere/Dockerfile", None)
    uri, base = artifact_uri("../sibling/Dockerfile", tmp_path)
    assert uri == (tmp_path.parent / "sibling" / "Dockerfile").as_uri()
    assert base is None


def test_github_escaping() -> None:
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"
    finding = Finding(
        Span("dir,1/a:b.yaml", 3, 5, 4, 2),
        "50% of: a, b\nsecond line",
        code="SE001",
        name="hardcoded-secret",
        severity=Severity.ERROR,
    )
    assert github_command(finding) == (
        "::error file=dir%2C1/a%3Ab.yaml,line=3,endLine=4,col=5,endColumn=2,"
        "title=opslint SE001 hardcoded-secret::50%25 of: a, b%0Asecond line"
    )
    notice = Finding(Span("x", 1, 1, 1, 2), "m", code="A", name="n", severity=Severity.INFO)
    assert github_command(notice).startswith("::notice file=x,")


def test_github_format_of_a_real_run(project: Path) -> None:
    report = run_engine([Path("Dockerfile")], select=("IM001", "DF101", "DF102"))
    stream = io.StringIO()
    write_github(report, stream)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2  # DF102 is suppressed
    assert (
        "::error file=Dockerfile,line=2,endLine=2,col=11,endColumn=17,"
        "title=opslint IM001 image-tag-pinned::image `node:latest` uses" in lines[1]
    )


def test_gitlab_code_quality(project: Path) -> None:
    report = run_engine([Path("Dockerfile")], select=("IM001", "DF101", "DF102"))
    issues = gitlab_issues(report)
    assert [issue["check_name"] for issue in issues] == ["DF101", "IM001"]
    image = issues[1]
    assert set(image) == {"description", "check_name", "fingerprint", "severity", "location"}
    assert image["severity"] == "critical"
    assert image["location"] == {"path": "Dockerfile", "lines": {"begin": 2}}
    assert image["description"].startswith("IM001 image-tag-pinned: ")
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)

    (project / "Dockerfile").write_text("\n\n" + DOCKERFILE, encoding="utf-8")
    moved = gitlab_issues(run_engine([Path("Dockerfile")], select=("IM001", "DF101", "DF102")))
    assert moved[1]["location"]["lines"]["begin"] == 4
    assert [i["fingerprint"] for i in moved] == [i["fingerprint"] for i in issues]


def test_gitlab_fingerprints_unique_for_identical_findings(tmp_path: Path) -> None:
    span = Span("app/Dockerfile", 1, 1, 1, 5)
    same = Finding(span, "m", code="X001", name="x", severity=Severity.INFO)
    report, _ = _report(tmp_path, "FROM x\n", [same, same])
    issues = gitlab_issues(report)
    assert len({issue["fingerprint"] for issue in issues}) == 2
    assert {issue["severity"] for issue in issues} == {"info"}


def test_output_file_and_summary_on_stderr(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("sarif", "gitlab", "github"):
        target = project / f"report.{name}"
        status = main(
            ["check", "--isolated", "--select", "IM001", "-f", name, "-o", str(target), "."]
        )
        captured = capsys.readouterr()
        assert status == 1
        assert captured.out == ""
        assert "1 finding (1 error) in 1 file" in captured.err
        data = target.read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf")
        if name == "sarif":
            validate_sarif(json.loads(data))
        elif name == "gitlab":
            assert json.loads(data)[0]["check_name"] == "IM001"
        else:
            assert data.decode().startswith("::error file=Dockerfile,line=2,")


def test_formats_are_registered(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--isolated", "--select", "IM001", "-f", "gitlab", "."]) == 1
    assert json.loads(capsys.readouterr().out)[0]["check_name"] == "IM001"


def test_other_formats_never_import_sarif_om(project: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys; from opslint.cli import main; "
        "main(['check', '--isolated', '-q', '-f', 'json', '.']); "
        "sys.exit(3 if 'sarif_om' in sys.modules else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
