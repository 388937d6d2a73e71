"""The builtin formats plugin: recognise each file's kind and parse it into the model.

Detection by name never reads the file; YAML files of no kind known by name are read once
and recognised by content. Parser modules are imported only when a file of their kind is
met, so checking a Dockerfile never loads the YAML machinery.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from opslint.config import Config
from opslint.model.source import Document, SourceError, SourceFile
from opslint.plugins import hookimpl

if TYPE_CHECKING:
    from opslint.model.yamltree import YMap

DOCKERFILE = "dockerfile"
COMPOSE = "compose"
KUBERNETES = "kubernetes"
GITHUB_WORKFLOW = "github-workflow"
GITHUB_ACTION = "github-action"
GITLAB_CI = "gitlab-ci"
CIRCLECI = "circleci"
PROMETHEUS = "prometheus"
TERRAFORM = "terraform"
TERRAFORM_STATE = "terraform-state"
TERRAFORM_VARS = "terraform-vars"
HELM_CHART = "helm-chart"
JENKINSFILE = "jenkinsfile"

_COMPOSE_NAME = re.compile(r"^(docker-)?compose([.-][^/]*)?\.ya?ml$")
_YAML_SUFFIXES = (".yml", ".yaml")


@hookimpl
def opslint_kinds() -> list[str]:
    """The kinds this plugin parses."""
    return [
        DOCKERFILE,
        COMPOSE,
        KUBERNETES,
        GITHUB_WORKFLOW,
        GITHUB_ACTION,
        GITLAB_CI,
        CIRCLECI,
        PROMETHEUS,
        TERRAFORM,
        TERRAFORM_STATE,
        TERRAFORM_VARS,
        HELM_CHART,
        JENKINSFILE,
    ]


def kind_by_name(path: PurePosixPath) -> str | None:
    """The kind a file's name alone establishes."""
    name = path.name
    if name in ("Dockerfile", "Containerfile") or name.startswith(
        ("Dockerfile.", "Containerfile.")
    ):
        return DOCKERFILE
    if name.endswith((".Dockerfile", ".dockerfile", ".Containerfile")):
        return DOCKERFILE
    if name == "Jenkinsfile" or name.startswith("Jenkinsfile."):
        return JENKINSFILE
    if name.endswith((".Jenkinsfile", ".jenkinsfile")):
        return JENKINSFILE
    if name.endswith((".tf", ".tf.json")):
        return TERRAFORM
    if name.endswith((".tfstate", ".tfstate.backup")):
        return TERRAFORM_STATE
    if name.endswith((".tfvars", ".tfvars.json")):
        return TERRAFORM_VARS
    if not name.endswith(_YAML_SUFFIXES):
        return None
    if _COMPOSE_NAME.match(name):
        return COMPOSE
    parts = path.parts
    if len(parts) >= 3 and parts[-3:-1] == (".github", "workflows"):
        return GITHUB_WORKFLOW
    if name in ("action.yml", "action.yaml"):
        return GITHUB_ACTION
    if name.endswith((".gitlab-ci.yml", ".gitlab-ci.yaml")):
        return GITLAB_CI  # also `build.gitlab-ci.yml`, the usual name of an included file
    if len(parts) >= 2 and parts[-2] == ".circleci" and name in ("config.yml", "config.yaml"):
        return CIRCLECI
    return None


def _is_workflow(root: YMap) -> bool:
    from opslint.model.yamltree import YMap

    jobs = root.map("jobs")
    if "on" not in root or jobs is None:
        return False
    return any(
        isinstance(job, YMap) and ("runs-on" in job or "steps" in job or "uses" in job)
        for _, job in jobs.items()
    )


def _is_prometheus(root: YMap) -> bool:
    groups = root.seq("groups")
    if groups is None:
        return False
    for group in groups.maps():
        rules = group.seq("rules")
        if rules is not None and any("alert" in r or "record" in r for r in rules.maps()):
            return True
    return False


_GITLAB_KEYWORDS = frozenset({"stages", "include", "workflow", "default", "variables"})


def _is_gitlab(root: YMap) -> bool:
    from opslint.model.yamltree import YMap

    if "jobs" in root and ("on" in root or "version" in root):
        return False
    if any(isinstance(value, YMap) and "script" in value for value in root.entries.values()):
        return True
    return "stages" in root and bool(_GITLAB_KEYWORDS.intersection(root.entries))


def _is_circleci(root: YMap) -> bool:
    return "version" in root and ("jobs" in root or "workflows" in root) and "on" not in root


_MANIFEST_KEYS = (
    re.compile(r"^apiVersion:[ \t]*[\w\"']", re.MULTILINE),
    re.compile(r"^kind:[ \t]*[\w\"']", re.MULTILINE),
)
"""A document's `apiVersion` and `kind` written at the start of a line."""


