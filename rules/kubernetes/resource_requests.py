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
    `memory`, at the container's `- name:` line. A zero request (`cpu: 0`, `memory: 0Mi`)
    is none to the scheduler and counts as missing. A resource whose limit is written is
    not reported: Kubernetes copies the limit into the missing request, so the pod is
    scheduled by it. Ephemeral (debug) containers are skipped: Kubernetes does not allow
    resources on them.

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
    Safe: writes the missing `cpu` and `memory` under the container's `resources.requests`,
    from `cpu-request` and `memory-request` in `[tool.opslint.defaults]`. Only the missing
    levels are created (`resources:` at the end of the container, `requests:` as the first
    key of an existing `resources`, or the keys at the end of an existing `requests`), and
    an empty value (`cpu: ""`) is filled in. opslint never invents numbers: where a needed
    setting is absent there is no edit, and the help line names it. A flow-style
    `resources: {}` gets no edit.

    ## Variants
    - Pods and every workload with a pod template (Deployment, StatefulSet, DaemonSet,
      ReplicaSet, ReplicationController, Job, CronJob, DeploymentConfig, custom kinds such
      as Argo Rollout) (checkov, kube-linter, trivy): covered.
    - `cpu` and `memory` requests, each named in the message (checkov CKV_K8S_10 and
      CKV_K8S_12, polaris cpuRequestsMissing and memoryRequestsMissing, trivy KSV-0015 and
      KSV-0016): covered.
    - Init containers (checkov, kube-linter, kube-score, trivy; polaris skips them):
      covered: the scheduler sizes a pod by its largest init container request too.
    - Ephemeral containers: not covered: Kubernetes does not allow resources on them.
    - Blank values (`cpu: ""`, `cpu:`) (polaris): covered: reported as missing.
    - A zero request (`cpu: 0`, `"0m"`, `0Mi`), which Kubernetes treats as none (kube-linter
      unset-cpu-requirements and unset-memory-requirements, kube-score container-resources):
      covered: reported as missing, and the fix replaces the zero.
    - A request left to the limit, which Kubernetes copies into it (checkov, polaris and
      trivy report it): not reported, by design: the pod is scheduled by the limit, and
      writing the same value as the request would change nothing at run time.
    - Bounds on the requested amount (kube-linter's `lowerBoundMillis`/`upperBoundMillis`
      parameters): not covered: the right size depends on the workload.
    - `ephemeral-storage` requests (kube-score
      container-ephemeral-storage-request-and-limit): not covered: local scratch space is
      optional for most workloads and the scheduler does not need it to place a pod.
    - `PodTemplate` objects (checkov): not covered: the model reads no pod spec from them.
    - Helm chart templates, through their render: covered.

    ## References
    - https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
    """
    unrequested = missing_resources(container, "requests", ("cpu", "memory"))
    # a resource whose limit is written is requested at that limit (Kubernetes copies it)
    missing = missing_resources(container, "limits", tuple(unrequested))
    if missing:
        keys = {name: f"{name}-request" for name in missing}
        fix, help = resources_fix(container, manifest, "requests", keys)
        yield container_finding(
            container, f"requests no {' or '.join(missing)}", fix=fix, help=help
        )
