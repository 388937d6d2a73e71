"""K8117 default-deny-network-policy."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from opslint import Edit, Finding, Fix, Severity, Span, rule
from opslint.indexes.kubernetes import K8sIndex
from opslint.model.kubernetes import K8sObject, KubernetesFile
from opslint.model.yamltree import YMap, YScalar, YSeq
from opslint.views import Files

from ._cross import kind_anchor, label_requirements


def is_default_deny(policy: K8sObject) -> bool:
    """True for a NetworkPolicy that isolates every pod of its namespace for ingress: an
    empty `podSelector`, `Ingress` among its policy types, and no ingress rule that admits
    every source."""
    if policy.kind != "NetworkPolicy":
        return False
    spec = policy.node.map("spec")
    if spec is None:
        return False
    selector = spec.get("podSelector")
    if isinstance(selector, YMap):
        if label_requirements(selector) != []:
            return False
    elif not (selector is None or (isinstance(selector, YScalar) and selector.value is None)):
        return False
    types = spec.seq("policyTypes")
    if types is not None and "Ingress" not in {item.text for item in types.scalars()}:
        return False  # without `policyTypes`, Ingress is always one of them
    rules = spec.get("ingress")
    if isinstance(rules, YSeq):
        for item in rules:
            sources = item.seq("from") if isinstance(item, YMap) else None
            if sources is None or len(sources) == 0:
                return False  # a rule without `from` admits every source
    return True


_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


def _policy_file(obj: K8sObject, namespace: str) -> Path | None:
    """Where the fix writes the namespace's policy: `<namespace>-default-deny.yaml` next to
    the file of its first workload; None for a name that cannot be a file name."""
    if not _DNS_LABEL.match(namespace):
        return None
    return Path(obj.span.path).parent / f"{namespace}-default-deny.yaml"


def _denied_by_file(targets: Iterable[Path], namespace: str, files: Files) -> bool:
    """True when a file of `targets` (on disk, or written by a fix of this run) holds a
    default deny for `namespace`."""
    for target in targets:
        document = files.load(target)
        if isinstance(document, KubernetesFile) and any(
            (policy.namespace or "default") == namespace and is_default_deny(policy)
            for policy in document.manifests
        ):
            return True
    return False


def _anchors(index: K8sIndex) -> dict[K8sObject, str]:
    """The first workload (by path, then line) of each namespace that has no default-deny
    policy in view, with that namespace."""
    found: dict[K8sObject, str] = {}
    for judged, covered in index.scopes(is_default_deny):
        first: dict[str, K8sObject] = {}
        for obj in sorted(
            (o for o in judged if o.pod_spec is not None),
            key=lambda o: (o.span.path, o.first_line),
        ):
            first.setdefault(index.namespace_of(obj), obj)
        for namespace, obj in first.items():
            if namespace not in covered:
                found[obj] = namespace
    return found


@rule(
    "K8117",
    "default-deny-network-policy",
    Severity.INFO,
    fix="gen",
    tags=("kubernetes", "security", "network"),
    peers=(
        "checkov CKV2_K8S_6 (partial)",
        "kube-linter non-isolated-pod (partial)",
        "kube-score pod-networkpolicy (partial)",
        "polaris missingNetworkPolicy (partial)",
    ),
)
def default_deny_network_policy(obj: K8sObject, index: K8sIndex, files: Files) -> Iterator[Finding]:
    """Each namespace with workloads has a default-deny ingress NetworkPolicy.

    ## What it does
    Looks at every namespace that runs workloads (any object with a pod spec: Pods,
    Deployments, StatefulSets, DaemonSets, Jobs, CronJobs, ...) in the checked files and
    reports the namespace once, at the `kind:` line of its first workload (by path, then
    line), when no NetworkPolicy of the checked files in that namespace is a default deny:
    an empty `podSelector` (`{}`), `Ingress` among its `policyTypes` (or no `policyTypes`,
    which always means Ingress), and no ingress rule without `from` (such a rule admits
    every source, so the policy allows rather than denies).

    An object that names no namespace is in `default`, unless a Kustomization with a
    `namespace` lists its file in `resources` (kustomize then sets that namespace). Helm
    renders are judged one values set at a time: a chart's workloads need the default deny
    among the plain manifests or the objects of the same render.

    ## Why it matters
    A pod that no NetworkPolicy selects accepts traffic from every pod of the cluster. A
    default deny makes isolation the rule and every allowed flow an explicit policy; one
    compromised pod can then no longer reach every database and admin port it can resolve.

    ## Example
    ```yaml
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      namespace: shop
    ```

    ## Use instead
    ```yaml
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata:
      name: default-deny-ingress
      namespace: shop
    spec:
      podSelector: {}
      policyTypes:
        - Ingress
    ```

    ## Fix
    Generated: a `default-deny-ingress` NetworkPolicy for the namespace (naming it unless
    the workload names none), written to a new file `<namespace>-default-deny.yaml` next
    to the file of its first workload (the same manifest `opslint new k8s` writes); the
    flows the workloads need are then allowed by policies of their own. No file is ever
    overwritten: when that file exists but holds no default deny for the namespace, the
    finding has no fix. Workloads rendered from a Helm chart get no fix: the policy
    belongs in the chart's templates.

    ## Variants
    - A default-deny ingress policy per namespace (checkov CKV2_K8S_6, per pod): covered,
      per namespace.
    - Every pod selected by some NetworkPolicy (kube-linter non-isolated-pod, polaris
      missingNetworkPolicy, kube-score pod-networkpolicy): not covered: a default deny
      isolates every pod of the namespace at once, which is the stronger and simpler
      statement.
    - Egress isolation (kube-score pod-networkpolicy): not covered: denying egress breaks
      DNS and API calls unless each is allowed, a design choice rather than a gap.
    - Namespaces set by a Kustomization: covered.
    - Helm chart templates, through their render: covered.

    ## References
    - https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-ingress-traffic
    """
    if obj.pod_spec is None:
        return
    anchors = index.derived("default-deny anchors", lambda: _anchors(index))
    namespace = anchors.get(obj)
    if namespace is None:
        return
    fix: Fix | None = None
    rendered = obj in index.render_of
    if not rendered and _denied_by_file(files.pending, namespace, files):
        return  # a policy another fix of this run wrote
    target = None if rendered else _policy_file(obj, namespace)
    if target is not None and files.exists(target):
        if _denied_by_file([target], namespace, files):
            return
    elif target is not None:
        from opslint.generators.k8s import default_deny_manifest

        # the namespace as the workload gives it: none written stays none written
        written = obj.namespace or (namespace if obj in index.kustomized else None)
        where = Span(target.as_posix(), 1, 1, 1, 1)
        fix = Fix(f"write {target.as_posix()}", (Edit(where, default_deny_manifest(written)),))
    yield Finding(
        kind_anchor(obj),
        f"namespace `{namespace}` has no default-deny NetworkPolicy (`podSelector: {{}}`, "
        "`policyTypes: [Ingress]`) in the checked files: add one",
        logical=f"namespace:{namespace}",
        fix=fix,
    )
