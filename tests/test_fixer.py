"""`opslint fix`: edit application, convergence, safety of writes, CLI behaviour."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from opslint.cli import main
from opslint.edits.atomicwrite import write_atomically
from opslint.edits.leftovers import STALE_AFTER, WRITER_GRACE, is_stale
from opslint.engine.fixer import apply_edits
from opslint.model.base import Edit, Finding, Fix, Span


def finding(code: str, *edits: Edit) -> tuple[Finding, tuple[Edit, ...]]:
    first = edits[0].span
    return Finding(first, f"{code} message", Fix("t", edits), code=code), edits


def edit(line: int, column: int, end_line: int, end_column: int, text: str) -> Edit:
    return Edit(Span("f", line, column, end_line, end_column), text)


def test_edits_apply_in_span_order_and_overlaps_wait() -> None:
    text = "alpha beta\ngamma\n"
    fixes = [
        finding("B", edit(1, 7, 1, 11, "BETA")),
        finding("A", edit(1, 1, 1, 6, "ALPHA")),
        finding("C", edit(1, 8, 1, 9, "x")),  # inside B's span: waits for the next pass
        finding("D", edit(2, 6, 2, 6, "!")),
    ]
    result, applied = apply_edits(text, fixes)
    assert result == "ALPHA BETA\ngamma!\n"
    assert [f.code for f in applied] == ["A", "B", "D"]


def test_a_fix_is_taken_whole_or_not_at_all() -> None:
    text = "one\ntwo\nthree\n"
    fixes = [
        finding("A", edit(2, 1, 2, 4, "TWO")),
        finding("B", edit(1, 1, 1, 4, "ONE"), edit(2, 2, 2, 3, "W")),  # half overlaps A
    ]
    result, applied = apply_edits(text, fixes)
    assert (result, [f.code for f in applied]) == ("ONE\ntWo\nthree\n", ["B"])


def test_crlf_files_keep_crlf_and_columns_ignore_the_cr() -> None:
    text = "key: a\r\nother: b\r\n"
    result, _ = apply_edits(text, [finding("A", edit(1, 7, 1, 7, "\nnew: c"))])
    assert result == "key: a\r\nnew: c\r\nother: b\r\n"


def test_write_is_atomic_and_keeps_the_mode(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text("FROM a:1\n", encoding="utf-8")
    path.chmod(0o640)
    write_atomically(path, "FROM a:2\n")
    assert path.read_text(encoding="utf-8") == "FROM a:2\n"
    assert path.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Dockerfile"]


def test_a_process_killed_mid_write_leaves_the_old_file_and_the_next_run_cleans_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "compose.yaml"
    original = "services:\n  web:\n    image: nginx:1.27\n" * 2000
    path.write_text(original, encoding="utf-8")
    script = textwrap.dedent(
        f"""
        import os, time
        from pathlib import Path
        from opslint.edits import atomicwrite
        real_fsync = os.fsync
        def slow_fsync(fd):
            real_fsync(fd)
            Path({str(tmp_path / "ready")!r}).write_text("1")
            time.sleep(60)
        atomicwrite.os.fsync = slow_fsync
        atomicwrite.write_atomically(Path({str(path)!r}), "x" * 500_000)
        """
    )
    child = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 60
        while not (tmp_path / "ready").exists():
            assert child.poll() is None, "the writer ended before it could be interrupted"
            assert time.monotonic() < deadline
            time.sleep(0.02)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert path.read_text(encoding="utf-8") == original  # never truncated, never half-new
    (leftover,) = [p for p in tmp_path.iterdir() if p.name.endswith(".opslint")]
    assert leftover.name.startswith(".compose.yaml.")
    assert leftover.name.endswith(f".{child.pid}.opslint")
    # the next run skips it as a file, and removes it once its writer is gone for a while
    old = time.time() - WRITER_GRACE - 1
    os.utime(leftover, (old, old))
    (tmp_path / "ready").unlink()
    assert main(["fix", "--isolated", "--select", "OP001", "."]) == 0
    assert capsys.readouterr().out == (
        f"removed {leftover.name}: left by an interrupted opslint fix\n"
        "fixed 0 findings in 0 files; 0 left\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["compose.yaml"]
    assert path.read_text(encoding="utf-8") == original


def test_only_stale_temporary_files_of_opslint_are_removed(tmp_path: Path) -> None:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    finished = subprocess.Popen([sys.executable, "-c", ""])
    finished.wait(timeout=30)
    now = time.time()

    def leftover(name: str, age: float) -> Path:
        path = tmp_path / name
        path.write_text("partial")
        os.utime(path, (now - age, now - age))
        return path

    try:
        live = leftover(f".Dockerfile.abcd1234.{sleeper.pid}.opslint", STALE_AFTER - 5)
        hung = leftover(f".Dockerfile.efgh5678.{sleeper.pid}.opslint", STALE_AFTER + 5)
        just_gone = leftover(f".Dockerfile.ijkl9012.{finished.pid}.opslint", WRITER_GRACE - 5)
        gone = leftover(f".Dockerfile.mnop3456.{finished.pid}.opslint", WRITER_GRACE + 5)
        old_format = leftover(".Dockerfile.qrst7890.opslint", STALE_AFTER + 5)
        recent_old_format = leftover(".Dockerfile.uvwx1234.opslint", WRITER_GRACE + 5)
        not_ours = leftover(".Dockerfile.backup.opslint", STALE_AFTER + 5)
        (tmp_path / f".x.abcd1234.{finished.pid}.opslint").symlink_to(gone)
        assert [is_stale(p, now) for p in (live, hung, just_gone, gone)] == [
            False,  # its writer runs: a concurrent run's file
            True,  # older than any write takes
            False,  # within the grace (a writer this machine cannot see)
            True,
        ]
        assert [is_stale(p, now) for p in (old_format, recent_old_format, not_ours)] == [
            True,
            False,
            False,
        ]
        assert not is_stale(tmp_path / f".x.abcd1234.{finished.pid}.opslint", now)
    finally:
        sleeper.kill()
        sleeper.wait(timeout=30)


def test_check_never_reports_nor_removes_temporary_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\nUSER root\n")
    leftover = tmp_path / ".Dockerfile.abcd1234.1.opslint"
    leftover.write_text("FROM alpine:3.20\nUSER root\n")
    os.utime(leftover, (0, 0))
    code = main(["check", "--isolated", "--kind", "dockerfile", "-f", "json", "."])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert {f["path"] for f in report["findings"]} == {"Dockerfile"}
    assert report["summary"]["files"] == 1
    assert leftover.exists()  # a check only reads


def test_a_failed_write_removes_its_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text("FROM a:1\n", encoding="utf-8")

    def fail(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("opslint.edits.atomicwrite.os.fsync", fail)
    with pytest.raises(OSError):
        write_atomically(path, "FROM a:2\n")
    assert path.read_text(encoding="utf-8") == "FROM a:1\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Dockerfile"]


NPM = "FROM node:22-slim\nRUN npm install\r\nRUN npm install && npm test\n"


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def fix(*args: str) -> int:
    return main(["fix", "--isolated", "--select", "SH001", *args])


def test_fix_diff_writes_nothing_and_exits_1(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (in_tmp / "Dockerfile").write_bytes(NPM.encode())
    assert fix("--diff", "Dockerfile") == 1
    out = capsys.readouterr()
    assert out.out == (
        "--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1,3 +1,3 @@\n FROM node:22-slim\n"
        "-RUN npm install\r\n-RUN npm install && npm test\n"
        "+RUN npm ci\r\n+RUN npm ci && npm test\n"
    )
    assert "would fix 2 findings in 1 file" in out.err
    assert (in_tmp / "Dockerfile").read_bytes() == NPM.encode()
    assert fix("--diff", "Dockerfile") == 1


def test_fix_writes_and_converges(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (in_tmp / "Dockerfile").write_bytes(NPM.encode())
    assert fix("Dockerfile") == 0
    out = capsys.readouterr().out
    assert "fixed Dockerfile:2:9 SH001 replace `install` with `ci`" in out
    assert "fixed 2 findings in 1 file; 0 left" in out
    assert (in_tmp / "Dockerfile").read_bytes() == (
        b"FROM node:22-slim\nRUN npm ci\r\nRUN npm ci && npm test\n"
    )
    assert fix("--diff", "Dockerfile") == 0  # a fixed point
    assert capsys.readouterr().out == ""


def test_check_fix_fixes_then_reports_what_is_left(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (in_tmp / "Dockerfile").write_text("FROM node:latest\nRUN npm install\n", encoding="utf-8")
    code = main(["check", "--isolated", "--select", "SH001,IM001", "--fix", "Dockerfile"])
    out = capsys.readouterr()
    assert code == 1
    assert "fixed Dockerfile:2:9 SH001" in out.err
    assert "Dockerfile:1:11 IM001" in out.out
    assert "SH001" not in out.out
    assert (in_tmp / "Dockerfile").read_text(encoding="utf-8") == "FROM node:latest\nRUN npm ci\n"


def test_unsafe_fixes_need_the_flag(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (in_tmp / "rules").mkdir()
    (in_tmp / "rules" / "local.py").write_text(
        textwrap.dedent(
            """
            from opslint import Applicability, Edit, Finding, Fix, Severity, rule
            from opslint.model.dockerfile import Dockerfile

            @rule("XF001", "shout", Severity.WARNING, fix="unsafe")
            def shout(dockerfile: Dockerfile):
                '''Shout.'''
                first = dockerfile.instructions[0]
                if first.keyword == "FROM" and "alpine" in first.arguments:
                    span = first.span
                    text = f"FROM {first.arguments}".upper()
                    yield Finding(span, "shout", fix=Fix(
                        "upper-case", (Edit(span, text),), Applicability.UNSAFE,
                    ))
            """
        ),
        encoding="utf-8",
    )
    (in_tmp / "Dockerfile").write_text("from alpine:3.20\n", encoding="utf-8")
    base = ["fix", "--isolated", "--rule-path", "rules", "--select", "XF001", "Dockerfile"]
    assert main(base) == 0
    assert (in_tmp / "Dockerfile").read_text(encoding="utf-8") == "from alpine:3.20\n"
    assert main([*base, "--unsafe-fixes"]) == 0
    assert (in_tmp / "Dockerfile").read_text(encoding="utf-8") == "FROM ALPINE:3.20\n"


def test_a_fix_that_breaks_the_file_is_dropped(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (in_tmp / "rules").mkdir()
    (in_tmp / "rules" / "local.py").write_text(
        textwrap.dedent(
            """
            from opslint import Edit, Finding, Fix, Severity, rule
            from opslint.model.compose import ComposeService

            @rule("XF002", "breaker", Severity.WARNING, fix="safe")
            def breaker(service: ComposeService):
                '''Break.'''
                span = service.span
                yield Finding(span, "broken", fix=Fix("break", (Edit(span.start(), "{{{ "),)))
            """
        ),
        encoding="utf-8",
    )
    compose = "services:\n  web:\n    image: nginx:1.27\n"
    (in_tmp / "compose.yaml").write_text(compose, encoding="utf-8")
    code = main(["fix", "--isolated", "--rule-path", "rules", "--select", "XF002", "compose.yaml"])
    out = capsys.readouterr().out
    assert code == 0
    assert "not fixed compose.yaml:2 XF002: the fix would break the file" in out
    assert (in_tmp / "compose.yaml").read_text(encoding="utf-8") == compose


def test_a_file_changed_on_disk_meanwhile_is_not_written(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from opslint.engine import fixer

    (in_tmp / "Dockerfile").write_text("FROM node:22\nRUN npm install\n", encoding="utf-8")
    real = fixer.Fixer.run

    def run_then_edit(self: fixer.Fixer, paths: list[Path]) -> fixer.FixResult:
        result = real(self, paths)
        (in_tmp / "Dockerfile").write_text("FROM node:22\nRUN npm install # edited\n")
        return result

    monkeypatch.setattr(fixer.Fixer, "run", run_then_edit)
    assert fix("Dockerfile") == 2
    assert "not written Dockerfile: it changed on disk while being fixed" in capsys.readouterr().out
    assert (in_tmp / "Dockerfile").read_text() == "FROM node:22\nRUN npm install # edited\n"


def test_symlinks_out_of_the_tree_are_neither_read_nor_written(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = in_tmp / "outside"
    outside.mkdir()
    (outside / "Dockerfile").write_text("FROM node:22\nRUN npm install\n", encoding="utf-8")
    tree = in_tmp / "tree"
    (tree / "deep").mkdir(parents=True)
    (tree / "Dockerfile").symlink_to(outside / "Dockerfile")
    (tree / "deep" / "out").symlink_to(outside, target_is_directory=True)
    assert fix("tree") == 0
    out, err = capsys.readouterr()
    assert out == "fixed 0 findings in 0 files; 0 left\n"
    assert err == (
        "opslint: note: tree/Dockerfile: symbolic link to a location outside the checked "
        "paths; not followed\n"
        "opslint: note: tree/deep/out: symbolic link to a location outside the checked "
        "paths; not followed\n"
    )
    assert (outside / "Dockerfile").read_text() == "FROM node:22\nRUN npm install\n"
    assert sorted(p.name for p in outside.iterdir()) == ["Dockerfile"]


def test_links_inside_the_tree_are_fixed_through(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (in_tmp / ".git").mkdir()  # the repository the named link stays in
    (in_tmp / "real").mkdir()
    (in_tmp / "real" / "Dockerfile").write_text("FROM node:22\nRUN npm install\n")
    (in_tmp / "app").mkdir()
    (in_tmp / "app" / "Dockerfile").symlink_to("../real/Dockerfile")
    assert fix("app/Dockerfile") == 0  # a named link, resolving in its repository
    assert capsys.readouterr().out == (
        "fixed app/Dockerfile:2:9 SH001 replace `install` with `ci`\n"
        "fixed 1 finding in 1 file; 0 left\n"
    )
    assert (in_tmp / "real" / "Dockerfile").read_text() == "FROM node:22\nRUN npm ci\n"
    assert (in_tmp / "app" / "Dockerfile").is_symlink()


def test_sarif_carries_the_same_edits(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (in_tmp / "Dockerfile").write_text("FROM node:22\nRUN npm install\n", encoding="utf-8")
    assert main(["check", "--isolated", "--select", "SH001", "-f", "sarif", "Dockerfile"]) == 1
    (result,) = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    (fix_,) = result["fixes"]
    (change,) = fix_["artifactChanges"]
    assert change["artifactLocation"]["uri"] == "Dockerfile"
    assert change["replacements"] == [
        {
            "deletedRegion": {"startLine": 2, "startColumn": 9, "endLine": 2, "endColumn": 16},
            "insertedContent": {"text": "ci"},
        }
    ]


def test_a_fix_may_create_a_file_but_never_replace_one(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (in_tmp / "rules").mkdir()
    (in_tmp / "rules" / "local.py").write_text(
        textwrap.dedent(
            """
            from pathlib import Path
            from opslint import Edit, Finding, Fix, Severity, Span, rule
            from opslint.model.dockerfile import Dockerfile
            from opslint.run import Run

            @rule("XF003", "ignore-file", Severity.WARNING, fix="gen")
            def ignore_file(dockerfile: Dockerfile, run: Run):
                '''Write .dockerignore.'''
                target = Path(dockerfile.path).parent / ".dockerignore"
                if not run.exists(target):
                    new = Span(target.as_posix(), 1, 1, 1, 1)
                    yield Finding(dockerfile.span, "no .dockerignore",
                                  fix=Fix("write .dockerignore", (Edit(new, ".git\\n"),)))
            """
        ),
        encoding="utf-8",
    )
    (in_tmp / "app").mkdir()
    (in_tmp / "app" / "Dockerfile").write_text("FROM a:1\n", encoding="utf-8")
    base = ["fix", "--isolated", "--rule-path", "rules", "--select", "XF003", "app"]
    assert main([*base, "--diff"]) == 1
    assert "+++ b/app/.dockerignore\n@@ -0,0 +1 @@\n+.git\n" in capsys.readouterr().out
    assert not (in_tmp / "app" / ".dockerignore").exists()
    assert main(base) == 0
    assert (in_tmp / "app" / ".dockerignore").read_text(encoding="utf-8") == ".git\n"
    assert "fixed 1 finding in 1 file; 0 left" in capsys.readouterr().out
    assert main([*base, "--diff"]) == 0
