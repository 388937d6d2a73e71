"""K8120 selector-matches-labels."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.indexes.kubernetes import K8sIndex, template_labels
from opslint.model.kubernetes import K8sObject
from opslint.model.yamltree import YMap, YNode, string_map

from ._cross import (
    matches,
    plain_requirements,
    template_label_keys,
    template_label_pairs,
    workload_requirements,
)


@rule(
    "K8120",
    "selector-matches-labels",
    Severity.ERROR,
    tags=("kubernetes", "correctness"),
    peers=(
        "kube-linter mismatching-selector",
        "kube-linter dangling-service",
        "kube-score deployment-pod-selector-labels-match-template-metadata-labels",
        "kube-score statefulset-pod-selector-labels-match-template-metadata-labels",
        "kube-score service-targets-pod",
    ),
)
def selector_matches_labels(obj: K8sObject, index: K8sIndex) -> Iterator[Finding]:
    """Workload selectors match their pod template, and Services select some pod.

    ## What it does
    Two checks:

    - A workload's `spec.selector` (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
      and any kind with a pod template) matches the labels of its own pod template. Label
      selectors are evaluated as Kubernetes does (`matchLabels`, and `matchExpressions`
      with `In`, `NotIn`, `Exists`, `DoesNotExist`); ReplicationControllers and
      DeploymentConfigs use plain label maps. The error is at the first term the labels
      fail. A missing or empty selector is left to the schema check.
    - A Service's `selector` matches the pod template labels of some workload in the same
      namespace of the checked files; a dangling Service is a warning, at `selector:`.
      Services without a selector (endpoints managed by hand or by a controller) and
      `ExternalName` Services are not checked. A Service is judged only when the checked
      files hold the workload it is meant for: one of the same name, or one whose pods
      carry a label key of the selector with another value. Otherwise its pods come from
      something the run does not see (another chart, an operator, the files a pre-commit
      run did not pass) and it is left alone. Objects rendered from a Helm chart look
      among the plain manifests and the objects of the same values set.
    - Pods an operator creates from a custom resource have no pod template in the
      files: a Service is left alone when a custom resource in view, in its namespace,
      accounts for every term of its selector. A custom resource is an object without a
      pod template whose API group is not Kubernetes' own (`monitoring.coreos.com/v1`
      `Alertmanager`, not `apps/v1` or `*.k8s.io`). A term is the resource's when a
      `labels` map under its `spec` gives pods that label (`podMetadata.labels`,
      `template.metadata.labels`), or when it names the resource as operators label
      what they create: the kind in lower case as the value
      (`app.kubernetes.io/name: alertmanager`) or as the key with the resource's name
      as the value (`alertmanager: main`), or `app.kubernetes.io/instance: <name>`.

    ## Why it matters
    The API server rejects a Deployment whose selector does not match its template, so the
    apply fails; older APIs and other controllers accept it and then never own their pods.
    A Service that selects no pod has no endpoints: every connection to it is refused,
    usually after a label was renamed on one side only.

    ## Example
    ```yaml
    apiVersion: v1
    kind: Service
    metadata:
      name: web
    spec:
      selector:
        app: web-frontend
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      selector:
        matchLabels:
          app: web
      template:
        metadata:
          labels:
            app: frontend
    ```

    ## Use instead
    ```yaml
    apiVersion: v1
    kind: Service
    metadata:
      name: web
    spec:
      selector:
        app: web
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      selector:
        matchLabels:
          app: web
      template:
        metadata:
          labels:
            app: web
    ```

    ## Fix
    None: which side holds the right label is for the author to decide.

    ## Variants
    - A workload's selector against its pod template's labels (kube-linter
      mismatching-selector; kube-score for Deployments and StatefulSets): covered for every
      kind with a pod template, `matchLabels` and `matchExpressions` alike.
    - A Service's selector against the pods in view (kube-linter dangling-service,
      kube-score service-targets-pod): covered, with the limits above.
    - Services selecting pods an operator creates from a custom resource (no peer): covered
      as above.
    - NetworkPolicy and PodDisruptionBudget selectors that match nothing (kube-linter
      dangling-networkpolicy): not covered: another concept; the budget's selector is read
      by K8115.
    - Helm chart templates, through their render: covered.

    ## References
    - https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#selector
    - https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
    - https://kubernetes.io/docs/concepts/services-networking/service/#services-without-selectors
    """
    if index.is_patch(obj):
        return
    if obj.kind == "Service":
        yield from _service(obj, index)
        return
    labels = template_labels(obj)
    if labels is None or obj.kind in ("Pod", "CronJob"):
        return
    found = workload_requirements(obj)
    if found is None:
        return
    _, requirements = found
    failing = [term for term in requirements if not term.test(labels)]
    if not failing:
        return
    terms = ", ".join(f"`{term.text}`" for term in failing)
    shown = ", ".join(f"{key}={value}" for key, value in labels.items()) or "none"
    yield Finding(
        failing[0].span,
        f"{obj.kind} `{obj.name}` selector {terms} does not match its pod template labels "
        f"({shown}): make them agree",
        logical=obj.logical,
    )


def _pod_name(obj: K8sObject) -> list[str]:
    """The name of an object that runs pods (none for one that does not)."""
    return [obj.name] if template_labels(obj) is not None else []


def _is_custom(obj: K8sObject) -> list[bool]:
    """[True] for a custom resource: no pod template, and an API group of its own."""
    group = obj.api_version.rpartition("/")[0]
    builtin = "." not in group or group.endswith((".k8s.io", ".kubernetes.io"))
    return [True] if obj.pod_spec is None and not builtin else []


def _spec_labels(node: YNode | None, depth: int = 0) -> Iterator[dict[str, str]]:
    """Every `labels` map under a custom resource's spec (the labels it gives pods)."""
    if not isinstance(node, YMap) or depth > 8:
        return
    for key, value in node.items():
        if key == "labels":
            yield string_map(value)
        else:
            yield from _spec_labels(value, depth + 1)


