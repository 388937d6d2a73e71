"""`opslint check --statistics`: one line per rule, as `ruff check --statistics` prints."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from opslint.cli import main

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "checkout-service"
DOCKERFILE = """\
FROM python:latest
RUN pip install flask
RUN apt-get update && apt-get install -y curl
CMD python app.py
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A Dockerfile and the example's Kubernetes deployment, as the working directory."""
    (tmp_path / "Dockerfile").write_text(DOCKERFILE, encoding="utf-8")
    shutil.copytree(EXAMPLE / "k8s", tmp_path / "k8s")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def statistics(capsys: pytest.CaptureFixture[str], *flags: str) -> tuple[int, str, str]:
    status = main(["check", "--isolated", "--statistics", *flags, "."])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_counts_sorted_with_fixability(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = statistics(capsys)
    assert status == 1
    assert out == (
        "2\tDF106\t[*] package-cache-cleanup\n"
        "2\tIM001\t[ ] image-tag-pinned\n"
        "1\tDF101\t[ ] non-root-user\n"
        "1\tDF105\t[ ] pinned-packages\n"
        "1\tDF110\t[*] exec-form-cmd\n"
        "1\tDF111\t[*] apt-no-recommends\n"
        "1\tK8101\t[ ] resource-requests\n"
        "1\tK8102\t[ ] memory-limit\n"
        "1\tK8103\t[ ] liveness-probe\n"
        "1\tK8106\t[ ] run-as-non-root\n"
        "1\tK8107\t[ ] read-only-root-fs\n"
        "1\tK8109\t[*] drop-capabilities\n"
        "1\tK8110\t[ ] privileged\n"
        "1\tK8111\t[ ] host-namespaces\n"
        "1\tK8115\t[*] pod-disruption-budget\n"
        "1\tK8117\t[*] default-deny-network-policy\n"
        "1\tK8129\t[*] automount-token\n"
        "1\tSE001\t[ ] hardcoded-secret\n"
    )
    # The summary line moves to stderr, as for every format that is not text.
    last = err.splitlines()[-1]
    assert re.fullmatch(
        r"20 findings \(7 error, 7 warning, 6 info\) in 2 files \[\d+\.\d\ds\]", last
    )


def test_unsafe_fixes_count_with_the_flag(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = statistics(capsys, "--unsafe-fixes", "--select", "K8106,K8107,K8110")
    assert out == (
        "1\tK8106\t[*] run-as-non-root\n1\tK8107\t[*] read-only-root-fs\n1\tK8110\t[ ] privileged\n"
    )
    _, out, _ = statistics(capsys, "--select", "K8106,K8107,K8110")
    # Nothing fixable without the flag: no marks at all, as ruff prints.
    assert out == ("1\tK8106\trun-as-non-root\n1\tK8107\tread-only-root-fs\n1\tK8110\tprivileged\n")


def test_partly_fixable_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The example's raw manifest has a fix for K8109; its Helm template has none."""
    shutil.copytree(EXAMPLE, tmp_path / "service")
    monkeypatch.chdir(tmp_path / "service")
    _, out, _ = statistics(capsys, "--select", "K8109,K8110")
    assert out == "2\tK8109\t[~] drop-capabilities\n1\tK8110\t[ ] privileged\n"


def test_no_findings_prints_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = statistics(capsys, "--select", "OP003")
    assert (status, out) == (0, "")
    assert err.startswith("0 findings in 2 files [")


def test_statistics_to_a_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = statistics(capsys, "--select", "IM001", "--output", "stats.txt")
    assert (status, out) == (1, "")
    assert (project / "stats.txt").read_text(encoding="utf-8") == "2\tIM001\timage-tag-pinned\n"
