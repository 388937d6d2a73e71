"""K8126 explicit-namespace."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from opslint import Finding, Severity, rule
from opslint.indexes.kubernetes import K8sIndex
from opslint.model.base import Span
from opslint.model.kubernetes import K8sObject
from opslint.model.yamltree import text_span

NAMESPACED_KINDS = frozenset(
    {
        "Pod",
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "ReplicaSet",
        "ReplicationController",
        "Job",
        "CronJob",
        "Service",
        "Endpoints",
        "EndpointSlice",
        "Ingress",
        "NetworkPolicy",
        "ConfigMap",
        "Secret",
        "ServiceAccount",
        "Role",
        "RoleBinding",
        "PersistentVolumeClaim",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "LimitRange",
        "ResourceQuota",
        "PodTemplate",
        "Lease",
        "DeploymentConfig",
        "Rollout",
    }
)
"""Kinds that live in a namespace (cluster-scoped kinds and custom resources are skipped)."""


def _metadata_anchor(obj: K8sObject) -> Span:
    """The `metadata` key, where a missing namespace belongs (the object's start without)."""
    return obj.node.key_span("metadata") if "metadata" in obj.node else obj.span.start()


@rule(
    "K8126",
    "explicit-namespace",
    Severity.INFO,
    default_enabled=False,
    tags=("maintainability",),
    peers=("checkov CKV_K8S_21", "kube-linter use-namespace", "trivy KSV-0110"),
)
def explicit_namespace(obj: K8sObject, index: K8sIndex) -> Iterator[Finding]:
    """Objects name the namespace they belong to, and it is not `default`.

    ## What it does
    Reports a namespaced object (workloads, Services, ConfigMaps, Secrets, RBAC Roles
    and bindings, Ingresses, policies, claims, autoscalers) whose `metadata.namespace`
    is `default`, at the value, or is not written, at the `metadata` key.
    Cluster-scoped kinds (Namespace, ClusterRole, PersistentVolume, ...) have no
    namespace, and custom resources are skipped since their scope is declared in a
    CustomResourceDefinition.

    Files in a folder with a `kustomization.yaml` are not reported for a missing
    namespace: the overlay's `namespace` sets it. Objects rendered from a Helm chart
    are judged in the namespace of the render, like the manifests `helm template`
    writes: the release namespace (`--helm-namespace`, `default` unless given) fills
    `{{ .Release.Namespace }}` and every object that names none, so a chart is quiet
    when rendered for the namespace it is installed in. Off by default: many teams
    apply namespace-agnostic manifests with `kubectl apply -n` on purpose.

    ## Why it matters
    Objects without a namespace land wherever the current kubectl context points, so the
    same manifest deploys to different places on different machines. The `default`
    namespace is shared by everything that was never placed: quotas, NetworkPolicies and
    RBAC cannot be scoped to one application there.

    ## Example
    ```yaml
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    ```

    ## Use instead
    ```yaml
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      namespace: shop
    ```

    ## Fix
    None: which namespace the application belongs in is the author's decision.

    ## References
    - https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/
    - https://kubernetes.io/docs/concepts/security/multi-tenancy/#namespaces
    """
    if obj.kind not in NAMESPACED_KINDS and obj.pod_spec is None:
        return
    metadata = obj.node.map("metadata")
    written = metadata.scalar("namespace") if metadata is not None else None
    if written is None or written.value is None or not written.text.strip():
        written = None
    charted = index.template_at(obj.span.path) is not None
    if charted and (obj.namespace or "default") == "default":
        anchor = text_span(written) if written is not None else _metadata_anchor(obj)
        yield Finding(
            anchor,
            f"`{obj.kind}/{obj.name}` is installed in the `default` namespace by this render: "
            "render the chart with `--helm-namespace` for its real namespace",
            logical=obj.logical,
        )
    elif charted:
        return
    elif written is not None:
        if written.text.strip() == "default":
            yield Finding(
                text_span(written),
                f"`{obj.kind}/{obj.name}` is placed in the `default` namespace: "
                "give it a namespace of its own",
                logical=obj.logical,
            )
    elif not index.has_kustomization(Path(obj.span.path).absolute().parent):
        yield Finding(
            _metadata_anchor(obj),
            f"`{obj.kind}/{obj.name}` names no namespace, so it lands in the current "
            "context's: set `metadata.namespace`",
            logical=obj.logical,
        )
