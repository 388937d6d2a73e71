"""What every CI platform of `opslint new pipeline` shares: the plan of the pipeline.

The plan is read once from the project's analysis and the options: the language's job
image, install command, cache and dependency audit; the lint and test commands; whether
an image is built (a Dockerfile exists) and how it is deployed (Helm when a chart exists,
else kubectl). Each platform module only lays the plan out in its own syntax.

Versions written here are real upstream releases; images and actions are replaced by
their pins from `[tool.opslint.pins]` where the project configures one.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from opslint import __version__
from opslint.defaults import default, pin
from opslint.detect import ProjectInfo
from opslint.edits.yaml import Style, Value, render, scalar_text
from opslint.generate import GeneratorError

from ._images import images

PLATFORMS = ("github-actions", "gitlab-ci", "jenkins", "circleci")
DEPLOYS = ("helm", "kubectl", "none")

HELM_VERSION = "v3.16.3"
KUBECTL_VERSION = "v1.31.3"
TRIVY_IMAGE = "aquasec/trivy:0.58.1"
TRIVY_GATE = "--exit-code 1 --severity CRITICAL,HIGH --ignore-unfixed"
"""The Trivy options that fail a job on a fixable critical or high vulnerability."""
KUBE_IMAGE = "alpine/k8s:1.31.3"
"""kubectl and helm in one image (GitLab jobs)."""
DOCKER_IMAGE = "docker:27.3.1"
DOCKER_DIND_IMAGE = "docker:27.3.1-dind"
DOCKER_CLI_IMAGE = "docker:27.3.1-cli"
OPSLINT_PYTHON = "3.12"
OPSLINT_IMAGE = "python:3.12-slim-bookworm"
OPSLINT_INSTALL = f"python -m pip install --no-cache-dir opslint=={__version__}"
DEFAULT_TIMEOUT = 30


@dataclass(frozen=True)
class Stack:
    """How jobs of one language install, cache and audit their dependencies."""

    language: str
    version: str
    image: str
    """The job image on platforms that run jobs in containers."""
    install: str
    """Installs the dependencies from the lockfile (empty when nothing is installed)."""
    cache_paths: tuple[str, ...]
    """Folders below the project that hold the dependency cache."""
    cache_env: tuple[tuple[str, str], ...]
    """Variables that point the tools' caches at `cache_paths` (`$PROJECT` is the checkout)."""
    cache_files: tuple[str, ...]
    """Files whose content keys the cache (the lockfile, else the manifests)."""
    audit: str
    """The language's dependency audit, run when no image is built to scan."""
    run: str = ""
    """Prefix of project commands that need the project's environment (`poetry run `)."""
    manager: str = ""


@dataclass
class Plan:
    """Everything a platform needs to write the pipeline."""

    name: str
    stack: Stack | None
    checks: dict[str, str]
    """Job id (`lint`, `test`) to the command it runs, in order."""
    image: bool
    deploy: str
    chart: str
    manifests: str
    branch: str
    timeout: int
    pins: dict[str, str]
    repository: str
    """The image repository to push to, as the platform's shell spells it."""
    notes: list[str] = field(default_factory=list)

    def check_jobs(self) -> Iterator[tuple[str, str, str]]:
        """Each check job's id, display name (`Lint`, `Test`) and command, in order."""
        for job_id, command in self.checks.items():
            yield job_id, job_id.capitalize(), command

    def audited_stack(self) -> Stack | None:
        """The stack whose own audit command checks the dependencies; None where a Trivy
        scan of the checkout does: no known language, or Java, whose audit is that scan."""
        stack = self.stack
        return stack if stack is not None and stack.language != "java" else None

    def image_ref(self, reference: str) -> str:
        """A container image as written: its configured pin, else the tagged reference."""
        return pin(self.pins, reference, reference.split(":", 1)[0]) or reference

    def namespace(self, environment: str) -> str:
        return f"{self.name}-{environment}"

    def deploy_commands(self, environment: str, sha: str) -> list[str]:
        """The shell commands that deploy the commit `sha` (a shell expression) of the
        image in `$IMAGE_REPOSITORY`."""
        namespace = self.namespace(environment)
        repository = "$IMAGE_REPOSITORY"
        if self.deploy == "helm":
            command = (
                f"helm upgrade --install {self.name} ./{self.chart} --namespace {namespace}"
                " --create-namespace --atomic --wait --timeout 10m"
            )
            if self.image:
                command += f' --set image.repository="{repository}" --set image.tag="{sha}"'
            return [command]
        commands = [f"kubectl apply --namespace {namespace} -f {self.manifests}"]
        if self.image:
            commands.append(
                f"kubectl set image --namespace {namespace} deployment/{self.name}"
                f' {self.name}="{repository}:{sha}"'
            )
            commands.append(
                f"kubectl rollout status --namespace {namespace} deployment/{self.name}"
                " --timeout 10m"
            )
        return commands


