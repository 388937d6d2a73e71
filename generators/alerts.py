"""`opslint new alerts`: Prometheus alerting rules for the golden signals and the SLO budget."""

from __future__ import annotations

from dataclasses import dataclass

from opslint.detect import ProjectInfo
from opslint.edits.yaml import Style, Value, render
from opslint.generate import Artifact, GeneratorError, generator


@dataclass(frozen=True)
class AlertsOptions:
    """What the alerts watch and how strict they are."""

    service: str = ""
    """The service (the `job` label of its metrics); default: the project's name."""
    slo: str = "99.9"
    """The availability objective, in percent."""
    latency_seconds: str = "0.5"
    """The 99th-percentile latency above which the latency alert fires."""
    error_ratio: str = "0.05"
    """The share of 5xx responses above which the error alert fires."""
    runbook_url: str = ""
    """Base of the runbook links; default: `docs/runbooks/<service>.md` in the repository."""
    path: str = ""
    """Where to write the rules; default: `monitoring/<service>-alerts.yaml`."""


def _number(name: str, text: str, low: float, high: float) -> float:
    try:
        value = float(text)
    except ValueError:
        raise GeneratorError(f"--{name} takes a number, not {text!r}") from None
    if not low < value < high:
        raise GeneratorError(f"--{name} must lie between {low} and {high}, not {text}")
    return value


def _alert(
    name: str,
    expression: str,
    duration: str,
    severity: str,
    summary: str,
    description: str,
    runbook: str,
) -> dict[str, Value]:
    return {
        "alert": name,
        "expr": expression,
        "for": duration,
        "labels": {"severity": severity},
        "annotations": {
            "summary": summary,
            "description": description,
            "runbook_url": f"{runbook}#{name.lower()}",
        },
    }


@generator("alerts")
def alerts(project: ProjectInfo, options: AlertsOptions) -> list[Artifact]:
    """Prometheus alert rules for latency, traffic, errors, saturation and the SLO budget."""
    service = options.service or project.name
    slo = _number("slo", options.slo, 90, 100)
    latency = _number("latency-seconds", options.latency_seconds, 0, 600)
    errors = _number("error-ratio", options.error_ratio, 0, 1)
    runbook = options.runbook_url.rstrip("/") or f"docs/runbooks/{service}.md"
    budget = round(1 - slo / 100, 6)
    job = f'job="{service}"'
    requests = f"sum(rate(http_requests_total{{{job}}}[5m]))"
    failed = f'sum(rate(http_requests_total{{{job},code=~"5.."}}[5m]))'

    def burn(window: str) -> str:
        return (
            f'sum(rate(http_requests_total{{{job},code=~"5.."}}[{window}]))'
            f" / sum(rate(http_requests_total{{{job}}}[{window}]))"
        )

    group: dict[str, Value] = {
        "name": f"{service}.golden-signals",
        "rules": [
            _alert(
                "HighLatency",
                "histogram_quantile(0.99, sum by (le) "
                f"(rate(http_request_duration_seconds_bucket{{{job}}}[5m]))) > {latency:g}",
                "10m",
                "warning",
                f"{service}: p99 latency above {latency:g}s",
                f"The 99th percentile of request latency of {service} has stayed above "
                f"{latency:g} seconds for 10 minutes.",
                runbook,
            ),
            _alert(
                "NoTraffic",
                f"{requests} == 0",
                "15m",
                "warning",
                f"{service}: no requests",
                f"{service} has received no requests for 15 minutes.",
                runbook,
            ),
            _alert(
                "HighErrorRate",
                f"{failed} / {requests} > {errors:g}",
                "5m",
                "critical",
                f"{service}: more than {errors:.0%} of requests fail",
                f"More than {errors:.0%} of the requests to {service} have ended in a 5xx "
                "response for 5 minutes.",
                runbook,
            ),
            _alert(
                "CPUSaturation",
                f'sum(rate(container_cpu_usage_seconds_total{{container="{service}"}}[5m])) '
                f'/ sum(kube_pod_container_resource_limits{{container="{service}",'
                'resource="cpu"}) > 0.9',
                "15m",
                "warning",
                f"{service}: CPU above 90% of its limit",
                f"The containers of {service} have used more than 90% of their CPU limit "
                "for 15 minutes; they are being throttled.",
                runbook,
            ),
            _alert(
                "MemorySaturation",
                f'sum(container_memory_working_set_bytes{{container="{service}"}}) '
                f'/ sum(kube_pod_container_resource_limits{{container="{service}",'
                'resource="memory"}) > 0.9',
                "15m",
                "warning",
                f"{service}: memory above 90% of its limit",
                f"The containers of {service} have used more than 90% of their memory limit "
                "for 15 minutes; they risk being OOM-killed.",
                runbook,
            ),
        ],
    }
    slo_group: dict[str, Value] = {
        "name": f"{service}.slo",
        "rules": [
            _alert(
                "ErrorBudgetFastBurn",
                f"({burn('1h')}) > {14.4 * budget:g} and ({burn('5m')}) > {14.4 * budget:g}",
                "2m",
                "critical",
                f"{service}: error budget burning 14.4x too fast",
                f"At this rate {service} spends its whole {slo:g}% SLO error budget of 30 "
                "days in about two days.",
                runbook,
            ),
            _alert(
                "ErrorBudgetSlowBurn",
                f"({burn('6h')}) > {6 * budget:g} and ({burn('30m')}) > {6 * budget:g}",
                "15m",
                "warning",
                f"{service}: error budget burning 6x too fast",
                f"At this rate {service} spends its whole {slo:g}% SLO error budget of 30 "
                "days in five days.",
                runbook,
            ),
        ],
    }
    lines = render({"groups": [group, slo_group]}, 0, Style(2, 2))
    path = options.path or f"monitoring/{service}-alerts.yaml"
    return [Artifact(path, "\n".join(lines) + "\n")]
