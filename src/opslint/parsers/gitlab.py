"""GitLab CI: `.gitlab-ci.yml` and the files it includes.

Top-level keywords (stages, variables, default, include, workflow, global image, services,
scripts and cache) are told apart from jobs, which are every other top-level mapping;
hidden jobs (`.name`) are templates, kept but marked hidden. A component file's `spec:`
header document is skipped for the pipeline document that follows it.
"""

from __future__ import annotations

import re

from opslint.model.base import Span
from opslint.model.ci import GitlabInclude, GitlabJob, GitlabPipeline, GitlabRule
from opslint.model.facets import EnvVar, ImageRef, ShellCommand
from opslint.model.source import SourceFile
from opslint.model.yamltree import YMap, YNode, YScalar, YSeq, text_span
from opslint.parsers.yamldoc import (
    PipelineReader,
    has_tag,
    pipeline_root,
    scalar_text,
    script_command,
)

KEYWORDS = frozenset(
    {
        "stages",
        "variables",
        "default",
        "include",
        "workflow",
        "image",
        "services",
        "before_script",
        "after_script",
        "cache",
        "spec",
    }
)
"""Top-level keys that configure the pipeline rather than name a job."""

SCRIPT_KEYS = ("before_script", "script", "after_script")
_VARIABLE = re.compile(
    r"\$(?:\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*|\[\[\s*inputs\.[^\]]*\]\])"
)
_REFERENCE = "!reference"
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def parse_gitlab(source: SourceFile) -> GitlabPipeline:
    """Parse a GitLab CI file into a `GitlabPipeline`."""
    pipeline = GitlabPipeline(source)
    # a component file holds a `spec:` header document, then the pipeline itself
    root = pipeline_root(pipeline, "a mapping of keywords and jobs", header="spec")
    if root is not None:
        _Parser(source, pipeline, has_variable).parse(root)
    return pipeline


def has_variable(text: str) -> bool:
    """True when `text` refers to a CI/CD variable (`$VAR`, `${VAR}`) or a component's
    input (`$[[ inputs.x ]]`), whose value the including pipeline decides."""
    return bool(_VARIABLE.search(text))


