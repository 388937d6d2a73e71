"""Work per file grows linearly with its size: counted, never timed.

Each test checks a real input of n and of 2n items and counts the calls of the expensive
step (reading a shell script, building an index); the count is constant per file or
proportional to the items, where re-doing the step per item made it grow quadratically.
`benchmarks/scaling.py` measures the times.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from conftest import run_engine
from opslint.rules.dockerfile._run import done_before, run_steps

from opslint import shell
from opslint.model.source import SourceFile
from opslint.parsers.dockerfile import parse_dockerfile
from opslint.report import Report


@contextmanager
def counting(owner: object, name: str) -> Iterator[list[int]]:
    """Count the calls of `owner.name` (the real one still runs)."""
    calls = [0]
    original: Callable[..., Any] = getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return original(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(owner, name, counted)
        yield calls


def check(folder: Path, name: str, text: str, select: tuple[str, ...]) -> Report:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return run_engine([path], select=select)


# Dockerfiles: a RUN's scripts are read once, whatever the number of commands


def heredoc(n: int) -> str:
    return "FROM alpine:3.20\nRUN <<EOF\n" + "apk add git\n" * n + "EOF\n"


@pytest.mark.parametrize("select", [("DF106",), ("ALL",)])
def test_heredoc_script_is_read_once_per_rule(tmp_path: Path, select: tuple[str, ...]) -> None:
    reads = []
    for n in (100, 200):
        with counting(shell._Lexer, "run") as calls:
            report = check(tmp_path / str(n), "Dockerfile", heredoc(n), select)
        reads.append(calls[0])
        df106 = [(f.span.line, f.span.column) for f in report.findings if f.code == "DF106"]
        assert df106 == [(line, 5) for line in range(3, n + 3)]
    assert reads[0] == reads[1]


def many_runs(n: int) -> str:
    units = (
        "RUN apt-get update && apt-get install -y curl\n"
        "RUN pip install flask\n"
        "RUN apk add git && rm -rf /etc/apt/apt.conf.d/docker-clean\n"
    )
    return "FROM debian:12\n" + units * n


def test_run_steps_are_read_once_per_file(tmp_path: Path) -> None:
    reads = []
    for n in (50, 100):
        with counting(shell._Lexer, "run") as calls:
            report = check(tmp_path / str(n), "Dockerfile", many_runs(n), ("DF1",))
        reads.append(calls[0])
        lines = sorted(f.span.line for f in report.findings if f.code == "DF106")
        # each unit: the update, the pip install, the apk add; and the install once the
        # docker-clean hook is gone (from the second unit on)
        expected = [2, 3, 4] + [
            line for k in range(1, n) for line in (2 + 3 * k,) * 2 + (3 + 3 * k, 4 + 3 * k)
        ]
        assert lines == expected
    assert reads[1] == 2 * reads[0]


def test_done_before_tests_each_step_once() -> None:
    text = "FROM debian:12 AS base\n" + "RUN echo step\n" * 100
    text += "FROM base AS app\nRUN marker\n" + "RUN echo step\n" * 100
    text += "FROM debian:12\nRUN echo other\n"
    dockerfile = parse_dockerfile(SourceFile(Path("Dockerfile"), "Dockerfile", text=text))
    tested: list[int] = []

    def marker(step: object) -> bool:
        tested.append(id(step))
        return any("marker" in script.text for script in step.scripts)  # type: ignore[attr-defined]

    answers = [done_before(dockerfile, step, "marker", marker) for step in run_steps(dockerfile)]
    assert answers == [False] * 100 + [True] * 101 + [False]
    assert len(tested) == len(set(tested)) <= len(answers)
