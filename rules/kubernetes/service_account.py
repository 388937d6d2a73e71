"""K8113 service-account."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.kubernetes import PodSpec
from opslint.model.yamltree import text_span

from ._pods import account_name, setting


@rule(
    "K8113",
    "service-account",
    Severity.WARNING,
    tags=("security",),
    security_severity=4.0,
    peers=("kube-linter default-service-account",),
    yields_to=("K8129",),
    yields_within="start",
)
def service_account(pod: PodSpec) -> Iterator[Finding]:
    """Pods run under a service account of their own, not `default`.

    ## What it does
    Reports a pod spec (a Pod, or the pod template of any workload, Jobs and CronJobs
    included: their pods get the same token) that names no `serviceAccountName`, at the
    `spec:` key that holds the pod spec (a Pod's `spec:`, the `spec:` under a workload's
    `template:`), where the missing key belongs; or that names `default`, at the value.
    The deprecated `serviceAccount` alias counts when `serviceAccountName` is not written.

    A pod that sets `automountServiceAccountToken: false` passes either way: it holds no
    API credential, so the shared account grants it nothing. (K8129 is the rule about
    the token itself.)

    Steps back where K8129 reports the same pod spec at the same position: a pod that
    writes neither key is one problem, and K8129's fix (`automountServiceAccountToken:
    false`) answers both rules, while a dedicated account still leaves K8129 to report.
    A pod that names `default` is reported at that value, which is this rule's alone.
    With K8129 not enabled, or where it does not report (the account writes the
    setting), this rule reports the pod spec.

    ## Why it matters
    Every pod of a namespace that names no account runs as `default`. Any permission
    granted to `default` for one workload (a RoleBinding added while debugging, a cloud
    workload-identity annotation) is then granted to all of them, and audit logs cannot
    tell the workloads apart. A dedicated account per workload keeps RBAC grants
    least-privilege and attributable.

    ## Example
    ```yaml
    spec:
      template:
        spec:
          containers:
            - name: app
              image: example/app:1.4.2
    ```

    ## Use instead
    ```yaml
    spec:
      template:
        spec:
          serviceAccountName: app
          containers:
            - name: app
              image: example/app:1.4.2
    ```

    ## Fix
    None: the account has to exist (a ServiceAccount object, with its RBAC bindings)
    before pods can use it.

    ## Variants
    - No `serviceAccountName`, an empty one, or `default` (kube-linter
      default-service-account, whose pattern is `^(|default)$`): covered.
    - The deprecated `serviceAccount` alias: covered: it names the account when
      `serviceAccountName` is not written. Reporting the alias itself (kube-linter
      deprecated-service-account) is not covered: a deprecation, not this rule's concept.
    - A pod with `automountServiceAccountToken: false` (kube-linter reports it): not
      covered: it holds no API credential, so the shared account grants it nothing.
    - Pods and every workload with a pod template (Deployment, StatefulSet, DaemonSet,
      ReplicaSet, ReplicationController, Job, CronJob, DeploymentConfig, custom kinds such
      as Argo Rollout) (kube-linter): covered.
    - `PodTemplate` objects (checkov): not covered: the model reads no pod spec from them.
    - Helm chart templates, through their render: covered.

    ## References
    - https://kubernetes.io/docs/concepts/security/service-accounts/
    - https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/
    """
    token = setting(pod.node, "automountServiceAccountToken")
    if token is not None and token.value is False:
        return
    name = account_name(pod)
    owner = f"`{pod.owner.kind}/{pod.owner.name}`"
    if name is None:
        yield Finding(
            pod.span,
            f"{owner} runs as the namespace's `default` service account: "
            "set a dedicated `serviceAccountName`",
            logical=pod.logical,
        )
    elif name.text.strip() == "default":
        yield Finding(
            text_span(name),
            f"{owner} runs as the namespace's `default` service account: use a dedicated one",
            logical=pod.logical,
        )
