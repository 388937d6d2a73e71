"""K8129 automount-token."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.indexes.kubernetes import K8sIndex
from opslint.model.kubernetes import PodSpec

from ._fixes import Manifest, pod_fix
from ._pods import account_name, setting

KEY = "automountServiceAccountToken"


@rule(
    "K8129",
    "automount-token",
    Severity.INFO,
    fix="safe",
    tags=("security",),
    security_severity=3.0,
    peers=(
        "checkov CKV_K8S_38",
        "checkov CKV_K8S_41 (partial)",
        "polaris automountServiceAccountToken",
        "trivy KSV-0036 (partial)",
    ),
)
def automount_token(pod: PodSpec, manifest: Manifest, index: K8sIndex) -> Iterator[Finding]:
    """Pods that do not talk to the Kubernetes API do not mount a service account token.

    ## What it does
    Reports a pod spec (a Pod, or the pod template of any workload) that does not write
    `automountServiceAccountToken`, at the `spec:` key that holds the pod spec (a Pod's
    `spec:`, the `spec:` under a workload's `template:`), where the missing key belongs,
    unless its ServiceAccount writes it: the account named by `serviceAccountName` (or
    `default`), found among the scanned manifests and rendered Helm charts, in the pod's
    namespace.

    Whether a pod talks to the API cannot be seen in a manifest, so every pod that
    leaves the setting to the cluster default (mount) is reported, as advice. Writing
    the setting either way is the answer: `false` for the many pods that never call
    the API, `true` on the pod (or its account) to record that it does. That explicit
    `true` is not reported.

    It owns a pod spec that writes neither key: K8113 (no dedicated service account)
    steps back where this rule reports the same place, since `false` answers both.

    ## Why it matters
    By default every pod gets a token for its service account mounted at
    `/var/run/secrets/kubernetes.io/serviceaccount`. For a pod that never calls the
    API the token is pure risk: anyone who gets code execution or a file read in the
    pod can use it against the API server, with whatever RBAC the account has (and
    the `default` account often gains rights over time).

    ## Example
    ```yaml
    spec:
      containers:
        - name: app
          image: example/app:1.4.2
    ```

    ## Use instead
    ```yaml
    spec:
      automountServiceAccountToken: false
      containers:
        - name: app
          image: example/app:1.4.2
    ```

    ## Fix
    Safe: adds `automountServiceAccountToken: false` to the pod spec, right after its
    `serviceAccountName` when one is written, else as the spec's first key. A pod that does
    call the API then fails its first request, so review pods that use a client library
    (and write `true` for them instead). A key written with no value, and a flow-style
    spec, get no edit.

    ## Variants
    - `automountServiceAccountToken` on the pod spec (checkov CKV_K8S_38, polaris): covered.
    - On the pod's ServiceAccount (checkov CKV_K8S_41, polaris): covered: an account in view
      that writes it settles the pod.
    - An explicit `automountServiceAccountToken: true` (trivy KSV-0036): not covered: it
      records that the pod calls the API (see above). Trivy's other case, the setting left
      out while a container mounts the token path, is covered: every pod that leaves the
      setting out is reported.
    - Pods and every workload with a pod template (Deployment, StatefulSet, DaemonSet,
      ReplicaSet, ReplicationController, Job, CronJob, DeploymentConfig, custom kinds such
      as Argo Rollout) (checkov, polaris): covered.
    - `PodTemplate` objects (checkov): not covered: the model reads no pod spec from them.
    - Helm chart templates, through their render: covered.

    ## References
    - https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting
    - https://kubernetes.io/docs/concepts/security/service-accounts/
    """
    if setting(pod.node, KEY) is not None:
        return
    written = account_name(pod)
    name = written.text.strip() if written is not None else "default"
    if _written_by_account(index, name, pod.owner.namespace):
        return
    yield Finding(
        pod.span,
        f"`{pod.owner.kind}/{pod.owner.name}` mounts a token for service account `{name}`: "
        f"set `{KEY}: false`",
        fix=pod_fix(pod, manifest, KEY, False),
        logical=pod.logical,
        help="keep the token only where the pod calls the Kubernetes API",
    )


def _written_by_account(index: K8sIndex, name: str, namespace: str | None) -> bool:
    """True when a ServiceAccount `name` of the run in the pod's namespace (see
    `same_namespace`) writes the key. The namespaces of the accounts that write it are
    gathered once per run, by name (None: an account that names none)."""

    def gather() -> dict[str, set[str | None]]:
        found: dict[str, set[str | None]] = {}
        for accounts in index.accounts.values():
            for account in accounts:
                if setting(account.node, KEY) is not None:
                    found.setdefault(account.name, set()).add(account.namespace)
        return found

    namespaces = index.derived("accounts writing " + KEY, gather).get(name)
    if not namespaces:
        return False
    return namespace is None or None in namespaces or namespace in namespaces
