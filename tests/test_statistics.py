"""Summaries of a run (`--statistics`, as `ruff check --statistics` prints, and the
`github-summary` format) and more reports of one run (`--report FORMAT=FILE`)."""

from __future__ import annotations

import json
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
        r"18 findings \(7 error, 5 warning, 6 info\) in 2 files \[\d+\.\d\ds\]", last
    )


def test_unsafe_fixes_count_with_the_flag(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = statistics(capsys, "--unsafe-fixes", "--select", "K8106,K8107")
    assert out == "1\tK8106\t[*] run-as-non-root\n1\tK8107\t[*] read-only-root-fs\n"
    _, out, _ = statistics(capsys, "--select", "K8106,K8107")
    # Nothing fixable without the flag: no marks at all, as ruff prints.
    assert out == "1\tK8106\trun-as-non-root\n1\tK8107\tread-only-root-fs\n"


def test_partly_fixable_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The example's raw manifest has a fix for K8109; its Helm template has none."""
    shutil.copytree(EXAMPLE, tmp_path / "service")
    monkeypatch.chdir(tmp_path / "service")
    _, out, _ = statistics(capsys, "--select", "K8109")  # K8110 off: K8109 reports both
    assert out == "2\tK8109\t[~] drop-capabilities\n"


def test_no_findings_prints_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = statistics(capsys, "--select", "OP003")
    assert (status, out) == (0, "")
    assert err.startswith("0 findings in 2 files [")


def test_statistics_to_a_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = statistics(capsys, "--select", "IM001", "--output", "stats.txt")
    assert (status, out) == (1, "")
    assert (project / "stats.txt").read_text(encoding="utf-8") == "2\tIM001\timage-tag-pinned\n"


SUMMARY = """\
## opslint

8 findings (3 error, 2 warning, 3 info) in 2 files [{seconds}]: the check fails at \
`fail-on = info`.

| Severity | Findings |
| --- | ---: |
| error | 3 |
| warning | 2 |
| info | 3 |

| Rule | Name | Severity | Findings | Fixable |
| --- | --- | --- | ---: | ---: |
| [`DF106`]({docs}/DF106.md) | package-cache-cleanup | info | 2 | 2 |
| [`DF101`]({docs}/DF101.md) | non-root-user | error | 1 | 0 |
| [`DF105`]({docs}/DF105.md) | pinned-packages | warning | 1 | 0 |
| [`DF110`]({docs}/DF110.md) | exec-form-cmd | warning | 1 | 1 |
| [`DF111`]({docs}/DF111.md) | apt-no-recommends | info | 1 | 1 |
| [`K8106`]({docs}/K8106.md) | run-as-non-root | error | 1 | 0 |
| [`K8110`]({docs}/K8110.md) | privileged | error | 1 | 0 |

### Files with the most findings

| File | Findings | Most severe |
| --- | ---: | --- |
| `Dockerfile` | 6 | error |
| `k8s/deployment.yaml` | 2 | error |
"""


def summary(capsys: pytest.CaptureFixture[str], *flags: str) -> tuple[str, str]:
    """The `github-summary` report and the seconds its summary line shows."""
    main(["check", "--isolated", "-q", "-f", "github-summary", *flags, "."])
    out = capsys.readouterr().out
    seconds = re.search(r"\[(\d+\.\d\ds)\]", out)
    assert seconds is not None
    return out, seconds.group(1)


def test_github_summary(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, seconds = summary(capsys, "--select", "DF,K8106,K8110")
    docs = "https://github.com/opslint/opslint/blob/main/docs/rules"
    assert out == SUMMARY.format(seconds=seconds, docs=docs)


def test_github_summary_without_findings(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, seconds = summary(capsys, "--select", "OP003")
    assert out == (
        f"## opslint\n\n0 findings in 2 files [{seconds}]: the check passes at "
        "`fail-on = info`.\n\nNo findings.\n"
    )


def test_github_summary_lists_ten_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Twelve files with findings: the ten with the most, then by path; a `|` in a path
    is escaped so the table holds."""
    for number in range(12):
        folder = tmp_path / f"svc|{number:02}"
        folder.mkdir()
        lines = ["FROM python:latest"] + ["FROM python:latest"] * (number % 3)
        (folder / "Dockerfile").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    out, _ = summary(capsys, "--select", "IM001")
    table = out.split("### Files with the most findings (the 10 worst of 12)\n\n")[1]
    assert table.splitlines()[2:] == [
        f"| `svc\\|{number:02}/Dockerfile` | {count} | error |"
        for number, count in (
            *((2, 3), (5, 3), (8, 3), (11, 3)),
            *((1, 2), (4, 2), (7, 2), (10, 2)),
            *((0, 1), (3, 1)),
        )
    ]


def test_report_writes_more_formats_of_one_run(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = ["check", "--isolated", "-q", "-f", "json", "--select", "IM001,DF110"]
    reports = ["--report", "sarif=out/a.sarif", "--report", "junit=out/b.xml"]
    (project / "out").mkdir()
    assert main([*arguments, *reports, "."]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [(f["code"], f["line"]) for f in report["findings"]] == [
        ("IM001", 1),
        ("DF110", 4),
        ("IM001", 19),
    ]
    sarif = json.loads((project / "out" / "a.sarif").read_text(encoding="utf-8"))
    assert [
        (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
        for r in sarif["runs"][0]["results"]
    ] == [("IM001", 1), ("DF110", 4), ("IM001", 19)]
    junit = (project / "out" / "b.xml").read_text(encoding="utf-8")
    assert '<testsuites name="opslint" time="' in junit
    assert '" tests="3" failures="3" errors="0">' in junit


def test_report_format_errors(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--isolated", "--report", "nope=x.txt", "."]) == 2
    assert "opslint: error: unknown format 'nope' (known: " in capsys.readouterr().err
    assert not (project / "x.txt").exists()
    with pytest.raises(SystemExit) as stopped:
        main(["check", "--isolated", "--report", "sarif", "."])
    assert stopped.value.code == 2
    assert "argument --report: expected FORMAT=FILE, not 'sarif'" in capsys.readouterr().err
