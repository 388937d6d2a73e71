"""K8108 no-privilege-escalation."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.kubernetes import Container

from ._containers import container_finding, flag_findings, privileged_value
from ._fixes import Manifest, context_fix
from ._pods import runs_on_windows


@rule(
    "K8108",
    "no-privilege-escalation",
    Severity.WARNING,
    fix="safe",
    tags=("security",),
    security_severity=6.0,
    peers=(
        "checkov CKV_K8S_20",
        "kube-linter privilege-escalation-container (partial)",
        "polaris privilegeEscalationAllowed",
        "trivy KSV-0001",
    ),
    yields_to=("K8110",),
    yields_within="object",
)
def no_privilege_escalation(container: Container, manifest: Manifest) -> Iterator[Finding]:
    """Containers forbid privilege escalation.

    ## What it does
    Reports each container, init container and ephemeral container whose
    `securityContext` does not set `allowPrivilegeEscalation: false`: at the value when it
    is `true`, else at the container's `- name:` line. A privileged container always
    escalates, whatever the setting says, so `privileged: true` is reported at that value.

    Steps back where K8110 reports the same container: privileged is the problem there,
    the escalation only follows from it, and dropping `privileged: true` is the change
    that answers both (Kubernetes rejects `allowPrivilegeEscalation: false` beside it).
    With K8110 not enabled, this rule reports the privileged container itself.

    Policy difference: kube-linter's privilege-escalation-container only reports an
    explicit `allowPrivilegeEscalation: true` (or privileged / `SYS_ADMIN`); opslint also
    reports the setting left out, because the Kubernetes default is to allow escalation.

    Windows pods (`os.name: windows`, or a `nodeSelector` on `kubernetes.io/os: windows`)
    are not checked: `allowPrivilegeEscalation` is a Linux setting, and the API refuses it beside
    `os.name: windows`.

    ## Why it matters
    With escalation allowed, a process can gain more privileges than its parent through
    setuid binaries (`sudo`, `su`, `ping` on older images) or file capabilities: a
    compromised non-root process becomes root inside the container.

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
        securityContext:
          allowPrivilegeEscalation: false
    ```

    ## Fix
    Safe: adds `allowPrivilegeEscalation: false` at the end of the container's
    `securityContext` (creating it at the end of the container when missing), or gives
    the key `false` where it holds no boolean. An explicit `allowPrivilegeEscalation:
    true` is the author's decision and gets no edit; neither does a privileged container
    (K8110) or a flow-style `securityContext: {}`.

    ## Variants
    - Pods and every workload with a pod template (Deployment, StatefulSet, DaemonSet,
      ReplicaSet, ReplicationController, Job, CronJob, DeploymentConfig, custom kinds such
      as Argo Rollout) (checkov, kube-linter, trivy, polaris): covered.
    - `allowPrivilegeEscalation: true` and the key left out (checkov CKV_K8S_20, polaris,
      trivy KSV-0001; kube-linter reports only `true`): covered.
    - `privileged: true`, which always escalates (kube-linter): covered; K8110 owns that
      value and this rule steps back where it reports.
    - `CAP_SYS_ADMIN` added (kube-linter): covered: the API refuses
      `allowPrivilegeEscalation: false` beside it, so such a container is reported for the
      missing setting.
    - `SYS_ADMIN` added (the spelling the API does not check) beside
      `allowPrivilegeEscalation: false` (kube-linter): not covered: the kubelet still sets
      no_new_privs, so nothing escalates through setuid binaries; the added capability
      itself (trivy KSV-0005, KSV-0022) is another concept, which no opslint rule owns yet.
    - Init containers (checkov, kube-linter, trivy) and ephemeral containers (no peer):
      covered.
    - Windows pods (`os.name: windows`, or a `nodeSelector` on `kubernetes.io/os: windows`;
      the Pod Security Standards waive Linux-only controls for them, no peer does): covered:
      not reported, since `allowPrivilegeEscalation` does not apply there.
    - `PodTemplate` objects (checkov): not covered: the model reads no pod spec from them.
    - Helm chart templates, through their render: covered.

    ## References
    - https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
    - https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
    """
    if runs_on_windows(container.pod):
        return
    privileged = privileged_value(container)
    if privileged is not None:
        yield container_finding(
            container, "is privileged, which always allows privilege escalation", privileged.span
        )
        return
    yield from flag_findings(
        container,
        "allowPrivilegeEscalation",
        False,
        wrong="allows privilege escalation",
        missing="does not set `allowPrivilegeEscalation: false`",
        fix=lambda: context_fix(container, manifest, "allowPrivilegeEscalation", False),
    )
