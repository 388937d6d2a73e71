"""`opslint merge`: shard reports merged equal one run's report, byte for byte.

The tree holds files of several kinds with cross-file relations (a Compose service and
the Dockerfile it builds, Kubernetes objects the index joins, a Terraform module and its
caller), a suppressed finding, a note, a path with a space and a non-ASCII message. The
shards are disjoint sets of paths that keep each relation whole, as `--shard K/N` does.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import run_engine
from test_cli import Cli
from test_gen_pipeline import _actionlint, _validate_schema, _zizmor
from test_reporters import validate_sarif

from opslint.config import Config
from opslint.model.base import Finding, Span
from opslint.report.merge import MergeError, merge
from opslint.report.sarif import write_sarif

TREE = {
    "api/Dockerfile": """\
# opslint: ignore[DF102] the orchestrator probes the service
FROM python:3.12-slim
RUN pip install flask
COPY . /app
CMD ["python", "/app/main.py"]
""",
    "compose.yaml": """\
services:
  café:
    build: ./api
""",
    "web app/Dockerfile": """\
FROM node:latest
RUN apt-get update && apt-get install -y curl
""",
    "deploy/app.yaml": """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
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
          image: nginx:1.25
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: wbe
  ports:
    - port: 80
""",
    "infra/main.tf": """\
module "bucket" {
  source = "./modules/bucket"
  name   = "logs"
}
""",
    "infra/modules/bucket/main.tf": """\
variable "name" {}
resource "aws_s3_bucket" "this" {
  bucket = var.name
}
""",
    ".github/workflows/ci.yml": """\
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: make test
""",
    ".gitlab-ci.yml": """\
test:
  image: python:latest
  script:
    - make test
""",
}
SHARDS = (
    ("compose.yaml", "api"),
    ("deploy", "web app"),
    ("infra", ".github", ".gitlab-ci.yml"),
)
"""Disjoint paths, each cross-file relation inside one shard."""

FORMATS = ("sarif", "json", "gitlab")


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    monkeypatch.delenv("OPSLINT_FORMAT", raising=False)
    tree = tmp_path / "tree"
    runner = Cli(tree, monkeypatch, capsys)
    for name, text in TREE.items():
        runner.write(name, text)
    (tree / "deploy" / "missing.yaml").symlink_to("nowhere.yaml")  # a note of the walk
    (tmp_path / "out").mkdir()
    return runner


def _check(cli: Cli, format: str, name: str, *paths: str) -> Path:
    """`opslint check` over `paths` into ../out/`name`.`format`."""
    output = cli.folder.parent / "out" / f"{name}.{format}"
    check = ("check", "--isolated", "--extend-select", "DF102", "-f", format, "-o", str(output))
    assert cli(*check, *paths) == 1
    return output


def _shards(cli: Cli, format: str) -> list[Path]:
    """The shards' reports, last shard first (merge sorts whatever the order given)."""
    return [_check(cli, format, f"shard-{n}", *paths) for n, paths in enumerate(SHARDS)][::-1]


@pytest.mark.parametrize("format", FORMATS)
def test_merged_shards_equal_one_run_byte_for_byte(cli: Cli, format: str) -> None:
    whole = _check(cli, format, "whole", ".")
    shards = _shards(cli, format)
    merged = cli.folder.parent / "out" / f"merged.{format}"
    assert cli("merge", *map(str, shards), "-o", str(merged)) == 1
    assert cli.out == ""
    assert (
        cli.err
        == f"opslint: merged 3 {format} reports: 36 findings (6 error, 21 warning, 9 info)\n"
    )
    assert merged.read_bytes() == whole.read_bytes()
    # to stdout, the same bytes
    assert cli("merge", "-q", *map(str, shards)) == 1
    assert (cli.out, cli.err) == (whole.read_text("utf-8"), "")


