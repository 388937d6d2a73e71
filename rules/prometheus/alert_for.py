"""PR101 alert-for."""

from __future__ import annotations

import re
from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.prometheus import AlertRule

from ._alerts import alert_finding

_ZERO = re.compile(r"^0+(ms|s|m|h|d|w|y)?$")


@rule("PR101", "alert-for", Severity.WARNING, tags=("reliability", "alerting"))
def alert_for(alert: AlertRule) -> Iterator[Finding]:
    """Every alerting rule waits a `for` duration before it fires.

    ## What it does
    Reports an alerting rule with no `for:` at its `- alert:` line, and one with a zero
    duration (`for: 0s`) at the value.

    ## Why it matters
    Without `for`, an alert fires on the first evaluation where its expression holds: one
    slow scrape, a restart or a brief spike pages someone at night. A `for` duration asks
    the condition to hold for a while, so only lasting problems alert.

    ## Example
    ```yaml
    groups:
      - name: api
        rules:
          - alert: HighErrorRate
            expr: rate(http_errors_total[5m]) > 1
    ```

    ## Use instead
    ```yaml
    groups:
      - name: api
        rules:
          - alert: HighErrorRate
            expr: rate(http_errors_total[5m]) > 1
            for: 10m
    ```

    ## Fix
    None: how long is long enough depends on the signal.

    ## References
    - https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/
    """
    if alert.for_ is None:
        yield alert_finding(alert, "has no `for` duration: it fires on the first evaluation")
    elif _ZERO.match(alert.for_.strip()) and alert.for_span is not None:
        yield alert_finding(
            alert, f"has `for: {alert.for_}`: it fires on the first evaluation", alert.for_span
        )
