"""K8122 ingress-tls."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.indexes.kubernetes import K8sIndex
from opslint.model.kubernetes import K8sObject
from opslint.model.yamltree import YMap, text_span

TLS_ANNOTATIONS = frozenset(
    {
        "alb.ingress.kubernetes.io/certificate-arn",
        "service.beta.kubernetes.io/aws-load-balancer-ssl-cert",
        "networking.gke.io/managed-certificates",
        "networking.gke.io/pre-shared-cert",
        "ingress.gcp.kubernetes.io/pre-shared-cert",
        "appgw.ingress.kubernetes.io/appgw-ssl-certificate",
    }
)
"""Annotations with which the cloud load balancer terminates TLS instead of `spec.tls`."""


def covers(pattern: str, host: str) -> bool:
    """True when a TLS host (`example.com`, `*.example.com`) covers a rule's host; a
    wildcard covers exactly one label."""
    pattern, host = pattern.lower().rstrip("."), host.lower().rstrip(".")
    if pattern == host:
        return True
    if pattern.startswith("*.") and not host.startswith("*."):
        label, _, rest = host.partition(".")
        return bool(label) and rest == pattern[2:]
    return False


@rule(
    "K8122",
    "ingress-tls",
    Severity.WARNING,
    tags=("kubernetes", "security", "network"),
    peers=("polaris tlsSettingsMissing (partial)",),
)
def ingress_tls(obj: K8sObject, index: K8sIndex) -> Iterator[Finding]:
    """Every host an Ingress serves is covered by its `tls` section.

    ## What it does
    Reports each `spec.rules[].host` of an Ingress that no `spec.tls[].hosts` entry
    covers, at the host. Hosts compare without regard to case, and a wildcard
    (`*.example.com`) covers exactly one label: `shop.example.com`, but neither
    `example.com` nor `a.shop.example.com`. A `tls` entry without `hosts` uses the
    controller's default certificate for every host and covers them all. A rule without a
    host is reported (at the rule) only when the Ingress has no `tls` at all.

    Ingresses whose load balancer terminates TLS with a certificate named in an annotation
    (`alb.ingress.kubernetes.io/certificate-arn`, `networking.gke.io/managed-certificates`,
    `networking.gke.io/pre-shared-cert`, `appgw.ingress.kubernetes.io/appgw-ssl-certificate`
    and the like) are not checked.

    ## Why it matters
    A host without TLS is served over plain HTTP: credentials, session cookies and API
    tokens cross the network readable and modifiable by anyone on the path. A host left out
    of the `tls` list is also left out of the certificate that cert-manager requests, so
    browsers reject it even when a certificate exists for its neighbours.

    ## Example
    ```yaml
    spec:
      tls:
        - hosts: [shop.example.com]
          secretName: shop-tls
      rules:
        - host: shop.example.com
        - host: api.example.com
    ```

    ## Use instead
    ```yaml
    spec:
      tls:
        - hosts: [shop.example.com, api.example.com]
          secretName: shop-tls
      rules:
        - host: shop.example.com
        - host: api.example.com
    ```

    ## Fix
    None: covering a host needs a certificate for it, which is for the author to arrange.

    ## Variants
    - An Ingress without any `tls` (polaris tlsSettingsMissing): covered, per host.
    - Hosts that no `tls.hosts` entry covers, with wildcards (no peer): covered.
    - TLS terminated by the load balancer through annotations (no peer): covered: not
      reported.
    - Gateway API listeners (`Gateway` with `protocol: HTTP`): not covered: another kind
      with its own TLS model; no peer checks it.
    - Helm chart templates, through their render: covered.

    ## References
    - https://kubernetes.io/docs/concepts/services-networking/ingress/#tls
    - https://cert-manager.io/docs/usage/ingress/
    """
    if obj.kind != "Ingress" or TLS_ANNOTATIONS.intersection(obj.annotations):
        return
    if index.is_patch(obj):
        return
    spec = obj.node.map("spec")
    rules = spec.seq("rules") if spec is not None else None
    if spec is None or rules is None:
        return
    patterns: list[str] = []
    has_tls = False
    tls = spec.seq("tls")
    for entry in tls.maps() if tls is not None else ():
        has_tls = True
        hosts = entry.seq("hosts")
        if hosts is None or len(hosts) == 0:
            return  # the default certificate serves every host
        patterns.extend(host.text for host in hosts.scalars() if host.value is not None)
    seen: set[str] = set()
    for item in rules.maps():
        host = item.scalar("host")
        if host is None or host.value is None or not host.text.strip():
            if not has_tls and "" not in seen:
                seen.add("")
                yield _hostless(obj, item)
            continue
        name = host.text.strip()
        if name.lower() in seen or any(covers(pattern, name) for pattern in patterns):
            continue
        seen.add(name.lower())
        yield Finding(
            text_span(host),
            f"Ingress `{obj.name}` serves host `{name}` without TLS: list it in `spec.tls[].hosts`",
            logical=obj.logical,
        )


def _hostless(obj: K8sObject, item: YMap) -> Finding:
    first = next(iter(item.entries), None)
    span = item.key_span(first) if first is not None else item.span
    return Finding(
        span,
        f"Ingress `{obj.name}` serves every host over plain HTTP: add a `tls` section",
        logical=obj.logical,
    )
