"""The CI models: GitHub workflows and actions, GitLab CI and CircleCI, with exact locations."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path, PurePosixPath

import pytest
from conftest import run_engine

from opslint.builtin.parsers import GITLAB_CI, kind_by_content, kind_by_name
from opslint.config import Config
from opslint.model.base import Span
from opslint.model.ci import (
    ActionUse,
    CircleConfig,
    GithubAction,
    GithubJob,
    GithubWorkflow,
    GitlabPipeline,
)
from opslint.model.facets import EnvVar, ImageRef, ShellCommand
from opslint.model.source import Document, SourceFile
from opslint.parsers.circleci import parse_circleci
from opslint.parsers.github import parse_github
from opslint.parsers.gitlab import parse_gitlab


def source(text: str, name: str = "ci.yml") -> SourceFile:
    return SourceFile(Path(name), name, text=text)


def at(line: int, column: int, end_line: int, end_column: int, path: str = "ci.yml") -> Span:
    return Span(path, line, column, end_line, end_column)


WORKFLOW = """\
name: ci
on:
  push:
  pull_request:
permissions:
  contents: read
env:
  TOKEN: ${{ secrets.TOKEN }}
  MODE: fast
jobs:
  build:
    runs-on: ubuntu-24.04
    container:
      image: node:22
    services:
      db:
        image: "postgres:${{ matrix.pg }}"
    environment:
      name: production
    needs: [lint]
    timeout-minutes: 10
    steps:
      - uses: actions/checkout@v4
      - name: test
        run: |
          npm ci
          npm test
        env:
          CI: "true"
      - uses: docker://alpine:3.20
        with:
          args: echo hi
      - run: echo one-liner
  call:
    uses: org/repo/.github/workflows/x.yml@main
    permissions: write-all
"""


def workflow() -> GithubWorkflow:
    document = parse_github(source(WORKFLOW), "github-workflow")
    assert isinstance(document, GithubWorkflow)
    return document


def test_workflow_top_level() -> None:
    document = workflow()
    assert document.name == "ci"
    assert document.triggers == ["push", "pull_request"]
    assert document.on_span == at(2, 1, 2, 3)
    assert document.permissions is not None
    assert document.permissions.value == {"contents": "read"}
    assert document.permissions.key_span == at(5, 1, 5, 12)
    assert [job.id for job in document.jobs] == ["build", "call"]
    assert document.jobs_span == at(10, 1, 10, 5)


def test_workflow_job() -> None:
    build = workflow().jobs[0]
    assert isinstance(build, GithubJob)
    assert build.span == at(11, 3, 11, 8)
    assert build.logical == "job:build"
    assert build.runs_on == "ubuntu-24.04"
    assert build.environment == "production"
    assert build.environment_span == at(19, 13, 19, 23)
    assert build.needs == ["lint"]
    assert build.timeout_minutes == "10"
    assert build.permissions is None
    call = workflow().jobs[1]
    assert isinstance(call, GithubJob) and call.uses is not None
    assert call.uses.workflow and call.uses.ref == "main"
    assert call.uses.ref_span == at(35, 44, 35, 48)
    assert call.permissions is not None and call.permissions.write_all
    assert call.permissions.span == at(36, 18, 36, 27)


def test_workflow_steps_and_uses() -> None:
    steps = workflow().jobs[0].steps
    assert [step.index for step in steps] == [0, 1, 2, 3]
    assert steps[0].span == at(23, 9, 23, 34)
    assert steps[1].logical == "job:build/step:1"
    assert steps[1].name == "test"
    use = steps[0].uses
    assert isinstance(use, ActionUse)
    assert (use.target, use.ref, use.owner) == ("actions/checkout", "v4", "actions")
    assert use.span == at(23, 15, 23, 34)
    assert use.ref_span == at(23, 32, 23, 34)
    assert steps[2].uses is not None and steps[2].uses.docker
    assert steps[2].with_ == {"args": "echo hi"}


def test_workflow_run_scripts_map_into_the_file() -> None:
    document = workflow()
    block, line = document.shell_commands
    assert isinstance(block, ShellCommand)
    assert block.text == "npm ci\nnpm test\n"
    assert block.logical == "job:build/step:1"
    assert block.span.line == 25 and block.span.column == 14
    assert block.locate(block.text.index("test"), 4) == at(27, 15, 27, 19)
    assert line.text == "echo one-liner"
    assert line.locate(5, 3) == at(33, 19, 33, 22)


def test_workflow_images() -> None:
    images = {image.origin: image for image in workflow().images}
    container = images["github container"]
    assert (container.text, container.span, container.logical) == (
        "node:22",
        at(14, 14, 14, 21),
        "job:build",
    )
    service = images["github service"]
    assert service.dynamic and service.logical == "job:build/service:db"
    assert service.span == at(17, 17, 17, 42)
    step = images["docker step"]
    assert (step.text, step.span) == ("alpine:3.20", at(30, 24, 30, 35))
    assert step.tag_span() == at(30, 31, 30, 35)
    assert workflow().jobs[0].images == [container, service, step]


def test_workflow_env_vars() -> None:
    env = {(var.name, var.logical): var for var in workflow().env_vars}
    token = env[("TOKEN", "workflow")]
    assert token.reference and token.span == at(8, 3, 8, 8)
    assert not env[("MODE", "workflow")].reference
    ci = env[("CI", "job:build/step:1")]
    assert ci.value == "true" and ci.value_span == at(29, 16, 29, 20)
    assert env[("args", "job:build/step:2")].origin == "github with"


def test_container_as_string_and_odd_values() -> None:
    text = "on: push\njobs:\n  a:\n    container: alpine\n    steps: nope\n  b: 3\n  c:\n"
    document = parse_github(source(text), "github-workflow")
    assert isinstance(document, GithubWorkflow)
    assert [job.id for job in document.jobs] == ["a"]
    assert [image.span for image in document.images] == [at(4, 16, 4, 22)]


@pytest.mark.parametrize("text", ["", "- a\n- b\n", "on: push\njobs: [1]\n", "jobs:\n  x: null\n"])
def test_github_never_raises(text: str) -> None:
    parse_github(source(text), "github-workflow")
    parse_github(source(text), "github-action")


def test_action_metadata() -> None:
    text = """\