def _stack(project: ProjectInfo, wanted: str | None) -> Stack | None:
    language = project.language
    manager = project.package_manager or ""
    if language is None:
        return None
    key = manager if language == "java" else language
    version, image, _ = images(key, wanted or project.runtime_version)
    files = (project.lockfile,) if project.lockfile else tuple(project.manifests)
    if language == "node":
        install, audit, paths, env = {
            "npm": (
                "npm ci --cache .npm --prefer-offline",
                "npm audit --omit=dev --audit-level=high",
                (".npm",),
                (),
            ),
            "yarn": (
                "yarn install --frozen-lockfile --cache-folder .yarn-cache",
                "yarn audit --groups dependencies --level high",
                (".yarn-cache",),
                (),
            ),
            "pnpm": (
                "corepack enable && pnpm install --frozen-lockfile --store-dir .pnpm-store",
                "pnpm audit --prod --audit-level high",
                (".pnpm-store",),
                (),
            ),
        }[manager or "npm"]
        return Stack(language, version, image, install, paths, env, files, audit, "", manager)
    if language == "python":
        audit = "python -m pip install --no-cache-dir pip-audit==2.7.3 && pip-audit"
        if manager == "uv":
            return Stack(
                language,
                version,
                image,
                "python -m pip install uv==0.5.11 && uv sync --locked",
                (".cache/uv",),
                (("UV_CACHE_DIR", "$PROJECT/.cache/uv"),),
                files,
                "python -m pip install uv==0.5.11 && uv export --locked --no-hashes"
                " --format requirements-txt -o requirements.lock"
                " && python -m pip install --no-cache-dir pip-audit==2.7.3"
                " && pip-audit --requirement requirements.lock",
                "uv run ",
                manager,
            )
        if manager == "poetry":
            return Stack(
                language,
                version,
                image,
                "python -m pip install poetry==1.8.5 && poetry install --no-interaction",
                (".cache/pypoetry",),
                (("POETRY_CACHE_DIR", "$PROJECT/.cache/pypoetry"),),
                files,
                "python -m pip install poetry==1.8.5 && poetry install --no-interaction"
                " && poetry run python -m pip install pip-audit==2.7.3 && poetry run pip-audit",
                "poetry run ",
                manager,
            )
        requirements = project.lockfile == "requirements.txt"
        install = (
            "python -m pip install -r requirements.txt"
            if requirements
            else "python -m pip install ."
        )
        return Stack(
            language,
            version,
            image,
            install,
            (".cache/pip",),
            (("PIP_CACHE_DIR", "$PROJECT/.cache/pip"),),
            files,
            audit + (" --requirement requirements.txt" if requirements else " ."),
            "",
            manager,
        )
    if language == "go":
        return Stack(
            language,
            version,
            image,
            "go mod download",
            (".cache/go-mod", ".cache/go-build"),
            (("GOMODCACHE", "$PROJECT/.cache/go-mod"), ("GOCACHE", "$PROJECT/.cache/go-build")),
            files,
            "go run golang.org/x/vuln/cmd/govulncheck@v1.1.3 ./...",
            "",
            manager,
        )
    if language == "java" and manager == "maven":
        return Stack(
            language,
            version,
            image,
            "mvn -B dependency:go-offline",
            (".m2/repository",),
            (("MAVEN_OPTS", "-Dmaven.repo.local=$PROJECT/.m2/repository"),),
            files,
            f"trivy fs {TRIVY_GATE} {files[0]}",
            "",
            manager,
        )
    if language == "java":
        return Stack(
            language,
            version,
            image,
            "./gradlew --no-daemon dependencies",
            (".gradle",),
            (("GRADLE_USER_HOME", "$PROJECT/.gradle"),),
            files,
            f"trivy fs {TRIVY_GATE} .",
            "",
            manager,
        )
    return Stack(
        language,
        version,
        image,
        "cargo fetch --locked",
        (".cargo/registry", ".cargo/git"),
        (("CARGO_HOME", "$PROJECT/.cargo"),),
        files,
        "cargo install cargo-audit --locked --version 0.21.0 && cargo audit",
        "",
        manager,
    )


def _timeout(project: ProjectInfo, minutes: int) -> int:
    if minutes:
        value: object = minutes
    else:
        value = default(project.config.defaults, "job-timeout-minutes") or DEFAULT_TIMEOUT
    try:
        number = int(str(value))
    except ValueError:
        raise GeneratorError(f"job-timeout-minutes must be a number, not {value!r}") from None
    if not 1 <= number <= 360:
        raise GeneratorError(f"--timeout-minutes must lie between 1 and 360, not {number}")
    return number


_BRANCH = re.compile(r"^[A-Za-z0-9._/-]+$")
_PATH = re.compile(r"^[A-Za-z0-9._/-]+$")


