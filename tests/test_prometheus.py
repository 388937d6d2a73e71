"""The Prometheus rule-file model: groups, alerting and recording rules, exact locations."""

from __future__ import annotations

from pathlib import Path

import pytest

from opslint.builtin.parsers import PROMETHEUS, kind_by_content
from opslint.model.base import Span
from opslint.model.prometheus import AlertRule, PrometheusRules, RecordingRule
from opslint.model.source import SourceFile
from opslint.parsers.prometheus import parse_prometheus

TEXT = """\
groups:
  - name: api
    interval: 30s
    rules:
      - alert: HighErrorRate
        expr: rate(http_errors_total[5m]) > 1
        for: 10m
        labels:
          severity: "critical"
        annotations:
          summary: Errors are high
          runbook_url: https://runbooks.example.com/api
      - record: job:http_requests:rate5m
        expr: sum by (job) (rate(http_requests_total[5m]))
      - alert: Down
        expr: up == 0
  - name: empty
  - not a group
"""


def at(line: int, column: int, end_line: int, end_column: int) -> Span:
    return Span("rules.yml", line, column, end_line, end_column)


def parse(text: str = TEXT) -> PrometheusRules:
    return parse_prometheus(SourceFile(Path("rules.yml"), "rules.yml", text=text))


def test_groups_and_rules() -> None:
    document = parse()
    assert [g.name for g in document.groups] == ["api", "empty"]
    api = document.groups[0]
    assert api.interval == "30s"
    assert api.span == at(2, 5, 2, 14)
    assert [type(r).__name__ for r in api.rules] == ["AlertRule", "RecordingRule", "AlertRule"]
    assert [r.logical for r in document.rules] == [
        "group:api/alert:HighErrorRate",
        "group:api/record:job:http_requests:rate5m",
        "group:api/alert:Down",
    ]


def test_alert_rule_fields() -> None:
    alert = parse().rules[0]
    assert isinstance(alert, AlertRule)
    assert alert.span == at(5, 9, 5, 29)
    assert alert.alert_span == at(5, 16, 5, 29)
    assert alert.expr == "rate(http_errors_total[5m]) > 1"
    assert alert.expr_span == at(6, 15, 6, 46)
    assert (alert.for_, alert.for_span) == ("10m", at(7, 14, 7, 17))
    assert alert.severity == "critical"
    assert alert.label_spans["severity"] == at(9, 11, 9, 19)
    assert alert.labels_span == at(8, 9, 8, 15)
    assert set(alert.annotations) == {"summary", "runbook_url"}
    down = parse().rules[2]
    assert isinstance(down, AlertRule)
    assert down.for_ is None and down.severity is None and down.labels_span is None


def test_recording_rule() -> None:
    record = parse().rules[1]
    assert isinstance(record, RecordingRule)
    assert record.record == "job:http_requests:rate5m"
    assert record.span == at(13, 9, 13, 41)


def test_objects_yield_groups_and_rules() -> None:
    kinds = [type(o).__name__ for o in parse().objects()]
    assert kinds.count("AlertRule") == 2 and kinds.count("RuleGroup") == 2


@pytest.mark.parametrize(
    "text",
    [
        "",
        "groups: 3\n",
        "groups:\n  - rules: {a: 1}\n",
        "- 1\n",
        "groups:\n  - rules:\n    - for: 5m\n",
    ],
)
def test_odd_input_never_raises(text: str) -> None:
    parse(text)


def test_detected_by_content() -> None:
    source = SourceFile(Path("alerts.yml"), "alerts.yml", text=TEXT)
    assert kind_by_content(source) == PROMETHEUS
