"""K8103 liveness-probe."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.kubernetes import Container

from ._containers import missing_probe


@rule(
    "K8103",
    "liveness-probe",
    Severity.WARNING,
    fix="safe",
    tags=("reliability",),
    peers=(
        "checkov CKV_K8S_8",
        "kube-linter no-liveness-probe",
        "kube-score pod-probes (partial)",
        "polaris livenessProbeMissing",
    ),
)
def liveness_probe(container: Container) -> Iterator[Finding]:
    """Containers of long-running workloads have a liveness probe.

    ## What it does
    Reports an app container without `livenessProbe`, at its `- name:` line, in every
    long-running workload: Deployments, StatefulSets, DaemonSets, ReplicaSets, and any
    other kind with a pod template (OpenShift DeploymentConfig, Argo Rollout).

    Not checked, since their pods are meant to finish: Jobs, CronJobs, and bare Pods with
    `restartPolicy: Never` or `OnFailure`. Init containers run to completion before the
    app starts and ephemeral containers cannot have probes, so neither is checked.

    ## Why it matters
    Without a liveness probe the kubelet restarts a container only when its process
    exits. A deadlocked or wedged server keeps running, keeps its endpoints, and keeps
    failing requests until someone deletes the pod by hand.

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
        livenessProbe:
          httpGet:
            path: /healthz
            port: 8080
    ```

    ## Fix
    Safe, and only with `[tool.opslint.defaults]` giving the probe: opslint never invents
    an endpoint.

    ## References
    - https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/
    """
    yield from missing_probe(container, "livenessProbe")
