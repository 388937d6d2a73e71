"""Helpers of the Prometheus alert rules."""

from __future__ import annotations

from opslint import Finding, Span
from opslint.model.prometheus import AlertRule


def alert_finding(alert: AlertRule, what: str, span: Span | None = None) -> Finding:
    """A finding about `alert`: "alert `Name` <what>", at `span` (something written) or
    at the rule's `- alert:` line (something missing)."""
    return Finding(
        span if span is not None else alert.span,
        f"alert `{alert.alert}` {what}",
        logical=alert.logical,
    )
