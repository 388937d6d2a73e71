"""DC102 log-rotation."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Fix, Severity, rule
from opslint.defaults import missing
from opslint.edits.yaml import Value, add_entries, add_nested
from opslint.model.base import Edit, Span
from opslint.model.compose import ComposeFile, ComposeService
from opslint.model.yamltree import YMap, YScalar, has_value
from opslint.views import Defaults, SourceText

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


def _advice(keys: list[str]) -> str:
    """What the missing options `keys` mean and what to write."""
    if "max-size" not in keys:
        return (
            "with `max-size` but no `max-file`, so each rotation throws the whole log away: "
            'set `max-file` (e.g. "3") under `logging.options`'
        )
    if "max-file" not in keys:
        return "with no `max-size`, so its log grows without limit: set it under `logging.options`"
    return (
        "with no `max-size` or `max-file`, so its log grows without limit: set both under "
        "`logging.options`"
    )


def _values(keys: list[str], defaults: Defaults) -> tuple[dict[str, str], str | None]:
    """The configured value of each option in `keys`, or the help line naming the gaps."""
    values: dict[str, str] = {}
    absent: list[str] = []
    for key in keys:
        value = defaults.get(f"log-{key}")
        if value is None or str(value).strip() == "":
            absent.append(f"log-{key}")
        else:
            values[key] = str(value).strip()
    if absent:
        return {}, missing(*absent)
    return values, None


def _fix(
    service: ComposeService, keys: list[str], text: SourceText, defaults: Defaults
) -> tuple[Fix | None, str | None]:
    """The edit that adds the rotation options `keys` lack, or the help line without one.

    A service without `logging` gets a whole json-file block; an existing block (the
    service's own, or the anchor it aliases or merges) gets the missing options.
    """
    values, help = _values(keys, defaults)
    lines = text.lines
    if not values or not lines:
        return None, help
    edit: Edit | None
    style = text.style
    if "logging" not in service.node:
        options: dict[str, Value] = dict(values)
        block: dict[str, Value] = {"logging": {"driver": "json-file", "options": options}}
        edit = add_entries(service.node, block, lines, style)
        title = "add a rotating json-file `logging` block"
    elif service.logging is not None:
        edit = add_nested(service.logging, ("options",), values, lines, style)
        title = "add " + " and ".join(f"`{key}`" for key in values) + " to `logging.options`"
    else:
        edit = None
    return (Fix(title, (edit,)) if edit is not None else None), help


@rule(
    "DC102",
    "log-rotation",
    Severity.WARNING,
    fix="safe",
    defaults={
        "log-max-size": 'Compose json-file max-size, e.g. "10m"',
        "log-max-file": 'Compose json-file max-file, e.g. "3"',
    },
    tags=("compose", "reliability"),
)
def log_rotation(compose: ComposeFile, text: SourceText, defaults: Defaults) -> Iterator[Finding]:
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
    Safe, with `log-max-size` and `log-max-file` set in `[tool.opslint.defaults]`
    (opslint never invents sizes; without them the help line names the missing setting):
    - a service with no `logging` gets, as its last key, a block-style
      `logging:` with `driver: json-file` and `options:` holding `max-size` and
      `max-file`;
    - an existing `logging` block gets the options it lacks, appended to its `options`
      (or in a new `options:` when it has none); its driver is left as written. Where the
      block comes from an `x-` anchor, through an alias or a `<<` merge, the options are
      added at the anchor, where the finding points, so every service sharing it is fixed
      at once.
    Values are written as strings (`max-file: '3'`), as the Docker daemon expects. A
    flow-style block (`logging: {driver: json-file}`) or a `logging:` without a value
    gets no edit.

    ## Variants
    No linter among opslint's peers checks Compose log rotation; the variants are the
    logging drivers'.
    - `json-file` named or implied (no `logging` block, or no `driver`): covered.
    - `local`, which rotates by default, and drivers that keep no file (`journald`,
      `syslog`, `fluentd`, `awslogs`, `gelf`, `none`): covered, they pass.
    - options given through an alias or an `x-` merge: covered, once where written.
    - a daemon-wide default in `/etc/docker/daemon.json`: not covered: it is outside
      the repository.

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
            fix, help = _fix(service, list(_OPTIONS), text, defaults)
            yield Finding(
                service.span,
                f"service `{service.name}` sets no `logging`, so its json-file log is never "
                "rotated: set `max-size` and `max-file` under `logging.options`",
                fix=fix,
                logical=service.logical,
                help=help,
            )
            continue
        logging = service.logging if service.logging is not None else YMap(service.span)
        absent = _missing(logging)
        if not absent:
            continue
        span = service.node.key_span("logging")
        if written_in(service, span):
            fix, help = _fix(service, absent, text, defaults)
            yield Finding(
                span,
                f"service `{service.name}` logs with json-file {_advice(absent)}",
                fix=fix,
                logical=service.logical,
                help=help,
            )
        else:
            _, holders, _ = shared.setdefault((span.line, span.column), (span, [], absent))
            holders.append(service)
    for span, holders, absent in shared.values():
        fix, help = _fix(holders[0], absent, text, defaults)
        yield Finding(
            span,
            f"the `logging` that {names(holders)} share uses json-file {_advice(absent)}",
            fix=fix,
            logical=holders[0].logical,
            help=help,
        )
