"""Mutation fuzzing of the whole engine, shared by `tests/test_fuzz.py` and `benchmarks/fuzz.py`.

Small valid files of every kind are mutated from a fixed seed (byte flips, truncation, line
repetition, token insertion, bad values of every YAML tag) and checked many at a time in one
engine run, next to a valid Dockerfile whose finding must survive. A crash is anything that
escapes containment: an exception out of the run or a reporter, a note saying a rule or
hook failed, an OP001 saying a parser or detector failed, a file whose time budget ran out,
or a neighbour's finding lost. A batch with a crash is split until each crashing case is
known, and every crashing case can be kept under `tests/data/fuzz/` for the suite to replay.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import multiprocessing
import random
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice, repeat
from pathlib import Path
from typing import Any

from opslint.config import Config, HelmSettings
from opslint.engine.fixer import Fixer
from opslint.engine.runner import Session
from opslint.model.source import SourceFile
from opslint.plugins import PluginManager
from opslint.report import Report

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "data" / "fuzz"
EXAMPLE = ROOT / "examples" / "checkout-service"

NEIGHBOUR = "FROM alpine:3.20\nUSER root\n"
NEIGHBOUR_FINDING = ("DF101", "neighbour/Dockerfile", 2, 6)
"""A valid Dockerfile next to every batch, and the finding it must keep."""

REASON_FILE = "crash.txt"
"""In a kept case's folder: what the crash was when it was found."""
_BOOKKEEPING = (REASON_FILE,)


@dataclass(frozen=True)
class Seed:
    """A small valid input of one kind: its files, and those a mutation may change."""

    kind: str
    files: dict[str, str]
    targets: tuple[str, ...]


def _example(name: str) -> str:
    return (EXAMPLE / name).read_text(encoding="utf-8")


WORKFLOW = """\
name: ci
on:
  push:
    branches: [main]
  pull_request:
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-24.04
    timeout-minutes: 10
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: test
        run: |
          pip install -e .
          pytest -q
        env:
          TITLE: ${{ github.event.pull_request.title }}
"""
ACTION = """\
name: build
description: Build the image
inputs:
  tag:
    description: image tag
    required: true
runs:
  using: composite
  steps:
    - uses: docker/setup-buildx-action@v3
    - run: docker build -t app:${{ inputs.tag }} .
      shell: bash
"""
GITLAB = """\
stages: [test, deploy]
variables:
  IMAGE: registry.example.com/app:latest
include:
  - local: ci/extra.yml
test:
  stage: test
  image: python:3.12
  script:
    - pip install -r requirements.txt
    - pytest
deploy:
  stage: deploy
  image: alpine
  script:
    - curl -s https://example.com/install.sh | sh
  only: [main]
"""
CIRCLECI = """\
version: 2.1
orbs:
  node: circleci/node@5.0.2
jobs:
  build:
    docker:
      - image: cimg/node:20.11
    steps:
      - checkout
      - run: npm ci && npm test
workflows:
  main:
    jobs:
      - build
"""
TFVARS = """\
region         = "eu-west-1"
instance_count = 3
tags = {
  team = "shop"
  env  = "prod"
}
db_password = "hunter2"
"""
JENKINSFILE = """\
pipeline {
    agent { docker { image 'maven:3.9' } }
    environment {
        TOKEN = credentials('deploy-token')
    }
    stages {
        stage('Build') {
            steps {
                sh 'mvn -B package'
            }
        }
        stage('Deploy') {
            when { branch 'main' }
            steps {
                sh "curl -H 'Authorization: ${TOKEN}' https://deploy.example.com"
            }
        }
    }
}
"""


def seeds() -> list[Seed]:
    """One seed per kind; the chart's is a whole chart, with two files to mutate."""
    chart = {
        f"chart/{name}": _example(f"chart/{name}")
        for name in ("Chart.yaml", "values.yaml", "templates/_helpers.tpl")
    }
    chart["chart/templates/deployment.yaml"] = _example("chart/templates/deployment.yaml")
    return [
        Seed("dockerfile", {"Dockerfile": _example("Dockerfile")}, ("Dockerfile",)),
        Seed("compose", {"compose.yaml": _example("compose.yaml")}, ("compose.yaml",)),
        Seed("kubernetes", {"deploy.yaml": _example("k8s/deployment.yaml")}, ("deploy.yaml",)),
        Seed(
            "github-workflow", {".github/workflows/ci.yml": WORKFLOW}, (".github/workflows/ci.yml",)
        ),
        Seed("github-action", {"action.yml": ACTION}, ("action.yml",)),
        Seed("gitlab-ci", {".gitlab-ci.yml": GITLAB}, (".gitlab-ci.yml",)),
        Seed("circleci", {".circleci/config.yml": CIRCLECI}, (".circleci/config.yml",)),
        Seed("prometheus", {"alerts.yaml": _example("monitoring/alerts.yaml")}, ("alerts.yaml",)),
        Seed("terraform", {"main.tf": _example("terraform/main.tf")}, ("main.tf",)),
        Seed("terraform-vars", {"terraform.tfvars": TFVARS}, ("terraform.tfvars",)),
        Seed("helm-chart", chart, ("chart/templates/deployment.yaml", "chart/values.yaml")),
        Seed("jenkinsfile", {"Jenkinsfile": JENKINSFILE}, ("Jenkinsfile",)),
    ]


