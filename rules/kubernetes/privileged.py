"""K8110 privileged."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.kubernetes import Container

from ._containers import container_finding, privileged_value


@rule(
    "K8110",
    "privileged",
    Severity.ERROR,
    tags=("security",),
    security_severity=9.0,
    peers=(
        "checkov CKV_K8S_16",
        "kube-linter privileged-container",
        "kube-score container-security-context-privileged",
        "polaris runAsPrivileged",
        "trivy KSV-0017",
    ),
)
def privileged(container: Container) -> Iterator[Finding]:
    """Containers do not run privileged.

    ## What it does
    Reports `securityContext.privileged: true` on a container, init container or
    ephemeral container, at the value. It owns that value: K8108, which also reads it
    as privilege escalation, steps back where this rule reports the container.

    ## Why it matters
    A privileged container has every capability and every device of the node, and no
    seccomp or AppArmor confinement: it is root on the host in all but name. Anyone who
    controls the process controls the node and every pod on it.

    ## Example
    ```yaml
    containers:
      - name: app
        image: example/app:1.4.2
        securityContext:
          privileged: true
    ```

    ## Use instead
    ```yaml
    containers:
      - name: app
        image: example/app:1.4.2
        securityContext:
          capabilities:
            add: ["NET_ADMIN"]
    ```

    ## Fix
    None: which capabilities the workload really needs is the author's call.

    ## Variants
    - Pods and every workload with a pod template (Deployment, StatefulSet, DaemonSet,
      ReplicaSet, ReplicationController, Job, CronJob, DeploymentConfig, custom kinds such
      as Argo Rollout) (checkov, kube-linter, trivy, kube-score, polaris): covered.
    - Init containers (checkov, kube-linter, kube-score, trivy) and ephemeral containers (no
      peer): covered.
    - `privileged` in the pod's `securityContext` (polaris reads it): not covered: the pod
      security context has no such field; K8123 reports it as unknown.
    - `privileged: "true"` as a string: not covered: the API rejects it; K8123 reports the
      wrong type.
    - Windows `hostProcess: true` (polaris hostProcess): not covered: another concept (a
      Windows host process), not a privileged Linux container.
    - `PodTemplate` objects (checkov): not covered: the model reads no pod spec from them.
    - Helm chart templates, through their render: covered.

    ## References
    - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
    """
    value = privileged_value(container)
    if value is not None:
        yield container_finding(
            container, "runs privileged, with full access to the node", value.span
        )
