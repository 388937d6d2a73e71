"""Start-up cost of a one-file run: wall time of `opslint check Dockerfile`, and its imports.

Usage: python benchmarks/bench_startup.py [--runs N]

Prints the median, minimum and maximum wall time of N runs of `opslint check Dockerfile`
in a fresh process, then the modules `python -X importtime` shows such a run importing,
and fails (exit 1) if any of the heavy libraries a Dockerfile never needs was imported.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEAVY = ("yaml", "_yaml", "hcl2", "lark", "jsonschema", "sarif_om", "ruamel")
DOCKERFILE = "FROM python:3.12-slim\nRUN pip install --no-cache-dir flask==3.0.3\nUSER 10001\n"


def environment(bytecode_cache: Path | None) -> dict[str, str]:
    """The environment of the runs: with a bytecode cache (as installed) or compiling each time."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if bytecode_cache is None:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "opslint-bench-empty")
    else:
        env["PYTHONPYCACHEPREFIX"] = str(bytecode_cache)
    return env


def timed_runs(folder: Path, runs: int, env: dict[str, str]) -> list[float]:
    """Wall times of `runs` fresh `opslint check Dockerfile` processes."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "opslint", "check", "--quiet", "Dockerfile"],
            cwd=folder,
            env=env,
            capture_output=True,
            check=False,
        )
        times.append(time.perf_counter() - started)
    return times


def interpreter_floor(runs: int) -> float:
    """The median time of a bare `python -c pass`, for comparison."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def import_profile(folder: Path, env: dict[str, str]) -> list[tuple[int, str]]:
    """(cumulative microseconds, module) of every import of one run."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "opslint", "check", "--quiet", "Dockerfile"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, module = (part.strip() for part in line.split(":", 1)[1].split("|"))
        if cumulative.isdigit():
            rows.append((int(cumulative), module))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder_name, tempfile.TemporaryDirectory() as cache:
        folder = Path(folder_name)
        (folder / "Dockerfile").write_text(DOCKERFILE, encoding="utf-8")
        warm_env = environment(Path(cache))
        timed_runs(folder, 2, warm_env)  # fill the bytecode cache and the file cache
        warm = timed_runs(folder, args.runs, warm_env)
        cold = timed_runs(folder, max(3, args.runs // 3), environment(None))
        floor = interpreter_floor(args.runs)
        rows = import_profile(folder, warm_env)
    print(f"opslint check Dockerfile ({args.runs} runs, bytecode cached, as after an install):")
    print(f"  median {statistics.median(warm) * 1000:7.1f} ms")
    print(f"  min    {min(warm) * 1000:7.1f} ms")
    print(f"  max    {max(warm) * 1000:7.1f} ms")
    print(
        f"without bytecode (every module compiled): median {statistics.median(cold) * 1000:.1f} ms"
    )
    print(f"python -c pass: median {floor * 1000:.1f} ms")
    top = {name.split(".", 1)[0] for _, name in rows}
    print(f"modules imported: {len(rows)}; slowest top-level imports:")
    for cumulative, module in sorted((r for r in rows if "." not in r[1]), reverse=True)[:8]:
        print(f"  {cumulative / 1000:7.1f} ms  {module}")
    heavy = sorted(top & set(HEAVY))
    if heavy:
        print(f"FAIL: a Dockerfile-only run imported {', '.join(heavy)}")
        return 1
    print(f"OK: none of {', '.join(HEAVY)} imported")
    return 0


if __name__ == "__main__":
    sys.exit(main())
