"""K8102 memory-limit."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.kubernetes import Container

from ._containers import missing_limit
from ._fixes import Manifest


@rule(
    "K8102",
    "memory-limit",
    Severity.WARNING,
    fix="safe",
    defaults={"memory-limit": 'Kubernetes memory limit, e.g. "256Mi"'},
    tags=("reliability",),
    peers=(
        "checkov CKV_K8S_13",
        "kube-linter unset-memory-requirements",
        "kube-score container-resources (partial)",
        "polaris memoryLimitsMissing",
        "trivy KSV-0018",
    ),
)
def memory_limit(container: Container, manifest: Manifest) -> Iterator[Finding]:
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
    Safe: writes `memory` under the container's `resources.limits`, with the value of
    `memory-limit` in `[tool.opslint.defaults]`. Only the missing levels are created
    (`resources:` and `limits:` at the end of the container, or the key at the end of an
    existing `limits`), and an empty value is filled in. opslint never invents numbers:
    without the setting there is no edit, and the help line names it. Neither is there one
    when the configured limit is below the memory request the container writes (Kubernetes
    would refuse the pod), nor for a flow-style `resources: {}`.

    ## References
    - https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
    """
    yield from missing_limit(container, manifest, "memory", "memory")
