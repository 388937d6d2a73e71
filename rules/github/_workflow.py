"""What the GitHub rules read from steps: shell commands, well-known actions, job roles.

Scripts are split into simple commands by `opslint.ruleapi.shell`, with the offsets of each word,
so that a rule can recognise `helm upgrade`, `docker push img:tag` or `npm test` whatever
the options around them, and point at the exact token through `ShellCommand.locate`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from opslint.model.base import Span
from opslint.model.ci import GithubAction, GithubJob, GithubPipeline, GithubWorkflow, Job, Step
from opslint.model.facets import ShellCommand, map_script_lines
from opslint.model.yamltree import YMap, YNode, YScalar, text_span
from opslint.ruleapi.shell import Command, located_commands


def matching(script: ShellCommand, patterns: Iterable[tuple[str, ...]]) -> Iterator[Command]:
    """The commands of a script that match one of `patterns` (dry runs excluded)."""
    wanted = tuple(patterns)
    for command in located_commands(script):
        if any(command.is_(pattern) for pattern in wanted) and not command.dry_run():
            yield command


def action(step: Step) -> str:
    """The action a step uses, lower-cased and without its ref (`actions/checkout`)."""
    if step.uses is None or step.uses.docker or step.uses.local:
        return ""
    return step.uses.target.lower()


def step_input(step: Step, name: str) -> YNode | None:
    """The node of the step's `with:` input `name` as written (null included), if any."""
    inputs = step.node.map("with") if isinstance(step.node, YMap) else None
    return inputs.get(name) if inputs is not None else None


def uses_action(step: Step, prefixes: Iterable[str]) -> bool:
    """True when the step uses an action whose name starts with one of `prefixes`."""
    name = action(step)
    return bool(name) and any(name.startswith(prefix) for prefix in prefixes)


def words_of(text: str) -> set[str]:
    """The lower-case words of an id or name (`build-and-test` gives build, and, test)."""
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def step_groups(pipeline: GithubPipeline) -> Iterator[tuple[Job | None, list[Step]]]:
    """Each job with its steps; a composite action's steps as one group without a job."""
    if isinstance(pipeline, GithubWorkflow):
        for job in pipeline.github_jobs:
            yield job, job.steps
    elif isinstance(pipeline, GithubAction):
        yield None, pipeline.steps


def expression_true(value: str | None) -> bool:
    """True for a `with:` value that is `true` or an expression that may be true."""
    if value is None:
        return False
    text = value.strip().lower()
    return text == "true" or "${{" in text


# -- deployments -------------------------------------------------------------------------

DEPLOY_COMMANDS: tuple[tuple[str, ...], ...] = (
    ("helm", "upgrade"),
    ("helm", "install"),
    ("helm", "rollback"),
    ("helmfile", "apply"),
    ("helmfile", "sync"),
    ("kubectl", "apply"),
    ("kubectl", "create"),
    ("kubectl", "replace"),
    ("kubectl", "set", "image"),
    ("kubectl", "rollout", "restart"),
    ("kubectl", "rollout", "undo"),
    ("oc", "apply"),
    ("oc", "new-app"),
    ("oc", "rollout"),
    ("terraform", "apply"),
    ("terraform", "destroy"),
    ("tofu", "apply"),
    ("terragrunt", "apply"),
    ("pulumi", "up"),
    ("cdk", "deploy"),
    ("docker", "push"),
    ("docker", "image", "push"),
    ("podman", "push"),
    ("aws", "ecs", "update-service"),
    ("aws", "lambda", "update-function-code"),
    ("aws", "deploy", "create-deployment"),
    ("aws", "cloudformation", "deploy"),
    ("gcloud", "run", "deploy"),
    ("gcloud", "app", "deploy"),
    ("gcloud", "functions", "deploy"),
    ("az", "webapp", "deploy"),
    ("az", "webapp", "up"),
    ("az", "containerapp", "update"),
    ("skaffold", "run"),
    ("skaffold", "deploy"),
    ("serverless", "deploy"),
    ("sls", "deploy"),
    ("flyctl", "deploy"),
    ("fly", "deploy"),
    ("argocd", "app", "sync"),
    ("eb", "deploy"),
    ("cf", "push"),
)
"""Commands that change a running environment or publish an image for one."""

