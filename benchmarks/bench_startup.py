"""Start-up cost of small runs: one Dockerfile, one Kubernetes manifest, a pre-commit batch.

Usage: python benchmarks/bench_startup.py [--runs N] [--cases dockerfile,kubernetes,batch]
                                          [--baseline PYTHON]

Each case writes its files to a temporary folder and times N runs of `opslint check` on
them, each in a fresh process with a warm bytecode cache (as after an install):

- `dockerfile`: one Dockerfile (target: 0.10 s);
- `kubernetes`: one Deployment manifest (target: 0.15 s);
- `batch`: 20 files as pre-commit passes them: 5 Dockerfiles, 4 Compose files, 5
  Kubernetes manifests, 3 GitHub workflows and 3 `.tf` files (target: 0.4 s).

Printed per case: the median, minimum and maximum wall time, then the slowest top-level
imports that `python -X importtime` shows for one run. `python -c pass` is timed too, for
scale, and the Dockerfile case once more without bytecode (every module compiled). The
exit status is 1 when a case imported a library it never needs: YAML, HCL, tree-sitter,
jsonschema or SARIF for the Dockerfile; HCL, tree-sitter or SARIF for the manifest.

`--baseline PYTHON` names the interpreter of another opslint install (the previous
release, say): each case is run with it too, the runs of both alternating, and the
medians are given side by side with their ratio. The load average of the machine is
printed before and after, since a busy machine slows every figure.
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

DOCKERFILE = "FROM python:3.12-slim\nRUN pip install --no-cache-dir flask==3.0.3\nUSER 10001\n"
MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web{n}
spec:
  replicas: 2
  selector:
    matchLabels: {{app: web{n}}}
  template:
    metadata:
      labels: {{app: web{n}}}
    spec:
      containers:
        - name: web
          image: nginx:1.27.{n}
          ports:
            - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web{n}
spec:
  selector: {{app: web{n}}}
  ports:
    - port: 80
"""
COMPOSE = """\
services:
  app:
    build: .
    ports:
      - "80{n}0:8000"
  cache:
    image: redis:7.{n}
"""
WORKFLOW = """\
name: ci{n}
on: [push]
jobs:
  test:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v4
      - run: make test
"""
TERRAFORM = {
    "main.tf": 'resource "aws_s3_bucket" "logs" {\n  bucket = var.bucket\n}\n',
    "variables.tf": 'variable "bucket" {\n  type = string\n}\n',
    "outputs.tf": 'output "arn" {\n  value = aws_s3_bucket.logs.arn\n}\n',
}

YAML = ("yaml", "_yaml", "ruamel")
HCL = ("hcl2", "lark")
OTHERS = ("tree_sitter", "sarif_om", "helm_python")


@dataclass(frozen=True)
class Case:
    """Files to check and the libraries their run must not import."""

    name: str
    files: dict[str, str]
    target: float
    never: tuple[str, ...]


def batch() -> dict[str, str]:
    """Twenty files of five kinds, as a pre-commit hook passes them."""
    files: dict[str, str] = {}
    for n in range(1, 6):
        files[f"svc{n}/Dockerfile"] = DOCKERFILE.replace("flask==3.0.3", f"flask==3.0.{n}")
        files[f"k8s/web{n}.yaml"] = MANIFEST.format(n=n)
    for n in range(1, 5):
        files[f"svc{n}/compose.yaml"] = COMPOSE.format(n=n)
    for n in range(1, 4):
        files[f".github/workflows/ci{n}.yml"] = WORKFLOW.format(n=n)
    files.update({f"infra/{name}": text for name, text in TERRAFORM.items()})
    return files


CASES = {
    "dockerfile": Case(
        "one Dockerfile", {"Dockerfile": DOCKERFILE}, 0.10, (*YAML, *HCL, "jsonschema", *OTHERS)
    ),
    "kubernetes": Case(
        "one Kubernetes manifest",
        {"deploy.yaml": MANIFEST.format(n=1)},
        0.15,
        (*HCL, "ruamel", *OTHERS),
    ),
    "batch": Case("pre-commit batch of 20 files", batch(), 0.40, ()),
}


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


def command(case: Case, *interpreter_options: str, python: str = sys.executable) -> list[str]:
    """`opslint check` on the case's files, as a hook would call it on files that changed:
    `--no-cache`, so that every run parses and checks them (a release from before the
    cache checks them anyway, and is not given the option)."""
    opslint = [python, *interpreter_options, "-m", "opslint"]
    no_cache = ["--no-cache"] if knows_no_cache(python) else []
    return [*opslint, "check", "-q", *no_cache, *case.files]


