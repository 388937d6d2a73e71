"""K8126 explicit-namespace."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from opslint import Finding, Severity, rule
from opslint.indexes.kubernetes import K8sIndex
from opslint.model.base import Span
from opslint.model.helm import HelmTemplate
from opslint.model.kubernetes import K8sObject
from opslint.model.source import SourceError
from opslint.model.yamltree import YScalar, text_span

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


_RELEASE_NAMESPACE = re.compile(r"\.Release\.Namespace\b")
_DEFINE = re.compile(r"\{\{-?\s*define\s+\"([^\"]+)\"")
_CALLED = re.compile(r"\b(?:include|template)\s+\"([^\"]+)\"")


def _chart_prefix(path: str) -> str:
    """The reported path of the chart a template belongs to (a subchart's parent chart:
    named templates are shared by a chart and its subcharts)."""
    return path.split("/templates/", 1)[0].split("/charts/", 1)[0]


def _release_helpers(index: K8sIndex) -> dict[str, set[str]]:
    """By chart, the named templates whose definition reads `.Release.Namespace`."""

    def build() -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for path, template in index.templates.items():
            try:
                text = template.source.text
            except SourceError:
                continue
            starts = list(_DEFINE.finditer(text))
            for number, define in enumerate(starts):
                end = starts[number + 1].start() if number + 1 < len(starts) else len(text)
                if _RELEASE_NAMESPACE.search(text, define.end(), end):
                    found.setdefault(_chart_prefix(path), set()).add(define.group(1))
        return found

    return index.derived("release namespace helpers", build)


def _from_release(template: HelmTemplate, written: YScalar, index: K8sIndex) -> bool:
    """True when the template writes the namespace from `.Release.Namespace`: its line
    names it, or calls a named template of the chart whose definition does."""
    text = template.source.line(written.span.line)
    if _RELEASE_NAMESPACE.search(text):
        return True
    helpers = _release_helpers(index).get(_chart_prefix(template.path), set())
    return any(called in helpers for called in _CALLED.findall(text))


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
    namespace: the overlay's `namespace` sets it. A Helm template that writes the
    namespace from `.Release.Namespace` (`namespace: {{ .Release.Namespace }}`, also
    through a named template of the chart whose definition reads it, such as
    `{{ include "common.names.namespace" . }}`) names it explicitly: the object goes
    where the chart is installed, whatever namespace opslint rendered it for. Other
    objects rendered from a chart are judged in the namespace of the render, like the
    manifests `helm template` writes: the release namespace (`--helm-namespace`,
    `default` unless given) fills every object that names none, and a value that
    renders `default` is reported at the template line that writes it. Off by default:
    many teams apply namespace-agnostic manifests with `kubectl apply -n` on purpose.

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

    ## Variants
    - `metadata.namespace: default` (checkov CKV_K8S_21, kube-linter use-namespace, trivy
      KSV-0110): covered.
    - No namespace written (checkov, kube-linter): covered, unless a Kustomization or the
      chart's `.Release.Namespace` sets it.
    - `Default` in another letter case (kube-linter compares without case): not covered:
      namespace names are lower case, so the API rejects it.
    - Kinds beyond workloads and Services (kube-linter use-namespace judges those only):
      covered: every namespaced built-in kind; custom resources are not, see above.
    - Helm chart templates, through their render: covered.

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
    template = index.template_at(obj.span.path)
    if template is not None and written is None:
        if (obj.namespace or "default") == "default":
            yield Finding(
                _metadata_anchor(obj),
                f"`{obj.kind}/{obj.name}` is installed in the `default` namespace by this "
                "render: render the chart with `--helm-namespace` for its real namespace",
                logical=obj.logical,
            )
    elif template is not None and written is not None and _from_release(template, written, index):
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