BAD_TAGGED_VALUES = (
    "!!int abc",
    "!!int",
    "!!bool maybe",
    "!!float abc",
    "!!float",
    "!!timestamp x",
    "!!null x",
    "!!binary '###'",
    "!!omap x",
    "!!pairs x",
    "!!set x",
    "!!merge x",
    "!!value x",
    "!!yaml x",
    "!!str [1]",
    "!!seq x",
    "!!map x",
    "!foo {a: 1}",
    "!!python/object/apply:os.system ['touch pwned']",
    "!!python/name:os.system",
    "._",
    "0b_",
)
"""A bad value for every tag of the YAML 1.1 type repository, local and Python tags, and
plain scalars the implicit resolver types but the constructor refuses."""

YAML_TAGS = (
    *(
        f"!!{name}"
        for name in (
            "int", "float", "bool", "null", "timestamp", "binary", "omap", "pairs", "set",
            "merge", "value", "yaml", "str", "seq", "map",
        )
    ),
    "!foo", "!", "!<tag:yaml.org,2002:int>", "!!python/object:os.system", "!e!x",
)  # fmt: skip

LINE_BREAKS = ("\r", "\r\n", "\x85", "\u2028", "\u2029")
"""The line breaks YAML counts besides LF."""

TOKENS = (
    *YAML_TAGS,
    "&a ", "*a", "*nowhere", "<<: *a", "&a [*a]", "{{", "}}", "{{ }}", "{{ .Values.x }}",
    "{{- include \"x\" . }}", "${{ }}", "${", "$(", '"', "'", "\t", *LINE_BREAKS, "\x00",
    "\ufeff", "\U0001f600", "---\n", "...\n", "%YAML 1.1\n", "? ", "- ", ": ", "[", "]",
    "{", "}", "#", "\\\n", "<<EOF\n", "\n", "x" * 300, "-1e999", "0x", "~",
)  # fmt: skip
"""What token insertion puts in: every YAML tag, anchors and aliases, template actions,
quotes, tabs, every line break, NUL, and bits of each format's syntax."""


@dataclass(frozen=True)
class Case:
    """One mutated input: the seed's files with one of them changed."""

    kind: str
    files: dict[str, bytes]
    mutations: tuple[str, ...]

    @property
    def name(self) -> str:
        digest = hashlib.sha256(
            b"\0".join(p.encode() + b"\0" + d for p, d in sorted(self.files.items()))
        ).hexdigest()
        return f"{self.kind}-{digest[:12]}"


@dataclass
class Crash:
    """A case that escaped containment, and how."""

    case: Case
    reason: str


Mutator = Callable[[random.Random, bytes], tuple[bytes, str]]


