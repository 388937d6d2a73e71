"""K8130 cpu-limit."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.kubernetes import Container

from ._containers import missing_limit
from ._fixes import Manifest


@rule(
    "K8130",
    "cpu-limit",
    Severity.INFO,
    default_enabled=False,
    fix="safe",
    defaults={"cpu-limit": 'Kubernetes cpu limit, e.g. "500m"'},
    tags=("reliability",),
    peers=(
        "checkov CKV_K8S_11",
        "kube-score container-resources (partial)",
        "polaris cpuLimitsMissing",
        "trivy KSV-0011",
    ),
)
def cpu_limit(container: Container, manifest: Manifest) -> Iterator[Finding]:
    """Every container has a CPU limit (contested advice, off by default).

    ## What it does
    Reports a container or init container without `resources.limits.cpu`, at the
    container's `- name:` line. A zero limit (`cpu: 0`) sets no CPU quota and counts as
    missing. Ephemeral (debug) containers are skipped: Kubernetes does not allow
    resources on them.

    Off by default because the advice is contested: a CPU limit throttles the container
    even when the node has idle CPU, which adds latency, and many teams set only CPU
    requests. Turn it on where the cluster's policy (a LimitRange, a ResourceQuota on
    `limits.cpu`, or a chargeback model) needs limits on every container.

    ## Why it matters
    Without a limit a container can take every idle core of its node; a busy loop or a
    traffic spike then slows its neighbours down to their requests, and a namespace with
    a ResourceQuota on `limits.cpu` rejects the pod outright.

    ## Example
    ```yaml
    containers:
      - name: app
        image: example/app:1.4.2
        resources:
          requests:
            cpu: 100m
    ```

    ## Use instead
    ```yaml
    containers:
      - name: app
        image: example/app:1.4.2
        resources:
          requests:
            cpu: 100m
          limits:
            cpu: "1"
    ```

    ## Fix
    Safe: writes `cpu` under the container's `resources.limits`, with the value of
    `cpu-limit` in `[tool.opslint.defaults]`. Only the missing levels are created
    (`resources:` and `limits:` at the end of the container, or the key at the end of an
    existing `limits`), and an empty value (`cpu: ""`) is filled in. opslint never invents
    numbers: without the setting there is no edit, and the help line names it. Neither is
    there one when the configured limit is below the cpu request the container writes
    (Kubernetes would refuse the pod), nor for a flow-style `resources: {}`.

    ## Variants
    - Pods and every workload with a pod template (Deployment, StatefulSet, DaemonSet,
      ReplicaSet, ReplicationController, Job, CronJob, DeploymentConfig, custom kinds such
      as Argo Rollout) (checkov, trivy): covered.
    - Init containers (checkov, kube-score, trivy; polaris skips them): covered.
    - Ephemeral containers: not covered: Kubernetes does not allow resources on them.
    - Blank values (`cpu: ""`, `cpu:`) (polaris): covered: reported as missing.
    - A zero limit (`cpu: 0`, `"0m"`, `0Mi`), which Kubernetes treats as none (kube-score
      container-resources reads it as unset): covered: reported as missing, and the fix
      replaces the zero.
    - `PodTemplate` objects (checkov): not covered: the model reads no pod spec from them.
    - Helm chart templates, through their render: covered.

    ## References
    - https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
    - https://kubernetes.io/docs/concepts/policy/resource-quotas/
    """
    yield from missing_limit(container, manifest, "cpu", "CPU")