def make_plan(
    project: ProjectInfo,
    *,
    platform: str,
    deploy: str,
    branch: str,
    timeout_minutes: int,
    runtime_version: str,
    lint_command: str,
    test_command: str,
    manifests: str,
    repository: str,
) -> Plan:
    """The plan of the pipeline, or a GeneratorError naming what is missing."""
    if platform not in PLATFORMS:
        raise GeneratorError(f"--platform takes one of {', '.join(PLATFORMS)}, not {platform!r}")
    chosen = deploy or ("helm" if project.chart else "kubectl")
    if chosen not in DEPLOYS:
        raise GeneratorError(f"--deploy takes one of {', '.join(DEPLOYS)}, not {deploy!r}")
    if chosen == "helm" and not project.chart:
        raise GeneratorError("--deploy helm needs a chart (a folder holding Chart.yaml)")
    if not _BRANCH.match(branch):
        raise GeneratorError(f"--branch {branch!r} is not a branch name")
    if not _PATH.match(manifests):
        raise GeneratorError(f"--manifests {manifests!r} is not a relative path")
    stack = _stack(project, runtime_version or None)
    prefix = stack.run if stack is not None else ""
    checks: dict[str, str] = {}
    for job, given, found in (
        ("lint", lint_command, project.commands.get("lint")),
        ("test", test_command, project.commands.get("test")),
    ):
        if given:
            checks[job] = given
        elif found:
            python = found.startswith(("python ", "ruff "))
            checks[job] = prefix + found if python else found
    if not checks:
        raise GeneratorError(
            "no test or lint command found (package.json scripts, pyproject tools, Makefile "
            "targets): pass --test-command or --lint-command"
        )
    return Plan(
        name=project.name,
        stack=stack,
        checks=checks,
        image=project.dockerfile is not None,
        deploy=chosen,
        chart=project.chart or "",
        manifests=manifests,
        branch=branch,
        timeout=_timeout(project, timeout_minutes),
        pins=dict(project.config.pins),
        repository=repository,
    )


# --------------------------------------------------------------------------- YAML output


class Block(str):
    """A multi-line string written as a `|` literal block."""

    __slots__ = ()


@dataclass(frozen=True)
class Commented:
    """A scalar followed by a `# comment` on its line (a pinned action's tag)."""

    text: str
    comment: str


def yaml_text(value: Mapping[str, object], header: list[str]) -> str:
    """Block YAML of `value` with `header` comment lines; literal blocks and comments kept."""
    replaced: dict[str, Block | Commented] = {}

    def swap(item: object) -> Value:
        if isinstance(item, Block | Commented):
            token = f"opslint-placeholder-{len(replaced)}"
            replaced[token] = item
            return token
        if isinstance(item, Mapping):
            return {str(key): swap(inner) for key, inner in item.items()}
        if isinstance(item, list | tuple):
            return [swap(inner) for inner in item]
        if isinstance(item, str) and item != scalar_text(item) and _plain(item):
            token = f"opslint-placeholder-{len(replaced)}"
            replaced[token] = Commented(item, "")
            return token
        if item is None or isinstance(item, str | int | float | bool):
            return item
        raise TypeError(f"cannot render {item!r}")

    rendered = render(swap(value), 0, Style(2, 2))
    lines = [f"# {line}".rstrip() for line in header]
    for line in rendered:
        token = line.rsplit(" ", 1)[-1]
        item = replaced.get(token)
        if item is None:
            lines.append(line)
            continue
        head = line[: -len(token)]
        if isinstance(item, Commented):
            comment = f" # {item.comment}" if item.comment else ""
            lines.append(f"{head}{item.text}{comment}")
            continue
        key_column = len(head) - len(head.lstrip(" -"))
        lines.append(f"{head}|")
        lines.extend(f"{' ' * (key_column + 2)}{text}".rstrip() for text in item.split("\n"))
    return "\n".join(lines) + "\n"


_INDICATORS = tuple("-?:,[]{}#&*!|>'\"%@`")


def _plain(text: str) -> bool:
    """True when `text` reads back as itself written as a plain scalar in block context."""
    if (
        not text.strip()
        or text != text.strip()
        or "\n" in text
        or text.startswith(_INDICATORS)
        or ": " in text
        or " #" in text
        or text.endswith(":")
        or not text.isprintable()
    ):
        return False
    import yaml  # PyYAML reads YAML 1.1, the stricter of the two for plain scalars

    try:
        return bool(yaml.safe_load(f"key: {text}") == {"key": text})
    except yaml.YAMLError:
        return False


def action(pins: Mapping[str, str], name: str, tag: str) -> str | Commented:
    """`name@tag`, or its configured pin (`name@<sha>` with the tag as a comment)."""
    reference = f"{name}@{tag}"
    pinned = pin(dict(pins), reference, name)
    if pinned is None:
        return reference
    text, _, comment = pinned.partition("#")
    return Commented(text.strip(), comment.strip()) if comment.strip() else text.strip()


def header(platform: str, plan: Plan, secrets: list[str]) -> list[str]:
    """The comment at the top of a generated pipeline: what to set up before it runs."""
    lines = [f"Generated by `opslint new pipeline --platform {platform}`."]
    paragraphs = list(secrets)
    if plan.deploy != "none":
        paragraphs.append(
            f"Deploys {plan.name} to the namespaces {plan.namespace('staging')} and "
            f"{plan.namespace('production')} with {plan.deploy}."
        )
    for paragraph in paragraphs:
        lines.extend(textwrap.wrap(paragraph, 88))
    return lines