def flip_bytes(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """Flip 1 to 4 random bits."""
    if not data:
        return data, "flip (empty)"
    buffer = bytearray(data)
    places = []
    for _ in range(rng.randint(1, 4)):
        index = rng.randrange(len(buffer))
        buffer[index] ^= 1 << rng.randrange(8)
        places.append(index)
    return bytes(buffer), f"flip at {places}"


def truncate(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """Cut the file at a random offset."""
    at = rng.randrange(len(data) + 1)
    return data[:at], f"truncate at {at}"


def repeat_line(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """Repeat one line 2 to 60 times."""
    lines = data.splitlines(keepends=True)
    if not lines:
        return data, "repeat (empty)"
    index = rng.randrange(len(lines))
    times = rng.choice((2, 3, 10, 60))
    lines[index : index + 1] = [lines[index]] * times
    return b"".join(lines), f"repeat line {index + 1} x{times}"


def _places(data: bytes) -> list[int]:
    """Offsets worth inserting at: line starts, after `: `, after `- `, after `=`."""
    return [m.end() for m in re.finditer(rb"(?:^|\n)[ \t]*|: |- |= ", data)]


def insert_token(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """Insert a token at a syntactic place or a random offset."""
    token = rng.choice(TOKENS)
    places = _places(data)
    at = rng.choice(places) if places and rng.random() < 0.7 else rng.randrange(len(data) + 1)
    return data[:at] + token.encode("utf-8") + data[at:], f"insert {token!r} at {at}"


def bad_tag(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """Replace a value after `: ` (or `= `) by a bad value of a YAML tag."""
    value = rng.choice(BAD_TAGGED_VALUES).encode("utf-8")
    values = list(re.finditer(rb"(?<=: |= )[^\n#]*", data))
    if not values:
        return data + b"x: " + value + b"\n", f"append x: {value!r}"
    match = rng.choice(values)
    return data[: match.start()] + value + data[match.end() :], f"tag {value!r} at {match.start()}"


MUTATORS: tuple[Mutator, ...] = (flip_bytes, truncate, repeat_line, insert_token, bad_tag)


def mutate(rng: random.Random, seed: Seed) -> Case:
    """One to three mutations of one of the seed's target files."""
    target = rng.choice(seed.targets)
    data = seed.files[target].encode("utf-8")
    done = []
    for _ in range(rng.choice((1, 1, 2, 3))):
        data, what = rng.choice(MUTATORS)(rng, data)
        done.append(what)
    files = {path: text.encode("utf-8") for path, text in seed.files.items()}
    files[target] = data
    return Case(seed.kind, files, (target, *done))


def cases(seed: int, counts: dict[str, int]) -> Iterator[Case]:
    """`counts[kind]` mutated cases of each kind, the same ones for the same `seed`."""
    for each in seeds():
        rng = random.Random(f"{seed}:{each.kind}")
        for _ in range(counts.get(each.kind, 0)):
            yield mutate(rng, each)


def write_case(case: Case, folder: Path) -> None:
    """Put the case's files under `folder`."""
    for relative, data in case.files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def read_case(folder: Path) -> Case:
    """A case kept under `tests/data/fuzz/<name>/`."""
    files = {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not (path.parent == folder and path.name in _BOOKKEEPING)
    }
    return Case(folder.name.rsplit("-", 1)[0], files, ("kept",))


def keep(crash: Crash, into: Path = CASES) -> Path:
    """Store a crashing case for the suite to replay; return its folder."""
    folder = into / crash.case.name
    if folder.exists():
        shutil.rmtree(folder)
    write_case(crash.case, folder)
    (folder / REASON_FILE).write_text(crash.reason + "\n", encoding="utf-8")
    return folder


_CRASH_NOTE = re.compile(r"(^rule \S+ failed on |failed: |failed adjusting findings: )")
_CRASH_OP001 = re.compile(r"^(parser|kind detection) failed: |^checking stopped after ")


@dataclass
class Runner:
    """Checks batches of cases in one engine run each, with the real plugins."""

    workspace: Path
    file_time_budget: float = 10.0
    renderer: str = "auto"
    formats: Sequence[str] = ("text", "json", "sarif", "github", "gitlab")
    plugins: PluginManager = field(default_factory=PluginManager)
    runs: int = 0

    def __post_init__(self) -> None:
        self.plugins.load(autoload=False)

    def config(self, root: Path) -> Config:
        return Config(
            root=root,
            select=("ALL",),
            file_time_budget=self.file_time_budget,
            helm=HelmSettings(renderer=self.renderer),
            respect_gitignore=False,
        )

    def lay_out(self, batch: Sequence[Case]) -> tuple[Path, dict[str, Case]]:
        """Write the batch and its neighbour into a fresh folder; folder name to case."""
        root = self.workspace / f"run-{self.runs}"
        self.runs += 1
        if root.exists():
            shutil.rmtree(root)
        where: dict[str, Case] = {}
        for index, case in enumerate(batch):
            name = f"c{index}"
            write_case(case, root / name)
            where[name] = case
        (root / "neighbour").mkdir(parents=True)
        (root / "neighbour" / "Dockerfile").write_text(NEIGHBOUR, encoding="utf-8")
        return root, where

    def check(self, batch: Sequence[Case]) -> list[Crash]:
        """Check `batch` in one run; split it to name the cases of a crash outside them."""
        if not batch:
            return []
        root, where = self.lay_out(batch)
        try:
            with contextlib.chdir(root):
                session = Session(self.config(root), self.plugins)
                report = session.run([Path()])
                # one format per batch, in turn: each sees its share of the cases
                name = self.formats[self.runs % len(self.formats)]
                self.plugins.hook.opslint_report(report=report, format=name, stream=io.StringIO())
        except Exception as error:
            if len(batch) == 1:
                return [Crash(batch[0], f"uncontained {type(error).__name__}: {error}")]
            return _halves(self.check, batch)
        finally:
            shutil.rmtree(root, ignore_errors=True)
        return self.crashes(report, where, batch)

    def crashes(self, report: Report, where: dict[str, Case], batch: Sequence[Case]) -> list[Crash]:
        """The cases `report` shows escaping containment."""
        found: dict[str, list[str]] = {}
        stray: list[str] = []

        def blame(path: str, what: str) -> None:
            head = path.split("/", 1)[0]
            if head in where:
                found.setdefault(head, []).append(what)
            else:
                stray.append(what)

        for note in report.notes:
            if _CRASH_NOTE.search(note):
                blame(re.sub(r"^rule \S+ failed on ", "", note), f"note: {note}")
        for finding in report.findings:
            if finding.code == "OP001" and _CRASH_OP001.search(finding.message):
                blame(finding.span.path, f"OP001: {finding.message}")
        codes = [(f.code, f.span.path, f.span.line, f.span.column) for f in report.findings]
        if NEIGHBOUR_FINDING not in codes:
            stray.append("the neighbour's finding was lost")
        crashes = [Crash(where[name], "; ".join(reasons)) for name, reasons in found.items()]
        if stray:
            return (
                [Crash(batch[0], "; ".join(stray))]
                if len(batch) == 1
                else _halves(self.check, batch)
            )
        return crashes

    def fix(self, batch: Sequence[Case]) -> list[Crash]:
        """`opslint fix --unsafe-fixes` in memory over `batch`: no crash, and a file that
        parsed before still parses after, with every change inside the edits made."""
        if not batch:
            return []
        root, where = self.lay_out(batch)
        crashes: list[Crash] = []
        try:
            with contextlib.chdir(root):
                session = Session(self.config(root), self.plugins)
                before = session.run([Path()])
                broken_before = {f.span.path for f in before.findings if f.code == "OP001"}
                session = Session(self.config(root), self.plugins)
                result = Fixer(session, unsafe=True).run([Path()])
                for change in result.changes.values():
                    case = where.get(change.display.split("/", 1)[0])
                    kind = (
                        before.sources[change.display].kind
                        if change.display in before.sources
                        else None
                    )
                    if case is None or kind is None or change.display in broken_before:
                        continue
                    after = session.parse(
                        SourceFile(change.path, change.display, text=change.text), kind
                    )
                    problems = [p.message for p in after.problems if p.code == "OP001"]
                    if problems:
                        crashes.append(Crash(case, f"fix broke {change.display}: {problems[0]}"))
                    stray = change.lines_outside_edits()
                    if stray:
                        crashes.append(
                            Crash(
                                case,
                                f"fix changed {change.display} outside its edits: {stray[:5]}",
                            )
                        )
        except Exception as error:
            if len(batch) == 1:
                return [Crash(batch[0], f"fix: uncontained {type(error).__name__}: {error}")]
            return _halves(self.fix, batch)
        finally:
            shutil.rmtree(root, ignore_errors=True)
        return crashes


def _halves(run: Callable[[Sequence[Case]], list[Crash]], batch: Sequence[Case]) -> list[Crash]:
    """`run` on each half of `batch`: a crash no case was named for is narrowed down."""
    middle = len(batch) // 2
    return run(batch[:middle]) + run(batch[middle:])


def scratch() -> tempfile.TemporaryDirectory[str]:
    """A folder for the batches: in memory (/dev/shm) where there is one, as thousands of
    small files are written and removed."""
    shm = Path("/dev/shm")
    fast = shm.is_dir() and shm.stat().st_mode & 0o002
    return tempfile.TemporaryDirectory(prefix="opslint-fuzz-", dir=shm if fast else None)


def batched(items: Iterable[Case], size: int) -> Iterator[list[Case]]:
    """`items` in lists of `size`."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


_WORKER: Runner | None = None


def _start_worker(workspace: str, options: dict[str, Any]) -> None:
    global _WORKER
    _WORKER = Runner(Path(tempfile.mkdtemp(dir=workspace)), **options)


def _work(mode: str, batch: list[Case]) -> list[Crash]:
    assert _WORKER is not None
    crashes: list[Crash] = getattr(_WORKER, mode)(batch)
    return crashes


def run_batches(
    batches: Iterable[list[Case]],
    workspace: Path,
    *,
    jobs: int,
    mode: str = "check",
    **options: Any,
) -> list[Crash]:
    """`Runner.check` (or `fix`, per `mode`) over every batch, `jobs` processes at a time;
    the crashes."""
    local = Runner(Path(tempfile.mkdtemp(dir=workspace)), **options)
    if jobs <= 1:
        crashes = [crash for batch in batches for crash in getattr(local, mode)(batch)]
    else:
        with ProcessPoolExecutor(
            jobs,
            # never fork: a process that has loaded Helm's Go runtime cannot be forked safely
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(str(workspace), options),
        ) as pool:
            found = pool.map(_work, repeat(mode), batches)
            crashes = [crash for each in found for crash in each]
    return crashes
