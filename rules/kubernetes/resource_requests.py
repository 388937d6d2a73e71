"""K8101 resource-requests."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.kubernetes import Container

from ._containers import container_finding, missing_resources


@rule(
    "K8101",
    "resource-requests",
    Severity.WARNING,
    fix="safe",
    tags=("reliability",),
    peers=(
        "checkov CKV_K8S_10",
        "checkov CKV_K8S_12",
        "kube-linter unset-cpu-requirements (partial)",
        "kube-score container-resources (partial)",
        "polaris cpuRequestsMissing",
        "polaris memoryRequestsMissing",
        "trivy KSV-0015",
        "trivy KSV-0016",
    ),
)
def resource_requests(container: Container) -> Iterator[Finding]:
    """Every container requests the CPU and memory it needs.

    ## What it does
    Reports a container or init container whose `resources.requests` lacks `cpu` or
    `memory`, at the container's `- name:` line. Ephemeral (debug) containers are
    skipped: Kubernetes does not allow resources on them.

    ## Why it matters
    The scheduler places pods by their requests. A container without them is scheduled
    as if it needed nothing, lands on a full node, and is the first evicted under
    pressure (BestEffort class); the cluster autoscaler cannot size nodes for it.

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
        resources:
          requests:
            cpu: 100m
            memory: 128Mi
    ```

    ## Fix
    Safe, and only with `[tool.opslint.defaults]` giving the values: opslint never invents
    numbers.

    ## References
    - https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
    """
    missing = missing_resources(container, "requests", ("cpu", "memory"))
    if missing:
        yield container_finding(container, f"requests no {' or '.join(missing)}")
