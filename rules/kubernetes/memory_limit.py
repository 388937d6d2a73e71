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
    container's `- name:` line. A zero limit (`memory: 0`) sets no limit and counts as
    missing. Ephemeral (debug) containers are skipped: Kubernetes does not allow
    resources on them. CPU limits are a separate, contested rule (K8130).

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

    ## Variants
    - Pods and every workload with a pod template (Deployment, StatefulSet, DaemonSet,
      ReplicaSet, ReplicationController, Job, CronJob, DeploymentConfig, custom kinds such
      as Argo Rollout) (checkov, kube-linter, trivy): covered.
    - Init containers (checkov, kube-linter, kube-score, trivy; polaris skips them):
      covered.
    - Ephemeral containers: not covered: Kubernetes does not allow resources on them.
    - Blank values (`memory: ""`, `memory:`) (polaris): covered: reported as missing.
    - A zero limit (`memory: 0`, `"0m"`, `0Mi`), which Kubernetes treats as none
      (kube-linter unset-memory-requirements, kube-score container-resources): covered:
      reported as missing, and the fix replaces the zero.
    - A limit equal to the request (kube-score container-resources): not covered: kube-score
      asks for it to get the Guaranteed class, which is a capacity policy, not a missing
      limit.
    - Bounds on the limit (kube-linter's `lowerBoundMB`/`upperBoundMB` parameters): not
      covered: the right size depends on the workload.
    - `PodTemplate` objects (checkov): not covered: the model reads no pod spec from them.
    - Helm chart templates, through their render: covered.

    ## References
    - https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
    """
    yield from missing_limit(container, manifest, "memory", "memory")
