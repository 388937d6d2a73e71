"""K8102 memory-limit."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.kubernetes import Container
from opslint.model.yamltree import YMap, YScalar


def _has_memory(limits: YMap | None) -> bool:
    value = limits.get("memory") if limits is not None else None
    return isinstance(value, YScalar) and value.value is not None and value.text.strip() != ""


@rule(
    "K8102",
    "memory-limit",
    Severity.WARNING,
    fix="safe",
    tags=("reliability",),
    peers=(
        "checkov CKV_K8S_13",
        "kube-linter unset-memory-requirements",
        "kube-score container-resources (partial)",
        "polaris memoryLimitsMissing",
        "trivy KSV-0018",
    ),
)
def memory_limit(container: Container) -> Iterator[Finding]:
    """Every container has a memory limit.

    ## What it does
    Reports a container or init container without `resources.limits.memory`, at the
    container's `- name:` line. Ephemeral (debug) containers are skipped: Kubernetes does
    not allow resources on them. CPU limits are a separate, contested rule (K8130).

    ## Why it matters
    Memory is not compressible: a leaking container without a limit grows until the node
    runs out, and the kernel then kills whatever it picks, often a neighbour. With a
    limit only the culprit is killed and restarted.

    ## Example
    ```yaml
    containers:
      - name: app
        image: example/app:1.4.2
        resources:
          requests:
            memory: 128Mi
    ```

    ## Use instead
    ```yaml
    containers:
      - name: app
        image: example/app:1.4.2
        resources:
          requests:
            memory: 128Mi
          limits:
            memory: 256Mi
    ```

    ## Fix
    Safe, and only with `[tool.opslint.defaults]` giving the value: opslint never invents
    numbers.

    ## References
    - https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
    """
    if container.role == "ephemeralContainer":
        return
    limits = container.resources.map("limits") if container.resources is not None else None
    if not _has_memory(limits):
        yield Finding(
            container.span,
            f"container `{container.name}` has no memory limit",
            logical=container.logical,
        )
