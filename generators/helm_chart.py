"""`opslint new helm-chart`: a Helm chart of the project's service, hardened and schema-checked.

The chart's values hold the same pod and container shapes `opslint new k8s` writes (see
`_workload`); the templates only place them, and they and the values schema are fixed
files under `data/helm/`. Three values files: `values.yaml` (the
defaults), `values-staging.yaml` and `values-production.yaml` (what differs per stage).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from opslint.detect import ProjectInfo, dns_name
from opslint.edits.yaml import Value, render
from opslint.generate import Artifact, GeneratorError, generator
from opslint.model.facets import split_image

from . import _workload as parts
from ._data import data_text

_SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$")


@dataclass(frozen=True)
class HelmChartOptions(parts.WorkloadOptions):
    """The chart, the workload it installs, and its stages (production doubles the
    container's requests and limits)."""

    name: str = ""
    """The chart's name; default: the project's name."""
    chart_version: str = "0.1.0"
    """The chart's SemVer version."""
    domain: str = "example.com"
    """The Ingress hosts are <name>.<domain> and, for staging, <name>.staging.<domain>."""
    ingress_class: str = "nginx"
    """The IngressClass that serves the Ingress."""
    allow_from_namespace: str = ""
    """Admit traffic to the port only from this namespace (e.g. ingress-nginx); default: any."""
    path: str = ""
    """The chart's folder; default: charts/<name>."""


def _double(text: str) -> str:
    """A quantity twice as large, in the same unit."""
    match = re.match(r"^([0-9]+(?:\.[0-9]+)?)(.*)$", text)
    if match is None:
        return text
    number = float(match.group(1)) * 2
    return f"{number:g}{match.group(2)}"


def _resources(cpu: str, memory: str, cpu_limit: str, memory_limit: str) -> dict[str, Value]:
    return {
        "requests": {"cpu": cpu, "memory": memory},
        "limits": {"cpu": cpu_limit, "memory": memory_limit},
    }


def _values(workload: parts.Workload, options: HelmChartOptions, tag: str, digest: str) -> str:
    repository = split_image(workload.image).repository
    secret_env: list[Value] = [
        {"name": item.name, "secret": item.secret, "key": item.key} for item in workload.secret_env
    ]
    values: dict[str, Value] = {
        "image": {
            "repository": repository,
            "tag": tag,
            "digest": digest,
            "pullPolicy": "IfNotPresent",
        },
        "port": workload.port,
        "replicaCount": 2,
        "autoscaling": {"enabled": True, "minReplicas": 2, "maxReplicas": 5, "cpuUtilization": 70},
        "podDisruptionBudget": {"maxUnavailable": 1},
        "strategy": {
            "type": "RollingUpdate",
            "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0},
        },
        "resources": parts.resources(workload),
        "probes": parts.probes(workload.probe_path),
        "podSecurityContext": parts.pod_security_context(),
        "securityContext": parts.container_security_context(),
        "secretEnv": secret_env,
        "networkPolicy": {
            "allowFromNamespace": dns_name(options.allow_from_namespace)
            if options.allow_from_namespace
            else ""
        },
        "ingress": {
            "enabled": True,
            "className": options.ingress_class,
            "host": f"{workload.name}.{options.domain}",
            "annotations": {},
        },
    }
    return "\n".join(render(values, 0, parts.STYLE)) + "\n"


def _stage_values(workload: parts.Workload, options: HelmChartOptions, stage: str) -> str:
    if stage == "staging":
        values: dict[str, Value] = {
            "autoscaling": {"minReplicas": 2, "maxReplicas": 3},
            "ingress": {"host": f"{workload.name}.staging.{options.domain}"},
        }
    else:
        values = {
            "autoscaling": {"minReplicas": 3, "maxReplicas": 10},
            "resources": _resources(
                _double(workload.cpu_request),
                _double(workload.memory_request),
                _double(workload.cpu_limit),
                _double(workload.memory_limit),
            ),
            "ingress": {"host": f"{workload.name}.{options.domain}"},
        }
    return "\n".join(render(values, 0, parts.STYLE)) + "\n"


def _chart_yaml(name: str, version: str, app_version: str) -> str:
    chart: dict[str, Value] = {
        "apiVersion": "v2",
        "name": name,
        "description": f"{name}: a hardened Deployment with its Service, autoscaler, "
        "disruption budget, network policies and Ingress",
        "type": "application",
        "version": version,
        "appVersion": app_version,
    }
    return "\n".join(render(chart, 0, parts.STYLE)) + "\n"


TEMPLATES = (
    "_helpers.tpl",
    "deployment.yaml",
    "service.yaml",
    "serviceaccount.yaml",
    "hpa.yaml",
    "pdb.yaml",
    "networkpolicy.yaml",
    "ingress.yaml",
    "NOTES.txt",
)
"""The files under `data/helm/templates/`, copied into every chart in this order."""

_CHART_MARKER = "CHART."
"""How the template files name their chart's named templates (`CHART.fullname`); a chart
replaces it with `<name>.`."""


@generator("helm-chart")
def helm_chart(project: ProjectInfo, options: HelmChartOptions) -> list[Artifact]:
    """A Helm chart with a values schema and stage values; production doubles the resources."""
    workload = parts.workload_from(project, options, "")
    if not _SEMVER.match(options.chart_version):
        raise GeneratorError(
            f"--chart-version takes a SemVer version, not {options.chart_version!r}"
        )
    if not re.match(
        r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$", options.domain
    ):
        raise GeneratorError(
            f"--domain takes a DNS domain such as example.com, not {options.domain!r}"
        )
    image = split_image(workload.image)
    tag, digest = image.tag or "", image.digest or ""
    if not tag:
        raise GeneratorError(
            "--image needs a tag as well as a digest: it is the chart's appVersion"
        )
    name = workload.name
    folder = options.path.strip("/") or f"charts/{name}"
    files = {
        "Chart.yaml": _chart_yaml(name, options.chart_version, tag),
        "values.yaml": _values(workload, options, tag, digest),
        "values-staging.yaml": _stage_values(workload, options, "staging"),
        "values-production.yaml": _stage_values(workload, options, "production"),
        "values.schema.json": data_text("helm", "values.schema.json"),
    }
    for template in TEMPLATES:
        text = data_text("helm", "templates", template)
        files[f"templates/{template}"] = text.replace(_CHART_MARKER, f"{name}.")
    return [Artifact(f"{folder}/{path}", text) for path, text in files.items()]
