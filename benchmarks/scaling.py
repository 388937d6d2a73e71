"""How opslint's time grows with the size of one file, per kind of input.

Usage: python benchmarks/scaling.py [--kinds NAME,...] [--sizes N] [--scale F] [--runs N]
                                    [--select CODES] [--cli] [--figures] [--profile NAME]

Each kind below generates one input (a file, or a folder for a Helm chart) of n items at
1x, 2x, 4x, 8x... its base count, writes it to a temporary folder and checks it in this
process with `--select ALL` (as `opslint check` does: a session with the plugins loaded,
then `run`). Printed per size: the items, KiB, CPU seconds of this process (best of N
runs; CPU time, so that other work on the machine does not blur the growth), and the growth
of time per doubling of input: the time ratio over the size ratio, so that linear work
reads about 1.0. A kind whose time per KiB grows more than FLAG (1.3) times per doubling,
over the whole range, is flagged. `--cli` adds the end-to-end wall and CPU time of
`opslint check --select ALL -f json` as a subprocess for the largest size.

`--figures` checks the inputs the issue names instead: a Kubernetes bundle of 1, 2 and
4 MB, a single CRD of 4 MB, a 1 MB `.tf` module and a `RUN <<EOF` of 4,000 `apk add git`
lines, each with the default rules and with `--select ALL`.

`--profile NAME` runs the largest size of one kind under cProfile and prints the
functions with the most time of their own and with the most cumulative time.
The exit status is 1 when a kind is flagged, else 0.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import math
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

FLAG = 1.3
"""Growth of time per KiB per doubling of input above which a kind is flagged."""
NOISE = 0.05
"""Seconds below which a time says more about fixed costs than about growth."""


@dataclass(frozen=True)
class Kind:
    """One kind of input: where its files go and how n items of it are written."""

    name: str
    base: int
    """Items at 1x."""
    files: Callable[[int], dict[str, str]]
    """Relative path to text, for n items."""
    target: str = ""
    """What to check, relative to the folder: the folder itself when empty."""


# Dockerfiles


def heredoc_run(n: int) -> dict[str, str]:
    lines = "".join("apk add git\n" for _ in range(n))
    return {"Dockerfile": f"FROM alpine:3.20\nRUN <<EOF\n{lines}EOF\n"}


def long_word(n: int) -> dict[str, str]:
    word = "".join(f'part{i}-"quoted {i}"-' for i in range(n))
    return {"Dockerfile": f"FROM alpine:3.20\nRUN echo {word} > /etc/motd\n"}


def many_runs(n: int) -> dict[str, str]:
    commands = (
        "RUN apt-get update && apt-get install -y curl wget\n",
        "RUN cd /src && pip install -r requirements.txt\n",
        "RUN npm install && npm run build\n",
        "RUN sudo chown -R app /app\n",
        "RUN wget -O- https://example.com/install.sh | sh\n",
    )
    body = "".join(commands[i % len(commands)] for i in range(n))
    return {"Dockerfile": f"FROM ubuntu:22.04\nWORKDIR /src\n{body}USER app\nCMD node app.js\n"}


def many_stages(n: int) -> dict[str, str]:
    parts = ["FROM node:22-alpine AS s0\nWORKDIR /src\nCOPY . .\nRUN npm ci\n"]
    for i in range(1, n):
        parts.append(
            f"FROM node:22-alpine AS s{i}\nWORKDIR /app\n"
            f"COPY --from=s{i - 1} /src /src\nRUN npm run build-{i}\nEXPOSE {1000 + i % 60000}\n"
        )
    parts.append("USER node\nCMD node dist/server.js\n")
    return {"Dockerfile": "".join(parts)}


# Kubernetes and other YAML


def deployment(i: int) -> str:
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
  namespace: shop
  labels:
    app: app-{i}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: app-{i}
  template:
    metadata:
      labels:
        app: app-{i}
    spec:
      containers:
        - name: app
          image: registry.example.com/shop/app-{i}:latest
          ports:
            - containerPort: 8080
          env:
            - name: DB_PASSWORD
              value: hunter2-{i}
          securityContext:
            privileged: true
---
apiVersion: v1
kind: Service
metadata:
  name: app-{i}
  namespace: shop
spec:
  selector:
    app: app-{i}
  ports:
    - port: 80
      targetPort: 8080
---
"""


