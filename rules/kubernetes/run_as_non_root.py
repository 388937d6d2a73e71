"""K8106 run-as-non-root."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Applicability, Finding, Severity, rule
from opslint.model.kubernetes import Container

from ._containers import container_finding
from ._fixes import Manifest, context_fix
from ._pods import setting


@rule(
    "K8106",
    "run-as-non-root",
    Severity.ERROR,
    fix="unsafe",
    tags=("security",),
    security_severity=7.0,
    peers=(
        "checkov CKV_K8S_23",
        "checkov CKV_K8S_40 (partial)",
        "kube-linter run-as-non-root",
        "kube-score container-security-context-user-group-id (partial)",
        "polaris runAsRootAllowed",
        "trivy KSV-0012",
        "trivy KSV-0105 (partial)",
        "trivy KSV-0020 (partial)",
    ),
)
def run_as_non_root(container: Container, manifest: Manifest) -> Iterator[Finding]:
    """Containers are required to run as a non-root user.

    ## What it does
    Works out the effective `runAsNonRoot` and `runAsUser` of each container, init
    container and ephemeral container: a value in the container's `securityContext`
    overrides the pod's. The container passes when `runAsNonRoot` is `true`, or when
    `runAsUser` is a number above 0.

    A container-level `runAsNonRoot: false` and an effective `runAsUser: 0` are reported
    at that value (with `runAsNonRoot: true` the kubelet would refuse to start such a
    container, so it is reported too); a pod-level `runAsNonRoot: false` that no
    non-zero `runAsUser` backs is reported at the pod's value; otherwise the finding sits
    on the container's `- name:` line. Keys written directly
    under the container instead of under `securityContext` have no effect and are ignored.

    ## Why it matters
    Most images default to root. Root in a container is root on the node's kernel: a
    container escape, a writable hostPath or a kernel bug then gives away the node.
    `runAsNonRoot: true` makes the kubelet refuse to start an image that would run as
    root, whatever its Dockerfile says.

    ## Example
    ```yaml
    containers:
      - name: app
        image: example/app:1.4.2
    ```

    ## Use instead
    ```yaml
    securityContext:
      runAsNonRoot: true
      runAsUser: 10001
    containers:
      - name: app
        image: example/app:1.4.2
    ```

    ## Fix
    Unsafe (applied with `--unsafe-fixes`): adds `runAsNonRoot: true` at the end of the
    container's `securityContext` (creating it at the end of the container when missing).
    The kubelet then refuses to start an image that would run as root, instead of running
    it. No edit where root is written on purpose: a `runAsUser: 0` (the container's or the
    pod's, which the new key would contradict) or a `runAsNonRoot: false` (the container's
    or the pod's); nor for a flow-style `securityContext: {}`. The catalog lists this fix as
    safe; it is applied only on request because it can stop a working pod: images such as
    the official nginx, redis and mysql ones run as root or write to their own filesystem,
    and the kubelet then refuses or crashes them.

    ## Variants
    - Pods and every workload with a pod template (Deployment, StatefulSet, DaemonSet,
      ReplicaSet, ReplicationController, Job, CronJob, DeploymentConfig, custom kinds such
      as Argo Rollout) (checkov, kube-linter, trivy, polaris): covered.
    - The pod's `securityContext` inherited by every container, a container's own value
      overriding it (checkov, kube-linter, polaris, trivy): covered.
    - A non-zero `runAsUser` as the alternative to `runAsNonRoot: true` (checkov CKV_K8S_23,
      kube-linter): covered.
    - `runAsUser: 0`, beside `runAsNonRoot: true` as well (trivy KSV-0105): covered, at the
      value.
    - Init containers (checkov, kube-linter, trivy) and ephemeral containers (no peer):
      covered.
    - A user id above 10000 (checkov CKV_K8S_40, trivy KSV-0020, kube-score
      container-security-context-user-group-id): not covered: a policy against collisions
      with host users, not about root.
    - A non-zero `runAsGroup` (kube-linter run-as-non-root): covered by K8128.
    - Windows pods (`spec.os.name: windows`, `windowsOptions.runAsUserName`): not covered:
      reported like Linux pods; no peer exempts them and none is in the corpus.
    - `PodTemplate` objects (checkov): not covered: the model reads no pod spec from them.
    - Helm chart templates, through their render: covered.

    ## References
    - https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
    - https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
    """
    contexts = (container.security_context, container.pod.security_context)
    non_root = next((v for c in contexts if (v := setting(c, "runAsNonRoot")) is not None), None)
    user = next((v for c in contexts if (v := setting(c, "runAsUser")) is not None), None)
    user_id = user.value if user is not None and isinstance(user.value, int) else None
    if isinstance(user_id, bool):
        user_id = None
    own = setting(container.security_context, "runAsNonRoot")
    if own is not None and own.value is False:
        yield container_finding(
            container, "is allowed to run as root (`runAsNonRoot: false`)", own.span
        )
    elif user is not None and user_id == 0:
        yield container_finding(container, "runs as root (`runAsUser: 0`)", user.span)
    elif (non_root is not None and non_root.value is True) or (user_id or 0) > 0:
        return
    elif non_root is not None and non_root.value is False:
        yield container_finding(
            container,
            "is allowed to run as root (`runAsNonRoot: false` in the pod) and sets no "
            "non-zero `runAsUser`",
            non_root.span,
        )
    else:
        yield container_finding(
            container,
            "may run as root: set `runAsNonRoot: true` or a non-zero `runAsUser` in its "
            "securityContext",
            fix=context_fix(container, manifest, "runAsNonRoot", True, Applicability.UNSAFE),
        )