DEPLOY_ACTIONS = (
    "azure/webapps-deploy",
    "azure/functions-action",
    "azure/functions-container-action",
    "azure/k8s-deploy",
    "azure/static-web-apps-deploy",
    "azure/arm-deploy",
    "azure/container-apps-deploy-action",
    "azure/aci-deploy",
    "aws-actions/amazon-ecs-deploy-task-definition",
    "aws-actions/aws-cloudformation-github-deploy",
    "google-github-actions/deploy-",
    "actions/deploy-pages",
    "peaceiris/actions-gh-pages",
    "jamesives/github-pages-deploy-action",
    "cloudflare/wrangler-action",
    "cloudflare/pages-action",
    "amondnet/vercel-action",
    "superfly/flyctl-actions",
    "akhileshns/heroku-deploy",
    "octopusdeploy/deploy-release-action",
    "redhat-actions/oc-new-app",
    "redhat-actions/push-to-registry",
)
"""Actions that deploy (action names are compared lower-cased, by prefix)."""

PAGES_ACTIONS = ("actions/deploy-pages",)

PUBLISH_COMMANDS: tuple[tuple[str, ...], ...] = (
    ("npm", "publish"),
    ("yarn", "publish"),
    ("yarn", "npm", "publish"),
    ("pnpm", "publish"),
    ("twine", "upload"),
    ("python", "twine", "upload"),
    ("poetry", "publish"),
    ("flit", "publish"),
    ("cargo", "publish"),
    ("gem", "push"),
    ("dotnet", "nuget", "push"),
    ("nuget", "push"),
    ("mvn", "deploy"),
    ("gradle", "publish"),
    ("helm", "push"),
)
"""Commands that publish a package for others to install."""

PUBLISH_ACTIONS = ("pypa/gh-action-pypi-publish", "js-devtools/npm-publish")


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a step counts as a deployment (or a test): what it runs, and where."""

    what: str
    span: Span
    step: Step


def _pushes(step: Step) -> bool:
    return action(step) in ("docker/build-push-action", "docker/bake-action") and (
        expression_true(step.with_.get("push"))
    )


LOCAL_CLUSTER_COMMANDS: tuple[tuple[str, ...], ...] = (
    ("kind", "create", "cluster"),
    ("minikube", "start"),
    ("k3d", "cluster", "create"),
    ("ctlptl", "create", "cluster"),
)
"""Commands that start a throwaway Kubernetes cluster on the runner and point kubectl at it."""

LOCAL_CLUSTER_ACTIONS = (
    "helm/kind-action",
    "container-tools/kind-action",
    "engineerd/setup-kind",
    "medyagh/setup-minikube",
    "manusa/actions-setup-minikube",
    "absaoss/k3d-action",
    "nolar/setup-k3d-k3s",
)
"""Actions that do the same (compared lower-cased, by prefix)."""

CLUSTER_TOOLS = frozenset({"helm", "helmfile", "kubectl", "oc", "skaffold"})
"""Programs whose deploying commands act on the cluster kubectl points at."""


def deploy_steps(steps: list[Step], publish: bool = False) -> Iterator[Evidence]:
    """The steps that deploy (and, with `publish`, publish packages), with what they run.

    Once a step starts a throwaway cluster on the runner (`kind create cluster`,
    `helm/kind-action`, `minikube start`, `k3d cluster create`, ...), the `kubectl`,
    `helm`, `oc` and `skaffold` commands after it act on that cluster, which lives for the
    job: they test, and are no deployment. Other deploying commands still count.
    """
    command_patterns = DEPLOY_COMMANDS + (PUBLISH_COMMANDS if publish else ())
    action_prefixes = DEPLOY_ACTIONS + (PUBLISH_ACTIONS if publish else ())
    local_cluster = False
    for step in steps:
        if uses_action(step, LOCAL_CLUSTER_ACTIONS):
            local_cluster = True
            continue
        if (step.with_.get("action") or "").strip().lower() == "close":
            continue  # e.g. Azure/static-web-apps-deploy tearing down a preview
        if step.uses is not None and (uses_action(step, action_prefixes) or _pushes(step)):
            yield Evidence(f"`{step.uses.target}`", step.uses.span, step)
        if step.run is not None:
            for command in located_commands(step.run):
                if any(command.is_(pattern) for pattern in LOCAL_CLUSTER_COMMANDS):
                    local_cluster = True
                elif local_cluster and command.tool in CLUSTER_TOOLS:
                    continue
                elif any(command.is_(p) for p in command_patterns) and not command.dry_run():
                    yield Evidence(f"`{command.text}`", command.span, step)


IMAGE_PUSHES = ("docker/build-push-action", "docker/bake-action", "redhat-actions/push-to-registry")


def pushes_image_only(evidence: list[Evidence]) -> bool:
    """True when every deploying step only pushes an image to a registry."""
    return bool(evidence) and all(
        action(item.step).startswith(IMAGE_PUSHES)
        or (
            item.step.uses is None
            and item.what.startswith(("`docker push", "`docker image push", "`podman push"))
        )
        for item in evidence
    )


def mentions_deploy(job: Job) -> bool:
    """True when the job's id or name says it deploys."""
    name = job.node.string("name") or ""
    return any(word.startswith("deploy") for word in words_of(job.id) | words_of(name))