def k8s_bundle(n: int) -> dict[str, str]:
    return {"bundle.yaml": "".join(deployment(i) for i in range(n))}


def schema_properties(prefix: str, depth: int, indent: int) -> str:
    pad = " " * indent
    if depth == 0:
        return (
            f"{pad}{prefix}:\n{pad}  type: string\n"
            f"{pad}  description: The {prefix} setting, as the controller reads it.\n"
        )
    children = "".join(
        schema_properties(f"{prefix}{suffix}", depth - 1, indent + 4) for suffix in "ab"
    )
    return (
        f"{pad}{prefix}:\n{pad}  type: object\n{pad}  description: Settings of {prefix}.\n"
        f"{pad}  properties:\n{children}"
    )


def k8s_crd(n: int) -> dict[str, str]:
    properties = "".join(schema_properties(f"field{i}", 4, 14) for i in range(n))
    text = f"""apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names:
    kind: Widget
    plural: widgets
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
{properties}"""
    return {"crd.yaml": text}


def compose(n: int) -> dict[str, str]:
    services = "".join(
        f"""  svc{i}:
    image: registry.example.com/svc{i}:latest
    privileged: true
    ports:
      - "{8000 + i % 1000}:8080"
    environment:
      DB_PASSWORD: hunter2
    depends_on:
      - svc{max(0, i - 1)}
"""
        for i in range(n)
    )
    return {"compose.yaml": f"services:\n{services}"}


def github_workflow(n: int) -> dict[str, str]:
    jobs = "".join(
        f"""  job{i}:
    runs-on: ubuntu-latest
    needs: [job{max(0, i - 1)}]
    steps:
      - uses: actions/checkout@main
      - uses: actions/setup-node@v4
      - run: npm install
      - run: echo "${{{{ github.event.issue.title }}}}"
      - run: docker build -t registry.example.com/app{i}:latest .
"""
        for i in range(n)
    )
    return {".github/workflows/ci.yml": f"name: ci\non:\n  pull_request_target:\njobs:\n{jobs}"}


def gitlab_ci(n: int) -> dict[str, str]:
    jobs = "".join(
        f"""job{i}:
  stage: test
  image: node
  only: [main]
  cache:
    paths: [node_modules/]
  script:
    - npm install
    - npm test -- --shard {i}
deploy-production-{i}:
  stage: deploy
  image: alpine/helm:3.16.2
  environment:
    name: production
  script:
    - helm upgrade --install app{i} ./chart
"""
        for i in range(n)
    )
    return {".gitlab-ci.yml": f"stages: [test, deploy]\n{jobs}"}


def prometheus(n: int) -> dict[str, str]:
    rules = "".join(
        f"""      - alert: ErrorRateHigh{i}
        expr: sum(rate(http_requests_total{{job="app{i}",code=~"5.."}}[5m])) > 0.05
        labels:
          severity: page
      - record: job:requests:rate{i}
        expr: sum(rate(http_requests_total{{job="app{i}"}}[5m]))
"""
        for i in range(n)
    )
    return {"alerts.yaml": f"groups:\n  - name: app\n    rules:\n{rules}"}


def helm_values(n: int) -> dict[str, str]:
    services = "".join(
        f"  svc{i}:\n    image: registry.example.com/svc{i}:latest\n    replicas: {i % 5}\n"
        f"    env:\n      DB_PASSWORD: hunter2\n"
        for i in range(n)
    )
    template = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
"""
    return {
        "chart/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n",
        "chart/values.yaml": (
            f"image:\n  repository: registry.example.com/web\n  tag: latest\nservices:\n{services}"
        ),
        "chart/templates/deployment.yaml": template,
    }


# Terraform, Jenkins


def tf_resources(n: int) -> dict[str, str]:
    blocks = "".join(
        f"""variable "size_{i}" {{
  default = {i}
}}

