"""DC103 resource-limits."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.compose import ComposeService
from opslint.ruleutil import has_value


@rule("DC103", "resource-limits", Severity.WARNING, fix="safe", tags=("reliability",))
def resource_limits(service: ComposeService) -> Iterator[Finding]:
    """Every service caps the CPU and memory it may use.

    ## What it does
    Reports a service without both a CPU and a memory limit. The Compose Specification
    form is `deploy.resources.limits` with `cpus` and `memory`; the legacy service keys
    `cpus` and `mem_limit` are accepted for either half. The finding sits on the `limits`
    key when that block exists but lacks a value, else on the service's key. Services that
    `extends` another are skipped, since the limits may be inherited.

    ## Why it matters
    Without limits one runaway service (a memory leak, a hot loop) starves every other
    container on the host, and the kernel's out-of-memory killer picks its victim at
    random rather than the culprit.

    ## Example
    ```yaml
    services:
      api:
        image: example/api:1.4.2
    ```

    ## Use instead
    ```yaml
    services:
      api:
        image: example/api:1.4.2
        deploy:
          resources:
            limits:
              cpus: "1.0"
              memory: 512M
    ```

    ## Fix
    Safe, and only with `[tool.opslint.defaults]` giving the values: opslint never invents
    numbers.

    ## References
    - https://docs.docker.com/reference/compose-file/deploy/#resources
    - https://docs.docker.com/reference/compose-file/services/#mem_limit
    """
    if service.extends:
        return
    resources = service.resources
    limits = resources.map("limits") if resources is not None else None
    missing = []
    if not (has_value(limits, "cpus") or has_value(service.node, "cpus")):
        missing.append("cpus")
    if not (has_value(limits, "memory") or has_value(service.node, "mem_limit")):
        missing.append("memory")
    if not missing:
        return
    span = service.span
    if resources is not None and limits is not None:
        span = resources.key_span("limits")
    yield Finding(
        span,
        f"service `{service.name}` has no {' or '.join(missing)} limit under "
        "`deploy.resources.limits`",
        logical=service.logical,
    )
