"""Work per file grows linearly with its size: counted, never timed.

Each test checks real inputs of n, 2n (and 4n) items and counts the expensive steps
(reading a shell script, walking a module's blocks, looking at other objects); the count
is constant per file or grows linearly with the items, where re-doing the step for each
item made it grow quadratically.
`benchmarks/scaling.py` measures the times.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from conftest import run_engine

from opslint.edits import yaml as yamledit
from opslint.indexes.kubernetes import K8sIndex
from opslint.indexes.terraform import TerraformModule
from opslint.model.source import SourceFile
from opslint.parsers.dockerfile import parse_dockerfile
from opslint.report import Report
from opslint.ruleapi import shell
from opslint.rules.dockerfile._run import done_before, run_steps
from opslint.rules.kubernetes import _cross as cross
from opslint.rules.kubernetes import automount_token
from opslint.rules.terraform import s3_encryption


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


def linear(counts: list[int]) -> bool:
    """True when counts taken at n, 2n and 4n items grow linearly (constant included)."""
    first, second, third = counts
    return third - second == 2 * (second - first)


# Dockerfiles: a RUN's scripts are read once, whatever the number of commands


def heredoc(n: int) -> str:
    return "FROM alpine:3.20\nRUN <<EOF\n" + "apk add git\n" * n + "EOF\n"


@pytest.mark.parametrize("select", [("DF106",), ("ALL",)])
def test_heredoc_script_is_read_once_per_rule(tmp_path: Path, select: tuple[str, ...]) -> None:
    reads = []
    for n in (100, 200):
        shell._READ.clear()  # each run counts its own readings, not an earlier run's
        with counting(shell._Lexer, "run") as calls:
            report = check(tmp_path / str(n), "Dockerfile", heredoc(n), select)
        reads.append(calls[0])
        df106 = [(f.span.line, f.span.column) for f in report.findings if f.code == "DF106"]
        assert df106 == [(line, 5) for line in range(3, n + 3)]
    assert reads[0] == reads[1]


def many_runs(n: int) -> str:
    units = (
        "RUN apt-get update && apt-get install -y curl\nRUN pip install flask\nRUN apk add git\n"
    )
    # the earlier-step questions (docker-clean removed? apt configured?) scan every step
    return "FROM debian:12\n" + units * n + "RUN rm -rf /etc/apt/apt.conf.d/docker-clean\n"


def test_run_steps_are_read_once_per_file(tmp_path: Path) -> None:
    reads = []
    for n in (25, 50, 100):
        shell._READ.clear()  # each run counts its own readings, not an earlier run's
        with counting(shell._Lexer, "run") as calls:
            report = check(tmp_path / str(n), "Dockerfile", many_runs(n), ("DF1",))
        reads.append(calls[0])
        lines = [f.span.line for f in report.findings if f.code == "DF106"]
        assert lines == [2 + line for line in range(3 * n)]  # update, pip install, apk add
    assert linear(reads)


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


# Kubernetes: cross-object rules look objects up in tables built once per run


def k8s_unit(i: int) -> str:
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
  namespace: shop
spec:
  replicas: 2
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
          image: registry.example.com/app:1.0
---
apiVersion: v1
kind: Service
metadata:
  name: app-{i}
  namespace: shop
spec:
  selector:
    app: app-{i}
---
apiVersion: v1
kind: Service
metadata:
  name: orphan-{i}
  namespace: shop
spec:
  selector:
    app: gone-{i}
---
"""


def test_kubernetes_cross_object_rules_do_linear_work(tmp_path: Path) -> None:
    counts = []
    for n in (20, 40, 80):
        text = "".join(k8s_unit(i) for i in range(n))
        with counting(K8sIndex, "namespace_of") as calls:
            report = check(tmp_path / str(n), "bundle.yaml", text, ("K8115", "K8120", "K8124"))
        counts.append(calls[0])
        found = sorted((f.code, f.span.line) for f in report.findings)
        # the orphan Service's `selector:` (line 35 of each 37-line unit) matches no pod;
        # each Deployment of 2 replicas lacks a PodDisruptionBudget (at `kind:`, line 2)
        expected = [("K8115", 2 + 37 * i) for i in range(n)]
        expected += [("K8120", 35 + 37 * i) for i in range(n)]
        assert found == sorted(expected)
    assert linear(counts)


def copied_app(headless_first: str) -> str:
    """One copy of an application: the same names, labels and namespace in every copy."""
    return f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: shop}}
spec:
  replicas: 1
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      serviceAccountName: web
      containers:
        - name: web
          image: registry.example.com/web:1.0
