"""DC101 restart-policy."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Fix, Severity, rule
from opslint.defaults import missing
from opslint.edits.yaml import add_entries
from opslint.model.compose import ComposeService
from opslint.views import Defaults, SourceText


@rule(
    "DC101",
    "restart-policy",
    Severity.WARNING,
    fix="safe",
    defaults={"restart": 'Compose restart policy; "unless-stopped" when unset'},
    tags=("reliability",),
)
def restart_policy(
    service: ComposeService, text: SourceText, defaults: Defaults
) -> Iterator[Finding]:
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
    Safe: appends `restart: <policy>` as the last key of the service's mapping, in the
    file's indentation. The policy is `restart` from `[tool.opslint.defaults]`, and
    `unless-stopped` when that is unset. One-shot and `extends` services are not reported,
    so never edited; a service written in flow style (`web: {image: nginx}`) gets no edit.

    ## Variants
    - `restart: on-failure` or `deploy.restart_policy.condition: on-failure` with a
      retry count other than 5 (KICS restart_policy_on_failure_not_set_to_5): not
      covered: the number of retries is the service's to choose; this rule asks only
      that a policy is written.
    - `restart` and `deploy.restart_policy` both accepted: covered.

    ## References
    - https://docs.docker.com/reference/compose-file/services/#restart
    - https://docs.docker.com/reference/compose-file/deploy/#restart_policy
    """
    if service.one_shot or service.extends:
        return
    if service.restart is not None or service.restart_policy is not None:
        return
    message = (
        f"service `{service.name}` sets no `restart` policy, so it stays down after a crash "
        "or a reboot"
    )
    policy = defaults.get("restart", "unless-stopped")
    fix = None
    help = None
    if policy is None or str(policy).strip() == "":
        help = missing("restart")
    else:
        value = str(policy).strip()
        lines = text.lines
        # a `restart:` without a value is there already: replacing null is the author's call
        if lines and "restart" not in service.node:
            style = text.style
            edit = add_entries(service.node, {"restart": value}, lines, style)
            fix = Fix(f"add `restart: {value}`", (edit,)) if edit is not None else None
    yield Finding(service.span, message, fix=fix, logical=service.logical, help=help)
