"""K8114 replicas."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.indexes.kubernetes import K8sIndex
from opslint.model.kubernetes import K8sObject
from opslint.model.yamltree import YMap, text_span

from ._cross import autoscalers_of, integer, spec_anchor

_KINDS = frozenset({"Deployment", "StatefulSet"})
_SINGLE_ATTACH = frozenset(
    {
        "persistentVolumeClaim",
        "gcePersistentDisk",
        "awsElasticBlockStore",
        "azureDisk",
        "vsphereVolume",
        "cinder",
    }
)
"""Volume sources that are usually a disk attached to one node at a time."""


def _singleton(obj: K8sObject) -> bool:
    """True for a workload written to run one pod at a time: a `Recreate` strategy, or a
    pod that mounts a claim or a disk that a second replica could not attach."""
    strategy = obj.node.path("spec", "strategy")
    if isinstance(strategy, YMap) and strategy.string("type") == "Recreate":
        return True
    volumes = obj.pod_spec.node.seq("volumes") if obj.pod_spec is not None else None
    return volumes is not None and any(
        _SINGLE_ATTACH.intersection(volume.entries) for volume in volumes.maps()
    )


@rule(
    "K8114",
    "replicas",
    Severity.WARNING,
    tags=("kubernetes", "reliability"),
    peers=(
        "kube-linter minimum-three-replicas (partial)",
        "kube-score deployment-replicas (partial)",
        "polaris deploymentMissingReplicas (partial)",
    ),
)
def replicas(obj: K8sObject, index: K8sIndex) -> Iterator[Finding]:
    """Deployments and StatefulSets run at least two replicas, unless an autoscaler scales them.

    ## What it does
    Reports a Deployment or StatefulSet that runs one replica: `replicas: 1` at its value,
    and a missing `replicas` (which defaults to 1) at the `spec:` key. A workload that a
    HorizontalPodAutoscaler (or a KEDA ScaledObject, which drives one) in the checked files
    scales is not checked: the autoscaler owns the replica count. The autoscaler must be in
    the same namespace and name the workload's kind and name in `scaleTargetRef`; objects
    rendered from a Helm chart only count autoscalers of the same values set.

    `replicas: 0` is not reported: it switches a workload off on purpose (a standby, or
    one scaled out of band). A value that is not a number is left to the schema check.
    Workloads written to run one pod at a time are not reported either: a Deployment
    with `strategy.type: Recreate`, and pods that mount a `persistentVolumeClaim` or a
    cloud disk (`gcePersistentDisk`, `awsElasticBlockStore`, `azureDisk`,
    `vsphereVolume`, `cinder`), which a second replica on another node could not attach.

    ## Why it matters
    A single replica is a single point of failure: every rollout, node drain, eviction or
    crash takes the service down until a new pod is scheduled and ready, and a
    PodDisruptionBudget cannot protect it.

    ## Example
    ```yaml
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      replicas: 1
    ```

    ## Use instead
    ```yaml
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      replicas: 3
    ```

    ## Fix
    None: the replica count is a capacity decision; singletons that cannot run twice
    (leader-less schedulers, `ReadWriteOnce` volumes) should be suppressed with a reason.

    ## References
    - https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#replicas
    - https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
    """
    if obj.kind not in _KINDS or index.is_patch(obj):
        return
    spec = obj.node.map("spec")
    value = spec.scalar("replicas") if spec is not None else None
    if value is not None and value.value is not None and integer(value) != 1:
        return
    if _singleton(obj):
        return
    if next(autoscalers_of(obj, index), None) is not None:
        return
    label = f"{obj.kind} `{obj.name}`"
    if value is not None and value.value is not None:
        yield Finding(
            text_span(value),
            f"{label} runs a single replica and no HorizontalPodAutoscaler scales it: "
            "run at least 2",
            logical=obj.logical,
        )
    else:
        yield Finding(
            spec_anchor(obj),
            f"{label} sets no `replicas` (1 by default) and no HorizontalPodAutoscaler "
            "scales it: run at least 2",
            logical=obj.logical,
        )
