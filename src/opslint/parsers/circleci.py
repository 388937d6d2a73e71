"""CircleCI: `.circleci/config.yml` (version 2.x): orbs, executors, jobs, commands, workflows."""

from __future__ import annotations

from opslint.model.ci import (
    CircleConfig,
    CircleJob,
    CircleWorkflow,
    Executor,
    Orb,
    Step,
    WorkflowJob,
)
from opslint.model.facets import EnvVar, ImageRef, sub_span
from opslint.model.source import SourceFile
from opslint.model.yamltree import YMap, YNode, YScalar, YSeq, text_span
from opslint.parsers.yamldoc import (
    PipelineReader,
    pipeline_root,
    read_items,
    scalar_text,
    script_command,
)


def parse_circleci(source: SourceFile) -> CircleConfig:
    """Parse a CircleCI config into a `CircleConfig`."""
    config = CircleConfig(source)
    root = pipeline_root(config, "a mapping")
    if root is not None:
        _Parser(source, config, _has_reference).parse(root)
    return config


def _has_reference(text: str) -> bool:
    return "$" in text or "<<" in text


class _Parser(PipelineReader[CircleConfig]):
    def parse(self, root: YMap) -> None:
        config = self.pipeline
        version = root.scalar("version")
        if version is not None and version.value is not None:
            config.version = version.text
            config.version_span = text_span(version)
        self.orbs(root.map("orbs"))
        executors = root.map("executors")
        if executors is not None:
            for name, node in executors.items():
                if isinstance(node, YMap):
                    logical = f"executor:{name}"
                    executor = Executor(name, executors.key_span(name), logical)
                    executor.images = self.docker(node.seq("docker"), logical)
                    self.environment(node.map("environment"), logical)
                    config.executors.append(executor)
        commands = root.map("commands")
        if commands is not None:
            for name, node in commands.items():
                if isinstance(node, YMap):
                    self.steps(node.seq("steps"), f"command:{name}")
        jobs = root.map("jobs")
        if jobs is not None:
            for name, node in jobs.items():
                if isinstance(node, YMap):
                    config.jobs.append(self.job(name, node, jobs))
        workflows = root.map("workflows")
        if workflows is not None:
            for name, node in workflows.items():
                if isinstance(node, YMap):
                    config.workflows.append(self.workflow(name, node, workflows))

    def orbs(self, orbs: YMap | None, within: str = "") -> None:
        """Read the orbs of `orbs:`, and those the inline orbs among them import."""
        if orbs is None:
            return
        for name, node in orbs.items():
            logical = f"{within}orb:{name}"
            if isinstance(node, YMap):
                self.pipeline.orbs.append(Orb(name, "", orbs.key_span(name), logical, inline=True))
                self.orbs(node.map("orbs"), f"{logical}/")
                continue
            text = scalar_text(node)
            if text is None or not isinstance(node, YScalar):
                continue
            span = text_span(node)
            orb = Orb(name, text, span, logical)
            reference, at, version = text.partition("@")
            if at:
                orb.version = version
                orb.version_span = span
                if span.line == span.end_line and span.end_column - span.column == len(text):
                    orb.version_span = sub_span(span, len(reference) + 1, len(version))
            self.pipeline.orbs.append(orb)

    def docker(self, node: YSeq | None, logical: str) -> list[ImageRef]:
        if node is None:
            return []
        result: list[ImageRef] = []
        for index, entry in enumerate(node.maps()):
            image = entry.scalar("image")
            if image is None or image.value is None:
                continue
            ref = self.image(image, "circleci docker", f"{logical}/docker:{index}")
            if ref is None:
                continue
            result.append(ref)
            origin = "circleci service environment" if index else "circleci environment"
            self.environment(entry.map("environment"), f"{logical}/docker:{index}", origin)
        return result

    def environment(
        self, mapping: YMap | None, logical: str, origin: str = "circleci environment"
    ) -> list[EnvVar]:
        """An `environment` mapping; a secondary image's (`origin` says so) is the
        environment of a service container the job starts."""
        return self.env_vars(mapping, origin, logical)

    def step(self, index: int, node: YNode, logical_prefix: str) -> Step | None:
        logical = f"{logical_prefix}/step:{index}"
        if isinstance(node, YScalar) and node.value is not None:
            return Step(index, node.span.start(), logical, node, kind=node.text)
        if not isinstance(node, YMap) or len(node) == 0:
            return None
        kind, body = next(iter(node.items()))
        step = Step(index, node.span.start().to_line_end(self.lines), logical, node, kind=kind)
        if kind != "run":
            return step
        command: YNode | None = body
        if isinstance(body, YMap):
            command = body.get("command")
            step.name = body.string("name")
            step.env = self.environment(body.map("environment"), logical)
        if isinstance(command, YScalar) and command.value is not None:
            step.run = script_command(command, self.lines, "circleci run", logical)
            self.pipeline.shell_commands.append(step.run)
        return step

    def steps(self, node: YSeq | None, logical_prefix: str) -> list[Step]:
        return read_items(node, lambda index, item: self.step(index, item, logical_prefix))

    def job(self, name: str, node: YMap, jobs: YMap) -> CircleJob:
        logical = f"job:{name}"
        job = CircleJob(name, jobs.key_span(name), logical, node)
        job.images = self.docker(node.seq("docker"), logical)
        executor = node.get("executor")
        if isinstance(executor, YMap):
            executor = executor.get("name")
        job.executor = scalar_text(executor)
        job.env = self.environment(node.map("environment"), logical)
        job.steps = self.steps(node.seq("steps"), logical)
        return job

    def workflow(self, name: str, node: YMap, workflows: YMap) -> CircleWorkflow:
        logical = f"workflow:{name}"
        workflow = CircleWorkflow(name, workflows.key_span(name), logical)
        jobs = node.seq("jobs")
        if jobs is None:
            return workflow
        for item in jobs:
            if isinstance(item, YScalar) and item.value is not None:
                workflow.jobs.append(
                    WorkflowJob(item.text, item.span, f"{logical}/job:{item.text}", item.text)
                )
            elif isinstance(item, YMap) and len(item) > 0:
                job_name, body = next(iter(item.items()))
                entry = WorkflowJob(
                    job_name, item.span.start().to_line_end(self.lines), "", job_name
                )
                if isinstance(body, YMap):
                    entry.name = body.string("name") or job_name
                    entry.approval = body.string("type") == "approval"
                    entry.requires = _strings(body.get("requires"))
                    entry.context = _strings(body.get("context"))
                entry.logical = f"{logical}/job:{entry.name}"
                workflow.jobs.append(entry)
        return workflow


def _strings(node: YNode | None) -> list[str]:
    if isinstance(node, YScalar) and node.value is not None:
        return [node.text]
    if isinstance(node, YSeq):
        return [item.text for item in node.scalars() if item.value is not None]
    return []
