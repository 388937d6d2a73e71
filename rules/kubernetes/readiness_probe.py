"""K8104 readiness-probe."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.indexes.kubernetes import K8sIndex
from opslint.model.kubernetes import Container, K8sObject

from ._containers import missing_probe
from ._cross import selecting_services
from ._fixes import Manifest


@rule(
    "K8104",
    "readiness-probe",
    Severity.WARNING,
    fix="safe",
    defaults={
        "probe-path": 'HTTP path of liveness and readiness probes, e.g. "/healthz"',
        "readiness-path": "HTTP path of readiness probes when it differs from probe-path",
    },
    tags=("reliability",),
    peers=(
        "checkov CKV_K8S_9",
        "kube-linter no-readiness-probe",
        "kube-score pod-probes (partial)",
        "polaris readinessProbeMissing",
    ),
)
def readiness_probe(container: Container, manifest: Manifest, index: K8sIndex) -> Iterator[Finding]:
    """Containers of long-running workloads have a readiness probe.

    ## What it does
    Reports an app container without `readinessProbe`, at its `- name:` line, in every
    long-running workload: Deployments, StatefulSets, DaemonSets, ReplicaSets, and any
    other kind with a pod template (OpenShift DeploymentConfig, Argo Rollout).

    Not checked, since their pods are meant to finish: Jobs, CronJobs, and bare Pods with
    `restartPolicy: Never` or `OnFailure`. Init containers run to completion before the
    app starts and ephemeral containers cannot have probes, so neither is checked.

    A `readinessProbe:` key left empty (null) is no probe to the API and is reported as missing.

    Not checked either: a container nothing routes traffic to, since what readiness
    decides is whether a pod receives a Service's traffic. That is a container that
    declares no `ports` in a pod that no Service of the checked files selects (a Service
    in the same namespace whose `selector` matches the pod template labels, headless ones
    included: their DNS lists only ready pods), such as a load generator or a queue
    worker, when the checked files hold at least one Service in that namespace. Without
    any, the application's Services are not in view and the container is reported, as
    kube-linter does. A container that declares a port is checked even when no Service
    selects it, since the Service can live in another repository, and so is every
    container of a pod a Service selects. Pause containers (`registry.k8s.io/pause`,
    `kubernetes/pause`, ...), which only hold a volume or a namespace for the pod, are
    not checked (see K8103).

    ## Why it matters
    Without a readiness probe a pod receives traffic as soon as its process starts: during
    every rollout and every restart, requests reach a server still loading its
    configuration or warming caches and fail. A readiness probe also takes an overloaded
    pod out of the Service until it recovers.

    ## Example
    ```yaml
    containers:
      - name: app
        image: example/app:1.4.2
    ```

    ## Use instead
    ```yaml
    containers:
      - name: app
        image: example/app:1.4.2
        readinessProbe:
          httpGet:
            path: /ready
            port: 8080
    ```

    ## Fix
    Safe: adds a `readinessProbe` with an `httpGet` of `path` and `port` (block style) at
    the end of the container. The path is `readiness-path` in `[tool.opslint.defaults]`
    when set, else `probe-path`. The port is the first declared TCP `containerPort` whose
    name says HTTP (`http`, `https`, `web`, `http-server`), else the first that neither
    names nor numbers a well-known service that does not speak HTTP (`redis`, `grpc`,
    `mysql`, 5432, ...), nor says so in a comment on its line (`# gRPC`). It is written by
    name when it has one, else by number, with `scheme: HTTPS` for a port named `https`
    or numbered 443 or 8443. opslint never invents an endpoint: without either path
    setting, or for a container with no such port, there is no edit and the help line
    says which is missing.

    ## Variants
    - Only pods that a Service selects (kube-score pod-probes): partly covered: a
      container is skipped when it declares no `ports` and none of the Services the
      checked files hold in its namespace selects its pod (nothing can route to it). A
      container with a port, or any container when the checked files hold no Service in
      its namespace, is reported, as checkov, kube-linter and polaris do: the Service can
      live in another repository, or the pod be reached through an Ingress backend or a
      mesh.
    - Pause containers: not covered, as for K8103.
    - Workload kinds, Jobs and CronJobs, init, sidecar and ephemeral containers, probe
      handlers and probes written empty (checkov CKV_K8S_9, kube-linter no-readiness-probe,
      polaris readinessProbeMissing): as for K8103, whose Variants list each with the same
      peers and the same answers.

    ## References
    - https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/
    """
    if not container.ports and _unrouted(container.owner, index):
        return  # nothing routes traffic to it: readiness decides nothing
    keys = ("readiness-path", "probe-path")
    yield from missing_probe(container, manifest, "readinessProbe", keys)


def _unrouted(obj: K8sObject, index: K8sIndex) -> bool:
    """True when the checked files hold Services in the namespace of `obj` and none of
    them selects its pods: the application's Services are in view, and none routes to it."""
    if next(index.peers(obj, "Service"), None) is None:
        return False
    return next(selecting_services(obj, index), None) is None
