"""K8114 replicas."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.indexes.kubernetes import K8sIndex, template_labels
from opslint.model.kubernetes import K8sObject
from opslint.model.yamltree import YMap, YSeq, text_span

from ._cross import autoscalers_of, integer, kind_and_name, selecting_services, spec_anchor

_ROLE_LABELS = ("app.kubernetes.io/component", "component", "role")
"""Pod labels that name a workload's role in a replicated application."""
_PRIMARY_ROLES = frozenset({"primary", "master"})
"""Roles that are one instance by definition: the replicas are another workload."""
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


_DATASTORE_IMAGES = frozenset(
    {
        "redis",
        "valkey",
        "memcached",
        "postgres",
        "postgresql",
        "mysql",
        "mariadb",
        "mongo",
        "mongodb",
        "etcd",
    }
)
"""Last path components of images of datastores that one process serves: replicas of a
plain Deployment of one are independent stores, not copies of one."""


_SHARED_MODES = frozenset({"ReadWriteMany", "ReadOnlyMany"})
"""Access modes that let pods on several nodes mount one claim."""


def _single_attach(volume: YMap, obj: K8sObject, index: K8sIndex) -> bool:
    """True for a volume a second replica on another node could not attach: a cloud disk,
    or a claim unless the claim in view (same namespace) allows several nodes."""
    if "persistentVolumeClaim" not in volume.entries:
        return bool(_SINGLE_ATTACH.intersection(volume.entries))
    claim = volume.map("persistentVolumeClaim")
    name = claim.string("claimName") if claim is not None else None
    key = ("PersistentVolumeClaim", name)
    for other in index.lookup(obj, "kind and name", kind_and_name, key):
        modes = other.node.path("spec", "accessModes")
        written = {m.text for m in modes.scalars()} if isinstance(modes, YSeq) else set()
        return not _SHARED_MODES.intersection(written)
    return True  # a claim the run does not see: most are ReadWriteOnce


def _runs_datastore(obj: K8sObject) -> bool:
    """True when the pod's first container (its main one) runs a datastore image."""
    containers = obj.pod_spec.containers if obj.pod_spec is not None else []
    image = containers[0].image if containers else None
    if image is None or image.dynamic:
        return False
    return image.repository.rpartition("/")[2].lower() in _DATASTORE_IMAGES


def _singleton(obj: K8sObject, labels: dict[str, str], index: K8sIndex) -> bool:
    """True for a workload written to run one pod at a time: a `Recreate` strategy, a
    pod that mounts a claim or a disk that a second replica could not attach, pods
    labelled as the primary of a replicated store, or pods that run a datastore."""
    if any(labels.get(key, "").lower() in _PRIMARY_ROLES for key in _ROLE_LABELS):
        return True
    if _runs_datastore(obj):
        return True
    strategy = obj.node.path("spec", "strategy")
    if isinstance(strategy, YMap) and strategy.string("type") == "Recreate":
        return True
    volumes = obj.pod_spec.node.seq("volumes") if obj.pod_spec is not None else None
    return volumes is not None and any(
        _single_attach(volume, obj, index) for volume in volumes.maps()
    )


