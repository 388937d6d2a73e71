"""K8104 readiness-probe."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.kubernetes import Container

from ._containers import missing_probe


@rule(
    "K8104",
    "readiness-probe",
    Severity.WARNING,
    fix="safe",
    tags=("reliability",),
    peers=(
        "checkov CKV_K8S_9",
        "kube-linter no-readiness-probe",
        "kube-score pod-probes (partial)",
        "polaris readinessProbeMissing",
    ),
)
def readiness_probe(container: Container) -> Iterator[Finding]:
    """Containers of long-running workloads have a readiness probe.

    ## What it does
    Reports an app container without `readinessProbe`, at its `- name:` line, in every
    long-running workload: Deployments, StatefulSets, DaemonSets, ReplicaSets, and any
    other kind with a pod template (OpenShift DeploymentConfig, Argo Rollout).

    Not checked, since their pods are meant to finish: Jobs, CronJobs, and bare Pods with
    `restartPolicy: Never` or `OnFailure`. Init containers run to completion before the
    app starts and ephemeral containers cannot have probes, so neither is checked.

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
    Safe, and only with `[tool.opslint.defaults]` giving the probe: opslint never invents
    an endpoint.

    ## References
    - https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/
    """
    yield from missing_probe(container, "readinessProbe")
