"""K8115 pod-disruption-budget."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from opslint import Edit, Finding, Fix, Severity, Span, rule
from opslint.indexes.kubernetes import K8sIndex, template_labels
from opslint.model.kubernetes import K8sObject, KubernetesFile
from opslint.model.yamltree import YMap, string_map
from opslint.views import Files

from ._cross import (
    PLAIN_SELECTOR_KINDS,
    autoscalers_of,
    integer,
    kind_anchor,
    label_requirements,
    matches,
    min_replicas,
)

REPLICATED_KINDS = frozenset({"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"})
"""The workloads a budget protects whole: those the disruption controller knows the scale
of, so `maxUnavailable` and percentages work (the kinds Kubernetes' PDB task names)."""


def _selects(budget: K8sObject, labels: dict[str, str]) -> bool:
    """True when the budget's selector matches the labels. A missing selector selects no
    pods; an empty one selects every pod of the namespace under `policy/v1` and none under
    `policy/v1beta1`."""
    spec = budget.node.map("spec")
    selector = spec.map("selector") if spec is not None else None
    if selector is None:
        return False
    requirements = label_requirements(selector)
    if requirements is None:
        return True  # a selector we cannot read: give it the benefit of the doubt
    if not requirements and budget.api_version.endswith("v1beta1"):
        return False
    return matches(requirements, labels)


def _first_label(obj: K8sObject) -> list[tuple[str, str] | None]:
    """For a budget, the first `matchLabels` pair of a selector it can read, which every
    pod it selects carries; None for any other budget (tried on every workload)."""
    if obj.kind != "PodDisruptionBudget":
        return []
    selector = obj.node.path("spec", "selector")
    if not isinstance(selector, YMap) or label_requirements(selector) is None:
        return [None]
    pairs = string_map(selector.map("matchLabels"))
    return [next(iter(pairs.items()), None)]


_DNS_NAME = re.compile(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")


def _budget_file(obj: K8sObject) -> Path | None:
    """Where the fix writes the workload's budget: `<name>-pdb.yaml` next to its file;
    None for a name that cannot be a file name."""
    if not _DNS_NAME.match(obj.name):
        return None
    return Path(obj.span.path).parent / f"{obj.name}-pdb.yaml"


def _covered_by_file(
    targets: Iterable[Path], namespace: str, labels: dict[str, str], files: Files
) -> bool:
    """True when a file of `targets` (on disk, or written by a fix of this run) holds a
    budget for `namespace` that selects `labels`."""
    for target in targets:
        document = files.load(target)
        if isinstance(document, KubernetesFile) and any(
            budget.kind == "PodDisruptionBudget"
            and (budget.namespace or "default") == namespace
            and _selects(budget, labels)
            for budget in document.manifests
        ):
            return True
    return False


@rule(
    "K8115",
    "pod-disruption-budget",
    Severity.INFO,
    fix="gen",
    tags=("kubernetes", "reliability"),
    peers=(
        "kube-score deployment-has-poddisruptionbudget",
        "polaris missingPodDisruptionBudget (partial)",
    ),
)
def pod_disruption_budget(obj: K8sObject, index: K8sIndex, files: Files) -> Iterator[Finding]:
    """Replicated workloads have a PodDisruptionBudget selecting their pods.

    ## What it does
    Reports a Deployment, StatefulSet, ReplicaSet or ReplicationController that runs at
    least two replicas (`replicas: 2` or more, or an autoscaler in view whose
    `minReplicas` is 2 or more) when no PodDisruptionBudget of the checked files, in the
    same namespace, selects its pod template's labels. Selectors are
    evaluated as Kubernetes does: `matchLabels` and `matchExpressions` with `In`, `NotIn`,
    `Exists` and `DoesNotExist`; a budget without a selector selects nothing, and an empty
    selector selects every pod of the namespace (`policy/v1`). Objects rendered from a Helm
    chart see the plain manifests and the objects of the same values set. The finding is at
    the workload's `kind:` line.

    These are the kinds Kubernetes names for budgets: the disruption controller reads
    their scale, so `maxUnavailable` and percentages work. A StatefulSet that runs two or
    more members replicates on purpose, and a drain that evicts all of them at once loses
    its quorum (kube-score checks StatefulSets too, as
    `statefulset-has-poddisruptionbudget`). DaemonSets are not reported: they run one pod
    per node, a drain takes exactly the pods of the nodes it drains (`kubectl drain
    --ignore-daemonsets` leaves them), and a budget could only use an integer
    `minAvailable` for them. Jobs run to completion and are not disrupted in that sense.

    ## Why it matters
    Node drains (upgrades, autoscaler scale-downs, maintenance) evict pods without regard
    to the service: without a budget every replica of a workload can be evicted at once,
    and the redundancy that two replicas were meant to give disappears exactly when the
    cluster is busiest.

    ## Example
    ```yaml
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      replicas: 3
      selector:
        matchLabels:
          app: web
    ```

    ## Use instead
    ```yaml
    apiVersion: policy/v1
    kind: PodDisruptionBudget
    metadata:
      name: web
    spec:
      maxUnavailable: 1
      selector:
        matchLabels:
          app: web
    ```

    ## Fix
    Generated: a PodDisruptionBudget with `maxUnavailable: 1`, the workload's namespace
    (none when the workload names none) and its selector's labels (`matchLabels`, or a
    ReplicationController's plain map; the pod template's labels when it has none),
    written to a new file `<name>-pdb.yaml` next to the workload's file (the same
    manifest `opslint new k8s` writes). No file is ever overwritten: when that file
    exists but holds no budget for the pods, the finding has no fix. Objects rendered from
    a Helm chart get no fix: the budget belongs in the chart's templates.

    ## Variants
    - Deployments (kube-score deployment-has-poddisruptionbudget, polaris
      missingPodDisruptionBudget) and StatefulSets (kube-score
      statefulset-has-poddisruptionbudget): covered; ReplicaSets and ReplicationControllers
      too (no peer).
    - DaemonSets and Jobs: not covered: see above.
    - DeploymentConfigs and Argo Rollouts: not covered: custom kinds whose scale the
      disruption controller reads only through their scale subresource, which the manifest
      does not show.
    - Budgets with `matchLabels` and `matchExpressions` (kube-score): covered.
    - One replica (polaris reports every Deployment): not covered: a budget cannot protect a
      single pod without blocking every drain; K8114 asks for the second replica.
    - Autoscaled workloads by `minReplicas` (kube-score reads the HPA too): covered.
    - Helm chart templates, through their render: covered.

    ## References
    - https://kubernetes.io/docs/concepts/workloads/pods/disruptions/
    - https://kubernetes.io/docs/tasks/run-application/configure-pdb/#identify-the-application-to-protect
    """
    if obj.kind not in REPLICATED_KINDS or index.is_patch(obj):
        return
    labels = template_labels(obj)
    if labels is None:
        return
    spec = obj.node.map("spec")
    count = integer(spec.scalar("replicas")) if spec is not None else None
    scalers = list(autoscalers_of(obj, index))
    if scalers:
        count = max(min_replicas(scaler) for scaler in scalers)
    if count is None or count < 2:
        return
    budgets = [
        budget
        for key in (None, *labels.items())
        for budget in index.lookup(obj, "budget by first label", _first_label, key)
    ]
    if any(_selects(budget, labels) for budget in budgets):
        return
    namespace = index.namespace_of(obj)
    if obj not in index.render_of and _covered_by_file(files.pending, namespace, labels, files):
        return  # a budget another fix of this run wrote
    fix: Fix | None = None
    target = None if obj in index.render_of else _budget_file(obj)
    if target is not None and files.exists(target):
        if _covered_by_file([target], namespace, labels, files):
            return
    elif target is not None:
        from opslint.generators.k8s import pdb_manifest

        selector = obj.node.path("spec", "selector")
        if obj.kind not in PLAIN_SELECTOR_KINDS and isinstance(selector, YMap):
            selector = selector.map("matchLabels")
        match_labels = string_map(selector) or labels
        # the namespace as the workload gives it: none written stays none written
        written = obj.namespace or (namespace if obj in index.kustomized else None)
        text = pdb_manifest(obj.name, written, match_labels)
        where = Span(target.as_posix(), 1, 1, 1, 1)
        fix = Fix(f"write {target.as_posix()}", (Edit(where, text),))
    runs = f"runs at least {count} replicas" if scalers else f"runs {count} replicas"
    yield Finding(
        kind_anchor(obj),
        f"{obj.kind} `{obj.name}` {runs} but no PodDisruptionBudget in namespace "
        f"`{namespace}` selects its pods: add one",
        logical=obj.logical,
        fix=fix,
    )