def test_merged_sarif_joins_rules_results_and_notifications(cli: Cli) -> None:
    whole = json.loads(_check(cli, "sarif", "whole", ".").read_text("utf-8"))
    shards = [json.loads(path.read_text("utf-8")) for path in _shards(cli, "sarif")]
    assert cli("merge", "-q", *(str(p) for p in cli.folder.parent.glob("out/shard-*"))) == 1
    merged = json.loads(cli.out)
    validate_sarif(merged)
    assert merged == whole

    def rule_ids(log: dict[str, Any]) -> list[str]:
        return [rule["id"] for rule in log["runs"][0]["tool"]["driver"]["rules"]]

    # each shard's rules are those of its kinds: the merged list is their union, by code
    families = [sorted({code[:2] for code in rule_ids(log)}) for log in shards]
    assert families == [
        ["GH", "GL", "IM", "OP", "SE", "SH", "TF"],
        ["DF", "IM", "K8", "OP", "SE", "SH"],
        ["DC", "DF", "IM", "OP", "SE", "SH"],
    ]
    union = sorted({code for log in shards for code in rule_ids(log)})
    assert rule_ids(merged) == union
    run = merged["runs"][0]
    assert all(
        run["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == r["ruleId"] for r in run["results"]
    )
    located = [
        (r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["ruleId"])
        for r in run["results"]
    ]
    assert located[:3] == [
        (".github/workflows/ci.yml", "GH102"),
        (".github/workflows/ci.yml", "GH104"),
        (".github/workflows/ci.yml", "GH101"),
    ]
    assert located[-1] == ("web%20app/Dockerfile", "DF111")
    assert [r["ruleId"] for r in run["results"] if r.get("suppressions")] == ["DF102"]
    assert run["invocations"] == [
        {
            "executionSuccessful": True,
            "toolExecutionNotifications": [
                {
                    "level": "warning",
                    "message": {"text": "deploy/missing.yaml: broken or looping symlink; skipped"},
                }
            ],
        }
    ]


def test_descriptors_of_codes_no_rule_has_follow_in_order_of_their_first_result(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plugin's finding whose code no rule of the run has gets a descriptor after the
    rules, in the order its first result comes in the sorted results."""
    monkeypatch.chdir(cli.folder)
    plugin = {
        "compose.yaml": Finding(Span("compose.yaml", 1, 1, 1, 9), "p", code="ZZ001", name="z"),
        "web app": Finding(Span("web app/Dockerfile", 1, 1, 1, 5), "q", code="AA001", name="a"),
    }

    def sarif(name: str, paths: tuple[str, ...]) -> Path:
        report = run_engine([Path(p) for p in paths], config=Config(root=cli.folder))
        extra = [finding for path, finding in plugin.items() if path in paths]
        report.findings = sorted([*report.findings, *extra], key=Finding.sort_key)
        output = cli.folder.parent / "out" / f"{name}.sarif"
        with output.open("w", encoding="utf-8") as stream:
            write_sarif(report, stream)
        return output

    whole = sarif("whole", tuple(path for shard in SHARDS for path in shard))
    merged = merge([sarif(f"shard-{n}", paths) for n, paths in enumerate(SHARDS)][::-1])
    assert merged.text() == whole.read_text("utf-8")
    rules = merged.data["runs"][0]["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules[-3:]] == ["TF112", "ZZ001", "AA001"]


def test_merged_json_recomputes_the_summary(cli: Cli) -> None:
    shards = _shards(cli, "json")
    assert cli("merge", "-q", *map(str, shards)) == 1
    merged = json.loads(cli.out)
    assert merged["summary"] == {
        "files": 8,
        "findings": 36,
        "by_severity": {"info": 9, "warning": 21, "error": 6},
        "suppressed": 1,
        "failed": True,
    }
    assert [json.loads(p.read_text("utf-8"))["summary"]["files"] for p in shards] == [4, 2, 2]
    assert merged["notes"] == ["deploy/missing.yaml: broken or looping symlink; skipped"]
    assert [(f["code"], f["path"], f["line"]) for f in merged["suppressed"]] == [
        ("DF102", "api/Dockerfile", 2)
    ]
    assert "caf\\u00e9" in cli.out  # as opslint check writes JSON: ASCII only


def test_single_report_merges_to_itself(cli: Cli) -> None:
    for format in FORMATS:
        report = _check(cli, format, "deploy", "deploy")
        assert cli("merge", "-q", str(report)) == 1
        assert cli.out == report.read_text("utf-8")


def test_exit_status_follows_fail_on(cli: Cli) -> None:
    report = _check(cli, "json", "infra", "infra")  # warnings and infos, no error
    assert cli("merge", "-q", "--fail-on", "error", str(report)) == 0
    assert cli("merge", "-q", "--fail-on", "warning", str(report)) == 1
    assert cli("merge", "-q", "--exit-zero", str(report)) == 0
    cli.write("pyproject.toml", '[tool.opslint]\nfail-on = "error"\n')
    assert cli("merge", "-q", str(report)) == 0  # the config found here, as check reads it
    assert cli("merge", "--help") == 0
    assert (
        "Exit status: 0, or 1 when the merged report has a finding at the fail-on threshold "
        "(--fail-on, else the config found from the current folder: as opslint check), 2 on a "
        "usage error or an input that is not a report."
    ) in " ".join(cli.out.split())


def test_output_replaces_a_file_in_one_step(cli: Cli) -> None:
    report = _check(cli, "gitlab", "deploy", "deploy")
    target = cli.folder.parent / "out" / "merged.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o600)
    assert cli("merge", "-q", str(report), "-o", str(target)) == 1
    assert target.read_bytes() == report.read_bytes()
    assert target.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in target.parent.iterdir() if p.name.startswith(".")] == []


def test_mixed_formats_are_refused(cli: Cli) -> None:
    sarif = _check(cli, "sarif", "a", "deploy")
    report = _check(cli, "json", "b", "infra")
    assert cli("merge", str(sarif), str(report)) == 2
    assert cli.out == ""
    assert cli.err == (
        f"opslint: error: cannot merge reports of different formats "
        f"(sarif: {sarif.as_posix()}; json: {report.as_posix()})\n"
    )
    assert cli("merge", "--format", "json", str(sarif)) == 2
    assert cli.err == f"opslint: error: {sarif.as_posix()} is a sarif report, not json\n"


def test_corrupt_and_foreign_inputs_are_refused_with_their_path(cli: Cli) -> None:
    good = _check(cli, "sarif", "a", "deploy")
    corrupt = cli.folder.parent / "out" / "cut.sarif"
    corrupt.write_text(good.read_text("utf-8")[:100], encoding="utf-8")
    assert cli("merge", str(good), str(corrupt)) == 2
    assert cli.err == (
        f"opslint: error: {corrupt.as_posix()}:7:11: not a JSON report (Unterminated string "
        "starting at); merge reads the sarif, json, gitlab formats of opslint check\n"
    )
    text = _check(cli, "text", "t", "deploy")
    assert cli("merge", str(text)) == 2
    assert cli.err.startswith(f"opslint: error: {text.as_posix()}:1:1: not a JSON report")
    other = cli.folder.parent / "out" / "other.json"
    other.write_text('{"findings": []}\n', encoding="utf-8")
    assert cli("merge", str(other)) == 2
    assert cli.err == (
        f"opslint: error: {other.as_posix()} is not a report opslint merges "
        "(the sarif, json, gitlab formats of opslint check)\n"
    )
    missing = cli.folder.parent / "out" / "absent.sarif"
    assert cli("merge", str(good), str(missing)) == 2
    assert (
        cli.err == f"opslint: error: cannot read {missing.as_posix()}: No such file or directory\n"
    )
    assert cli("merge") == 2  # argparse: a report is required
    assert "the following arguments are required: REPORT" in cli.err


def _damaged(data: Any) -> Iterator[Any]:
    """`data` with one node removed, or set to null, or to a string, for every node."""
    nodes: list[tuple[Any, ...]] = []

    def walk(item: Any, path: tuple[Any, ...]) -> None:
        if path:
            nodes.append(path)
        if isinstance(item, dict | list):
            for key, child in item.items() if isinstance(item, dict) else enumerate(item):
                walk(child, (*path, key))

    walk(data, ())
    for path in nodes:
        for replacement in (..., None, "x"):
            damaged = copy.deepcopy(data)
            parent = damaged
            for key in path[:-1]:
                parent = parent[key]
            if replacement is ...:
                del parent[path[-1]]
            else:
                parent[path[-1]] = replacement
            yield damaged


@pytest.mark.parametrize("format", FORMATS)
def test_damaged_reports_are_refused_naming_their_file(cli: Cli, format: str) -> None:
    """Every node of a small report removed or changed in turn: the merge succeeds, or
    refuses with a message naming the damaged file; nothing else."""
    good = _check(cli, format, "good", "--select", "DF101,IM001", "web app")
    other = _check(cli, format, "other", "--select", "DF101,IM001", "api")
    damaged = cli.folder.parent / "out" / f"damaged.{format}"
    refused = 0
    for data in _damaged(json.loads(good.read_text("utf-8"))):
        damaged.write_text(json.dumps(data), encoding="utf-8")
        try:
            merge([damaged, other])
        except MergeError as error:
            assert damaged.as_posix() in str(error)
            refused += 1
    assert refused > 0


def test_a_report_given_twice_is_refused(cli: Cli) -> None:
    for format in FORMATS:
        report = _check(cli, format, "a", "deploy")
        assert cli("merge", str(report), str(report)) == 2
        code = "K8117"
        assert cli.err == (
            f"opslint: error: {report.as_posix()} and {report.as_posix()} both hold the same "
            f"finding ({code}): shard reports must cover disjoint files (is one report given "
            "twice?)\n"
        )


def test_reports_of_other_versions_or_settings_are_refused(cli: Cli) -> None:
    first = _check(cli, "json", "a", "deploy")
    second = _check(cli, "json", "b", "infra")
    data = json.loads(second.read_text("utf-8"))
    data["tool"]["version"] = "0.0.9"
    second.write_text(json.dumps(data), encoding="utf-8")
    assert cli("merge", str(first), str(second)) == 2
    assert cli.err == (
        f"opslint: error: {first.as_posix()} and {second.as_posix()} differ in tool: they come "
        "from different opslint versions or settings; run every shard with the same opslint "
        "and the same command line\n"
    )
    sarif = _check(cli, "sarif", "a", "api")
    config = cli.folder.parent / "out" / "severity.toml"
    config.write_text('[tool.opslint]\nseverity = {DF101 = "warning"}\n', encoding="utf-8")
    output = cli.folder.parent / "out" / "b.sarif"
    assert cli("check", "--config", str(config), "-f", "sarif", "-o", str(output), "web app") == 1
    assert cli("merge", str(sarif), str(output)) == 2
    assert cli.err == (
        f"opslint: error: {sarif.as_posix()} and {output.as_posix()} describe rule DF101 "
        "differently: they were made with different settings (severity, options) or opslint "
        "versions; run every shard with the same command line and config\n"
    )


EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples" / "sharding"
GITHUB_EXAMPLE = EXAMPLES / "github-workflow.yml"
GITLAB_EXAMPLE = EXAMPLES / "shards.gitlab-ci.yml"


def test_sharding_doc_shows_the_example_files() -> None:
    doc = (EXAMPLES.parent.parent / "sharding.md").read_text("utf-8")
    for example in (GITHUB_EXAMPLE, GITLAB_EXAMPLE):
        assert f"```yaml\n{example.read_text('utf-8')}```\n" in doc


def test_ci_examples_pass_opslint(cli: Cli) -> None:
    assert cli("check", "--isolated", "-f", "sarif", str(EXAMPLES)) == 0
    run = json.loads(cli.out)["runs"][0]
    assert run["results"] == []
    families = {rule["id"][:2] for rule in run["tool"]["driver"]["rules"]}
    assert {"GH", "GL"} <= families  # read as a workflow and a GitLab pipeline
    assert re.fullmatch(r"0 findings in 2 files \[\d+\.\d\ds\]\n", cli.err), cli.err


def test_github_example_passes_actionlint_zizmor_and_the_schema() -> None:
    _actionlint(GITHUB_EXAMPLE)
    assert _zizmor(GITHUB_EXAMPLE) == []
    _validate_schema("github-actions", GITHUB_EXAMPLE.read_text("utf-8"))


def test_gitlab_example_passes_the_gitlab_schema() -> None:
    _validate_schema("gitlab-ci", GITLAB_EXAMPLE.read_text("utf-8"))
