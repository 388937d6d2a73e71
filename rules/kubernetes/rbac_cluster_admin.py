"""K8118 rbac-cluster-admin."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.base import Span
from opslint.model.kubernetes import K8sObject
from opslint.model.yamltree import YMap, text_span

BINDING_KINDS = frozenset({"RoleBinding", "ClusterRoleBinding"})
EVERYONE = frozenset({"system:authenticated", "system:unauthenticated", "system:anonymous"})
"""Groups and users that stand for every client (or every anonymous one)."""


def _grantee(subject: YMap, binding: K8sObject) -> str | None:
    """Who a subject is, when it is one this rule reports; None for human users and groups."""
    kind = subject.string("kind") or ""
    name = (subject.string("name") or "").strip()
    if kind == "ServiceAccount":
        namespace = subject.string("namespace") or binding.namespace
        return f"service account `{namespace}/{name}`" if namespace else f"service account `{name}`"
    if kind == "Group" and (
        name == "system:serviceaccounts" or name.startswith("system:serviceaccounts:")
    ):
        return f"every service account of group `{name}`"
    if kind in ("Group", "User") and name in EVERYONE:
        return f"`{name}`"
    return None


def _span(subject: YMap) -> Span:
    name = subject.scalar("name")
    if name is not None and name.value is not None:
        return text_span(name)
    return subject.span.start()


@rule(
    "K8118",
    "rbac-cluster-admin",
    Severity.ERROR,
    tags=("security", "rbac"),
    security_severity=9.0,
    peers=(
        "kube-linter cluster-admin-role-binding (partial)",
        "polaris clusterrolebindingClusterAdmin (partial)",
        "polaris rolebindingClusterAdminClusterRole (partial)",
        "trivy KSV-0111 (partial)",
    ),
)
def rbac_cluster_admin(binding: K8sObject) -> Iterator[Finding]:
    """No binding grants `cluster-admin` to a service account.

    ## What it does
    Checks RoleBindings and ClusterRoleBindings whose `roleRef` is the ClusterRole
    `cluster-admin`, and reports each subject that is a workload identity, at the
    subject's `name`: a ServiceAccount, the groups of all service accounts
    (`system:serviceaccounts`, `system:serviceaccounts:<namespace>`), and the groups or
    users that stand for every client (`system:authenticated`, `system:unauthenticated`,
    `system:anonymous`). A RoleBinding to `cluster-admin` is reported too: it makes the
    account owner of everything in the namespace, secrets and RBAC included.

    Human users and groups (`User: alice@example.com`, `Group: platform-admins`) are not
    reported: granting administrators admin rights is an organisational decision, and
    `system:masters` bypasses RBAC whatever is bound to it.

    ## Why it matters
    A token of such an account is the keys to the cluster: every pod that runs as it,
    every CI job that holds its token, and anyone who can exec into those pods can read
    every secret and create privileged pods on any node. Service accounts should get
    a Role with the verbs and resources the workload uses.

    ## Example
    ```yaml
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRoleBinding
    metadata:
      name: deployer
    roleRef:
      apiGroup: rbac.authorization.k8s.io
      kind: ClusterRole
      name: cluster-admin
    subjects:
      - kind: ServiceAccount
        name: deployer
        namespace: ci
    ```

    ## Use instead
    ```yaml
    apiVersion: rbac.authorization.k8s.io/v1
    kind: RoleBinding
    metadata:
      name: deployer
      namespace: shop
    roleRef:
      apiGroup: rbac.authorization.k8s.io
      kind: Role
      name: deployer
    subjects:
      - kind: ServiceAccount
        name: deployer
        namespace: ci
    ```

    ## Fix
    None: which permissions the account needs is for its owner to work out.

    ## Variants
    - ClusterRoleBindings to `cluster-admin` (kube-linter cluster-admin-role-binding,
      polaris clusterrolebindingClusterAdmin, trivy KSV-0111): covered for workload
      identities and every-client groups.
    - RoleBindings to the ClusterRole `cluster-admin` (polaris
      rolebindingClusterAdminClusterRole): covered.
    - Human users and groups as subjects (kube-linter, polaris and trivy report every
      subject): not covered: see above.
    - Bindings to `admin` and `edit` (trivy KSV-0111): not covered: they are the
      namespace-scoped roles Kubernetes ships for granting in a namespace.
    - A namespaced Role that is named `cluster-admin` (polaris rolebindingClusterAdminRole):
      not covered: such a Role grants what it lists, which K8119 judges.
    - Helm chart templates, through their render: covered.

    ## References
    - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles
    - https://kubernetes.io/docs/concepts/security/rbac-good-practices/
    """
    if binding.kind not in BINDING_KINDS:
        return
    role = binding.node.map("roleRef")
    if role is None or role.string("kind") != "ClusterRole":
        return
    if (role.string("name") or "").strip() != "cluster-admin":
        return
    subjects = binding.node.seq("subjects")
    if subjects is None:
        return
    scope = (
        "over the whole cluster"
        if binding.kind == "ClusterRoleBinding"
        else f"in namespace `{binding.namespace or 'default'}`"
    )
    for subject in subjects.maps():
        grantee = _grantee(subject, binding)
        if grantee is not None:
            yield Finding(
                _span(subject),
                f"`{binding.kind}/{binding.name}` grants `cluster-admin` {scope} to {grantee}: "
                "bind a narrower role",
                logical=binding.logical,
            )
