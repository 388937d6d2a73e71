"""Helm renders in a child process under a time and a memory limit: no chart ends the run."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_helm import CONTAINER, CONTAINER_RULES, make_chart, write

from opslint.cli import main
from opslint.parsers import helm_render
from opslint.parsers.helm_render import crash_reason

pytest.importorskip("helm_python")

CHART = "apiVersion: v2\nname: bad\nversion: 0.1.0\n"
CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\ndata:\n"

SELF_TPL = {
    "values.yaml": "loop: '{{ tpl .Values.loop . }}'\n",
    "templates/cm.yaml": CONFIGMAP + "  a: {{ tpl .Values.loop . | quote }}\n",
}
"""A value that `tpl`s itself: Go's stack grows until memory runs out."""
SELF_INCLUDE = {
    "templates/cm.yaml": '{{- define "loop" }}{{ include "loop" . }}{{ end }}\n'
    + CONFIGMAP
    + '  a: {{ include "loop" . | quote }}\n',
}
"""A template that includes itself: Helm stops it after a thousand levels."""
HUGE_LIST = {"templates/cm.yaml": CONFIGMAP + "  a: {{ until 2000000000 | len | quote }}\n"}
"""Sixteen gigabytes of integers."""
ENDLESS_RANGE = {
    "templates/cm.yaml": CONFIGMAP
    + "{{- range until 100000 }}{{ range until 100000 }}{{ range until 100000 }}"
    "{{ end }}{{ end }}{{ end }}\n"
}
"""10^15 iterations of nothing."""

DOCKERFILE = "FROM nginx:1.27\nUSER nginx\n"
"""Valid, with one finding: no HEALTHCHECK."""

SELECTED = ",".join(("HL102", "DF", "DF102", *CONTAINER_RULES))
NEIGHBOURS = [
    ("DF102", "app/Dockerfile", 1, 1),
    *((code, "web/templates/deployment.yaml", *CONTAINER[:2]) for code in CONTAINER_RULES),
]
"""What the valid Dockerfile and the valid chart beside the bad chart are reported for."""

Location = tuple[str, str, int, int]


def run(
    capsys: pytest.CaptureFixture[str], *args: str, paths: tuple[str, ...] = ("bad", "web", "app")
) -> tuple[int, list[Location], list[str]]:
    """`opslint check` in JSON: its status, every finding's place, and the HL102 messages."""
    status = main(["check", "-f", "json", "--select", SELECTED, *args, *paths])
    findings = json.loads(capsys.readouterr().out)["findings"]
    places = sorted((f["code"], f["path"], f["line"], f["column"]) for f in findings)
    return status, places, [f["message"] for f in findings if f["code"] == "HL102"]


