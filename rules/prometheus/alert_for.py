"""PR101 alert-for."""

from __future__ import annotations

import re
from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.prometheus import AlertRule

from ._alerts import alert_finding

_DURATION = re.compile(r"^(?:\d+y)?(?:\d+w)?(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?(?:\d+ms)?$")
"""Prometheus's duration syntax: units from years to milliseconds, largest first."""
_PLACEHOLDER = re.compile(r"\$|\{\{")
"""A value a template or substitution fills in before Prometheus reads it."""


@rule("PR101", "alert-for", Severity.WARNING, tags=("reliability", "alerting"))
def alert_for(alert: AlertRule) -> Iterator[Finding]:
    """Every alerting rule waits a `for` duration before it fires.

    ## What it does
    Reports an alerting rule with no `for:` at its `- alert:` line, and one with a zero
    duration (`for: 0s`, `0`, `0h0m`) at the value. A value that is no Prometheus
    duration (`for: 5 minutes`, `for: 300`, `for: -5m`) is reported at the value too:
    Prometheus refuses to load the file. A value holding `${...}` or `{{ ... }}` is
    filled in before Prometheus reads it and is not judged.

    ## Why it matters
    Without `for`, an alert fires on the first evaluation where its expression holds: one
    slow scrape, a restart or a brief spike pages someone at night. A `for` duration asks
    the condition to hold for a while, so only lasting problems alert.

    ## Example
    ```yaml
    groups:
      - name: availability
        rules:
          - alert: InstanceDown
            expr: up == 0
    ```

    ## Use instead
    ```yaml
    groups:
      - name: availability
        rules:
          - alert: InstanceDown
            expr: up == 0
            for: 5m
    ```

    ## Fix
    None: how long is long enough depends on the signal.

    ## Variants
    - no `for` (pint rule/for with a `min`): covered.
    - `for` of zero in any unit (pint alerts/for, "redundant field with default
      value"): covered, compound zeros (`0h0m`) too.
    - a `for` that is not a duration, or negative (pint alerts/for, "invalid
      duration"): covered.
    - a minimum or maximum `for` (pint rule/for `min`, `max`): not covered: how long a
      condition must hold is the alert's own judgement; any non-zero `for` shows it was
      made.
    - `keep_firing_for` (pint alerts/for, rule/for): not covered: it keeps a resolved
      alert firing; leaving it out is the default, not a flapping risk.

    ## References
    - https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/
    """
    if alert.for_ is None:
        yield alert_finding(alert, "has no `for` duration: it fires on the first evaluation")
    elif alert.for_span is not None:
        value = alert.for_.strip()
        if value != "0" and not (value and _DURATION.match(value)):
            if not _PLACEHOLDER.search(value):
                yield alert_finding(
                    alert,
                    f"has `for: {alert.for_}`, which is not a Prometheus duration: "
                    "Prometheus rejects the rule file",
                    alert.for_span,
                )
        elif not any(character in "123456789" for character in value):
            yield alert_finding(
                alert, f"has `for: {alert.for_}`: it fires on the first evaluation", alert.for_span
            )