def _accounts_for(resource: K8sObject, selector: dict[str, str]) -> bool:
    """True when every term of the selector is a label the custom resource gives its pods
    or one that names it as operators label what they create."""
    given = list(_spec_labels(resource.node.get("spec")))
    kind = resource.kind.lower()

    def names(key: str, value: str) -> bool:
        return (
            value == kind
            or (key == kind and value == resource.name)
            or (key == "app.kubernetes.io/instance" and value == resource.name)
        )

    return all(
        names(key, value) or any(labels.get(key) == value for labels in given)
        for key, value in selector.items()
    )


def _service(obj: K8sObject, index: K8sIndex) -> Iterator[Finding]:
    spec = obj.node.map("spec")
    if spec is None or spec.string("type") == "ExternalName":
        return
    selector = spec.map("selector")
    requirements = plain_requirements(selector) if selector is not None else []
    if selector is None or not requirements:
        return
    namespace = index.namespace_of(obj)
    # the pods that match carry the label of the selector's first term
    first = next(iter(string_map(selector).items()))
    for other in index.lookup(obj, "pod label", template_label_pairs, first):
        labels = template_labels(other)
        if labels is not None and matches(requirements, labels):
            return
    named = index.lookup(obj, "pod name", _pod_name, obj.name)
    if not named and not any(
        index.lookup(obj, "pod label key", template_label_keys, key) for key in selector.entries
    ):
        return  # the pods it is meant for are deployed by something the run does not see
    wanted = string_map(selector)
    resources = index.lookup(obj, "custom resource", _is_custom, True)
    if any(_accounts_for(resource, wanted) for resource in resources):
        return  # an operator makes them from a custom resource
    terms = ", ".join(term.text for term in requirements)
    yield Finding(
        spec.key_span("selector"),
        f"Service `{obj.name}` selects `{terms}`, which no pod template in namespace "
        f"`{namespace}` of the checked files carries: fix the selector or the labels",
        logical=obj.logical,
        level=Severity.WARNING,
    )
