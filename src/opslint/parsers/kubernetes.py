"""Read Kubernetes manifests into the `KubernetesFile` model.

Every YAML document that is a mapping with `apiVersion` and `kind` is an object; `List`
kinds are unwrapped into their items; anything else (empty documents, stray values) is
skipped. Pod specs are found for Pods (`spec`), the built-in workloads
(`spec.template.spec`), CronJobs (`spec.jobTemplate.spec.template.spec`) and any other
kind whose `spec.template.spec` looks like a pod spec (holds containers, host namespaces or
a security context), which covers OpenShift DeploymentConfig, Argo Rollout and the like.
"""

from __future__ import annotations

import re

from opslint.model.base import Span
from opslint.model.facets import EnvVar
from opslint.model.kubernetes import Container, K8sObject, KubernetesFile, PodSpec
from opslint.model.source import SourceFile
from opslint.model.yamltree import YMap, YNode, string_map, text_span
from opslint.parsers.yamldoc import duplicate_problems, image_ref
from opslint.parsers.yamlload import yaml_of

_ROLES = (
    ("containers", "container"),
    ("initContainers", "initContainer"),
    ("ephemeralContainers", "ephemeralContainer"),
)
_WORKLOADS = frozenset(
    {
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "ReplicaSet",
        "ReplicationController",
        "Job",
        "DeploymentConfig",
        "Rollout",
    }
)
_POD_KEYS = frozenset(
    {"containers", "initContainers", "hostNetwork", "hostPID", "hostIPC", "securityContext"}
)
"""Keys that mark `spec.template.spec` of an unknown kind as a pod spec."""
_PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
_DEPENDENT_VARIABLE = re.compile(r"\$\([A-Za-z_][A-Za-z0-9_.-]*\)")
_TEMPLATE = re.compile(r"\{\{|\$\{|\$\(")


def parse_kubernetes(source: SourceFile) -> KubernetesFile:
    """Parse `source` into a `KubernetesFile`; raises `YamlError` only when it is not YAML."""
    loaded = yaml_of(source)
    result = KubernetesFile(source)
    result.problems.extend(duplicate_problems(loaded))
    for document in loaded.documents:
        if isinstance(document.root, YMap):
            _collect(document.root, source, result)
    return result


def _is_object(node: YMap) -> bool:
    api_version, kind = node.scalar("apiVersion"), node.scalar("kind")
    return (
        api_version is not None
        and kind is not None
        and api_version.value is not None
        and isinstance(kind.value, str)
        and bool(kind.value)
    )


def _lines(span: Span, source: SourceFile) -> tuple[int, int]:
    """First and last line a mapping really occupies (its end mark may sit on the next line)."""
    last = span.end_line
    before_end = source.line(last)[: span.end_column - 1]
    if last > span.line and not before_end.strip(" \t-"):
        last -= 1  # the mark sits where the next node (document, list item) begins
    while last > span.line and not source.line(last).strip():
        last -= 1
    return span.line, last


def _collect(node: YMap, source: SourceFile, result: KubernetesFile) -> None:
    if not _is_object(node):
        return
    kind = node.string("kind") or ""
    items = node.seq("items")
    if kind.endswith("List") and items is not None:
        for item in items.maps():
            _collect(item, source, result)
        return
    metadata = node.map("metadata")
    name = metadata.string("name") if metadata is not None else None
    namespace = metadata.string("namespace") if metadata is not None else None
    first, last = _lines(node.span, source)
    obj = K8sObject(
        api_version=node.string("apiVersion") or "",
        kind=kind,
        name=name or "",
        namespace=namespace,
        node=node,
        span=node.span,
        first_line=first,
        last_line=last,
        annotations=string_map(metadata.get("annotations") if metadata is not None else None),
        labels=string_map(metadata.get("labels") if metadata is not None else None),
    )
    result.manifests.append(obj)
    found = _pod_spec_node(node, kind)
    if found is not None:
        obj.pod_spec = _pod_spec(obj, *found, source, result)


def _pod_spec_node(node: YMap, kind: str) -> tuple[YMap, YMap] | None:
    """The pod spec of an object, with the mapping whose `spec` key holds it (the Pod
    itself, or the workload's pod template)."""
    if kind == "Pod":
        holder: YNode | None = node
    elif kind == "CronJob":
        holder = node.path("spec", "jobTemplate", "spec", "template")
    else:
        holder = node.path("spec", "template")
    found = holder.map("spec") if isinstance(holder, YMap) else None
    if not isinstance(holder, YMap) or found is None:
        return None
    if kind in ("Pod", "CronJob") or kind in _WORKLOADS or _POD_KEYS.intersection(found.entries):
        return holder, found
    return None


def _pod_spec(
    owner: K8sObject, holder: YMap, node: YMap, source: SourceFile, result: KubernetesFile
) -> PodSpec:
    anchor = holder.key_span("spec").start().to_line_end(source.lines)
    pod = PodSpec(owner, node, anchor)
    pod.host_network = node.scalar("hostNetwork")
    pod.host_pid = node.scalar("hostPID")
    pod.host_ipc = node.scalar("hostIPC")
    pod.security_context = node.map("securityContext")
    pod.restart_policy = node.string("restartPolicy")
    for key, role in _ROLES:
        containers = node.seq(key)
        if containers is None:
            continue
        target = {
            "container": pod.containers,
            "initContainer": pod.init_containers,
            "ephemeralContainer": pod.ephemeral_containers,
        }[role]
        for index, item in enumerate(containers.maps()):
            container = _container(pod, item, role, index, source)
            target.append(container)
            if container.image is not None:
                result.images.append(container.image)
            result.env_vars.extend(container.env)
    return pod


def _is_template(text: str) -> bool:
    return bool(_TEMPLATE.search(text))


def _container(pod: PodSpec, node: YMap, role: str, index: int, source: SourceFile) -> Container:
    name = node.string("name") or str(index)
    logical = f"{pod.owner.logical}/{role}:{name}"
    span = node.key_span("name").start().to_line_end(source.lines)
    container = Container(name, span, node, role, logical, pod)
    image = node.scalar("image")
    if image is not None and image.value is not None:
        container.image = image_ref(image, role, logical, _is_template)
    container.resources = node.map("resources")
    container.probes = {key: node.entries[key] for key in _PROBES if key in node}
    container.security_context = node.map("securityContext")
    ports = node.seq("ports")
    container.ports = list(ports.maps()) if ports is not None else []
    container.env = _env(node, logical)
    return container


def _env(node: YMap, logical: str) -> list[EnvVar]:
    env = node.seq("env")
    found: list[EnvVar] = []
    if env is None:
        return found
    for item in env.maps():
        name_node = item.scalar("name")
        if name_node is None or name_node.value is None:
            continue
        name_span = text_span(name_node)
        value = item.scalar("value")
        if value is not None and value.value is not None:
            literal = value.text
            found.append(
                EnvVar(
                    name_node.text,
                    literal,
                    name_span,
                    text_span(value),
                    "container env",
                    reference=bool(literal.strip())
                    and not _DEPENDENT_VARIABLE.sub("", literal).strip(),
                    logical=logical,
                )
            )
        else:
            value_span = item.key_span("valueFrom") if "valueFrom" in item else name_span
            found.append(
                EnvVar(
                    name_node.text, None, name_span, value_span, "container env", logical=logical
                )
            )
    return found
