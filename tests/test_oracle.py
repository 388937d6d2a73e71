"""Agreement with the peers' own test cases (../shared/oracle), measured by its score.py.

Every case file is scored (the main set, hadolint's extra clean cases and the ONBUILD
variants) with every rule on; DF105's opt-in OS-package part is turned on by
tests/data/oracle.opslint.toml, since the apt and apk cases are about it.

Three cases stay apart, each a deliberate policy argued in the rule's docstring:
- DF101 against hadolint DL3002: a final stage without USER is reported (DL3002-9), and
  a root USER in an intermediate stage the final one does not build on is not (DL3002-8);
- DF110 against DL3025: `HEALTHCHECK CMD` in shell form is not reported (DL3025-5), since
  a health check is never PID 1 and signal handling does not apply to it.

kube-linter's read-secret-from-env-var (`k8s-secret-in-env`) is left unmapped on purpose:
reading a Secret through `secretKeyRef` is the recommended practice (see SE001).
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

MAP = ROOT / "tests" / "data" / "oracle_map.json"
CONFIG = ROOT / "tests" / "data" / "oracle.opslint.toml"
CASE_FILES = ("cases.jsonl", "cases_extra.jsonl", "cases_onbuild.jsonl")


@pytest.mark.slow
def test_oracle_agreement(shared: Path) -> None:
    opslint = shlex.quote(str(Path(sys.executable).with_name("opslint")))
    command = (
        f"{opslint} check --config {shlex.quote(str(CONFIG))} --select ALL --format json "
        "--kind {kind} {file}"
    )
    cases = [argument for name in CASE_FILES for argument in ("--cases", name)]
    result = subprocess.run(
        [sys.executable, "score.py", "--map", str(MAP), *cases, "--jobs", "2", "--cmd", command],
        cwd=shared / "oracle",
        capture_output=True,
        text=True,
        check=False,
        timeout=1200,
    )
    match = re.search(r"overall agreement: ([\d.]+)% of (\d+) scored cases", result.stdout)
    assert match, result.stdout + result.stderr
    assert float(match.group(1)) >= 99.0, result.stdout
    assert int(match.group(2)) == 376, result.stdout
    assert "unmapped concepts (not scored): k8s-secret-in-env\n" in result.stdout
    disagreements = re.findall(r"^\s+(FN|FP) (\S+)\s+(\S+)", result.stdout, flags=re.MULTILINE)
    assert sorted(disagreements) == [
        ("FN", "docker-json-cmd", "hadolint/DL3025-5.Dockerfile"),
        ("FN", "docker-root-user", "hadolint/DL3002-8.Dockerfile"),
        ("FP", "docker-root-user", "hadolint/DL3002-9.Dockerfile"),
    ]