def _served(obj: K8sObject, index: K8sIndex) -> bool:
    """True when a Service in view with a cluster IP (not headless) selects the pods."""
    return next(selecting_services(obj, index, headless=False), None) is not None


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
    """Deployments behind a Service run at least two replicas, unless an autoscaler scales them.

    ## What it does
    Reports a Deployment that runs one replica: `replicas: 1` at its value, and a missing
    `replicas` (which defaults to 1) at the `spec:` key. A workload that a
    HorizontalPodAutoscaler (or a KEDA ScaledObject, which drives one) in the checked files
    scales is not checked: the autoscaler owns the replica count. The autoscaler must be in
    the same namespace and name the workload's kind and name in `scaleTargetRef`; objects
    rendered from a Helm chart only count autoscalers of the same values set.

    What the rule can judge, and why:

    - Deployments only. A Deployment's pods are interchangeable, so a second replica is
      the same service twice. A StatefulSet's pods each have an identity and storage of
      their own, and how many members it runs and how they replicate is the
      application's design (a PostgreSQL primary, a Redis master, a quorum of three), not
      a count a linter can second-guess; kube-score and Polaris judge Deployments only.
      DaemonSets run one pod per node and have no replica count.
    - Only Deployments that a Service of the checked files selects, as kube-score does:
      the Service's clients are who a single pod fails. A Deployment no Service selects
      (a load generator, a queue consumer, a controller) is left alone, and so is one
      selected only by a headless Service (`clusterIP: None`): it publishes each pod's
      address for discovery (Prometheus scraping, peer lists), and the exporters and
      controllers behind one are usually single by design (a second kube-state-metrics
      duplicates every series). The Service must be in the same namespace; objects
      rendered from a Helm chart see the plain manifests and their own values set.
    - Not workloads written to run one pod at a time: a Deployment with
      `strategy.type: Recreate`; pods that mount a `persistentVolumeClaim` or a cloud
      disk (`gcePersistentDisk`, `awsElasticBlockStore`, `azureDisk`, `vsphereVolume`,
      `cinder`), which a second replica on another node could not attach (a claim is
      judged by its `accessModes` when the checked files hold it in the same namespace:
      `ReadWriteMany` or `ReadOnlyMany` lets replicas share it); and pods
      labelled as the primary of a replicated store (`app.kubernetes.io/component`,
      `component` or `role` set to `primary` or `master`), whose replicas are another
      workload.
    - Not Deployments that run a datastore one process serves: the pod's first container
      runs an image whose last path component is `redis`, `valkey`, `memcached`,
      `postgres`, `postgresql`, `mysql`, `mariadb`, `mongo`, `mongodb` or `etcd` (any
      registry and tag: `redis:7`, `bitnami/postgresql`, `quay.io/coreos/etcd`). Two
      replicas of a plain Deployment of one are two independent stores behind one Service
      (a cart written to one is missing from the other; an invalidation reaches one
      cache only), not a copy of one; replicating them is the StatefulSet or operator's
      design (a Redis with replicas, a PostgreSQL standby). Clustered images
      (`bitnami/redis-cluster`) and exporters (`redis_exporter`) do not match, nor a
      datastore run as a sidecar after the app container.

    `replicas: 0` is not reported: it switches a workload off on purpose (a standby, or
    one scaled out of band). A value that is not a number is left to the schema check.

    ## Why it matters
    A single replica is a single point of failure: every rollout, node drain, eviction or
    crash takes the service down until a new pod is scheduled and ready, and a
    PodDisruptionBudget cannot protect it.

    ## Example
    ```yaml
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: checkout
    spec:
      replicas: 1
      template:
        metadata:
          labels:
            app: checkout
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: checkout
    spec:
      selector:
        app: checkout
    ```

    ## Use instead
    ```yaml
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: checkout
    spec:
      replicas: 3
      template:
        metadata:
          labels:
            app: checkout
    ```

    ## Fix
    None: the replica count is a capacity decision; singletons that cannot run twice
    (leader-less schedulers, `ReadWriteOnce` volumes) should be suppressed with a reason.

    ## Variants
    - Deployments (kube-score deployment-replicas, polaris deploymentMissingReplicas,
      kube-linter minimum-three-replicas): covered.
    - StatefulSets, ReplicaSets, ReplicationControllers and DeploymentConfigs (kube-linter):
      not covered: a StatefulSet's member count is the application's design, and the others
      are rarely written by hand; see above.
    - At least three replicas (kube-linter's default `minReplicas: 3`): not covered: two is
      what survives the loss of one pod; three is a quorum question.
    - Workloads an autoscaler scales (kube-score skips them): covered: a
      HorizontalPodAutoscaler or KEDA ScaledObject in view exempts the Deployment.
    - Only Deployments a Service selects (kube-score): covered.
    - Deployments of a single-process datastore (redis, postgres, mysql, mongo, memcached,
      etcd images): not covered, while the peers report them: more replicas
      would be independent stores. Other stateful apps that keep their data on an
      `emptyDir` (Grafana's SQLite in `/var/lib/grafana`) are reported: where such an app
      keeps its state is its configuration (Grafana can use a shared database and then
      runs replicated), which the Deployment does not show.
    - Helm chart templates, through their render: covered.

    ## References
    - https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#replicas
    - https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
    - https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/
    - https://github.com/zegl/kube-score/blob/master/score/deployment/deployment.go
    """
    if obj.kind != "Deployment" or index.is_patch(obj):
        return
    spec = obj.node.map("spec")
    value = spec.scalar("replicas") if spec is not None else None
    if value is not None and value.value is not None and integer(value) != 1:
        return
    labels = template_labels(obj) or {}
    if _singleton(obj, labels, index) or not _served(obj, index):
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
