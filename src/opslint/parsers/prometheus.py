"""Prometheus rule files: `groups:` of alerting (`alert:`) and recording (`record:`) rules."""

from __future__ import annotations

from collections.abc import Sequence

from opslint.model.base import Finding, Span
from opslint.model.prometheus import AlertRule, PrometheusRules, RecordingRule, Rule, RuleGroup
from opslint.model.source import SourceFile
from opslint.model.yamltree import YMap, text_span
from opslint.parsers.yamldoc import duplicate_problems, scalar_text
from opslint.parsers.yamlload import yaml_of
from opslint.severity import Severity


def parse_prometheus(source: SourceFile) -> PrometheusRules:
    """Parse a rule file into `PrometheusRules`; entries of the wrong shape are skipped."""
    loaded = yaml_of(source)
    document = PrometheusRules(source)
    document.problems.extend(duplicate_problems(loaded))
    for yaml_document in loaded.documents:
        root = yaml_document.root
        if root is None:
            continue
        if not isinstance(root, YMap):
            document.problems.append(
                Finding(
                    root.span.start(),
                    "expected a mapping with `groups:` at the top level",
                    code="OP001",
                    name="parse-error",
                    severity=Severity.ERROR,
                )
            )
            continue
        groups = root.seq("groups")
        if groups is None:
            continue
        for index, node in enumerate(groups.maps()):
            document.groups.append(_group(index, node, source.lines))
    return document


def _group(index: int, node: YMap, lines: Sequence[str]) -> RuleGroup:
    name = node.string("name") or str(index)
    group = RuleGroup(
        name, node.span.start().to_line_end(lines), f"group:{name}", node.string("interval")
    )
    rules = node.seq("rules")
    if rules is None:
        return group
    group_labels, _ = _strings(node.map("labels"))
    for rule_node in rules.maps():
        rule = _rule(rule_node, group, lines)
        if rule is not None:
            rule.group_labels = group_labels
            group.rules.append(rule)
    return group


def _rule(node: YMap, group: RuleGroup, lines: Sequence[str]) -> Rule | None:
    rule: Rule
    alert = node.scalar("alert")
    record = node.scalar("record")
    start = node.key_span("alert" if alert is not None else "record").start().to_line_end(lines)
    if alert is not None:
        name = alert.text
        rule = AlertRule(
            start,
            f"{group.logical}/alert:{name}",
            node,
            group.name,
            alert=name,
            alert_span=text_span(alert),
        )
        duration = node.scalar("for")
        if duration is not None and duration.value is not None:
            rule.for_ = duration.text
            rule.for_span = text_span(duration)
        rule.keep_firing_for = node.string("keep_firing_for")
        annotations = node.map("annotations")
        if "annotations" in node:
            rule.annotations_span = node.key_span("annotations")
        rule.annotations, rule.annotation_spans = _strings(annotations)
    elif record is not None:
        name = record.text
        rule = RecordingRule(
            start,
            f"{group.logical}/record:{name}",
            node,
            group.name,
            record=name,
            record_span=text_span(record),
        )
    else:
        return None
    expr = node.scalar("expr")
    if expr is not None and expr.value is not None:
        rule.expr = expr.text
        rule.expr_span = text_span(expr)
    if "labels" in node:
        rule.labels_span = node.key_span("labels")
    rule.labels, rule.label_spans = _strings(node.map("labels"))
    return rule


def _strings(mapping: YMap | None) -> tuple[dict[str, str], dict[str, Span]]:
    values: dict[str, str] = {}
    spans: dict[str, Span] = {}
    if mapping is None:
        return values, spans
    for key, value in mapping.items():
        text = scalar_text(value)
        if text is not None:
            values[key] = text
            spans[key] = mapping.key_span(key)
    return values, spans
