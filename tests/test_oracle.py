"""Agreement with the peers' own test cases (../shared/oracle), measured by its score.py.

The two cases that stay apart are deliberate DF101 policy differences from hadolint's
DL3002, argued in the rule's docstring: a final stage without USER is reported, a root
USER in an intermediate stage the final one does not build on is not.
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


@pytest.mark.slow
def test_oracle_agreement(shared: Path) -> None:
    opslint = shlex.quote(str(Path(sys.executable).with_name("opslint")))
    command = f"{opslint} check --select ALL --format json --kind {{kind}} {{file}}"
    result = subprocess.run(
        [sys.executable, "score.py", "--map", str(MAP), "--cmd", command],
        cwd=shared / "oracle",
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    match = re.search(r"overall agreement: ([\d.]+)%", result.stdout)
    assert match, result.stdout + result.stderr
    assert float(match.group(1)) >= 97.0, result.stdout
    disagreements = re.findall(r"^\s+(FN|FP) (\S+)\s+(\S+)", result.stdout, flags=re.MULTILINE)
    assert sorted(disagreements) == [
        ("FN", "docker-root-user", "hadolint/DL3002-8.Dockerfile"),
        ("FP", "docker-root-user", "hadolint/DL3002-9.Dockerfile"),
    ]