resource "aws_security_group" "sg{i}" {{
  name = "sg{i}"
  ingress {{
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }}
}}

resource "aws_s3_bucket" "b{i}" {{
  bucket = "acme-{i}"
  tags   = merge(local.common, {{ service = "svc{i}" }})
}}

resource "aws_db_instance" "db{i}" {{
  engine   = "postgres"
  password = "secret-{i}"
}}

module "m{i}" {{
  source = "git::https://github.com/acme/terraform-m.git?ref=main"
}}

"""
        for i in range(n)
    )
    head = 'locals {\n  common = { team = "payments" }\n}\n\n'
    return {"main.tf": head + blocks}


def tf_expressions(n: int) -> dict[str, str]:
    terms = " + ".join(f"var.v{i % 50} * {i}" for i in range(n))
    words = " ".join(f"word{i}" for i in range(n))
    heredoc = "".join(f"  line {i} of the policy\n" for i in range(n))
    listing = ", ".join(f'"item-{i}"' for i in range(n))
    text = f"""locals {{
  total = {terms}
  long  = "{words}"
  items = [{listing}]
  doc   = <<EOT
{heredoc}EOT
}}

resource "aws_iam_policy" "p" {{
  name   = "p"
  policy = <<POLICY
{heredoc}POLICY
}}
"""
    return {"main.tf": text}


def tfvars(n: int) -> dict[str, str]:
    values = "".join(
        f'var_{i} = {{\n  name = "v{i}"\n  size = {i}\n  tags = ["a", "b"]\n}}\n' for i in range(n)
    )
    return {"main.tf": 'variable "var_0" {}\n', "terraform.tfvars": values}


def jenkinsfile(n: int) -> dict[str, str]:
    stages = "".join(
        f"""        stage('Step {i}') {{
            steps {{
                sh 'npm install && make step-{i}'
                sh '''
                    node --version
                    npm install --no-audit
                '''
            }}
        }}
"""
        for i in range(n)
    )
    stages += """        stage('Deploy production') {
            steps { sh 'helm upgrade --install web ./chart' }
        }