name: setup
runs:
  using: composite
  steps:
    - uses: actions/setup-node@v4
    - run: npm ci
      shell: bash
"""
    document = parse_github(source(text, "action.yml"), "github-action")
    assert isinstance(document, GithubAction)
    assert document.using == "composite"
    assert [step.logical for step in document.steps] == ["runs/step:0", "runs/step:1"]
    assert document.steps[0].uses is not None
    assert document.steps[0].uses.ref_span == at(5, 32, 5, 34, "action.yml")
    assert document.shell_commands[0].text == "npm ci"
    docker = parse_github(
        source("runs:\n  using: docker\n  image: docker://alpine\n", "action.yml"),
        "github-action",
    )
    assert isinstance(docker, GithubAction)
    assert [(i.text, i.span) for i in docker.images] == [("alpine", at(3, 19, 3, 25, "action.yml"))]


GITLAB = """\
stages: [build, deploy]
include:
  - local: /ci/build.gitlab-ci.yml
  - 'templates/lint.yml'
  - remote: https://example.com/ci.yml
  - template: Auto-DevOps.gitlab-ci.yml
variables:
  GLOBAL: "1"
image: node:22
default:
  before_script:
    - echo default
.deploy:
  environment:
    name: production
    action: start
  script: ./deploy.sh
deploy:
  extends: .deploy
  image:
    name: alpine:3.20
  services:
    - redis:7
    - name: postgres:16
  variables:
    TOKEN: $CI_JOB_TOKEN
    PLAIN:
      value: abc
      description: x
  script:
    - echo "a"
    - - echo nested
    - !reference [.deploy, script]
  rules:
    - if: $CI_COMMIT_BRANCH == "main"
      when: manual
  needs: [build, {job: lint}]
