"""DC103 resource-limits."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Fix, Severity, rule
from opslint.defaults import missing
from opslint.edits.yaml import add_entries, add_nested
from opslint.model.compose import ComposeService
from opslint.model.yamltree import YMap, has_value
from opslint.views import Defaults, SourceText

from ._shared import written_in

_SETTINGS = {"cpus": "compose-cpus", "memory": "compose-memory"}
_LEGACY = {"cpus": "cpus", "memory": "mem_limit"}
"""The service-level key that holds each limit in the legacy (pre-`deploy`) syntax."""
_LEGACY_ALTERNATES = {"cpus": ("cpus", "cpu_quota"), "memory": ("mem_limit",)}
"""Every service-level key that sets each limit: `cpu_quota` caps CPU time per period."""


def _fix(
    service: ComposeService, keys: list[str], text: SourceText, defaults: Defaults
) -> tuple[Fix | None, str | None]:
    """The edit adding the limits `keys`, or the help line when a value is not configured.

    Limits go under `deploy.resources.limits`, creating only the levels that are missing.
    A service that writes its other limit in the legacy syntax (`mem_limit`, `cpus`)
    and has no `deploy.resources.limits` gets the legacy key instead, next to it.
    """
    values: dict[str, str] = {}
    absent: list[str] = []
    for key in keys:
        value = defaults.get(_SETTINGS[key])
        if value is None or str(value).strip() == "":
            absent.append(_SETTINGS[key])
        else:
            values[key] = str(value).strip()
    if absent:
        return None, missing(*absent)
    lines = text.lines
    if not lines:
        return None, None
    style = text.style
    node = service.node
    limits = node.path("deploy", "resources", "limits")
    legacy = any(
        alternate in node
        for key in _SETTINGS
        if key not in keys
        for alternate in _LEGACY_ALTERNATES[key]
    )
    if legacy and limits is None:
        entries = {_LEGACY[key]: value for key, value in values.items()}
        if any(key in node for key in entries):
            return None, None  # written without a value: the author's to fill in
        edit = add_entries(node, entries, lines, style)
    else:
        # a `deploy` merged from an anchor is shared: editing it would change other services
        deepest: YMap | None = node
        for key in ("deploy", "resources", "limits"):
            child = deepest.map(key) if deepest is not None else None
            if child is None:
                break
            deepest = child
        if deepest is None or not written_in(service, deepest.span):
            return None, None
        edit = add_nested(node, ("deploy", "resources", "limits"), values, lines, style)
    if edit is None:
        return None, None
    title = "add " + " and ".join(f"a {key} limit" for key in values)
    return Fix(title, (edit,)), None


@rule(
    "DC103",
    "resource-limits",
    Severity.WARNING,
    fix="safe",
    defaults={
        "compose-cpus": 'Compose deploy.resources.limits.cpus, e.g. "0.50"',
        "compose-memory": 'Compose deploy.resources.limits.memory, e.g. "512M"',
    },
    tags=("reliability",),
)
def resource_limits(
    service: ComposeService, text: SourceText, defaults: Defaults
) -> Iterator[Finding]:
    """Every service caps the CPU and memory it may use.

    ## What it does
    Reports a service without both a CPU and a memory limit. The Compose Specification
    form is `deploy.resources.limits` with `cpus` and `memory`; the legacy service keys
    `cpus` or `cpu_quota`, and `mem_limit`, are accepted for either half. The finding
    sits on the `limits` key when that block exists but lacks a value, else on the
    service's key. Services that `extends` another are skipped, since the limits may be
    inherited.

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
    Safe, with `compose-cpus` and `compose-memory` set in `[tool.opslint.defaults]`
    (opslint never invents numbers; without them the help line names the missing
    setting). The missing limits are added under `deploy.resources.limits`, creating
    only the levels that do not exist yet (`deploy:`, `resources:`, `limits:`), as the
    last keys of the deepest existing one, e.g.:
    ```yaml
        deploy:
          resources:
            limits:
              cpus: '0.50'
              memory: 512M
    ```
    Values are written as strings, so `cpus` keeps its decimals as Compose expects. A
    service that gives its other limit in the legacy syntax (`mem_limit`, or `cpus` at
    service level) and has no `deploy.resources.limits` gets the legacy key (`cpus`,
    `mem_limit`) next to it instead, keeping one syntax per service. No edit where the
    `deploy` block comes from a merged anchor (other services share it), or is written
    in flow style.

    ## Variants
    - `deploy.resources.limits.memory` and `.cpus` (KICS memory_not_limited,
      cpus_not_limited): covered; KICS reads them only when the file's `version` is 3
      or more, opslint whatever the version.
    - the legacy `mem_limit` (KICS, for `version` 2 files): covered.
    - the legacy `cpus` and `cpu_quota` (CPU time per `cpu_period`): covered; `cpu_shares`
      is a relative weight, not a limit, and does not count.
    - `cpuset` (pinning to cores) and the Windows-only `cpu_count` and `cpu_percent`: not
      covered as limits: the first bounds where the service runs, not how much of it,
      and the others apply to Windows containers only.
    - `pids_limit` (KICS pids_limit_not_set): not covered: a fork bomb guard is a
      hardening setting of its own, not the CPU and memory budget this rule asks for.
    - `deploy.resources.reservations` alone: not covered as a limit: a reservation
      guarantees resources, it caps nothing.

    ## References
    - https://docs.docker.com/reference/compose-file/deploy/#resources
    - https://docs.docker.com/reference/compose-file/services/#mem_limit
    """
    if service.extends:
        return
    resources = service.resources
    limits = resources.map("limits") if resources is not None else None
    absent = [
        key
        for key, legacy in _LEGACY_ALTERNATES.items()
        if not has_value(limits, key) and not any(has_value(service.node, name) for name in legacy)
    ]
    if not absent:
        return
    span = service.span
    if resources is not None and limits is not None:
        span = resources.key_span("limits")
    fix, help = _fix(service, absent, text, defaults)
    yield Finding(
        span,
        f"service `{service.name}` has no {' or '.join(absent)} limit under "
        "`deploy.resources.limits`",
        fix=fix,
        logical=service.logical,
        help=help,
    )