@pytest.fixture(autouse=True)
def scene(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    make_chart(tmp_path / "web")
    write(tmp_path, {"app/Dockerfile": DOCKERFILE, "bad/Chart.yaml": CHART})
    return tmp_path


@pytest.mark.parametrize(
    ("files", "flags", "finding"),
    [
        (
            SELF_TPL,
            ("--helm-memory", "512"),
            (
                "bad/Chart.yaml",
                1,
                1,
                "the chart did not render with values.yaml: it ran out of memory at 512 MB "
                "(helm memory)",
            ),
        ),
        (
            SELF_INCLUDE,
            (),
            (
                "bad/templates/cm.yaml",
                7,
                8,
                'the chart does not render with values.yaml: executing "bad/templates/cm.yaml" '
                'at <include "loop" .>: error calling include: rendering template has a nested '
                "reference name: loop: unable to execute template",
            ),
        ),
        (
            HUGE_LIST,
            (),
            (
                "bad/Chart.yaml",
                1,
                1,
                "the chart did not render with values.yaml: it ran out of memory at 1024 MB "
                "(helm memory)",
            ),
        ),
        (
            ENDLESS_RANGE,
            ("--helm-timeout", "2"),
            (
                "bad/Chart.yaml",
                1,
                1,
                "the chart did not render with values.yaml: it ran out of time after 2 s "
                "(helm timeout)",
            ),
        ),
    ],
    ids=["self-tpl", "self-include", "until", "range"],
)
def test_a_chart_that_cannot_render_is_hl102_and_the_run_goes_on(
    scene: Path,
    capsys: pytest.CaptureFixture[str],
    files: dict[str, str],
    flags: tuple[str, ...],
    finding: tuple[object, ...],
) -> None:
    write(scene / "bad", files)
    status, places, messages = run(capsys, "--isolated", *flags)
    assert status == 1
    assert places == sorted([("HL102", *finding[:3]), *NEIGHBOURS])
    assert messages == [finding[3]]


@pytest.mark.skipif(shutil.which("helm") is None, reason="no helm binary on PATH")
@pytest.mark.parametrize(
    ("files", "reason"),
    [
        (ENDLESS_RANGE, "it ran out of time after 2 s (helm timeout)"),
        (HUGE_LIST, "it ran out of memory at 512 MB (helm memory)"),
    ],
    ids=["range", "until"],
)
def test_the_helm_binary_renders_under_the_same_limits(
    scene: Path, capsys: pytest.CaptureFixture[str], files: dict[str, str], reason: str
) -> None:
    write(scene / "bad", files)
    limits = ("--helm-timeout", "2", "--helm-memory", "512")
    status, places, messages = run(capsys, "--isolated", "--helm-renderer", "binary", *limits)
    assert (status, places) == (1, sorted([("HL102", "bad/Chart.yaml", 1, 1), *NEIGHBOURS]))
    assert messages == [f"the chart did not render with values.yaml: {reason}"]


def test_limits_from_the_config_table(scene: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(scene / "bad", ENDLESS_RANGE)
    write(scene, {".opslint.toml": "[helm]\ntimeout = 1.5\nmemory = 600\n"})
    status, places, messages = run(capsys)
    assert (status, places) == (1, sorted([("HL102", "bad/Chart.yaml", 1, 1), *NEIGHBOURS]))
    assert messages == [
        "the chart did not render with values.yaml: it ran out of time after 1.5 s (helm timeout)"
    ]
    write(scene / "bad", HUGE_LIST)
    write(scene, {".opslint.toml": "[helm]\ntimeout = 60\nmemory = 600\n"})
    status, places, messages = run(capsys)
    assert (status, places) == (1, sorted([("HL102", "bad/Chart.yaml", 1, 1), *NEIGHBOURS]))
    assert messages == [
        "the chart did not render with values.yaml: it ran out of memory at 600 MB (helm memory)"
    ]


@pytest.mark.parametrize(
    ("setting", "flag", "error"),
    [
        ("timeout = 0", ("--helm-timeout", "0"), "`helm.timeout` must be a positive number"),
        ('timeout = "20"', ("--helm-timeout", "-1"), "`helm.timeout` must be a positive number"),
        ("memory = 1.5", ("--helm-memory", "0"), "`helm.memory` must be a positive whole number"),
        ("memory = true", ("--helm-memory", "-5"), "`helm.memory` must be a positive whole number"),
    ],
)
def test_bad_limits_are_usage_errors(
    scene: Path,
    capsys: pytest.CaptureFixture[str],
    setting: str,
    flag: tuple[str, ...],
    error: str,
) -> None:
    assert main(["check", "--isolated", *flag, "web"]) == 2
    assert error in capsys.readouterr().err
    write(scene, {".opslint.toml": f"[helm]\n{setting}\n"})
    assert main(["check", "web"]) == 2
    assert error in capsys.readouterr().err


def test_a_worker_that_timed_out_is_killed(scene: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(scene / "bad", ENDLESS_RANGE)
    before = _workers()
    status, places, _ = run(capsys, "--isolated", "--helm-timeout", "1")
    assert (status, places) == (1, sorted([("HL102", "bad/Chart.yaml", 1, 1), *NEIGHBOURS]))
    # the worker that timed out is gone; the one that rendered `web` after it stays for the run
    assert helm_render._worker is not None
    assert _workers() - before == {helm_render._worker.process.pid}


def test_the_opslint_process_stays_small(scene: Path) -> None:
    """The memory a chart takes is the worker's: opslint's own peak stays far below it.

    opslint's peak is its VmHWM: `ru_maxrss` of a process started by fork counts the
    memory of the process it was forked from (here pytest's).
    """
    write(scene / "bad", HUGE_LIST)
    script = (
        "import re, resource, sys\n"
        "from pathlib import Path\n"
        "from opslint.cli import main\n"
        "status = main(['check', '--isolated', '-q', 'bad', 'web', 'app'])\n"
        "status_file = Path('/proc/self/status').read_text()\n"
        "own = re.search(r'VmHWM:\\s+(\\d+) kB', status_file).group(1)\n"
        "worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(status, own, worker)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    status, own, worker = map(int, completed.stdout.split()[-3:])
    assert status == 1
    assert own < 150_000  # kilobytes: opslint itself never loads Helm
    assert 500_000 < worker < 1_400_000  # the worker went up to its 1024 MB limit and died


def test_a_normal_chart_renders_under_a_small_limit(
    scene: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    limits = ("--helm-memory", "256", "--helm-timeout", "5")
    status, places, messages = run(capsys, "--isolated", *limits, paths=("web", "app"))
    assert (status, places, messages) == (1, sorted(NEIGHBOURS), [])


@pytest.mark.parametrize(
    ("errors", "status", "reason"),
    [
        (
            "runtime: goroutine stack exceeds 1000000000-byte limit\n"
            "runtime: sp=0x1d8ecf1083f8 stack=[0x1d8ecf108000, 0x1d8eef108000]\n"
            "fatal error: stack overflow\n\nruntime stack:\nruntime.throw(...)\n",
            -6,
            "the renderer crashed with a Go stack overflow",
        ),
        (
            "fatal error: out of memory allocating heap arena metadata\n\nruntime stack:\n",
            -6,
            "it ran out of memory at 1024 MB (helm memory)",
        ),
        (
            "Traceback (most recent call last):\n  ...\nMemoryError\n",
            1,
            "it ran out of memory at 1024 MB (helm memory)",
        ),
        (
            "fatal error: concurrent map writes\n\ngoroutine 1 [running]:\n",
            2,
            "the renderer crashed (exit status 2: fatal error: concurrent map writes)",
        ),
        ("", -9, "the renderer crashed (signal SIGKILL)"),
        (
            "Traceback (most recent call last):\n  ...\nOSError: libhelm_c.so: cannot open\n",
            1,
            "the renderer crashed (exit status 1: OSError: libhelm_c.so: cannot open)",
        ),
    ],
    ids=["stack-overflow", "go-memory", "python-memory", "go-fatal", "killed", "exception"],
)
def test_crash_reasons(errors: str, status: int, reason: str) -> None:
    """The error output Go and Python leave when they end, as the worker sees it."""
    assert crash_reason(errors, status, 1024) == reason


def _workers() -> set[int]:
    """The render workers this test process started that are still running."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if b"opslint.parsers.helm_render" in command and parent == os.getpid():
            found.add(int(entry.name))
    return found


def test_the_file_time_budget_waits_for_a_render_bounded_by_its_own_limit(
    scene: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(scene / "bad", ENDLESS_RANGE)
    flags = ("--isolated", "--helm-timeout", "2", "--file-time-budget", "0.5")
    status, places, messages = run(capsys, *flags)
    assert status == 1
    assert messages == [
        "the chart did not render with values.yaml: it ran out of time after 2 s (helm timeout)"
    ]
    # the worker answers the next chart's render in step: its findings are the valid chart's
    assert places == sorted([("HL102", "bad/Chart.yaml", 1, 1), *NEIGHBOURS])
