"""The progress display: on a terminal's stderr only, never with `-q`."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from engine_tree import make_tree


def stderr_of(tree: Path, terminal: bool, *flags: str) -> bytes:
    """What `opslint check` writes to stderr, a pty or a pipe."""
    command = [sys.executable, "-m", "opslint", "check", str(tree), "--no-cache", "-o", os.devnull]
    if not terminal:
        return subprocess.run([*command, *flags], capture_output=True, check=False).stderr
    leader, follower = pty.openpty()
    process = subprocess.Popen([*command, *flags], stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    written = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        written += chunk
    process.wait(timeout=300)
    os.close(leader)
    return written


def test_progress_on_a_terminal(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "tree")
    shown = stderr_of(tree, True, "-j", "2")
    assert b"\ropslint: 1/64 units, " in shown
    assert b"\ropslint: 64/64 units, 68/68 files, " in shown
    assert b"\r\x1b[K" in shown


def test_no_progress_on_a_pipe_or_with_quiet(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "tree")
    assert b"units" not in stderr_of(tree, False, "-j", "2")
    assert stderr_of(tree, True, "-j", "2", "-q") == b""


def test_a_fast_run_draws_the_first_and_the_last_unit_only() -> None:
    from io import StringIO

    from opslint.engine.parallel import Progress

    stream = StringIO()
    progress = Progress(stream, 1000, 2000)
    for _ in range(1000):
        progress.advance(2)
    drawn = stream.getvalue().split("\r")[1:]
    assert [line.split(",")[0] for line in drawn] == [
        "opslint: 1/1000 units",
        "opslint: 1000/1000 units",
    ]
    assert drawn[-1].startswith("opslint: 1000/1000 units, 2000/2000 files, ")
