"""DC101 restart-policy."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.compose import ComposeService


@rule("DC101", "restart-policy", Severity.WARNING, fix="safe", tags=("reliability",))
def restart_policy(service: ComposeService) -> Iterator[Finding]:
    """Every service says what happens when its container exits.

    ## What it does
    Reports a service that sets neither `restart` nor `deploy.restart_policy`, at the
    service's key. Any written value passes, `restart: "no"` included: the point is that
    the choice is made on purpose.

    Two kinds of service are left alone. A one-shot service, one that another service
    waits for with `condition: service_completed_successfully` (a migration, a seeder), is
    meant to exit, and restarting it would run it again. A service that `extends` another
    may inherit its policy from a file opslint does not follow.

    ## Why it matters
    The default is `no`: after a crash, an out-of-memory kill or a host reboot the
    container stays down until someone notices, while the rest of the stack keeps
    talking to a dead dependency.

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
        restart: unless-stopped
    ```

    ## Fix
    Safe: inserts `restart: unless-stopped` under the service.

    ## References
    - https://docs.docker.com/reference/compose-file/services/#restart
    - https://docs.docker.com/reference/compose-file/deploy/#restart_policy
    """
    if service.one_shot or service.extends:
        return
    if service.restart is not None or service.restart_policy is not None:
        return
    yield Finding(
        service.span,
        f"service `{service.name}` sets no `restart` policy, so it stays down after a crash "
        "or a reboot",
        logical=service.logical,
    )
