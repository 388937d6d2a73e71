"""PR103 alert-annotations."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.prometheus import AlertRule

from ._alerts import alert_finding

_RUNBOOK = ("runbook_url", "runbook")


@rule("PR103", "alert-annotations", Severity.INFO, tags=("alerting", "operability"))
def alert_annotations(alert: AlertRule) -> Iterator[Finding]:
    """Every alert explains itself with a `summary` and a runbook link.

    ## What it does
    Reports an alerting rule that lacks a `summary` annotation or a runbook annotation
    (`runbook_url`, or `runbook`). The finding names what is missing and sits on the
    `annotations:` key, or on the `- alert:` line when the rule has no annotations at
    all. An annotation with an empty value counts as missing. `description` is welcome
    but does not replace `summary`, which is the one-line text notification templates
    show.

    ## Why it matters
    The person paged reads the notification, not the rule file. A summary says what is
    wrong in one line; a runbook says what to check and how to mitigate. Without them
    every alert starts with reverse-engineering a PromQL expression at night.

    ## Example
    ```yaml
    groups:
      - name: api
        rules:
          - alert: HighErrorRate
            expr: rate(http_errors_total[5m]) > 1
            for: 10m
    ```

    ## Use instead
    ```yaml
    groups:
      - name: api
        rules:
          - alert: HighErrorRate
            expr: rate(http_errors_total[5m]) > 1
            for: 10m
            annotations:
              summary: "{{ $labels.job }} returns errors"
              runbook_url: https://runbooks.example.com/api/high-error-rate
    ```

    ## Fix
    None: the text and the runbook have to be written by someone who knows the alert.

    ## Variants
    - a required annotation missing or empty (pint alerts/annotation with `required =
      true`): covered, for `summary` and the runbook.
    - the runbook under either name, `runbook_url` (kube-prometheus, the Prometheus
      Operator's mixins) or `runbook`: covered.
    - an annotation value checked against a regex or a list (pint alerts/annotation
      `value`, `values`): not covered: a summary is prose, and a runbook link's form is
      the team's.
    - a runbook link that answers (pint rule/link sends a request): not covered:
      opslint does not reach the network.
    - templates in annotations that refer to labels the query drops (pint
      alerts/template): not covered: it needs the PromQL query's output labels.

    ## References
    - https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/#templating
    - https://prometheus.io/docs/practices/alerting/
    """
    present = {key for key, value in alert.annotations.items() if value.strip()}
    no_summary = "summary" not in present
    no_runbook = not any(key in present for key in _RUNBOOK)
    if no_summary and no_runbook:
        missing = "`summary` or runbook (`runbook_url`) annotation"
    elif no_summary:
        missing = "`summary` annotation"
    elif no_runbook:
        missing = "runbook annotation (`runbook_url`)"
    else:
        return
    yield alert_finding(
        alert,
        f"has no {missing}: tell the person paged what is wrong and what to do",
        alert.annotations_span,
    )
