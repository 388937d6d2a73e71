"""K8119 rbac-wildcards."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.kubernetes import K8sObject
from opslint.model.yamltree import text_span

ROLE_KINDS = frozenset({"Role", "ClusterRole"})
METRICS_GROUPS = frozenset({"metrics.k8s.io", "custom.metrics.k8s.io", "external.metrics.k8s.io"})
"""Read-only aggregated APIs whose resources are metric names, unknown in advance."""
_FIELDS = (("verbs", "every verb"), ("resources", "every resource"))


@rule(
    "K8119",
    "rbac-wildcards",
    Severity.WARNING,
    tags=("security", "rbac"),
    security_severity=6.0,
    peers=(
        "checkov CKV_K8S_49",
        "kube-linter wildcard-in-rules",
        "trivy KSV-0044 (partial)",
        "trivy KSV-0045 (partial)",
        "trivy KSV-0046 (partial)",
        "trivy KSV-0112 (partial)",
    ),
)
def rbac_wildcards(role: K8sObject) -> Iterator[Finding]:
    """Roles name the verbs and resources they grant instead of `*`.

    ## What it does
    Reports each `*` in the `verbs` or `resources` of a Role's or ClusterRole's `rules`,
    at the `*` item. A resource written with a wildcard part counts too: `pods/*` grants
    every subresource of pods (`exec`, `attach`, `portforward`), `*/scale` the scale
    subresource of every kind.

    Not reported: `apiGroups: ["*"]` with named verbs and resources (it widens a rule
    to same-named resources of other API groups, rarely more), and `nonResourceURLs`
    patterns such as `/metrics/*`. Aggregated ClusterRoles get their rules from the
    controller and have none written, so they pass. Rules whose `apiGroups` are only
    the metrics APIs (`metrics.k8s.io`, `custom.metrics.k8s.io`,
    `external.metrics.k8s.io`) pass too: those APIs are read-only whatever the verbs say,
    and their resources are metric names that cannot be listed in advance (metrics
    adapters grant `*` there by design; kube-linter and checkov report it).

    ## Why it matters
    A wildcard grants everything that exists now and everything added later: `verbs:
    ["*"]` includes `escalate`, `bind` and `impersonate`, `resources: ["*"]` includes
    secrets, and both grow with every CustomResourceDefinition installed. A role that
    lists what the workload uses stays least-privilege as the cluster changes.

    ## Example
    ```yaml
    apiVersion: rbac.authorization.k8s.io/v1
    kind: Role
    metadata:
      name: reader
    rules:
      - apiGroups: [""]
        resources: ["*"]
        verbs: ["*"]
    ```

    ## Use instead
    ```yaml
    apiVersion: rbac.authorization.k8s.io/v1
    kind: Role
    metadata:
      name: reader
    rules:
      - apiGroups: [""]
        resources: ["pods", "configmaps"]
        verbs: ["get", "list", "watch"]
    ```

    ## Fix
    None: which verbs and resources the workload uses is for its owner to list.

    ## Variants
    - `*` in `verbs` and in `resources` (checkov CKV_K8S_49, kube-linter wildcard-in-rules,
      trivy KSV-0044 and KSV-0046): covered, each at its item.
    - Every rule of the role (checkov reads only the first): covered.
    - Wildcard subresources (`pods/*`, `*/scale`) (no peer): covered.
    - `*` in `apiGroups` (checkov): not covered: see above.
    - `nonResourceURLs` patterns (no peer): not covered: see above.
    - Roles and ClusterRoles (checkov, kube-linter, trivy): covered; aggregated ClusterRoles
      have no rules written and pass.
    - Helm chart templates, through their render: covered.

    ## References
    - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#role-and-clusterrole
    - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#minimize-permissions
    """
    if role.kind not in ROLE_KINDS:
        return
    rules = role.node.seq("rules")
    if rules is None:
        return
    for index, entry in enumerate(rules.maps()):
        groups = entry.seq("apiGroups")
        names = {item.text.strip() for item in groups.scalars()} if groups is not None else set()
        if names and names <= METRICS_GROUPS:
            continue
        for key, meaning in _FIELDS:
            values = entry.seq(key)
            if values is None:
                continue
            for item in values.scalars():
                text = item.text.strip()
                if "*" not in text:
                    continue
                grant = meaning if text == "*" else f"`{text}`"
                yield Finding(
                    text_span(item),
                    f"`{role.kind}/{role.name}` grants {grant} through a wildcard in rule "
                    f"{index + 1}: list the {key} it needs",
                    logical=role.logical,
                )
