"""K8123 schema."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from opslint import Finding, Severity, rule
from opslint.model.kubernetes import K8sObject
from opslint.model.yamltree import YMap, YNode, YScalar, YSeq
from opslint.ruleapi.schemas import (
    KUBERNETES_PACKAGE,
    PathPart,
    SchemaError,
    kubernetes_validator,
    kubernetes_version,
    package_dir,
    schema_findings,
)
from opslint.run import Run
from opslint.views import Notes, SourceText, view_key


@dataclass(frozen=True)
class SchemaOptions:
    """Options of K8123."""

    kubernetes_version: str = ""
    """The Kubernetes release to validate against (`1.33`); empty: the newest shipped."""


class InstalledSchemas:
    """The Kubernetes schemas this run validates against, looked up once per run: whether
    kubernetes-validate is installed, and the release chosen for each configured version."""

    def __init__(self) -> None:
        self.present = package_dir(KUBERNETES_PACKAGE) is not None
        self._versions: dict[str, str] = {}

    @classmethod
    def for_subject(cls, run: Run, subject: object) -> InstalledSchemas:
        """The run's lookups (one view per run)."""
        return run.derived(view_key(cls), cls)

    def version(self, wanted: str) -> str:
        """The shipped release used for `wanted` (`schemas.kubernetes_version`)."""
        if wanted not in self._versions:
            self._versions[wanted] = kubernetes_version(wanted)
        return self._versions[wanted]


def _is_patch(root: YNode) -> bool:
    """True for a strategic-merge patch (kustomize): it carries `$patch`-style directives."""
    seen: set[int] = set()
    pending = [root]
    while pending:
        node = pending.pop()
        if isinstance(node, YScalar) or id(node) in seen:
            continue  # a scalar holds no key; a shared (aliased) node is walked once
        seen.add(id(node))
        if isinstance(node, YMap):
            for key in node.entries:
                if key[:1] == "$":
                    return True
            pending.extend(node.entries.values())
        elif isinstance(node, YSeq):
            pending.extend(node.items)
    return False


@rule(
    "K8123",
    "schema",
    Severity.ERROR,
    tags=("kubernetes", "correctness"),
    peers=("kube-linter schema-validation",),
)
def schema(
    obj: K8sObject,
    options: SchemaOptions,
    installed: InstalledSchemas,
    text: SourceText,
    notes: Notes,
) -> Iterator[Finding]:
    """The object validates against the Kubernetes OpenAPI schema of the configured version.

    ## What it does
    Validates each Kubernetes object against the strict JSON schema of its `apiVersion`
    and `kind` in the configured Kubernetes release, as shipped by the
    `kubernetes-validate` package (install the `schemas` extra). Strict means what
    `kubectl apply` does by default: an unknown field is an error. Each error is
    reported once, at its node: an unknown field at the key (with the closest field as a
    hint), a wrong type or value at the value, a missing required field at the block
    that lacks it.

    Objects rendered from Helm charts are validated too, with locations in the template.
    Kinds the release does not define are skipped, not reported: custom resources (their
    schema lives in the cluster's CRDs), and built-in kinds under an `apiVersion` the
    release no longer serves (removed beta APIs are another check's concern). A
    strategic-merge patch (a kustomize patch with `$patch: delete` and the like) is a
    partial object and is skipped too. A value that is one fill-in placeholder
    (`lun: <ADD LUN ID Here>`) is the reader's to replace and is not reported. Without
    the extra, the rule checks nothing and the run notes it once; nothing is fetched
    from the network.

    ## Why it matters
    The API server rejects an invalid object when it is applied, which for a GitOps
    pipeline is after the merge. Older clients and some tools drop unknown fields
    instead, so a misspelled `readinessProbe` or `imagePullPolicy` is silently lost and
    the object runs without it.

    ## Example
    ```yaml
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      replicas: "3"
      selector:
        matchLabels: {app: web}
      template:
        metadata:
          labels: {app: web}
        spec:
          containers:
            - name: web
              image: nginx:1.27
              imagePullPolicy: IfNotPresent
              readinesProbe:
                httpGet: {path: /, port: 80}
    ```

    ## Use instead
    ```yaml
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      replicas: 3
      selector:
        matchLabels: {app: web}
      template:
        metadata:
          labels: {app: web}
        spec:
          containers:
            - name: web
              image: nginx:1.27
              imagePullPolicy: IfNotPresent
              readinessProbe:
                httpGet: {path: /, port: 80}
    ```

    ## Fix
    None: the intended field or value is the author's to choose.

    ## Options
    - `kubernetes-version` (string, default empty: the newest release the installed
      kubernetes-validate ships, 1.37 with kubernetes-validate 1.37): the release whose
      schemas apply, as `1.33`. A release newer than the package ships uses the newest
      one it has not after it; one older than all it ships makes the rule note that and
      check nothing.

    ## Variants
    - Strict validation of built-in kinds (kube-linter schema-validation, through
      kubeconform): covered.
    - Fill-in placeholders (`<ADD LUN ID Here>`), which kubeconform reports as a wrong
      type: covered, as not reported.
    - Custom resources validated against their CRD schemas (kube-linter with schema
      locations): not covered: their schemas live in the cluster.
    - Objects of removed API versions: not covered: see above.
    - Helm chart templates, through their render: covered.

    ## References
    - https://kubernetes.io/docs/reference/kubernetes-api/
    - https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation
    - https://github.com/willthames/kubernetes-validate
    """
    if _is_patch(obj.node):
        return
    yield from schema_findings(
        obj.node,
        lambda: kubernetes_validator(
            installed.version(options.kubernetes_version),
            obj.api_version,
            obj.kind,
        ),
        rule=("K8123", "schema"),
        notes=notes.messages,
        lines=text.lines,
        logical=lambda _: obj.logical,
        package=KUBERNETES_PACKAGE,
        installed=installed.present,
        tolerate=_fill_in,
    )


_FILL_IN = re.compile(r"<[^<>]+>")
"""A value the reader must replace before applying (`lun: <ADD LUN ID Here>`)."""


def _fill_in(path: tuple[PathPart, ...], error: SchemaError, node: YNode) -> bool:
    """True for an error about a value that is one fill-in placeholder."""
    instance = error.instance
    return isinstance(instance, str) and _FILL_IN.fullmatch(instance.strip()) is not None