class _Parser(PipelineReader[GitlabPipeline]):
    def parse(self, root: YMap) -> None:
        pipeline = self.pipeline
        stages = root.seq("stages")
        if stages is not None:
            pipeline.stages = [item.text for item in stages.scalars() if item.value is not None]
        self.includes(root.get("include"))
        pipeline.workflow = root.map("workflow")
        pipeline.default = root.map("default")
        self.variables(root.map("variables"), "default")
        for holder in (root, pipeline.default):
            if holder is None:
                continue
            self.image(holder.get("image"), "gitlab image", "default")
            self.services(holder.seq("services"), "default")
            for key in SCRIPT_KEYS:
                self.scripts(holder.get(key), key, "default")
        for name, node in root.items():
            if name in KEYWORDS or not isinstance(node, YMap):
                continue
            pipeline.jobs.append(self.job(name, root.key_span(name), node))

    def reference(self, node: YNode) -> bool:
        return has_tag(node, self.lines, _REFERENCE)

    # -- pieces ----------------------------------------------------------------------

    def includes(self, node: YNode | None) -> None:
        if node is None:
            return
        entries = list(node) if isinstance(node, YSeq) else [node]
        for entry in entries:
            if isinstance(entry, YScalar) and entry.value is not None:
                text = entry.text.strip()
                remote = bool(_URL.match(text))
                self.pipeline.includes.append(
                    GitlabInclude(
                        text, text_span(entry), not remote, "remote" if remote else "local"
                    )
                )
            elif isinstance(entry, YMap):
                for how in ("local", "remote", "template", "project", "component"):
                    value = entry.get(how)
                    if not isinstance(value, YScalar) or value.value is None:
                        continue
                    text = value.text
                    if how == "project":
                        files = entry.get("file")
                        if isinstance(files, YScalar) and files.value is not None:
                            text = f"{text}:{files.text}"
                    self.pipeline.includes.append(
                        GitlabInclude(text.strip(), text_span(value), how == "local", how)
                    )
                    break

    def variables(
        self, mapping: YMap | None, logical: str, origin: str = "gitlab variables"
    ) -> list[EnvVar]:
        return self.env_vars(mapping, origin, logical, value_key="value")

    def image(self, node: YNode | None, origin: str, logical: str) -> ImageRef | None:
        if node is not None and self.reference(node):
            return None
        if isinstance(node, YMap):
            node = node.get("name")
        return super().image(node, origin, logical)

    def services(self, node: YSeq | None, logical: str) -> list[ImageRef]:
        if node is None or self.reference(node):
            return []
        result = []
        for index, item in enumerate(node):
            where = f"{logical}/service:{index}"
            image = self.image(item, "gitlab service", where)
            if image is not None:
                result.append(image)
            if isinstance(item, YMap):
                self.variables(item.map("variables"), where, "gitlab service variables")
        return result

    def scripts(self, node: YNode | None, key: str, logical: str) -> list[ShellCommand]:
        entries: list[YScalar] = []

        def flatten(item: YNode) -> None:
            if self.reference(item):
                return  # `!reference [.job, script]`: lines of another job, checked there
            if isinstance(item, YSeq):  # nested lists from anchors are flattened by GitLab
                for inner in item:
                    flatten(inner)
            elif isinstance(item, YScalar) and item.value is not None:
                entries.append(item)

        if node is not None:
            flatten(node)
        result = [
            script_command(entry, self.lines, f"gitlab {key}", f"{logical}/{key}:{index}")
            for index, entry in enumerate(entries)
        ]
        self.pipeline.shell_commands.extend(result)
        return result

    # -- jobs ------------------------------------------------------------------------

    def job(self, name: str, key_span: Span, node: YMap) -> GitlabJob:
        logical = f"job:{name}"
        job = GitlabJob(name, key_span, logical, node, hidden=name.startswith("."))
        job.stage = node.string("stage")
        image = self.image(node.get("image"), "gitlab image", logical)
        if image is not None:
            job.images.append(image)
        job.images.extend(self.services(node.seq("services"), logical))
        for key in SCRIPT_KEYS:
            job.scripts.extend(self.scripts(node.get(key), key, logical))
        job.env = self.variables(node.map("variables"), logical)
        environment = node.get("environment")
        if isinstance(environment, YMap):
            job.environment_action = environment.string("action")
            job.environment_tier = environment.string("deployment_tier")
            environment = environment.get("name")
        if isinstance(environment, YScalar) and environment.value is not None:
            job.environment = environment.text
            job.environment_span = text_span(environment)
        when = node.scalar("when")
        if when is not None and when.value is not None:
            job.when = when.text
            job.when_span = text_span(when)
        rules = node.seq("rules")
        if rules is not None:
            for entry in rules.maps():
                rule = GitlabRule(
                    entry.span.start().to_line_end(self.lines), condition=entry.string("if")
                )
                rule_when = entry.scalar("when")
                if rule_when is not None and rule_when.value is not None:
                    rule.when = rule_when.text
                    rule.when_span = text_span(rule_when)
                job.rules.append(rule)
        job.only = node.get("only")
        job.except_ = node.get("except")
        extends = node.get("extends")
        if isinstance(extends, YScalar) and extends.value is not None:
            job.extends = [extends.text]
        elif isinstance(extends, YSeq):
            job.extends = [item.text for item in extends.scalars() if item.value is not None]
        job.cache = node.get("cache")
        job.trigger = node.get("trigger")
        needs = node.get("needs")
        if isinstance(needs, YSeq):
            for item in needs:
                text = scalar_text(item.get("job") if isinstance(item, YMap) else item)
                if text is not None:
                    job.needs.append(text)
        return job
