"""What schema validation costs in a whole-corpus run, and the run's time.

Usage: python benchmarks/bench_schemas.py [CORPUS] [--runs N] [--jobs 1,2]

First `opslint check --no-cache --jobs 1` runs once under cProfile over CORPUS (default
../shared/corpus next to this checkout), with a configuration that excludes nothing, and
the share of the run spent validating documents against schemas is printed: the
cumulative time of `ruleapi/schemas.py` `check` (every schema rule goes through it), of
the precheck that proves documents valid and of jsonschema's `iter_errors`, against the
whole profile. Then the same run without the profiler, `--runs` times (default 3) for each
`--jobs` value: the median wall time and the median CPU time (user and system, worker
processes included: steadier than the wall time on a busy machine), with the load average
before and after.

Everything runs in child processes of this interpreter with this environment, so another
checkout's sources can be measured the same way: `PYTHONPATH=OTHER/src python ...`.
"""

from __future__ import annotations

import argparse
import os
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parent.parent / "shared" / "corpus"
CONFIG = "[tool.opslint]\nexclude = []\n"

SCHEMA_FUNCTIONS = {
    "schema rules (schemas.check)": ("opslint/ruleapi/schemas.py", "check"),
    "precheck (Prechecked.proves_valid)": ("opslint/ruleapi/schemas.py", "proves_valid"),
    "jsonschema iter_errors": ("jsonschema/validators.py", "iter_errors"),
}


def check_command(corpus: Path, config: Path, jobs: int) -> list[str]:
    return ["check", "--no-cache", "-q", "--jobs", str(jobs), "--config", str(config), str(corpus)]


def profile(corpus: Path, config: Path, folder: Path) -> None:
    """The profile share of schema validation in one `--jobs 1` run."""
    output = folder / "run.prof"
    command = [sys.executable, "-m", "cProfile", "-o", str(output), "-m", "opslint"]
    subprocess.run(
        [*command, *check_command(corpus, config, 1)], stdout=subprocess.DEVNULL, check=False
    )
    stats = pstats.Stats(str(output))
    total: float = stats.total_tt  # type: ignore[attr-defined]
    print(f"profile of one --jobs 1 run: {total:.2f} s")
    table: dict[tuple[str, int, str], tuple[int, int, float, float, object]]
    table = stats.stats  # type: ignore[attr-defined]
    for label, (ending, name) in SCHEMA_FUNCTIONS.items():
        cumulative = sum(
            row[3]
            for (file, _, function), row in table.items()
            if file.endswith(ending) and function == name
        )
        print(f"  {label:36} {cumulative:6.2f} s  {100 * cumulative / total:5.1f} %")


def timed(corpus: Path, config: Path, jobs: int) -> tuple[float, float]:
    """Wall and CPU seconds (children included) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "opslint", *check_command(corpus, config, jobs)],
        stdout=subprocess.DEVNULL,
        check=False,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", default="1,2", help="comma-separated --jobs values")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        config = folder / "opslint.toml"
        config.write_text(CONFIG, encoding="utf-8")
        print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
        profile(args.corpus, config, folder)
        for jobs in (int(value) for value in args.jobs.split(",")):
            runs = [timed(args.corpus, config, jobs) for _ in range(args.runs)]
            wall = statistics.median(run[0] for run in runs)
            cpu = statistics.median(run[1] for run in runs)
            print(f"--jobs {jobs}: wall {wall:.2f} s, CPU {cpu:.2f} s (median of {args.runs})")
        print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
