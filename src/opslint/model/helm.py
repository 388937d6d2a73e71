"""The Helm model: a chart, its values files and its templates with their rendered objects.

A chart is one document (its `Chart.yaml`) with companions: `values.yaml` and one document
per template file. Each template holds the Kubernetes objects it rendered to, with every
span already moved onto the template's own lines, so the Kubernetes rules run on them
unchanged and report template locations.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from opslint.model.base import RelatedLocation, Span
from opslint.model.facets import EnvVar, ImageRef
from opslint.model.kubernetes import KubernetesFile
from opslint.model.source import Document
from opslint.model.suppression import Suppression
from opslint.model.yamltree import YMap, YNode, YScalar

_VALUES_REFERENCE = re.compile(r"\.Values((?:\.[A-Za-z_][\w-]*)+)")


@dataclass(eq=False)
class HelmValuesFile(Document):
    """A chart's `values.yaml` (or an extra values file given for rendering)."""

    kind = "helm-values"

    root: YMap | None = None
    images: list[ImageRef] = field(default_factory=list)
    """Image references read from the values, for charts that cannot be rendered."""
    env_vars: list[EnvVar] = field(default_factory=list)

    def lookup(self, path: tuple[str, ...]) -> Span | None:
        """The span of the entry at a dotted values path (`image.tag`), if set here."""
        node: YNode | None = self.root
        owner: YMap | None = None
        for part in path:
            if not isinstance(node, YMap) or part not in node:
                return None
            owner, node = node, node.get(part)
        if owner is None or node is None:
            return None
        return owner.entry_span(path[-1])

    def objects(self) -> Iterator[object]:
        yield self
        yield from self.images
        yield from self.env_vars


@dataclass(eq=False)
class HelmTemplate(Document):
    """One template file, with the objects each render of the chart produced from it."""

    kind = "helm-template"

    rendered: list[KubernetesFile] = field(default_factory=list)
    values_files: list[HelmValuesFile] = field(default_factory=list)
    """The values files of the renders (values.yaml first), for related locations."""

    def objects(self) -> Iterator[object]:
        yield self
        for manifest in self.rendered:
            for node in manifest.objects():
                if node is not manifest:
                    yield node

    def scoped_suppressions(self) -> Iterator[Suppression]:
        for manifest in self.rendered:
            yield from manifest.scoped_suppressions()

    def values_behind(self, line: int) -> tuple[RelatedLocation, ...]:
        """Where the values a template line reads (`.Values.image.tag`) are set."""
        text = self.source.line(line)
        found: list[RelatedLocation] = []
        seen: set[str] = set()
        for match in _VALUES_REFERENCE.finditer(text):
            dotted = match.group(1)[1:]
            if dotted in seen:
                continue
            seen.add(dotted)
            for index, values in enumerate(self.values_files):
                span = values.lookup(tuple(dotted.split(".")))
                if span is not None:
                    default = index == 0 and values.path.endswith("values.yaml")
                    verb = "set" if default else "overridden"
                    found.append(RelatedLocation(span, f"`{dotted}` is {verb} here"))
        return tuple(found)


@dataclass(eq=False)
class HelmChart(Document):
    """A chart: `Chart.yaml`, its values, its templates and how it was rendered."""

    kind = "helm-chart"

    root: Path = field(default_factory=Path)
    metadata: YMap | None = None
    values: HelmValuesFile | None = None
    templates: list[HelmTemplate] = field(default_factory=list)
    extra_values: list[HelmValuesFile] = field(default_factory=list)
    """Values files given for extra renders (checked as part of this chart)."""
    renderer: str | None = None
    """`sdk` or `binary` when the chart was rendered; None when it was linted statically."""
    has_schema: bool = False
    """True when a non-empty `values.schema.json` sits beside `Chart.yaml` (Helm ignores
    an empty one)."""

    @property
    def name(self) -> str:
        """The chart's `name`."""
        value = self.metadata.string("name") if self.metadata is not None else None
        return value or self.root.name

    @property
    def logical(self) -> str:
        """`chart:<name>`."""
        return f"chart:{self.name}"

    def field_span(self, key: str) -> Span:
        """The span of a `Chart.yaml` entry, or the file's first line when absent."""
        if self.metadata is not None and key in self.metadata:
            node = self.metadata.get(key)
            return node.span if isinstance(node, YScalar) else self.metadata.key_span(key)
        return self.span

    def companions(self) -> list[Document]:
        members: list[Document] = []
        if self.values is not None:
            members.append(self.values)
        members.extend(self.extra_values)
        members.extend(self.templates)
        return members
