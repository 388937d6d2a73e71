"""CI pipelines in one shape: a pipeline document of jobs, jobs of steps or scripts.

GitHub Actions workflows and action metadata, GitLab CI and CircleCI configs share the
`Pipeline` / `Job` / `Step` shape; each format adds what only it has. Every node keeps
its span and a logical path (`job:build`, `job:build/step:3`), and the pipeline collects
the facets (images, environment values, shell scripts) its jobs hold.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import ClassVar

from opslint.model.base import Span
from opslint.model.facets import EnvVar, ImageRef, ShellCommand
from opslint.model.source import Document
from opslint.model.yamltree import YMap, YNode

GITHUB_KINDS = ("github-workflow", "github-action")


@dataclass(slots=True, eq=False)
class ActionUse:
    """A GitHub `uses:` reference: an action, a reusable workflow, a local path or an image.

    `target` is the text before `@` (`actions/checkout`, `./local`, `docker://alpine:3`);
    `ref` the text after it, with `ref_span` on exactly that token.
    """

    text: str
    span: Span
    logical: str
    target: str
    ref: str | None = None
    ref_span: Span | None = None
    workflow: bool = False
    """True for a reusable workflow called by a job (`jobs.<id>.uses`)."""

    rule_kinds = GITHUB_KINDS

    @property
    def local(self) -> bool:
        """A path inside the repository (`./...`), versioned with the workflow itself."""
        return self.target.startswith(("./", "../", "."))

    @property
    def docker(self) -> bool:
        """A `docker://image` step, pinned through its image tag instead."""
        return self.text.startswith("docker://")

    @property
    def owner(self) -> str:
        """The user or organisation owning the action (`actions` in `actions/checkout`)."""
        return self.target.split("/", 1)[0]

    @property
    def repository(self) -> str:
        """`owner/repo`, without any sub-path."""
        return "/".join(self.target.split("/")[:2])


@dataclass(slots=True, eq=False)
class Step:
    """One step of a job (GitHub `steps`, CircleCI `steps`, composite action `runs.steps`).

    `index` is the 0-based position in the job's step list; `span` is the step mapping's
    start (or the step's own scalar for a CircleCI `- checkout`).
    """

    index: int
    span: Span
    logical: str
    node: YNode
    name: str | None = None
    id: str | None = None
    uses: ActionUse | None = None
    run: ShellCommand | None = None
    with_: dict[str, str] = field(default_factory=dict)
    env: list[EnvVar] = field(default_factory=list)
    kind: str = ""
    """The step's type where the format names one (CircleCI `run`, `checkout`, an orb command)."""


@dataclass(slots=True, eq=False)
class Permissions:
    """A GitHub `permissions:` block: `read-all`, `write-all`, `{}` or a scope map."""

    span: Span
    """The value (the scalar, or the mapping's start)."""
    key_span: Span
    value: str | dict[str, str]
    value_spans: dict[str, Span] = field(default_factory=dict)

    @property
    def write_all(self) -> bool:
        """True for the blanket `write-all` grant."""
        return self.value == "write-all"


@dataclass(slots=True, eq=False)
class Job:
    """A job of any CI format; `span` is the job's key, where findings about it anchor."""

    id: str
    span: Span
    logical: str
    node: YMap
    steps: list[Step] = field(default_factory=list)
    images: list[ImageRef] = field(default_factory=list)
    env: list[EnvVar] = field(default_factory=list)
    scripts: list[ShellCommand] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    environment: str | None = None
    environment_span: Span | None = None

    @property
    def shell_commands(self) -> list[ShellCommand]:
        """Every script the job runs: its steps' `run`s and its own script entries."""
        runs = [step.run for step in self.steps if step.run is not None]
        return runs + self.scripts


@dataclass(slots=True, eq=False)
class GithubJob(Job):
    """A job of a GitHub workflow."""

    runs_on: str | None = None
    permissions: Permissions | None = None
    timeout_minutes: str | None = None
    uses: ActionUse | None = None
    """The reusable workflow this job calls, if any."""
    if_condition: str | None = None

    rule_kinds = ("github-workflow",)


@dataclass(slots=True, eq=False)
class GitlabRule:
    """One entry of a GitLab job's `rules:` list."""

    span: Span
    when: str | None = None
    when_span: Span | None = None
    condition: str | None = None


@dataclass(slots=True, eq=False)
class GitlabJob(Job):
    """A GitLab CI job; hidden jobs (`.name`) are templates that never run on their own."""

    hidden: bool = False
    stage: str | None = None
    when: str | None = None
    when_span: Span | None = None
    rules: list[GitlabRule] = field(default_factory=list)
    only: YNode | None = None
    except_: YNode | None = None
    extends: list[str] = field(default_factory=list)
    cache: YNode | None = None
    environment_action: str | None = None
    environment_tier: str | None = None
    """`environment.deployment_tier`: production, staging, testing, development or other."""
    trigger: YNode | None = None

    rule_kinds = ("gitlab-ci",)


@dataclass(slots=True, eq=False)
class CircleJob(Job):
    """A CircleCI job (`jobs.<name>`): docker images, an executor, steps."""

    executor: str | None = None

    rule_kinds = ("circleci",)


@dataclass(eq=False)
class Pipeline(Document):
    """Any CI pipeline document: its jobs and the facets they hold."""

    jobs: list[Job] = field(default_factory=list)
    images: list[ImageRef] = field(default_factory=list)
    env_vars: list[EnvVar] = field(default_factory=list)
    shell_commands: list[ShellCommand] = field(default_factory=list)
    root: YMap | None = None

    def job(self, job_id: str) -> Job | None:
        """The job with this id."""
        return next((job for job in self.jobs if job.id == job_id), None)

    def nodes(self) -> Iterator[object]:
        """The format's own nodes beyond jobs and steps (overridden by subclasses)."""
        return iter(())

    def objects(self) -> Iterator[object]:
        yield self
        for job in self.jobs:
            yield job
            for step in job.steps:
                yield step
                if step.uses is not None:
                    yield step.uses
        yield from self.nodes()
        yield from self.images
        yield from self.env_vars
        yield from self.shell_commands


@dataclass(eq=False)
class GithubPipeline(Pipeline):
    """A GitHub file that runs steps: a workflow or action metadata.

    Rules that check steps the same way in both ask for this type.
    """

    rule_kinds: ClassVar[tuple[str, ...]] = GITHUB_KINDS


@dataclass(eq=False)
class GithubWorkflow(GithubPipeline):
    """A GitHub Actions workflow (`.github/workflows/*.yml`)."""

    kind = "github-workflow"
    rule_kinds = ("github-workflow",)

    name: str | None = None
    on: YNode | None = None
    on_span: Span | None = None
    """The `on:` key."""
    triggers: list[str] = field(default_factory=list)
    permissions: Permissions | None = None
    jobs_span: Span | None = None
    """The `jobs:` key."""

    @property
    def github_jobs(self) -> list[GithubJob]:
        """The jobs, typed."""
        return [job for job in self.jobs if isinstance(job, GithubJob)]

    def nodes(self) -> Iterator[object]:
        for job in self.github_jobs:
            if job.uses is not None:
                yield job.uses


@dataclass(eq=False)
class GithubAction(GithubPipeline):
    """GitHub action metadata (`action.yml`): how the action runs."""

    kind = "github-action"
    rule_kinds = ("github-action",)

    name: str | None = None
    using: str | None = None
    using_span: Span | None = None
    steps: list[Step] = field(default_factory=list)
    """The steps of a composite action."""
    image: str | None = None
    """`runs.image` of a docker action: `docker://...` or a Dockerfile path."""
    image_span: Span | None = None

    def objects(self) -> Iterator[object]:
        yield self
        for step in self.steps:
            yield step
            if step.uses is not None:
                yield step.uses
        yield from self.images
        yield from self.env_vars
        yield from self.shell_commands


@dataclass(slots=True, eq=False)
class GitlabInclude:
    """An `include:` entry; `local` is True for a file of the same repository."""

    path: str
    span: Span
    local: bool
    how: str = "local"
    """The include type: local, remote, template, project or component."""


@dataclass(eq=False)
class GitlabPipeline(Pipeline):
    """A GitLab CI config (`.gitlab-ci.yml` or a file it includes)."""

    kind = "gitlab-ci"

    stages: list[str] = field(default_factory=list)
    includes: list[GitlabInclude] = field(default_factory=list)
    default: YMap | None = None
    workflow: YMap | None = None

    @property
    def gitlab_jobs(self) -> list[GitlabJob]:
        """The jobs, typed (hidden templates included)."""
        return [job for job in self.jobs if isinstance(job, GitlabJob)]

    @property
    def local_includes(self) -> list[str]:
        """The paths of local includes, as written."""
        return [include.path for include in self.includes if include.local]

    def nodes(self) -> Iterator[object]:
        yield from self.includes


@dataclass(slots=True, eq=False)
class Orb:
    """A CircleCI orb declaration: `name: namespace/orb@version`."""

    name: str
    text: str
    span: Span
    logical: str
    version: str | None = None
    version_span: Span | None = None
    inline: bool = False
    """An orb defined inline (a mapping) rather than imported."""

    rule_kinds = ("circleci",)

    @property
    def reference(self) -> str:
        """`namespace/orb` without the version."""
        return self.text.split("@", 1)[0]


@dataclass(slots=True, eq=False)
class WorkflowJob:
    """A job entry in a CircleCI workflow (`- build` or `- deploy: {requires: [...]}`).

    `job` is the job (or orb job) it runs; `name` is the entry's own name (`name:`, else
    the job's).
    """

    name: str
    span: Span
    logical: str
    job: str = ""
    approval: bool = False
    requires: list[str] = field(default_factory=list)
    context: list[str] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class CircleWorkflow:
    """A CircleCI workflow."""

    name: str
    span: Span
    logical: str
    jobs: list[WorkflowJob] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class Executor:
    """A reusable CircleCI executor."""

    name: str
    span: Span
    logical: str
    images: list[ImageRef] = field(default_factory=list)


@dataclass(eq=False)
class CircleConfig(Pipeline):
    """A CircleCI config (`.circleci/config.yml`)."""

    kind = "circleci"

    version: str | None = None
    version_span: Span | None = None
    orbs: list[Orb] = field(default_factory=list)
    workflows: list[CircleWorkflow] = field(default_factory=list)
    executors: list[Executor] = field(default_factory=list)

    def nodes(self) -> Iterator[object]:
        yield from self.orbs
        yield from self.workflows
        yield from self.executors
