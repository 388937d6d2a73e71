"""DC102 log-rotation."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.base import Span
from opslint.model.compose import ComposeFile, ComposeService
from opslint.model.yamltree import YMap, YScalar
from opslint.ruleutil import has_value

from ._shared import names, written_in

_OPTIONS = ("max-size", "max-file")
_ROTATING_BY_DEFAULT = "local"


def _missing(logging: YMap) -> list[str]:
    """The rotation options a json-file `logging` block lacks (none for other drivers)."""
    driver = logging.get("driver")
    if driver is not None:
        if not isinstance(driver, YScalar) or driver.value is None:
            return []
        name = driver.text.strip()
        if "$" in name or name not in ("json-file", ""):
            return []  # other drivers rotate elsewhere; a variable is unknown here
    options = logging.map("options")
    return [key for key in _OPTIONS if not has_value(options, key)]


def _advice(missing: list[str]) -> str:
    """What the missing options mean and what to write."""
    if "max-size" not in missing:
        return (
            "with `max-size` but no `max-file`, so each rotation throws the whole log away: "
            'set `max-file` (e.g. "3") under `logging.options`'
        )
    if "max-file" not in missing:
        return "with no `max-size`, so its log grows without limit: set it under `logging.options`"
    return (
        "with no `max-size` or `max-file`, so its log grows without limit: set both under "
        "`logging.options`"
    )


@rule("DC102", "log-rotation", Severity.WARNING, fix="safe", tags=("compose", "reliability"))
def log_rotation(compose: ComposeFile) -> Iterator[Finding]:
    """Container logs are rotated: json-file logging sets `max-size` and `max-file`.

    ## What it does
    Reports a service whose logs go to the `json-file` driver without both the
    `max-size` and `max-file` options. `json-file` is the driver a service uses when it
    writes no `logging` block at all, so such a service is reported at its key. A
    `logging` block that names `json-file` (or no driver) without both options is
    reported at its `logging` key. Options count however they arrive: written in place,
    through a YAML alias (`logging: *default-logging`) or merged from an `x-` extension
    (`<<: *defaults`); a block merged into several services is reported once, where it
    is written.

    Decisions:
    - The `local` driver passes without options: it rotates by default (five files of
      20 MB, compressed). Other drivers (journald, syslog, fluentd, awslogs, `none`)
      keep no file of their own and pass; so does a driver given by a variable.
    - One-shot services (another service waits for them with
      `condition: service_completed_successfully`) log once and exit; services that
      `extends` another may inherit its logging. Both are skipped.
    - A daemon-wide default in `/etc/docker/daemon.json` (`log-opts`) is invisible to
      opslint: where the hosts set one, turn this rule off.

    ## Why it matters
    Docker's default `json-file` driver appends to one file per container and never
    rotates it. A chatty or crash-looping service fills the host's disk, and then every
    container on it fails, databases included. Two options bound the log.

    ## Example
    ```yaml
    services:
      api:
        image: example/api:1.4.2
    ```

    ## Use instead
    ```yaml
    x-logging: &logging
      driver: json-file
      options:
        max-size: 10m
        max-file: "3"

    services:
      api:
        image: example/api:1.4.2
        logging: *logging
    ```

    ## Fix
    Safe: adds `max-size` and `max-file` options (from `[tool.opslint.defaults]` when
    configured) to the service's logging.

    ## References
    - https://docs.docker.com/engine/logging/drivers/json-file/
    - https://docs.docker.com/engine/logging/drivers/local/
    - https://docs.docker.com/reference/compose-file/services/#logging
    """
    shared: dict[tuple[int, int], tuple[Span, list[ComposeService], list[str]]] = {}
    for service in compose.services:
        if service.one_shot or service.extends:
            continue
        if "logging" not in service.node:
            yield Finding(
                service.span,
                f"service `{service.name}` sets no `logging`, so Docker's default json-file "
                "driver never rotates its log: set `max-size` and `max-file` under "
                "`logging.options` (a shared `x-logging` anchor covers every service), "
                "or use the `local` driver",
                logical=service.logical,
            )
            continue
        logging = service.logging if service.logging is not None else YMap(service.span)
        missing = _missing(logging)
        if not missing:
            continue
        span = service.node.key_span("logging")
        if written_in(service, span):
            yield Finding(
                span,
                f"service `{service.name}` logs with json-file {_advice(missing)}",
                logical=service.logical,
            )
        else:
            _, holders, _ = shared.setdefault((span.line, span.column), (span, [], missing))
            holders.append(service)
    for span, holders, missing in shared.values():
        yield Finding(
            span,
            f"the `logging` that {names(holders)} share uses json-file {_advice(missing)}",
            logical=holders[0].logical,
        )
