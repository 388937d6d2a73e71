"""GitHub Actions: workflows (`.github/workflows/*.yml`) and action metadata (`action.yml`).

The parser reads the located YAML tree and keeps whatever fits the model; keys holding the
wrong type (a string where a mapping belongs, nulls, numbers) are skipped, never fatal.
"""

from __future__ import annotations

from collections.abc import Sequence

from opslint.model.base import Span
from opslint.model.ci import (
    ActionUse,
    GithubAction,
    GithubJob,
    GithubWorkflow,
    Permissions,
    Pipeline,
    Step,
)
from opslint.model.facets import ImageRef, sub_span
from opslint.model.source import Document, SourceFile
from opslint.model.yamltree import YMap, YNode, YScalar, YSeq, text_span
from opslint.parsers.yamldoc import (
    PipelineReader,
    pipeline_root,
    read_items,
    scalar_text,
    script_command,
)

_EXPRESSION = "${{"
_DOCKER = "docker://"


def parse_github(source: SourceFile, kind: str) -> Document:
    """Parse a workflow (`kind` "github-workflow") or action metadata ("github-action")."""
    document: Pipeline = GithubAction(source) if kind == "github-action" else GithubWorkflow(source)
    root = pipeline_root(document, "a mapping")
    if root is None:
        return document
    parser = _Parser(source, document, _has_expression)
    if isinstance(document, GithubWorkflow):
        parser.workflow(document, root)
    elif isinstance(document, GithubAction):
        parser.action(document, root)
    return document


def action_use(
    node: YScalar, logical: str, lines: Sequence[str], workflow: bool = False
) -> ActionUse:
    """Read a `uses:` value, locating the ref after `@` when it is written verbatim."""
    text = node.text.strip()
    span = text_span(node)
    if text.startswith(_DOCKER):
        return ActionUse(text, span, logical, text, workflow=workflow)
    target, at, ref = text.partition("@")
    use = ActionUse(text, span, logical, target, workflow=workflow)
    if at:
        use.ref = ref
        use.ref_span = span
        line = lines[span.line - 1] if 0 < span.line <= len(lines) else ""
        start = span.column - 1
        if span.line == span.end_line and line[start : start + len(text)] == text:
            use.ref_span = sub_span(span, len(target) + 1, len(ref))
        else:  # a block scalar (`uses: |`): the reference sits alone on a later line
            for number in range(span.line + 1, min(span.end_line, len(lines)) + 1):
                column = lines[number - 1].find(text)
                if column >= 0 and not lines[number - 1].strip().removeprefix(text):
                    here = Span(span.path, number, column + 1, number, column + 1 + len(text))
                    use.ref_span = sub_span(here, len(target) + 1, len(ref))
                    break
    return use


def _has_expression(text: str) -> bool:
    return _EXPRESSION in text