"""


def gitlab() -> GitlabPipeline:
    return parse_gitlab(source(GITLAB, ".gitlab-ci.yml"))


def test_gitlab_keywords_and_jobs() -> None:
    document = gitlab()
    assert document.stages == ["build", "deploy"]
    assert [job.id for job in document.gitlab_jobs] == [".deploy", "deploy"]
    template, deploy = document.gitlab_jobs
    assert template.hidden and not deploy.hidden
    assert template.environment == "production" and template.environment_action == "start"
    assert deploy.span == at(18, 1, 18, 7, ".gitlab-ci.yml")
    assert deploy.extends == [".deploy"]
    assert deploy.needs == ["build", "lint"]
    assert [(r.when, r.condition) for r in deploy.rules] == [
        ("manual", '$CI_COMMIT_BRANCH == "main"')
    ]
    assert deploy.rules[0].when_span == at(36, 13, 36, 19, ".gitlab-ci.yml")


def test_gitlab_includes() -> None:
    includes = gitlab().includes
    assert [(i.path, i.local, i.how) for i in includes] == [
        ("/ci/build.gitlab-ci.yml", True, "local"),
        ("templates/lint.yml", True, "local"),
        ("https://example.com/ci.yml", False, "remote"),
        ("Auto-DevOps.gitlab-ci.yml", False, "template"),
    ]
    assert includes[1].span == at(4, 6, 4, 24, ".gitlab-ci.yml")
    assert gitlab().local_includes == ["/ci/build.gitlab-ci.yml", "templates/lint.yml"]
    single = parse_gitlab(source("include: 'a.yml'\n"))
    assert [(i.path, i.local) for i in single.includes] == [("a.yml", True)]


def test_gitlab_images_variables_scripts() -> None:
    document = gitlab()
    images = [(i.text, i.origin, i.logical, i.span.line, i.span.column) for i in document.images]
    assert images == [
        ("node:22", "gitlab image", "default", 9, 8),
        ("alpine:3.20", "gitlab image", "job:deploy", 21, 11),
        ("redis:7", "gitlab service", "job:deploy/service:0", 23, 7),
        ("postgres:16", "gitlab service", "job:deploy/service:1", 24, 13),
    ]
    env = {var.name: var for var in document.env_vars}
    assert isinstance(env["TOKEN"], EnvVar) and env["TOKEN"].reference
    assert env["PLAIN"].value == "abc" and not env["PLAIN"].reference
    assert env["GLOBAL"].value_span == at(8, 12, 8, 13, ".gitlab-ci.yml")
    deploy = document.gitlab_jobs[1]
    assert [s.text for s in deploy.scripts] == ['echo "a"', "echo nested"]
    assert [s.logical for s in deploy.scripts] == ["job:deploy/script:0", "job:deploy/script:1"]
    assert deploy.scripts[1].span == at(32, 9, 32, 20, ".gitlab-ci.yml")
    default = [s for s in document.shell_commands if s.logical.startswith("default/")]
    assert [s.text for s in default] == ["echo default"]


def test_gitlab_component_header_and_odd_input() -> None:
    text = "spec:\n  inputs:\n    x:\n---\njob:\n  script: echo $[[ inputs.x ]]\n"
    document = parse_gitlab(source(text))
    assert [job.id for job in document.jobs] == ["job"]
    assert document.jobs[0].scripts[0].span == at(6, 11, 6, 31)
    for odd in ("", "[1, 2]\n", "job: 3\nother:\n  script: null\n", "variables: 4\n"):
        parse_gitlab(source(odd))


def test_gitlab_included_file_is_detected_by_name() -> None:
    assert kind_by_name(PurePosixPath(".gitlab/build.gitlab-ci.yml")) == GITLAB_CI
    assert kind_by_name(PurePosixPath(".gitlab-ci.yml")) == GITLAB_CI
    included = source("build:\n  stage: build\n  script:\n    - make\n", "ci/build.yml")
    assert kind_by_content(included) == GITLAB_CI


CIRCLE = """\
version: 2.1
orbs:
  node: circleci/node@5.2.0
  slack: circleci/slack@volatile
executors:
  py:
    docker:
      - image: cimg/python:3.12
jobs:
  test:
    docker:
      - image: cimg/node:22.11
        environment:
          NODE_ENV: test
    steps:
      - checkout
      - run: npm test
      - run:
          name: lint
          command: |
            npm run lint
workflows:
  main:
    jobs:
      - test
      - hold:
          type: approval
          requires: [test]
