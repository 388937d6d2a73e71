"""The Kubernetes model: objects, their pod templates and containers, with spans."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from opslint.model.base import Span
from opslint.model.facets import EnvVar, ImageRef
from opslint.model.source import Document
from opslint.model.suppression import Suppression
from opslint.model.yamltree import YMap, YNode, YScalar

IGNORE_ANNOTATION = "opslint.io/ignore"
"""The annotation that suppresses rules on one object: `opslint.io/ignore: "K8106,K8108"`."""

COMPLETING_KINDS = frozenset({"Job", "CronJob"})
"""Workloads whose pods run to completion rather than serve."""


@dataclass(slots=True, eq=False)
class K8sObject:
    """One Kubernetes object (a document, or an item of a `List`).

    `span` covers the object's mapping; `first_line` and `last_line` are the lines it holds.
    """

    api_version: str
    kind: str
    name: str
    namespace: str | None
    node: YMap
    span: Span
    first_line: int
    last_line: int
    annotations: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    pod_spec: PodSpec | None = None

    @property
    def logical(self) -> str:
        """`Kind/namespace/name` (namespace `default` when none is written)."""
        return f"{self.kind}/{self.namespace or 'default'}/{self.name}"


@dataclass(slots=True, eq=False)
class Container:
    """A container, init container or ephemeral container of a pod spec.

    `span` runs from the container's `name` key to the end of its line (the `- name:`
    line, wherever `name` sits among the keys; the first key for a container without a
    name); `role` is "container", "initContainer" or "ephemeralContainer".
    """

    name: str
    span: Span
    node: YMap
    role: str
    logical: str
    pod: PodSpec
    image: ImageRef | None = None
    resources: YMap | None = None
    probes: dict[str, YNode] = field(default_factory=dict)
    """`livenessProbe`, `readinessProbe`, `startupProbe` as written."""
    security_context: YMap | None = None
    env: list[EnvVar] = field(default_factory=list)
    ports: list[YMap] = field(default_factory=list)

    @property
    def owner(self) -> K8sObject:
        """The object whose pod template holds this container."""
        return self.pod.owner


@dataclass(slots=True, eq=False)
class PodSpec:
    """A pod spec: a Pod's `spec`, or the pod template of a workload.

    `span` runs from the `spec` key that holds the pod spec (a Pod's `spec:`, the `spec:`
    under a workload's `template:`) to the end of its line.
    """

    owner: K8sObject
    node: YMap
    span: Span
    host_network: YScalar | None = None
    host_pid: YScalar | None = None
    host_ipc: YScalar | None = None
    security_context: YMap | None = None
    restart_policy: str | None = None
    containers: list[Container] = field(default_factory=list)
    init_containers: list[Container] = field(default_factory=list)
    ephemeral_containers: list[Container] = field(default_factory=list)

    @property
    def logical(self) -> str:
        """The owner object's logical path."""
        return self.owner.logical

    def all_containers(self) -> Iterator[Container]:
        """Containers, then init containers, then ephemeral containers."""
        yield from self.containers
        yield from self.init_containers
        yield from self.ephemeral_containers

    @property
    def runs_to_completion(self) -> bool:
        """True for Jobs, CronJobs and bare Pods with `restartPolicy` Never or OnFailure."""
        if self.owner.kind in COMPLETING_KINDS:
            return True
        return self.owner.kind == "Pod" and self.restart_policy in ("Never", "OnFailure")


def _codes(text: str) -> tuple[str, ...]:
    return tuple(code for code in re.split(r"[,\s]+", text.strip()) if code)


_KUBE_LINTER_CHECK = "ignore-check.kube-linter.io/"
_KUBE_LINTER_ALL = "ignore-all-checks.kube-linter.io"
_CHECKOV_SKIP = re.compile(r"^checkov\.io/skip\d*$")


def _annotation_suppression(key: str, text: str) -> tuple[str, tuple[str, ...], str] | None:
    """(tool, codes, reason) of a suppression annotation, or None for other annotations."""
    if key == IGNORE_ANNOTATION:
        return "opslint", _codes(text), ""
    if key.startswith(_KUBE_LINTER_CHECK):
        return "kube-linter", (key[len(_KUBE_LINTER_CHECK) :],), text.strip()
    if key == _KUBE_LINTER_ALL:
        return "kube-linter", (), text.strip()
    if _CHECKOV_SKIP.match(key):
        code, _, reason = text.partition("=")
        return "checkov", (code.strip(),), reason.strip()
    return None


@dataclass(eq=False)
class KubernetesFile(Document):
    """A parsed file of Kubernetes manifests (one or more YAML documents)."""

    kind = "kubernetes"

    manifests: list[K8sObject] = field(default_factory=list)
    """Every object of the file in order, `List` items unwrapped (`objects()` is the walker)."""
    images: list[ImageRef] = field(default_factory=list)
    env_vars: list[EnvVar] = field(default_factory=list)
    render: str = ""
    """The values files of the Helm render that produced this file; empty for manifests."""

    def pod_specs(self) -> Iterator[PodSpec]:
        """The pod specs of every object that has one."""
        return (o.pod_spec for o in self.manifests if o.pod_spec is not None)

    def containers(self) -> Iterator[Container]:
        """Every container of every pod spec (init and ephemeral ones included)."""
        for pod in self.pod_specs():
            yield from pod.all_containers()

    def objects(self) -> Iterator[object]:
        yield self
        yield from self.manifests
        for pod in self.pod_specs():
            yield pod
            yield from pod.all_containers()
        yield from self.images
        yield from self.env_vars

    def enclosing_lines(self, line: int) -> tuple[int, int] | None:
        for obj in self.manifests:
            if obj.first_line <= line <= obj.last_line:
                return obj.first_line, obj.last_line
        return None

    def scoped_suppressions(self) -> Iterator[Suppression]:
        """Object-wide suppressions from annotations: `opslint.io/ignore`, and the peers'
        `ignore-check.kube-linter.io/<check>` and `checkov.io/skip<N>: CODE=reason`."""
        for obj in self.manifests:
            annotations = obj.node.path("metadata", "annotations")
            if not isinstance(annotations, YMap):
                continue
            for key, value in annotations.items():
                if not isinstance(value, YScalar) or value.value is None:
                    continue
                found = _annotation_suppression(key, value.text)
                if found is None:
                    continue
                tool, codes, reason = found
                yield Suppression(
                    span=value.span if tool == "opslint" else annotations.entry_span(key),
                    codes=codes,
                    first_line=obj.first_line,
                    last_line=obj.last_line,
                    reason=reason,
                    scope="object",
                    tool=tool,
                )
