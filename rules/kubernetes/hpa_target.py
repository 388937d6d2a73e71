"""K8116 hpa-target."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.indexes.kubernetes import K8sIndex
from opslint.model.base import Span
from opslint.model.kubernetes import K8sObject
from opslint.model.yamltree import text_span

from ._cross import integer, kind_and_name, scale_target, spec_anchor


def _runs_pods(obj: K8sObject) -> list[bool]:
    return [True] if obj.pod_spec is not None else []


@rule(
    "K8116",
    "hpa-target",
    Severity.WARNING,
    tags=("kubernetes", "reliability"),
    peers=(
        "kube-linter dangling-horizontalpodautoscaler (partial)",
        "kube-linter hpa-minimum-three-replicas (partial)",
        "kube-score horizontalpodautoscaler-has-target (partial)",
        "kube-score horizontalpodautoscaler-replicas (partial)",
        "polaris hpaMinAvailability (partial)",
    ),
)
def hpa_target(obj: K8sObject, index: K8sIndex) -> Iterator[Finding]:
    """HorizontalPodAutoscalers target a checked workload, keep two replicas and damp scale-down.

    ## What it does
    Three checks on every HorizontalPodAutoscaler:

    - `scaleTargetRef` names a workload of the checked files: same namespace, `kind` and
      `name` (reported at the name). Objects rendered from a Helm chart look among the
      plain manifests and the objects of the same values set. A namespace with no
      workload at all in the checked files is not judged: the run did not see the
      workloads (a pre-commit run of the changed files only).
    - `minReplicas` is at least 2: a missing `minReplicas` (1 by default) is reported at
      `spec:`, `minReplicas: 1` at its value. `0` (scale to zero, behind a feature gate) is
      a deliberate choice and is not reported.
    - `behavior.scaleDown.stabilizationWindowSeconds` is set, reported at the deepest of
      `scaleDown:`, `behavior:` and `spec:` that is written. A scale-down with
      `selectPolicy: Disabled` never scales down and needs no window. `autoscaling/v1` has
      no `behavior`: the message says to move to `autoscaling/v2`.

    ## Why it matters
    An autoscaler whose target does not exist (a renamed Deployment, a typo) does nothing,
    silently. One that may scale down to a single replica brings back the single point of
    failure the replicas were meant to remove. Without an explicit stabilization window
    the scale-down speed is whatever the cluster's controller is configured with, and a
    window that is too short makes the replica count flap with every traffic dip.

    ## Example
    ```yaml
    apiVersion: autoscaling/v2
    kind: HorizontalPodAutoscaler
    metadata:
      name: web
    spec:
      scaleTargetRef:
        apiVersion: apps/v1
        kind: Deployment
        name: wbe
      maxReplicas: 10
    ```

    ## Use instead
    ```yaml
    apiVersion: autoscaling/v2
    kind: HorizontalPodAutoscaler
    metadata:
      name: web
    spec:
      scaleTargetRef:
        apiVersion: apps/v1
        kind: Deployment
        name: web
      minReplicas: 2
      maxReplicas: 10
      behavior:
        scaleDown:
          stabilizationWindowSeconds: 300
    ```

    ## Fix
    None: the target, the floor and the window are decisions about the service.

    ## Variants
    - `scaleTargetRef` naming a workload in view (kube-linter
      dangling-horizontalpodautoscaler, kube-score horizontalpodautoscaler-has-target):
      covered.
    - `minReplicas` of at least 2 (kube-score horizontalpodautoscaler-replicas, polaris
      hpaMinAvailability): covered; kube-linter's hpa-minimum-three-replicas asks for 3: not
      covered, as for K8114.
    - `maxReplicas` greater than `minReplicas` (polaris hpaMaxAvailability): not covered: an
      autoscaler pinned to one count is a deliberate, if odd, choice.
    - `autoscaling/v1`, `v2beta2` and `v2` objects: covered; v1 has no `behavior`, and the
      message says so.
    - Helm chart templates, through their render: covered.

    ## References
    - https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
    - https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#configurable-scaling-behavior
    """
    spec = obj.node.map("spec")
    if obj.kind != "HorizontalPodAutoscaler" or spec is None or index.is_patch(obj):
        return
    label = f"HorizontalPodAutoscaler `{obj.name}`"
    target = scale_target(obj)
    namespace = index.namespace_of(obj)
    if (
        target is not None
        and index.lookup(obj, "runs pods", _runs_pods, True)
        and not index.lookup(obj, "kind and name", kind_and_name, (target.kind, target.name))
    ):
        yield Finding(
            text_span(target.name_node),
            f"{label} scales {target.kind} `{target.name}`, which is not in namespace "
            f"`{namespace}` of the checked files: fix `scaleTargetRef`",
            logical=obj.logical,
        )
    minimum = spec.scalar("minReplicas")
    if minimum is None or minimum.value is None:
        yield Finding(
            spec_anchor(obj),
            f"{label} sets no `minReplicas` (1 by default): keep at least 2",
            logical=obj.logical,
        )
    elif integer(minimum) == 1:
        yield Finding(
            text_span(minimum),
            f"{label} may scale down to a single replica: set `minReplicas` to 2 or more",
            logical=obj.logical,
        )
    yield from _stabilization(obj, label)


def _stabilization(obj: K8sObject, label: str) -> Iterator[Finding]:
    spec = obj.node.map("spec")
    if spec is None:
        return
    behavior = spec.map("behavior")
    scale_down = behavior.map("scaleDown") if behavior is not None else None
    anchor: Span = spec_anchor(obj)
    if scale_down is not None:
        window = scale_down.scalar("stabilizationWindowSeconds")
        if (window is not None and window.value is not None) or scale_down.string(
            "selectPolicy"
        ) == "Disabled":
            return
        anchor = behavior.key_span("scaleDown") if behavior is not None else anchor
    elif behavior is not None:
        anchor = spec.key_span("behavior")
    help = None
    if obj.api_version == "autoscaling/v1":
        help = "`autoscaling/v1` has no `behavior`: move to `autoscaling/v2` first"
    yield Finding(
        anchor,
        f"{label} leaves its scale-down stabilization window to the cluster default: set "
        "`behavior.scaleDown.stabilizationWindowSeconds`",
        logical=obj.logical,
        help=help,
    )