---
{headless_first}apiVersion: v1
kind: Service
metadata: {{name: web, namespace: shop}}
spec:
  selector: {{app: web}}
---
apiVersion: v1
kind: ServiceAccount
metadata: {{name: web, namespace: shop}}
"""


HEADLESS = """apiVersion: v1
kind: Service
metadata: {name: web-peers, namespace: shop}
spec: {clusterIP: None, selector: {app: web}}
---
"""


def test_copies_of_an_application_in_one_namespace_cost_linear_work(tmp_path: Path) -> None:
    """Many copies of one application in one namespace (a monorepo of copied services):
    each workload finds the Service that selects it and its ServiceAccount without
    trying those of every copy."""
    counts = []
    for n in (10, 20, 40):
        folder = tmp_path / str(n)
        folder.mkdir()
        for i in range(n):
            (folder / f"copy-{i:02d}.yaml").write_text(copied_app(HEADLESS), encoding="utf-8")
        with (
            counting(cross, "plain_requirements") as selectors,
            counting(automount_token, "setting") as settings,
        ):
            report = run_engine(sorted(folder.glob("*.yaml")), select=("K8114", "K8104", "K8129"))
        counts.append(selectors[0] + settings[0])
        found = [
            (Path(f.span.path).name, f.code, f.span.line, f.span.column) for f in report.findings
        ]
        # `replicas: 1` (line 5), the pod spec's `spec:` (line 9), the container (line 12)
        assert found == [
            (f"copy-{i:02d}.yaml", code, line, column)
            for i in range(n)
            for code, line, column in (("K8114", 5, 13), ("K8129", 9, 5), ("K8104", 12, 11))
        ]
    assert linear(counts)


# YAML fixes: a file's indentation style is read once, not once per edit


def test_compose_and_gitlab_fixes_read_the_style_once(tmp_path: Path) -> None:
    services = "".join(f"  svc{i}:\n    image: nginx:1.27\n" for i in range(100))
    jobs = "".join(
        f"deploy-{i}:\n  stage: deploy\n  environment:\n    name: production\n"
        f"  script:\n    - helm upgrade app{i} ./chart\n"
        for i in range(100)
    )
    with counting(yamledit, "detect_style") as calls:
        compose = check(tmp_path / "c", "compose.yaml", f"services:\n{services}", ("DC101",))
        gitlab = check(tmp_path / "g", ".gitlab-ci.yml", jobs, ("GL101",))
    assert [f.span.line for f in compose.findings if f.fix] == [2 + 2 * i for i in range(100)]
    assert [f.span.line for f in gitlab.findings if f.fix] == [1 + 6 * i for i in range(100)]
    assert calls[0] == 2


# Terraform: a module's blocks are gathered once, not once per resource


def tf_unit(i: int) -> str:
    return f"""resource "aws_s3_bucket" "logs{i}" {{
  bucket = "logs-{i}"
  tags   = {{ team = "a", environment = "b", service = "c", cost-center = "d" }}
}}

resource "aws_s3_bucket_server_side_encryption_configuration" "logs{i}" {{
  bucket = aws_s3_bucket.logs{i}.id
  rule {{
    apply_server_side_encryption_by_default {{
      sse_algorithm = "AES256"
    }}
  }}
}}

resource "aws_s3_bucket" "bare{i}" {{
  bucket = "bare-{i}"
}}