"""
    return {"Jenkinsfile": f"pipeline {{\n    agent any\n    stages {{\n{stages}    }}\n}}\n"}


KINDS = (
    Kind("dockerfile-heredoc", 250, heredoc_run, "Dockerfile"),
    Kind("dockerfile-runs", 250, many_runs, "Dockerfile"),
    Kind("dockerfile-long-word", 2000, long_word, "Dockerfile"),
    Kind("dockerfile-stages", 100, many_stages, "Dockerfile"),
    Kind("k8s-bundle", 100, k8s_bundle, "bundle.yaml"),
    Kind("k8s-crd", 50, k8s_crd, "crd.yaml"),
    Kind("compose", 100, compose, "compose.yaml"),
    Kind("github-workflow", 50, github_workflow, ".github/workflows/ci.yml"),
    Kind("gitlab-ci", 50, gitlab_ci, ".gitlab-ci.yml"),
    Kind("prometheus", 200, prometheus, "alerts.yaml"),
    Kind("helm-values", 200, helm_values, "chart"),
    Kind("tf-resources", 50, tf_resources),
    Kind("tf-expressions", 400, tf_expressions),
    Kind("tfvars", 200, tfvars),
    Kind("jenkinsfile", 100, jenkinsfile, "Jenkinsfile"),
)


def write(folder: Path, files: dict[str, str]) -> int:
    """Write `files` below `folder`; return their total size in bytes."""
    size = 0
    for relative, text in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        path.write_bytes(data)
        size += len(data)
    return size


def check(target: Path, select: tuple[str, ...] | None) -> tuple[float, int]:
    """CPU seconds and findings of one in-process `opslint check` of `target`."""
    from opslint.cli import make_session
    from opslint.config import Config

    gc.collect()  # so a collection the previous check caused does not land here
    started = time.process_time()
    config = Config(root=target.parent if target.is_file() else target, select=select)
    report = make_session(config).run([target])
    return time.process_time() - started, len(report.findings)


def check_cli(target: Path, select: tuple[str, ...] | None) -> tuple[float, float]:
    """Wall time and CPU time of `opslint check -f json` on `target` in a fresh process."""
    command = [sys.executable, "-m", "opslint", "check", "-q", "--exit-zero", "-f", "json"]
    if select:
        command += ["--select", ",".join(select)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([*command, str(target)], stdout=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu


@dataclass
class Measure:
    items: int
    kib: float
    seconds: float
    findings: int


def measure(
    kind: Kind, items: int, runs: int, select: tuple[str, ...] | None, folder: Path
) -> tuple[Measure, Path]:
    """Best of `runs` in-process checks of `kind` with `items` items, written in `folder`."""
    size = write(folder, kind.files(items))
    target = folder / kind.target if kind.target else folder
    times = []
    findings = 0
    for _ in range(runs):
        seconds, findings = check(target, select)
        times.append(seconds)
    return Measure(items, size / 1024, min(times), findings), target


def growth(measures: list[Measure]) -> float | None:
    """Geometric mean, per doubling of input, of how much the time per KiB grew (1.0: linear)."""
    usable = [m for m in measures if m.seconds >= NOISE]
    if len(usable) < 2:
        return None
    first, last = usable[0], usable[-1]
    doublings = math.log2(last.kib / first.kib)
    if doublings <= 0:
        return None
    per_kib = (last.seconds / last.kib) / (first.seconds / first.kib)
    return float(per_kib ** (1 / doublings))


def scale_kind(
    kind: Kind, sizes: int, scale: float, runs: int, select: tuple[str, ...] | None, cli: bool
) -> bool:
    """Print one kind's table; True when its growth is flagged."""
    measures: list[Measure] = []
    target = Path()
    with tempfile.TemporaryDirectory(prefix="opslint-scaling-") as temporary:
        measure(kind, 1, 1, select, Path(temporary) / "warm")  # first-use costs of the kind
        for step in range(sizes):
            folder = Path(temporary) / f"x{2**step}"
            items = max(1, round(kind.base * scale * 2**step))
            result, target = measure(kind, items, runs, select, folder)
            measures.append(result)
            previous = measures[-2] if len(measures) > 1 else None
            ratio = ""
            if previous is not None and previous.seconds > 0:
                times = result.seconds / previous.seconds
                ratio = f"{times:6.2f}x  {times / (result.kib / previous.kib):5.2f}"
            print(
                f"  {kind.name:<21} {2**step:>3}x {items:>7} {result.kib:>9.1f} "
                f"{result.seconds:>9.3f} {result.findings:>8}  {ratio}",
                flush=True,
            )
        end_to_end = check_cli(target, select) if cli else None
    rate = growth(measures)
    flagged = rate is not None and rate > FLAG
    verdict = "-" if rate is None else f"{rate:.2f}{'  SUPERLINEAR' if flagged else ''}"
    line = f"  {kind.name:<21} growth per doubling (time per KiB): {verdict}"
    if end_to_end is not None:
        wall, cpu = end_to_end
        line += f"; CLI at {2 ** (sizes - 1)}x: {wall:.2f} s wall, {cpu:.2f} s CPU"
    print(line, flush=True)
    return flagged


def items_for(kind: Kind, kib: float) -> int:
    """Items of `kind` that make about `kib` KiB."""
    sample = 200
    size = sum(len(text.encode("utf-8")) for text in kind.files(sample).values())
    fixed = sum(len(text.encode("utf-8")) for text in kind.files(1).values())
    per_item = (size - fixed) / (sample - 1)
    return max(1, round((kib * 1024 - fixed) / per_item) + 1)


