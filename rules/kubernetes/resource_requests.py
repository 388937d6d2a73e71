"""K8101 resource-requests."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.kubernetes import Container

from ._containers import container_finding, missing_resources
from ._fixes import Manifest, resources_fix


@rule(
    "K8101",
    "resource-requests",
    Severity.WARNING,
    fix="safe",
    defaults={
        "cpu-request": 'Kubernetes cpu request, e.g. "100m"',
        "memory-request": 'Kubernetes memory request, e.g. "128Mi"',
    },
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
def resource_requests(container: Container, manifest: Manifest) -> Iterator[Finding]:
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
    Safe: writes the missing `cpu` and `memory` under the container's `resources.requests`.
    A resource whose limit is written gets that limit as its request, which is the
    request Kubernetes already uses when none is written, so nothing changes; the others
    get `cpu-request` and `memory-request` from `[tool.opslint.defaults]`. Only the missing
    levels are created (`resources:` at the end of the container, `requests:` as the first
    key of an existing `resources`, or the keys at the end of an existing `requests`), and
    an empty value (`cpu: ""`) is filled in. opslint never invents numbers: where a needed
    setting is absent there is no edit, and the help line names it. A flow-style
    `resources: {}` gets no edit.

    ## References
    - https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
    """
    missing = missing_resources(container, "requests", ("cpu", "memory"))
    if missing:
        keys = {name: f"{name}-request" for name in missing}
        fix, help = resources_fix(container, manifest, "requests", keys)
        yield container_finding(
            container, f"requests no {' or '.join(missing)}", fix=fix, help=help
        )
