"""K8128 non-root-group."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.kubernetes import PodSpec

from ._containers import container_finding
from ._pods import integer, setting


@rule(
    "K8128",
    "non-root-group",
    Severity.WARNING,
    tags=("security",),
    security_severity=5.0,
    peers=(
        "kube-linter run-as-non-root (partial)",
        "kube-score container-security-context-user-group-id (partial)",
        "trivy KSV-0116",
        "trivy KSV-0021 (partial)",
    ),
)
def non_root_group(pod: PodSpec) -> Iterator[Finding]:
    """Pods and containers do not run with the root group.

    ## What it does
    Reports group id 0 written in a securityContext, at the value: `runAsGroup: 0` on
    the pod or on a container (init and ephemeral containers included), `fsGroup: 0`
    and a `0` in `supplementalGroups` on the pod. A pod-level `runAsGroup: 0` that
    every container overrides has no effect and is not reported.

    A group that is not written is not reported: the process then runs with the image's
    group (usually the user's primary group), which this manifest cannot see, and
    K8106 already requires a non-root user.

    ## Why it matters
    Group 0 owns much of a typical image's filesystem and, on the node, many files
    that matter (`/etc/shadow` on some distributions, runtime sockets, device nodes).
    A process in the root group reads or writes whatever those permissions grant the
    group, both in the container and through any hostPath or shared volume; `fsGroup:
    0` makes every mounted volume root-group owned.

    ## Example
    ```yaml
    securityContext:
      runAsUser: 10001
      runAsGroup: 0
    ```

    ## Use instead
    ```yaml
    securityContext:
      runAsUser: 10001
      runAsGroup: 10001
      fsGroup: 10001
    ```

    ## Fix
    None: the group the application's files belong to is the author's choice.

    ## Variants
    - `runAsGroup: 0` on the pod or a container (kube-linter run-as-non-root, kube-score
      container-security-context-user-group-id, trivy KSV-0116): covered.
    - `fsGroup: 0` and a `0` in `supplementalGroups` (trivy KSV-0116): covered.
    - A group id up to 10000 (trivy KSV-0021, kube-score): not covered: a policy against
      collisions with host groups, not about root.
    - A group left unwritten (kube-linter asks for one): not covered: see above.
    - Pods and every workload with a pod template (Deployment, StatefulSet, DaemonSet,
      ReplicaSet, ReplicationController, Job, CronJob, DeploymentConfig, custom kinds such
      as Argo Rollout) (kube-linter, trivy): covered.
    - `PodTemplate` objects (checkov): not covered: the model reads no pod spec from them.
    - Helm chart templates, through their render: covered.

    ## References
    - https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
    - https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#security-context
    """
    owner = f"`{pod.owner.kind}/{pod.owner.name}`"
    context = pod.security_context
    containers = list(pod.all_containers())
    group = setting(context, "runAsGroup")
    inherited = not containers or any(
        setting(c.security_context, "runAsGroup") is None for c in containers
    )
    if group is not None and integer(group) == 0 and inherited:
        yield Finding(
            group.span,
            f"{owner} runs its containers with the root group (`runAsGroup: 0`)",
            logical=pod.logical,
        )
    fs_group = setting(context, "fsGroup")
    if fs_group is not None and integer(fs_group) == 0:
        yield Finding(
            fs_group.span,
            f"{owner} makes its volumes owned by the root group (`fsGroup: 0`)",
            logical=pod.logical,
        )
    supplemental = context.seq("supplementalGroups") if context is not None else None
    for item in supplemental.scalars() if supplemental is not None else ():
        if integer(item) == 0:
            yield Finding(
                item.span,
                f"{owner} adds the root group to its containers (`supplementalGroups`)",
                logical=pod.logical,
            )
    for container in containers:
        own = setting(container.security_context, "runAsGroup")
        if own is not None and integer(own) == 0:
            yield container_finding(
                container, "runs with the root group (`runAsGroup: 0`)", own.span
            )
