"""Helpers shared by the Kubernetes rules that look across objects: selectors, autoscalers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from opslint.indexes.kubernetes import K8sIndex, template_labels
from opslint.model.base import Span
from opslint.model.kubernetes import K8sObject
from opslint.model.yamltree import YMap, YScalar, string_map

AUTOSCALER_KINDS = ("HorizontalPodAutoscaler", "ScaledObject")
"""Objects that set a workload's replica count: HPAs, and KEDA ScaledObjects (which run one)."""
PLAIN_SELECTOR_KINDS = frozenset({"ReplicationController", "DeploymentConfig"})
"""Workloads whose `spec.selector` is a plain label map, not a label selector."""


def kind_anchor(obj: K8sObject) -> Span:
    """Where a finding about an object as a whole goes: its `kind:` entry."""
    return obj.node.entry_span("kind") if "kind" in obj.node else obj.span.start()


def spec_anchor(obj: K8sObject) -> Span:
    """Where a finding about a missing field of `spec` goes: the `spec:` key, else `kind:`."""
    return obj.node.key_span("spec") if obj.node.map("spec") is not None else kind_anchor(obj)


def integer(node: YScalar | None) -> int | None:
    """The integer a scalar holds; booleans, strings and nulls are not integers."""
    if node is None or isinstance(node.value, bool) or not isinstance(node.value, int):
        return None
    return node.value


@dataclass(frozen=True, slots=True)
class Requirement:
    """One term of a label selector, where it is written and how to test it."""

    span: Span
    text: str
    test: Callable[[dict[str, str]], bool]


def _equals(key: str, value: str) -> Callable[[dict[str, str]], bool]:
    return lambda labels: labels.get(key) == value


def _expression(key: str, operator: str, values: set[str]) -> Callable[[dict[str, str]], bool]:
    if operator == "In":
        return lambda labels: labels.get(key) in values
    if operator == "NotIn":
        return lambda labels: labels.get(key) not in values
    if operator == "Exists":
        return lambda labels: key in labels
    return lambda labels: key not in labels


def plain_requirements(selector: YMap) -> list[Requirement]:
    """The terms of a plain label map (a Service's or a ReplicationController's selector)."""
    return [
        Requirement(selector.entry_span(key), f"{key}={value.text}", _equals(key, value.text))
        for key, value in selector.items()
        if isinstance(value, YScalar) and value.value is not None
    ]


def label_requirements(selector: YMap) -> list[Requirement] | None:
    """The terms of a label selector (`matchLabels`, `matchExpressions`); None when one of
    them cannot be read (an unknown operator, values that are not a list)."""
    found: list[Requirement] = []
    match_labels = selector.map("matchLabels")
    if match_labels is not None:
        found.extend(plain_requirements(match_labels))
    expressions = selector.seq("matchExpressions")
    for item in expressions.maps() if expressions is not None else ():
        key, operator = item.string("key"), item.string("operator")
        if key is None or operator not in ("In", "NotIn", "Exists", "DoesNotExist"):
            return None
        values: set[str] = set()
        if operator in ("In", "NotIn"):
            listed = item.seq("values")
            if listed is None:
                return None
            values = {value.text for value in listed.scalars() if value.value is not None}
        text = f"{key} {operator} ({', '.join(sorted(values))})" if values else f"{key} {operator}"
        anchor = item.entry_span("key")
        found.append(Requirement(anchor, text, _expression(key, operator, values)))
    return found


def workload_requirements(obj: K8sObject) -> tuple[YMap, list[Requirement]] | None:
    """A workload's `spec.selector` and its terms, when it has a readable one."""
    spec = obj.node.map("spec")
    selector = spec.map("selector") if spec is not None else None
    if selector is None:
        return None
    if obj.kind in PLAIN_SELECTOR_KINDS:
        return selector, plain_requirements(selector)
    requirements = label_requirements(selector)
    return (selector, requirements) if requirements is not None else None


def matches(requirements: list[Requirement], labels: dict[str, str]) -> bool:
    """True when the labels meet every term (an empty selector matches every label set)."""
    return all(requirement.test(labels) for requirement in requirements)


@dataclass(frozen=True, slots=True)
class ScaleTarget:
    """What an autoscaler's `scaleTargetRef` names."""

    kind: str
    name: str
    name_node: YScalar