# -- tests and linters -------------------------------------------------------------------

TEST_COMMANDS: tuple[tuple[str, ...], ...] = (
    ("npm", "test"),
    ("npm", "t"),
    ("npm", "ci-test"),
    ("yarn", "test"),
    ("pnpm", "test"),
    ("bun", "test"),
    ("deno", "test"),
    ("deno", "lint"),
    ("pytest",),
    ("python", "pytest"),
    ("python", "unittest"),
    ("python", "manage.py", "test"),
    ("tox",),
    ("nox",),
    ("go", "test"),
    ("go", "vet"),
    ("golangci-lint",),
    ("cargo", "test"),
    ("cargo", "clippy"),
    ("mvn", "test"),
    ("mvn", "verify"),
    ("mvn", "package"),
    ("mvn", "install"),
    ("gradle", "test"),
    ("gradle", "check"),
    ("gradle", "build"),
    ("dotnet", "test"),
    ("make", "test"),
    ("make", "check"),
    ("make", "lint"),
    ("flake8",),
    ("ruff",),
    ("pylint",),
    ("mypy",),
    ("eslint",),
    ("jest",),
    ("vitest",),
    ("mocha",),
    ("rspec",),
    ("bundle", "rspec"),
    ("bundle", "rake"),
    ("rake", "test"),
    ("rake", "spec"),
    ("phpunit",),
    ("pest",),
    ("composer", "test"),
    ("php", "artisan", "test"),
    ("mix", "test"),
    ("sbt", "test"),
    ("lein", "test"),
    ("stack", "test"),
    ("cabal", "test"),
    ("rebar3", "eunit"),
    ("dart", "test"),
    ("flutter", "test"),
    ("swift", "test"),
    ("xcodebuild", "test"),
    ("ctest",),
    ("helm", "lint"),
    ("terraform", "validate"),
    ("tflint",),
    ("hadolint",),
    ("shellcheck",),
    ("kubeconform",),
    ("kubeval",),
)
"""Commands that run tests or linters."""

_SCRIPT_RUNNERS = ("npm", "yarn", "pnpm", "bun")
TEST_WORDS = frozenset(
    {"test", "tests", "testing", "lint", "linting", "linter", "check", "checks", "ci"}
    | {"verify", "validate", "validation", "unit", "e2e", "integration", "spec", "specs"}
    | {"qa", "pytest", "eslint", "golangci", "hadolint", "tox"}
)
"""Words in a job's id or name, a package script's name or an action's name that mean
tests or linters."""


_CHECK_FLAGS = frozenset({"-check", "--check", "-check=true", "--check=true"})
"""The flags that turn `terraform fmt` from a rewrite into a format lint that fails."""


def _test_command(command: Command) -> bool:
    if any(command.is_(pattern) for pattern in TEST_COMMANDS):
        return True
    if command.is_(("terraform", "fmt")):
        return bool(_CHECK_FLAGS.intersection(command.arguments))
    if command.tool in _SCRIPT_RUNNERS:
        positionals = command.positionals
        if len(positionals) >= 2 and positionals[0] == "run":
            return bool(words_of(positionals[1]) & TEST_WORDS)
    return False


def test_steps(steps: list[Step]) -> Iterator[Step]:
    """The steps that run tests or linters (by command, action or step name)."""
    for step in steps:
        name = action(step)
        by_action = bool(name) and bool(words_of(name.split("/", 1)[-1]) & TEST_WORDS)
        if by_action or (
            step.run is not None and any(_test_command(c) for c in located_commands(step.run))
        ):
            yield step


def is_test_job(job: GithubJob) -> bool:
    """True for a job whose id or name says it tests or lints, or that runs tests."""
    name = job.node.string("name") or ""
    if (words_of(job.id) | words_of(name)) & TEST_WORDS:
        return True
    return any(True for _ in test_steps(job.steps))


def script_of(node: YScalar, lines: Sequence[str], origin: str, logical: str) -> ShellCommand:
    """A script held by a scalar (`actions/github-script`'s `script:`), mapped line by line."""
    if node.style in ("|", ">"):
        segments = map_script_lines(node.text, lines, node.span.line + 1)
        return ShellCommand(node.text, node.span, origin, segments, logical)
    start = text_span(node)
    segments = map_script_lines(node.text, lines, start.line, start.column)
    return ShellCommand(node.text, start, origin, segments, logical)
