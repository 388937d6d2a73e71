"""The GitLab CI/CD component (templates/opslint.yml): valid for GitLab, and its job run
for real by gitlab-ci-local on the flawed example service."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_action import EXAMPLE, REPO, SARIF_SCHEMA, clean_copy, offline_pip

from opslint.cli import main

TEMPLATE = REPO / "templates" / "opslint.yml"
GITLAB_CI_LOCAL = REPO / ".tools" / "node" / "node_modules" / ".bin" / "gitlab-ci-local"
INPUTS = [
    "stage",
    "image",
    "paths",
    "config",
    "select",
    "fail-on",
    "baseline",
    "version",
    "extras",
    "sarif-file",
    "codequality-file",
]


def documents() -> tuple[dict[str, Any], dict[str, Any]]:
    """The template's header (`spec:`) and its jobs."""
    header, jobs = yaml.safe_load_all(TEMPLATE.read_text(encoding="utf-8"))
    return header, jobs


def test_component_matches_gitlab_schema() -> None:
    pytest.importorskip("check_jsonschema", reason="check-jsonschema (the schemas extra)")
    from opslint.ruleapi.schemas import vendor_validator

    validator = vendor_validator("gitlab-ci")
    header, jobs = documents()
    assert [error.message for error in validator.iter_errors(header)] == []
    assert [error.message for error in validator.iter_errors(jobs)] == []
    assert list(header["spec"]["inputs"]) == INPUTS
    job = jobs["opslint"]
    assert job["artifacts"] == {
        "when": "always",
        "paths": ["$[[ inputs.sarif-file ]]", "$[[ inputs.codequality-file ]]"],
        "reports": {"codequality": "$[[ inputs.codequality-file ]]"},
    }
    # Inputs reach the script as variables only, never pasted into it.
    assert "$[[" not in "\n".join(job["script"])


def test_component_passes_its_own_check(capsys: pytest.CaptureFixture[str]) -> None:
    arguments = ["check", "--isolated", "--select", "ALL", "--kind", "gitlab-ci", "-f", "json"]
    assert main([*arguments, str(TEMPLATE)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["findings"] == []
    # The image is an input the including pipeline sets: no rule reads `$[[ inputs.image ]]`
    # as an image without a tag, so nothing needs suppressing.
    assert report["suppressed"] == []


def project(root: Path, inputs: dict[str, str]) -> Path:
    """A git repository of the example service whose pipeline includes the component."""
    repo = root / "project"
    shutil.copytree(EXAMPLE, repo)
    (repo / "ci").mkdir()
    shutil.copy2(TEMPLATE, repo / "ci" / "opslint.yml")
    include = {"include": [{"local": "ci/opslint.yml", "inputs": inputs}]}
    (repo / "opslint-ci.yml").write_text(yaml.safe_dump(include), encoding="utf-8")
    identity = {
        "GIT_AUTHOR_NAME": "opslint",
        "GIT_AUTHOR_EMAIL": "opslint@example.com",
        "GIT_COMMITTER_NAME": "opslint",
        "GIT_COMMITTER_EMAIL": "opslint@example.com",
    }
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "example"]):
        subprocess.run(["git", *command], cwd=repo, env={**os.environ, **identity}, check=True)
    return repo


@pytest.mark.slow
def test_job_runs_in_gitlab_ci_local(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    if not GITLAB_CI_LOCAL.is_file():
        pytest.skip(
            "gitlab-ci-local is not installed: npm install --prefix .tools/node "
            "gitlab-ci-local@4.73.0"
        )
    if shutil.which("rsync") is None:
        pytest.skip("gitlab-ci-local needs rsync (apt-get install rsync)")
    offline = offline_pip(tmp_path_factory)
    source = clean_copy(tmp_path / "opslint")
    repo = project(tmp_path, {"version": str(source), "fail-on": "warning"})
    variables = [f"--variable={name}={value}" for name, value in offline.items()]
    done = subprocess.run(
        [
            str(GITLAB_CI_LOCAL),
            "--file=opslint-ci.yml",
            "--force-shell-executor",
            f"--home={tmp_path / 'home'}",
            *variables,
        ],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    log = done.stdout + done.stderr
    assert done.returncode == 1, log
    assert " FAIL  opslint" in log

    artifacts = repo / ".gitlab-ci-local" / "artifacts" / "opslint"
    sarif = json.loads((artifacts / "gl-opslint.sarif").read_text(encoding="utf-8"))
    issues = json.loads((artifacts / "gl-code-quality-report.json").read_text(encoding="utf-8"))
    summary = f"{len(issues)} findings (16 error, 34 warning, 8 info) in 12 files"
    assert summary in log
    assert len(issues) == 58

    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(sarif)
    located = sorted(
        (
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["ruleId"],
        )
        for r in sarif["runs"][0]["results"]
    )
    assert located == sorted(
        (issue["location"]["path"], issue["location"]["lines"]["begin"], issue["check_name"])
        for issue in issues
    )
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)
    assert {issue["severity"] for issue in issues} == {"critical", "major", "info"}
    assert {
        "description": "IM001 image-tag-pinned: image `node:latest` uses the moving `latest` "
        "tag: pin a version or digest",
        "check_name": "IM001",
        "severity": "critical",
        "location": {"path": "Dockerfile", "lines": {"begin": 2}},
    } in [{k: v for k, v in issue.items() if k != "fingerprint"} for issue in issues]
