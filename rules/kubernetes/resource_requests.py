"""K8101 resource-requests."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.kubernetes import Container
from opslint.model.yamltree import YMap, YScalar


def has_quantity(section: YMap | None, resource: str) -> bool:
    """True when `section` (`requests` or `limits`) gives a value for `resource`."""
    value = section.get(resource) if section is not None else None
    return isinstance(value, YScalar) and value.value is not None and value.text.strip() != ""


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
    if container.role == "ephemeralContainer":
        return
    requests = container.resources.map("requests") if container.resources is not None else None
    missing = [r for r in ("cpu", "memory") if not has_quantity(requests, r)]
    if missing:
        yield Finding(
            container.span,
            f"container `{container.name}` requests no {' or '.join(missing)}",
            logical=container.logical,
        )
