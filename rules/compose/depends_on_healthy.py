"""DC105 depends-on-healthy."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Edit, Finding, Fix, Severity, rule
from opslint.model.compose import BuildHealth, ComposeFile, ComposeService
from opslint.project import Project

_NOT_WAITING = frozenset({"service_started"})


def has_healthcheck(service: ComposeService, project: Project) -> bool:
    """True when the service is health-checked: in the Compose file or its build's Dockerfile."""
    if service.healthcheck is not None:
        return not service.healthcheck_disabled
    return service.build_healthcheck(project.load) is BuildHealth.DECLARED


@rule("DC105", "depends-on-healthy", Severity.WARNING, fix="safe", tags=("reliability",))
def depends_on_healthy(compose: ComposeFile, project: Project) -> Iterator[Finding]:
    """`depends_on` waits for health-checked dependencies to be healthy.

    ## What it does
    Reports a `depends_on` entry that names a service of the same file which has a health
    check (a `healthcheck` block that is not disabled, or a HEALTHCHECK in the Dockerfile
    its `build` names) while the entry only waits for the container to start: the short
    list form (`depends_on: [db]`, which means `service_started`), a long-form entry
    without `condition`, or `condition: service_started`. The finding points at the
    `condition` value when one is written, else at the dependency's name.
    `service_completed_successfully` is a deliberate wait for a one-shot job and passes.

    ## Why it matters
    A started container is not a ready one: the database is still replaying its journal
    when the application connects, fails and exits (or retries in a crash loop). The
    health check is already there; `service_healthy` makes Compose use it.

    ## Example
    ```yaml
    services:
      api:
        image: example/api:1.4.2
        depends_on:
          - db
      db:
        image: postgres:16.4
        healthcheck:
          test: ["CMD-SHELL", "pg_isready -U postgres"]
    ```

    ## Use instead
    ```yaml
    services:
      api:
        image: example/api:1.4.2
        depends_on:
          db:
            condition: service_healthy
      db:
        image: postgres:16.4
        healthcheck:
          test: ["CMD-SHELL", "pg_isready -U postgres"]
    ```

    ## Fix
    Safe where the entry already has a `condition` value: it becomes `service_healthy`.
    The short list form is left to the author (it must become a mapping).

    ## References
    - https://docs.docker.com/reference/compose-file/services/#depends_on
    - https://docs.docker.com/compose/how-tos/startup-order/
    """
    checked: dict[str, bool] = {}
    for service in compose.services:
        for entry in service.depends_on:
            if entry.condition not in _NOT_WAITING:
                continue
            target = compose.service(entry.name)
            if target is None:
                continue
            if target.name not in checked:
                checked[target.name] = has_healthcheck(target, project)
            if not checked[target.name]:
                continue
            message = (
                f"`{service.name}` depends on `{entry.name}`, which has a health check, but "
                "only waits for it to start: use `condition: service_healthy`"
            )
            if entry.condition_span is not None:
                fix = Fix(
                    "wait for `service_healthy`",
                    (Edit(entry.condition_span, "service_healthy"),),
                )
                yield Finding(entry.condition_span, message, fix=fix, logical=entry.logical)
            else:
                yield Finding(entry.span, message, logical=entry.logical)