"""


def test_terraform_module_rules_do_linear_work(tmp_path: Path) -> None:
    walked = [0]
    blocks = TerraformModule.blocks

    def counted_blocks(module: TerraformModule) -> Iterator[Any]:
        for block in blocks(module):
            walked[0] += 1
            yield block

    counts = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TerraformModule, "blocks", counted_blocks)
        for n in (20, 40, 80):
            walked[0] = 0
            with counting(s3_encryption, "configures") as pairs:
                text = "".join(tf_unit(i) for i in range(n))
                report = check(tmp_path / str(n), "main.tf", text, ("TF102", "TF111"))
            assert pairs[0] == 0
            counts.append(walked[0])
            found = sorted((f.code, f.span.line, f.span.column) for f in report.findings)
            expected = [("TF102", 15 + 18 * i, 1) for i in range(n)]  # the bare bucket
            expected += [("TF111", 10 + 18 * i, 23) for i in range(n)]  # AES256
            expected += [("TF111", 15 + 18 * i, 1) for i in range(n)]  # no configuration
            assert found == sorted(expected)
    assert linear(counts)


def test_parsers_pause_the_collector_and_restore_it() -> None:
    import gc

    from opslint.parsers.terraform import parse_terraform
    from opslint.parsers.yamlload import YamlError, load_yaml

    def tf(text: str) -> list[str]:
        document = parse_terraform(SourceFile(Path("main.tf"), "main.tf", text=text))
        return [problem.code for problem in document.problems]

    assert gc.isenabled()
    assert len(load_yaml("a: 1\n---\nb: 2\n", "f.yaml").documents) == 2
    assert tf("locals {\n  a = 1\n}\n") == []
    assert gc.isenabled()
    with pytest.raises(YamlError):
        load_yaml("a: [\n", "f.yaml")
    assert tf("locals {\n") == ["OP001"]
    assert gc.isenabled()
    gc.disable()
    try:
        load_yaml("a: 1\n", "f.yaml")
        tf("locals {\n  a = 1\n}\n")
        assert not gc.isenabled()  # a caller's choice stays
    finally:
        gc.enable()


def test_kubernetes_schema_looks_up_its_package_once_per_run(tmp_path: Path) -> None:
    pytest.importorskip("kubernetes_validate", reason="kubernetes-validate is not installed")
    from opslint.ruleapi import schemas
    from opslint.rules.kubernetes import schema

    unit = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i}\ndata: {{}}\nextra: {i}\n---\n"
    text = "".join(unit.format(i=i) for i in range(50))
    with (
        counting(schema, "package_dir") as lookups,
        counting(schemas, "kubernetes_versions") as listings,
    ):
        report = check(tmp_path, "bundle.yaml", text, ("K8123",))
    assert [(f.span.line, f.span.column) for f in report.findings] == [
        (6 + 7 * i, 1) for i in range(50)
    ]
    assert (lookups[0], listings[0]) == (1, 1)


# Suppressions: matched to findings in one sweep; comment reach found in one pass


def test_suppressions_are_matched_in_linear_work(tmp_path: Path) -> None:
    from opslint.model.suppression import Suppression

    looked = [0]
    applies_to = Suppression.applies_to

    def counted(suppression: Suppression) -> tuple[str, ...]:
        looked[0] += 1
        return applies_to.fget(suppression)  # type: ignore[attr-defined,no-any-return]

    counts = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Suppression, "applies_to", property(counted))
        for n in (50, 100, 200):
            looked[0] = 0
            body = "RUN apk add git # opslint: ignore[DF106] cache kept on purpose\n" * n
            text = "FROM alpine:3.20\n# hadolint ignore=DL3018\n" + body + "RUN apk add curl\n"
            report = check(tmp_path / str(n), "Dockerfile", text, ("DF106",))
            counts.append(looked[0])
            assert [f.span.line for f in report.findings] == [n + 3]
            assert [f.span.line for f in report.suppressed] == list(range(3, n + 3))
    assert linear(counts)


class CountingLines(list[str]):
    """Lines that count how often one is read."""

    reads = 0

    def __getitem__(self, index: Any) -> Any:
        CountingLines.reads += 1
        return super().__getitem__(index)


def test_stacked_comments_find_the_next_line_in_one_pass() -> None:
    from opslint.builtin.suppressions import comment_suppressions
    from opslint.model.source import Document

    counts = []
    for n in (100, 200, 400):
        text = "# opslint: ignore[DF106] reason\n" * n + "RUN apk add git\n"
        source = SourceFile(Path("Dockerfile"), "Dockerfile", text=text)
        source.__dict__["lines"] = CountingLines(text.splitlines())
        CountingLines.reads = 0
        found = comment_suppressions(Document(source))
        counts.append(CountingLines.reads)
        assert [(s.first_line, s.last_line) for s in found] == [(i, n + 1) for i in range(1, n + 1)]
    assert linear(counts)


def test_long_words_are_read_whole() -> None:
    # a word is built from pieces joined once (adding to a string copied it per character)
    piece = 'a\\ b"c d"$(echo x)${V}'
    word = piece * 20_000
    script = shell.read(f"echo {word} 2>&1 >out\n")
    assert [[(w.text, w.start, w.end) for w in c] for c in script.commands][-1] == [
        ("echo", 0, 4),
        ("a bc d$(echo x)${V}" * 20_000, 5, 5 + len(word)),
    ]
    assert len(script.commands) == 20_001  # each substitution's `echo x`, then the command


def test_check_command_restores_the_collector(tmp_path: Path, capsys: Any) -> None:
    import gc

    from opslint.cli import main

    path = tmp_path / "Dockerfile"
    path.write_text("FROM alpine:3.20\nRUN apk add git\n", encoding="utf-8")
    assert main(["check", "-q", "--select", "DF106", str(path)]) == 1
    assert gc.isenabled()
    assert main(["check", "-q", "--select", "NOPE", str(path)]) == 2
    assert gc.isenabled()
    assert "DF106" in capsys.readouterr().out