class _Parser(PipelineReader[Pipeline]):
    # -- shared pieces ---------------------------------------------------------------

    def permissions(self, mapping: YMap) -> Permissions | None:
        node = mapping.get("permissions")
        if node is None:
            return None
        key_span = mapping.key_span("permissions")
        if isinstance(node, YScalar):
            return Permissions(text_span(node), key_span, node.text)
        if isinstance(node, YMap):
            values: dict[str, str] = {}
            spans: dict[str, Span] = {}
            for scope, value in node.items():
                text = scalar_text(value)
                if text is not None and isinstance(value, YScalar):
                    values[scope] = text
                    spans[scope] = text_span(value)
            return Permissions(node.span, key_span, values, spans)
        return Permissions(node.span, key_span, "")

    def docker_image(self, text: str, span: Span, origin: str, logical: str) -> None:
        """Record the image a `docker://` reference names, located after the prefix."""
        reference = text[len(_DOCKER) :]
        if span.line == span.end_line:
            span = sub_span(span, len(_DOCKER), len(reference))
        if reference:
            image = ImageRef(
                reference,
                span,
                origin,
                logical=logical,
                written=reference,
                dynamic=self.is_reference(reference),
            )
            self.pipeline.images.append(image)

    def step(self, index: int, node: YNode, logical_prefix: str) -> Step | None:
        logical = f"{logical_prefix}step:{index}"
        if not isinstance(node, YMap):
            return None
        step = Step(index, node.span.start().to_line_end(self.lines), logical, node)
        step.name = node.string("name")
        step.id = node.string("id")
        uses = node.scalar("uses")
        if uses is not None and uses.value is not None and uses.text.strip():
            step.uses = action_use(uses, logical, self.lines)
            step.kind = "uses"
            if step.uses.docker:
                self.docker_image(step.uses.text, step.uses.span, "docker step", logical)
        run = node.scalar("run")
        if run is not None and run.value is not None:
            step.run = script_command(run, self.lines, "github run", logical)
            step.kind = "run"
            self.pipeline.shell_commands.append(step.run)
        with_ = node.map("with")
        if with_ is not None:
            for name, value in with_.items():
                text = scalar_text(value)
                if text is not None:
                    step.with_[name] = text
            self.env_vars(with_, "github with", logical)
        step.env = self.env_vars(node.map("env"), "github env", logical)
        return step

    def steps(self, node: YSeq | None, logical_prefix: str) -> list[Step]:
        return read_items(node, lambda index, item: self.step(index, item, logical_prefix))

    # -- workflows -------------------------------------------------------------------

    def workflow(self, workflow: GithubWorkflow, root: YMap) -> None:
        workflow.name = root.string("name")
        on = root.get("on")
        if on is not None or "on" in root:
            workflow.on = on
            workflow.on_span = root.key_span("on")
            if isinstance(on, YScalar) and on.value is not None:
                workflow.triggers = [on.text]
            elif isinstance(on, YSeq):
                workflow.triggers = [item.text for item in on.scalars()]
            elif isinstance(on, YMap):
                workflow.triggers = [name for name, _ in on.items()]
        workflow.permissions = self.permissions(root)
        self.env_vars(root.map("env"), "github env", "workflow")
        jobs = root.map("jobs")
        if "jobs" in root:
            workflow.jobs_span = root.key_span("jobs")
        if jobs is None:
            return
        for job_id, node in jobs.items():
            if isinstance(node, YMap):
                workflow.jobs.append(self.job(job_id, jobs.key_span(job_id), node))

    def job(self, job_id: str, key_span: Span, node: YMap) -> GithubJob:
        logical = f"job:{job_id}"
        job = GithubJob(job_id, key_span, logical, node)
        runs_on = node.get("runs-on")
        if isinstance(runs_on, YScalar):
            job.runs_on = scalar_text(runs_on)
        elif isinstance(runs_on, YSeq):
            job.runs_on = ",".join(item.text for item in runs_on.scalars())
        job.permissions = self.permissions(node)
        job.timeout_minutes = node.string("timeout-minutes")
        job.if_condition = node.string("if")
        environment = node.get("environment")
        if isinstance(environment, YMap):
            environment = environment.get("name")
        if isinstance(environment, YScalar) and environment.value is not None:
            job.environment = environment.text
            job.environment_span = text_span(environment)
        needs = node.get("needs")
        if isinstance(needs, YScalar) and needs.value is not None:
            job.needs = [needs.text]
        elif isinstance(needs, YSeq):
            job.needs = [item.text for item in needs.scalars() if item.value is not None]
        container = node.get("container")
        if isinstance(container, YMap):
            self.container_secrets(container, "github container", f"{logical}/container")
            container = container.get("image")
        image = self.image(container, "github container", logical)
        if image is not None:
            job.images.append(image)
        services = node.map("services")
        if services is not None:
            for name, service in services.items():
                if isinstance(service, YMap):
                    where = f"{logical}/service:{name}"
                    self.container_secrets(service, "github service", where)
                    service_image = self.image(service.get("image"), "github service", where)
                    if service_image is not None:
                        job.images.append(service_image)
        uses = node.scalar("uses")
        if uses is not None and uses.value is not None and uses.text.strip():
            job.uses = action_use(uses, logical, self.lines, workflow=True)
        job.env = self.env_vars(node.map("env"), "github env", logical)
        job.steps = self.steps(node.seq("steps"), f"{logical}/")
        for step in job.steps:
            job.images.extend(
                image for image in self.pipeline.images if image.logical == step.logical
            )
        return job

    def container_secrets(self, node: YMap, origin: str, logical: str) -> None:
        """A job container's or service's `env` and `credentials` (a literal password there
        is a credential in the repository)."""
        self.env_vars(node.map("env"), f"{origin} env", logical)
        self.env_vars(node.map("credentials"), f"{origin} credentials", logical)

    # -- action metadata ---------------------------------------------------------------

    def action(self, action: GithubAction, root: YMap) -> None:
        action.name = root.string("name")
        runs = root.map("runs")
        if runs is None:
            return
        using = runs.scalar("using")
        if using is not None and using.value is not None:
            action.using = using.text
            action.using_span = text_span(using)
        action.steps = self.steps(runs.seq("steps"), "runs/")
        image = runs.scalar("image")
        if image is not None and image.value is not None:
            action.image = image.text.strip()
            action.image_span = text_span(image)
            if action.image.startswith(_DOCKER):
                self.docker_image(action.image, action.image_span, "github action image", "runs")
        self.env_vars(runs.map("env"), "github env", "runs")