@functools.cache
def knows_no_cache(python: str) -> bool:
    """True when the opslint of `python` has a results cache to turn off."""
    done = subprocess.run(
        [python, "-m", "opslint", "check", "--help"], capture_output=True, text=True, check=False
    )
    return "--no-cache" in done.stdout


@dataclass(frozen=True)
class Timing:
    """Wall and CPU (user + system) seconds of one process."""

    wall: float
    cpu: float


def timed(argv: list[str], folder: Path, runs: int, env: dict[str, str]) -> list[Timing]:
    """Wall and CPU times of `runs` fresh processes of `argv` (the CPU time says more than
    the wall time on a busy machine)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        child = subprocess.Popen(
            argv, cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode not in (0, 1):  # 2: a usage error, timed as if it had checked
            raise SystemExit(f"{' '.join(argv)} exited with {child.returncode}")
        times.append(Timing(time.perf_counter() - started, usage.ru_utime + usage.ru_stime))
    return times


def medians(times: list[Timing]) -> tuple[float, float]:
    """The median wall and the median CPU time."""
    return statistics.median(t.wall for t in times), statistics.median(t.cpu for t in times)


def import_profile(case: Case, folder: Path, env: dict[str, str]) -> list[tuple[int, str]]:
    """(cumulative microseconds, module) of every import of one run."""
    done = subprocess.run(
        command(case, "-X", "importtime"),
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


def write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def run_case(key: str, runs: int, env: dict[str, str], baseline: str | None) -> bool:
    """Time one case and print its figures; False when it imported what it never needs."""
    case = CASES[key]
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        write(folder, case.files)
        timed(command(case), folder, 2, env)  # fill the bytecode cache
        times: list[Timing] = []
        before: list[Timing] = []
        if baseline:
            timed(command(case, python=baseline), folder, 2, env)
        for _ in range(runs):  # alternating, so that both see the same load
            times.extend(timed(command(case), folder, 1, env))
            if baseline:
                before.extend(timed(command(case, python=baseline), folder, 1, env))
        rows = import_profile(case, folder, env)
    wall, cpu = medians(times)
    walls = [t.wall for t in times]
    verdict = "met" if wall <= case.target else "NOT met"
    print(f"{case.name} ({len(case.files)} files, {runs} runs, target {case.target:.2f} s):")
    print(f"  wall median {ms(wall)}  min {ms(min(walls))}  max {ms(max(walls))}  ({verdict})")
    print(f"  CPU  median {ms(cpu)}")
    if before:
        old_wall, old_cpu = medians(before)
        print(
            f"  baseline: wall median {ms(old_wall)}, CPU median {ms(old_cpu)}; "
            f"ratio wall {wall / old_wall:.2f}, CPU {cpu / old_cpu:.2f}"
        )
    print(f"  {len(rows)} modules imported; slowest top-level imports:")
    for cumulative, module in sorted((r for r in rows if "." not in r[1]), reverse=True)[:6]:
        print(f"    {ms(cumulative / 1e6)}  {module}")
    heavy = sorted({module.split(".", 1)[0] for _, module in rows} & set(case.never))
    if heavy:
        print(f"  FAIL: imported {', '.join(heavy)}")
        return False
    if case.never:
        print(f"  OK: none of {', '.join(case.never)} imported")
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--cases", default=",".join(CASES), help=f"of {', '.join(CASES)}")
    parser.add_argument("--baseline", help="the Python of another opslint install")
    args = parser.parse_args()
    keys = [key.strip() for key in args.cases.split(",") if key.strip()]
    unknown = [key for key in keys if key not in CASES]
    if unknown:
        parser.error(f"unknown case {', '.join(unknown)} (known: {', '.join(CASES)})")
    print(f"load average before: {load()}")
    with tempfile.TemporaryDirectory() as cache:
        env = environment(Path(cache))
        wall, cpu = medians(timed([sys.executable, "-c", "pass"], Path(), args.runs, env))
        print(f"python -c pass: wall median {ms(wall)}, CPU median {ms(cpu)}")
        clean = [run_case(key, args.runs, env, args.baseline) for key in keys]
    if "dockerfile" in keys:
        case = CASES["dockerfile"]
        with tempfile.TemporaryDirectory() as name:
            write(Path(name), case.files)
            cold = timed(command(case), Path(name), max(3, args.runs // 3), environment(None))
        wall, cpu = medians(cold)
        print(f"one Dockerfile without bytecode (every module compiled): {ms(wall)}, CPU {ms(cpu)}")
    print(f"load average after: {load()}")
    return 0 if all(clean) else 1


def load() -> str:
    """The machine's load averages over 1, 5 and 15 minutes."""
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


if __name__ == "__main__":
    sys.exit(main())