def scale_target(autoscaler: K8sObject) -> ScaleTarget | None:
    """The workload an HPA or a KEDA ScaledObject scales (KEDA's kind defaults to
    Deployment)."""
    reference = autoscaler.node.path("spec", "scaleTargetRef")
    if not isinstance(reference, YMap):
        return None
    name = reference.scalar("name")
    if name is None or not isinstance(name.value, str) or not name.value.strip():
        return None
    default = "Deployment" if autoscaler.kind == "ScaledObject" else ""
    kind = reference.string("kind") or default
    return ScaleTarget(kind, name.value.strip(), name) if kind else None


def autoscalers_of(obj: K8sObject, index: K8sIndex) -> Iterator[K8sObject]:
    """The HPAs and ScaledObjects in view that scale `obj`."""
    for other in index.lookup(obj, "scale target", _scaled, (obj.kind, obj.name)):
        if other is not obj:
            yield other


def _scaled(obj: K8sObject) -> list[tuple[str, str]]:
    """The (kind, name) an autoscaler scales."""
    target = scale_target(obj) if obj.kind in AUTOSCALER_KINDS else None
    return [(target.kind, target.name)] if target is not None else []


def selecting_services(
    obj: K8sObject, index: K8sIndex, headless: bool = True
) -> Iterator[K8sObject]:
    """The Services in view, in the namespace of `obj`, whose selector matches the pods
    `obj` runs (a Service without a selector selects none); without the headless ones
    (`clusterIP: None`) when `headless` is False.

    A Service that selects the pods carries one of their labels as its selector's first
    term, so only the Services filed under one of their labels are tried: the lookup
    costs what it finds, not what the namespace holds. They come by pod label, each
    label's in the order of `K8sIndex.visible`."""
    labels = template_labels(obj) or {}
    table, keys_of = ("service selector", _first_term) if headless else _CLUSTER_IP
    for pair in labels.items():
        for service in index.lookup(obj, table, keys_of, pair):
            if matches(_service_requirements(service), labels):
                yield service


def headless_service(service: K8sObject) -> bool:
    """True for a Service without a cluster IP (`clusterIP: None`)."""
    spec = service.node.map("spec")
    return spec is not None and spec.string("clusterIP") == "None"


def _service_requirements(service: K8sObject) -> list[Requirement]:
    selector = service.node.path("spec", "selector")
    return plain_requirements(selector) if isinstance(selector, YMap) else []


def _first_term(obj: K8sObject) -> list[tuple[str, str]]:
    """The (key, value) of the first term of a Service's selector (none without one)."""
    if obj.kind != "Service":
        return []
    selector = obj.node.path("spec", "selector")
    first = next(iter(string_map(selector).items()), None)
    return [first] if first is not None else []


def _first_term_with_cluster_ip(obj: K8sObject) -> list[tuple[str, str]]:
    """`_first_term` of a Service that is not headless."""
    return _first_term(obj) if obj.kind == "Service" and not headless_service(obj) else []


def kind_and_name(obj: K8sObject) -> list[tuple[str, str]]:
    """The (kind, name) of an object, for `K8sIndex.lookup` table "kind and name"."""
    return [(obj.kind, obj.name)]


_CLUSTER_IP = ("service selector, cluster IP", _first_term_with_cluster_ip)


def template_label_pairs(obj: K8sObject) -> list[tuple[str, str]]:
    """The (key, value) labels of the pods `obj` runs (none for an object without pods)."""
    return list((template_labels(obj) or {}).items())


def template_label_keys(obj: K8sObject) -> list[str]:
    """The label keys of the pods `obj` runs."""
    return list(template_labels(obj) or {})


def min_replicas(autoscaler: K8sObject) -> int:
    """The fewest replicas an autoscaler keeps (`minReplicas`, else 1; KEDA's
    `minReplicaCount`, else 0)."""
    spec = autoscaler.node.map("spec")
    if autoscaler.kind == "ScaledObject":
        found = integer(spec.scalar("minReplicaCount")) if spec is not None else None
        return found if found is not None else 0
    found = integer(spec.scalar("minReplicas")) if spec is not None else None
    return found if found is not None else 1
