"""PR102 alert-severity."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from opslint import Finding, Severity, rule
from opslint.model.prometheus import AlertRule
from opslint.model.yamltree import YScalar, text_span

from ._alerts import alert_finding


@dataclass(frozen=True)
class AlertSeverityOptions:
    """Options of PR102."""

    severities: tuple[str, ...] = ("critical", "warning", "info")
    """The values `labels.severity` may take (compared exactly, case included)."""


@rule("PR102", "alert-severity", Severity.WARNING, tags=("alerting", "reliability"))
def alert_severity(alert: AlertRule, options: AlertSeverityOptions) -> Iterator[Finding]:
    """Every alert carries a `severity` label from the agreed set.

    ## What it does
    Reports an alerting rule without `labels.severity` at its `- alert:` line, one whose
    `severity` label is empty at the `severity` key, and one whose value is not in the
    configured set (default `critical`, `warning`, `info`) at the value. Values are
    compared exactly, case included, as Alertmanager matchers compare them. A value that
    is a template (`{{ $labels.severity }}`) is set at evaluation time and is not
    checked. Recording rules carry no severity and are not checked. A rule without its own
    `severity` takes the one its group's `labels:` set (Prometheus 3): a value in the set
    passes, another is reported at the `- alert:` line.

    ## Why it matters
    Alertmanager routes on labels: which receiver is paged, which alerts are inhibited
    while a bigger one fires, which go to a ticket queue. An alert without a severity, or
    with a value no route expects (`High`, `page`, `crit`), falls through to the default
    route: it wakes the wrong people, or nobody.

    ## Example
    ```yaml
    groups:
      - name: api
        rules:
          - alert: HighErrorRate
            expr: rate(http_errors_total[5m]) > 1
            for: 10m
            labels:
              severity: High
    ```

    ## Use instead
    ```yaml
    groups:
      - name: api
        rules:
          - alert: HighErrorRate
            expr: rate(http_errors_total[5m]) > 1
            for: 10m
            labels:
              severity: critical
    ```

    ## Fix
    None: how urgent an alert is depends on what it means.

    ## Options
    - `severities` (list of strings, default `["critical", "warning", "info"]`): the
      values the `severity` label may take.

    ## Variants
    - a required label missing or empty (pint rule/label with `required = true`):
      covered, for `severity`.
    - a value outside an allowed list (pint rule/label `values`): covered, by
      `severities`; pint's `value` regex and `token` splitting are not offered: a
      severity is one word that routes match exactly.
    - a label set by the group's `labels:` (pint rule/label, "group label"): covered.
    - a templated value (pint rule/label, "templated label value"): not judged, since
      it is set at evaluation time; pint renders it to check.
    - recording rules (pint rule/label checks them when configured): not covered: a
      recording rule routes nowhere.

    ## References
    - https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/
    - https://prometheus.io/docs/alerting/latest/configuration/#route
    """
    allowed = ", ".join(f"`{value}`" for value in options.severities)
    labels = alert.node.map("labels")
    if labels is None or "severity" not in labels:
        inherited = alert.group_labels.get("severity", "").strip()
        if not inherited:
            yield alert_finding(alert, f"has no `severity` label: set one of {allowed}")
        elif "{{" not in inherited and inherited not in options.severities:
            yield alert_finding(
                alert,
                f"takes `severity: {inherited}` from its group's labels, which no route "
                f"expects: use one of {allowed}",
            )
        return
    value = labels.get("severity")
    if not isinstance(value, YScalar) or value.value is None or not value.text.strip():
        yield alert_finding(
            alert,
            f"has an empty `severity` label: set one of {allowed}",
            labels.key_span("severity"),
        )
        return
    text = value.text.strip()
    if "{{" in text or text in options.severities:
        return
    yield alert_finding(
        alert,
        f"has `severity: {text}`, which no route expects: use one of {allowed}",
        text_span(value),
    )
