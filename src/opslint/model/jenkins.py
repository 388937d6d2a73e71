"""Jenkinsfiles: declarative and scripted pipelines in the shared CI shape.

A stage is a `Job` (logical `stage:<name>`, nested stages `stage:<parent>/stage:<child>`),
every step call inside it a `Step` whose `kind` is the step's name (`sh`, `input`,
`script`, ...). `sh`, `bat` and `powershell` steps carry their script as a `ShellCommand`;
`agent { docker { image '...' } }` and `docker.image('...')` give `ImageRef`s, and
`environment { KEY = '...' }` entries give `EnvVar`s, so the cross-format rules run on
Jenkinsfiles unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from opslint.model.base import Span
from opslint.model.ci import Job, Pipeline, Step

SHELL_STEPS = frozenset({"sh", "bat", "powershell", "pwsh"})
"""Step names whose argument is a script."""


@dataclass(slots=True, eq=False)
class JenkinsStep(Step):
    """A step call: `kind` is its name, `strings` the string literals among its arguments."""

    strings: list[str] = field(default_factory=list)
    block: bool = False
    """True for a step that takes a closure of further steps (`script`, `dir`, `timeout`)."""
    post: bool = False
    """True for a step of a `post` block (it runs after the stage's steps)."""

    rule_kinds = ("jenkinsfile",)


@dataclass(slots=True, eq=False)
class JenkinsStage(Job):
    """A stage; `span` covers its header `stage('name')`, where findings about it anchor.

    `children` are the stages of a nested `stages`, `parallel` or `matrix` block; `steps`
    holds every step of its `steps` and `post` blocks, nested ones included, in source order.
    """

    name: str = ""
    parent: JenkinsStage | None = None
    children: list[JenkinsStage] = field(default_factory=list)
    timeout: Span | None = None
    """`options { timeout(...) }`, or a `timeout(...)` block around all of its steps."""
    input: Span | None = None
    """The stage's `input { ... }` directive."""
    when_branches: list[str] = field(default_factory=list)
    """The patterns of `branch '...'` conditions in its `when` block."""
    when_strings: list[str] = field(default_factory=list)
    """Every string literal of its `when` block (environment names, expressions)."""

    rule_kinds = ("jenkinsfile",)

    @property
    def jenkins_steps(self) -> list[JenkinsStep]:
        """The steps, typed."""
        return [step for step in self.steps if isinstance(step, JenkinsStep)]

    def walk(self) -> Iterator[JenkinsStage]:
        """This stage and its nested stages, depth first, in source order."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(eq=False)
class JenkinsPipeline(Pipeline):
    """A Jenkinsfile: `jobs` holds every stage (nested ones too) in source order."""

    kind = "jenkinsfile"

    declarative: bool = False
    """True when the file holds a `pipeline { ... }` block."""
    pipeline_span: Span | None = None
    """The `pipeline {` header of a declarative pipeline."""
    stages: list[JenkinsStage] = field(default_factory=list)
    """The top-level stages (the pipeline's `stages` block, or a scripted file's stages)."""
    timeout: Span | None = None
    """The pipeline's `options { timeout(...) }`."""
    env_names: dict[str, str] = field(default_factory=dict)
    """The pipeline-level `environment` literals, by name."""
    steps: list[JenkinsStep] = field(default_factory=list)
    """Steps outside any stage (`post` blocks, scripted code around stages)."""

    @property
    def stage_list(self) -> list[JenkinsStage]:
        """Every stage, nested ones included, typed."""
        return [job for job in self.jobs if isinstance(job, JenkinsStage)]

    def nodes(self) -> Iterator[object]:
        yield from self.steps