"""


def test_circleci_model() -> None:
    document = parse_circleci(source(CIRCLE, ".circleci/config.yml"))
    assert isinstance(document, CircleConfig)
    path = ".circleci/config.yml"
    assert document.version == "2.1"
    node, slack = document.orbs
    assert (node.reference, node.version) == ("circleci/node", "5.2.0")
    assert node.version_span == at(3, 23, 3, 28, path)
    assert slack.version == "volatile"
    assert [(i.text, i.logical) for i in document.images] == [
        ("cimg/python:3.12", "executor:py/docker:0"),
        ("cimg/node:22.11", "job:test/docker:0"),
    ]
    assert isinstance(document.images[1], ImageRef)
    assert document.images[1].span == at(12, 16, 12, 31, path)
    job = document.jobs[0]
    assert [step.kind for step in job.steps] == ["checkout", "run", "run"]
    assert [s.text for s in document.shell_commands] == ["npm test", "npm run lint\n"]
    assert document.shell_commands[1].locate(0, 3) == at(21, 13, 21, 16, path)
    assert [e.name for e in document.env_vars] == ["NODE_ENV"]
    workflow = document.workflows[0]
    assert [(j.name, j.approval, j.requires) for j in workflow.jobs] == [
        ("test", False, []),
        ("hold", True, ["test"]),
    ]


def test_engine_runs_ci_rules_on_corpus_shapes(tmp_path: Path) -> None:
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    (folder / "ci.yml").write_text(WORKFLOW, encoding="utf-8")
    report = run_engine([tmp_path], select=("GH101", "GH102", "IM001"))
    found = sorted((f.code, f.span.line, f.span.column) for f in report.findings)
    assert found == [("GH101", 23, 32), ("GH101", 35, 44), ("GH102", 36, 18)]


def test_action_pinned_trusted_owners(tmp_path: Path) -> None:
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    (folder / "ci.yml").write_text(
        "on: push\npermissions: {}\njobs:\n  a:\n    runs-on: x\n    steps:\n"
        "      - uses: actions/checkout@v4\n      - uses: actions/cache@main\n"
        "      - uses: other/thing@v1\n",
        encoding="utf-8",
    )
    config = Config(root=tmp_path, rule_options={"GH101": {"trusted-owners": ["actions"]}})
    report = run_engine([tmp_path], select=("GH101",), config=config)
    assert [(f.span.line, f.span.column) for f in report.findings] == [(8, 29), (9, 27)]
    assert "branch `main`" in report.findings[0].message
    assert "tag `v1`" in report.findings[1].message


def test_secrets_of_job_containers_services_and_gitlab_services(tmp_path: Path) -> None:
    """A job container's registry credentials are reported; the password a service container
    of the job is set up with is a test fixture, and only a credential format there is."""
    workflow = tmp_path / ".github" / "workflows" / "ci.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(
        "on: push\n"
        "jobs:\n"
        "  test:\n"
        "    runs-on: ubuntu-latest\n"
        "    container:\n"
        "      image: node:22\n"
        "      credentials:\n"
        "        username: bot\n"
        "        password: hunter2-registry\n"
        "    services:\n"
        "      db:\n"
        "        image: postgres:16\n"
        "        env:\n"
        "          POSTGRES_PASSWORD: s3cret-db\n"
        "          POSTGRES_USER: app\n"
        "          AWS_ACCESS_KEY_ID: AKIA2OGYBAH6STMMNXNN\n"
        "    steps:\n"
        "      - run: make test\n",
        encoding="utf-8",
    )
    gitlab = tmp_path / ".gitlab-ci.yml"
    gitlab.write_text(
        "test:\n"
        "  script: [make test]\n"
        "  services:\n"
        "    - name: mysql:8.4\n"
        "      variables:\n"
        "        MYSQL_ROOT_PASSWORD: r00t-pass\n"
        "  variables:\n"
        "    DEPLOY_TOKEN: t0k3n-literal\n",
        encoding="utf-8",
    )
    circleci = tmp_path / ".circleci" / "config.yml"
    circleci.parent.mkdir()
    circleci.write_text(
        "version: 2.1\n"
        "jobs:\n"
        "  test:\n"
        "    docker:\n"
        "      - image: cimg/python:3.12\n"
        "        environment:\n"
        "          API_TOKEN: t0k3n-primary\n"
        "      - image: cimg/postgres:16.4\n"
        "        environment:\n"
        "          POSTGRES_PASSWORD: s3cret-db\n"
        "    steps: [checkout]\n",
        encoding="utf-8",
    )
    report = run_engine([workflow, gitlab, circleci], select=("SE001",))
    found = [
        (Path(f.span.path).name, f.span.line, f.span.column, f.logical) for f in report.findings
    ]
    assert sorted(found) == [
        (".gitlab-ci.yml", 8, 19, "job:test"),
        ("ci.yml", 9, 19, "job:test/container"),
        ("ci.yml", 16, 30, "job:test/service:db"),
        ("config.yml", 7, 22, "job:test/docker:0"),
    ]


@pytest.mark.parametrize(
    ("parse", "expected"),
    [
        (lambda s: parse_github(s, "github-workflow"), "a mapping"),
        (lambda s: parse_github(s, "github-action"), "a mapping"),
        (parse_circleci, "a mapping"),
        (parse_gitlab, "a mapping of keywords and jobs"),
    ],
)
def test_a_top_level_that_is_no_mapping_is_a_parse_error(
    parse: Callable[[SourceFile], Document], expected: str
) -> None:
    document = parse(source("# ci\n  - a\n  - b\n"))
    assert document.root is None
    assert [(p.code, p.span, p.message) for p in document.problems] == [
        ("OP001", at(2, 3, 2, 3), f"expected {expected} at the top level")
    ]


@pytest.mark.parametrize(
    "parse", [lambda s: parse_github(s, "github-workflow"), parse_circleci, parse_gitlab]
)
def test_an_empty_file_has_no_root_and_no_problem(parse: Callable[[SourceFile], Document]) -> None:
    document = parse(source("# nothing yet\n"))
    assert (document.root, document.problems) == (None, [])