def _broken_manifest(source: SourceFile) -> str | None:
    """Kubernetes for a file that does not load but writes a manifest's `apiVersion` and
    `kind` at the start of lines, so that its syntax error is reported (OP001) rather than
    the file passed over as YAML of no kind. A template (`{{ }}`, `{% %}`) is no manifest
    until it is rendered: one outside a chart is passed over as before."""
    try:
        text = source.text
    except SourceError:
        return None
    if "{{" in text or "{%" in text:
        return None
    if all(keys.search(text) for keys in _MANIFEST_KEYS):
        return KUBERNETES
    return None


def kind_by_content(source: SourceFile, provisional: bool = False) -> str | None:
    """The kind a YAML file's documents show (reads and loads the file once). A
    `provisional` answer for a file not loaded yet may come from its layout alone
    (`opslint.parsers.sniff`): Kubernetes manifests and GitHub workflows in the plainest
    block layout."""
    from opslint.model.yamltree import YMap
    from opslint.parsers.yamlload import YamlError, yaml_of

    if provisional and source.known(yaml_of) is None:
        from opslint.parsers.sniff import manifests_of, workflow

        if manifests_of(source) is not None:
            return KUBERNETES
        if workflow(source.text):
            return GITHUB_WORKFLOW
    try:
        documents = yaml_of(source).documents
    except YamlError:
        return _broken_manifest(source)
    roots = [d.root for d in documents if isinstance(d.root, YMap)]
    if not roots:
        return None
    if any("apiVersion" in root and "kind" in root for root in roots):
        return KUBERNETES
    root = roots[0]
    if _is_workflow(root):
        return GITHUB_WORKFLOW
    if _is_prometheus(root):
        return PROMETHEUS
    if _is_circleci(root):
        return CIRCLECI
    if _is_gitlab(root):
        return GITLAB_CI
    return None


@hookimpl(trylast=True)
def opslint_detect_kind(source: SourceFile, config: Config, provisional: bool) -> str | None:
    """Name first; then, for YAML files, content."""
    path = PurePosixPath(source.display)
    if path.name.endswith(_CHART_SUFFIXES):
        from opslint.parsers.helm_layout import is_chart_member

        if is_chart_member(source.path) is not None:
            return HELM_CHART
    kind = kind_by_name(path)
    if kind is not None:
        return kind
    if path.name.endswith(_YAML_SUFFIXES):
        return kind_by_content(source, provisional)
    return None


_CHART_SUFFIXES = (".yaml", ".yml", ".tpl", ".txt", ".json")
"""Names a Helm chart member can have (Chart.yaml, values, templates)."""


@hookimpl(trylast=True)
def opslint_document_source(source: SourceFile, kind: str) -> SourceFile | None:
    """A Helm chart's files all stand for its `Chart.yaml`: the chart is one document."""
    if kind != HELM_CHART:
        return None
    from opslint.parsers.helm_layout import chart_source, is_chart_member

    root = is_chart_member(source.path)
    return chart_source(source, root) if root is not None else None


@hookimpl(trylast=True)
def opslint_parse(source: SourceFile, kind: str, config: Config) -> Document | None:
    """Parse the builtin kinds; each parser module is imported on first use."""
    if kind == DOCKERFILE:
        from opslint.parsers.dockerfile import parse_dockerfile

        return parse_dockerfile(source)
    if kind == COMPOSE:
        from opslint.parsers.compose import parse_compose

        return parse_compose(source)
    if kind == KUBERNETES:
        from opslint.parsers.kubernetes import parse_kubernetes

        return parse_kubernetes(source)
    if kind in (GITHUB_WORKFLOW, GITHUB_ACTION):
        from opslint.parsers.github import parse_github

        return parse_github(source, kind)
    if kind == GITLAB_CI:
        from opslint.parsers.gitlab import parse_gitlab

        return parse_gitlab(source)
    if kind == CIRCLECI:
        from opslint.parsers.circleci import parse_circleci

        return parse_circleci(source)
    if kind == PROMETHEUS:
        from opslint.parsers.prometheus import parse_prometheus

        return parse_prometheus(source)
    if kind == TERRAFORM:
        from opslint.parsers.terraform import parse_terraform

        return parse_terraform(source)
    if kind == TERRAFORM_STATE:
        from opslint.parsers.terraform import parse_terraform_state

        return parse_terraform_state(source)
    if kind == TERRAFORM_VARS:
        from opslint.parsers.terraform import parse_terraform_vars

        return parse_terraform_vars(source)
    if kind == HELM_CHART:
        from opslint.parsers.helm import parse_chart

        return parse_chart(source, config)
    if kind == JENKINSFILE:
        from opslint.parsers.jenkins import parse_jenkinsfile

        return parse_jenkinsfile(source)
    return None
