"""Prometheus rule files: groups of alerting and recording rules, each with its spans."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from opslint.model.base import Span
from opslint.model.source import Document
from opslint.model.yamltree import YMap


@dataclass(slots=True, eq=False)
class Rule:
    """What alerting and recording rules share; `span` runs from the rule's `alert` (or
    `record`) key to the end of its line, wherever that key sits among the rule's keys."""

    span: Span
    logical: str
    node: YMap
    group: str
    expr: str | None = None
    expr_span: Span | None = None
    labels: dict[str, str] = field(default_factory=dict)
    label_spans: dict[str, Span] = field(default_factory=dict)
    labels_span: Span | None = None
    """The `labels:` key, when present."""
    group_labels: dict[str, str] = field(default_factory=dict)
    """The group's `labels:` (Prometheus 3), which the rule's own labels override."""

    rule_kinds = ("prometheus",)


@dataclass(slots=True, eq=False)
class AlertRule(Rule):
    """An alerting rule (`- alert: Name`)."""

    alert: str = ""
    alert_span: Span | None = None
    for_: str | None = None
    for_span: Span | None = None
    """The `for:` value."""
    keep_firing_for: str | None = None
    annotations: dict[str, str] = field(default_factory=dict)
    annotation_spans: dict[str, Span] = field(default_factory=dict)
    annotations_span: Span | None = None

    @property
    def severity(self) -> str | None:
        """`labels.severity`, when set."""
        return self.labels.get("severity")


@dataclass(slots=True, eq=False)
class RecordingRule(Rule):
    """A recording rule (`- record: name`)."""

    record: str = ""
    record_span: Span | None = None


@dataclass(slots=True, eq=False)
class RuleGroup:
    """A rule group: a name, an evaluation interval and its rules."""

    name: str
    span: Span
    logical: str
    interval: str | None = None
    rules: list[Rule] = field(default_factory=list)

    rule_kinds = ("prometheus",)

    @property
    def alerts(self) -> list[AlertRule]:
        """The alerting rules of the group."""
        return [rule for rule in self.rules if isinstance(rule, AlertRule)]


@dataclass(eq=False)
class PrometheusRules(Document):
    """A Prometheus rule file (`groups:`)."""

    kind = "prometheus"

    groups: list[RuleGroup] = field(default_factory=list)

    @property
    def rules(self) -> list[Rule]:
        """Every rule of every group."""
        return [rule for group in self.groups for rule in group.rules]

    def objects(self) -> Iterator[object]:
        yield self
        for group in self.groups:
            yield group
            yield from group.rules