def figures(cli: bool) -> None:
    """The inputs the issue names, with the default rules and with every rule."""
    by_name = {kind.name: kind for kind in KINDS}
    cases = [
        ("Kubernetes bundle 1 MB", by_name["k8s-bundle"], items_for(by_name["k8s-bundle"], 1024)),
        ("Kubernetes bundle 2 MB", by_name["k8s-bundle"], items_for(by_name["k8s-bundle"], 2048)),
        ("Kubernetes bundle 4 MB", by_name["k8s-bundle"], items_for(by_name["k8s-bundle"], 4096)),
        ("CRD 4 MB", by_name["k8s-crd"], items_for(by_name["k8s-crd"], 4096)),
        (".tf 1 MB", by_name["tf-resources"], items_for(by_name["tf-resources"], 1024)),
        ("RUN <<EOF 4,000 lines", by_name["dockerfile-heredoc"], 4000),
    ]
    header = f"{'input':<24} {'KiB':>8} {'default s':>10} {'ALL s':>8}"
    print(header + ("  CLI ALL wall s, CPU s" if cli else ""))
    for label, kind, items in cases:
        with tempfile.TemporaryDirectory(prefix="opslint-figures-") as temporary:
            default, target = measure(kind, items, 1, None, Path(temporary))
            every, _ = measure(kind, items, 1, ("ALL",), Path(temporary))
            line = f"{label:<24} {default.kib:>8.0f} {default.seconds:>10.2f} {every.seconds:>8.2f}"
            if cli:
                wall, cpu = check_cli(target, ("ALL",))
                line += f"  {wall:>14.2f} {cpu:>6.2f}"
            print(line, flush=True)


def profile(kind: Kind, sizes: int, scale: float, select: tuple[str, ...] | None) -> None:
    """cProfile of one check of `kind` at its largest size."""
    items = max(1, round(kind.base * scale * 2 ** (sizes - 1)))
    with tempfile.TemporaryDirectory(prefix="opslint-profile-") as temporary:
        folder = Path(temporary)
        write(folder, kind.files(items))
        target = folder / kind.target if kind.target else folder
        check(target, select)  # imports and first-use costs stay out of the profile
        profiler = cProfile.Profile()
        profiler.enable()
        seconds, _ = check(target, select)
        profiler.disable()
    print(f"{kind.name}, {items} items: {seconds:.2f} s")
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(25)
        print(out.getvalue())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--kinds", default="", help="comma-separated kind names (default: all)")
    parser.add_argument("--sizes", type=int, default=4, help="sizes per kind: 1x, 2x, 4x, ...")
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies each base count")
    parser.add_argument("--runs", type=int, default=1, help="runs per size; the best counts")
    parser.add_argument("--select", default="ALL", help="rules, as for --select; '' for default")
    parser.add_argument("--cli", action="store_true", help="add the end-to-end CLI time")
    parser.add_argument("--figures", action="store_true", help="the issue's named inputs")
    parser.add_argument("--profile", metavar="NAME", help="cProfile one kind's largest size")
    args = parser.parse_args()
    select = tuple(args.select.split(",")) if args.select else None
    by_name = {kind.name: kind for kind in KINDS}
    chosen = [by_name[name] for name in args.kinds.split(",") if name] or list(KINDS)
    unknown = [name for name in args.kinds.split(",") if name and name not in by_name]
    if unknown or (args.profile and args.profile not in by_name):
        print(f"unknown kind; known: {', '.join(by_name)}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as warm:  # imports and plugin loading, once
        write(Path(warm), {"Dockerfile": "FROM alpine:3.20\n"})
        check(Path(warm) / "Dockerfile", select)
    if args.profile:
        profile(by_name[args.profile], max(1, args.sizes), args.scale, select)
        return 0
    if args.figures:
        figures(args.cli)
        return 0
    print(f"select {args.select or 'default'}; best of {args.runs}; growth 1.0 = linear")
    print(
        f"  {'kind':<21} {'size':>4} {'items':>7} {'KiB':>9} {'seconds':>9} {'findings':>8}"
        "  time ratio, per size ratio"
    )
    flagged = [
        kind.name
        for kind in chosen
        if scale_kind(kind, max(2, args.sizes), args.scale, max(1, args.runs), select, args.cli)
    ]
    print(f"superlinear: {', '.join(flagged) if flagged else 'none'}")
    return 1 if flagged else 0


if __name__ == "__main__":
    sys.exit(main())
