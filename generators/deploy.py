"""`opslint new deploy`: the manifests of a rollout strategy, and its promotion/rollback plan.

`rolling` is one Deployment that replaces pods a few at a time; `blue-green` runs two full
Deployments and switches the Service between them; `canary` runs a small canary beside the
stable Deployment and shifts traffic by weight, through an Istio VirtualService or an
NGINX canary Ingress. The plan (`deploy/<name>-<strategy>-plan.md`) lists each step, the
checks to pass before the next one (the metrics `opslint new alerts` watches), and the exact
command that undoes it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from opslint.detect import ProjectInfo
from opslint.edits.yaml import Value
from opslint.generate import Artifact, GeneratorError, generator

from . import _workload as parts
from .alerts import AlertsOptions

STRATEGIES = ("rolling", "blue-green", "canary")
MESHES = ("istio", "nginx")
WEIGHTS = (5, 25, 50, 100)
"""The share of traffic, in percent, the canary receives at each step."""


@dataclass(frozen=True)
class DeployOptions(parts.WorkloadOptions):
    """The strategy, the workload and how traffic reaches it."""

    strategy: str = "rolling"
    """rolling, blue-green or canary."""
    mesh: str = "nginx"
    """How a canary gets its share of traffic: istio (VirtualService) or nginx (Ingress)."""
    namespace: str = ""
    """The namespace of every object; default: the workload's name."""
    replicas: int = 3
    """Replicas of each full Deployment (the canary runs 2)."""
    host: str = ""
    """The host the NGINX Ingresses serve; default: <name>.example.com."""
    path: str = "deploy"
    """The folder the manifests and the plan are written to."""


@dataclass(frozen=True)
class _Plan:
    """What the plan document is made of."""

    title: str
    summary: str
    steps: list[tuple[str, str, str]]
    """(what to do: a command, what to check before going on, the command that undoes it)."""


def _labels(workload: parts.Workload, key: str, value: str) -> dict[str, str]:
    return {**workload.labels, key: value}


def _with_budget(
    workload: parts.Workload, name: str, labels: dict[str, str]
) -> list[dict[str, Value]]:
    return [parts.disruption_budget(name, workload.namespace, labels)]


def _checks(workload: parts.Workload, selector: str) -> str:
    """The checks between two steps: error ratio and p99 latency of the pods `selector`
    picks, on the metrics the generated alerts read."""
    defaults = AlertsOptions()
    labels = f'job="{workload.name}"{selector}'
    errors = (
        f'sum(rate(http_requests_total{{{labels},code=~"5.."}}[5m])) '
        f"/ sum(rate(http_requests_total{{{labels}}}[5m]))"
    )
    latency = (
        "histogram_quantile(0.99, sum by (le) "
        f"(rate(http_request_duration_seconds_bucket{{{labels}}}[5m])))"
    )
    return (
        f"for 10 minutes: `{errors}` stays below {defaults.error_ratio}, "
        f"`{latency}` stays below {defaults.latency_seconds}s, and no HighErrorRate, "
        "HighLatency or ErrorBudgetFastBurn alert fires"
    )


def _kubectl(workload: parts.Workload, verb: str) -> str:
    return f"kubectl --namespace {workload.namespace} {verb}"


def _set_image(workload: parts.Workload, manifest: str) -> str:
    """The release step: a new image in `manifest`, applied."""
    return f"set the new image in {manifest}, then `{_kubectl(workload, f'apply -f {manifest}')}`"


def _rolled_out(workload: parts.Workload, deployment: str) -> str:
    """The check that a Deployment finished rolling out, quoted as code."""
    return f"`{_kubectl(workload, f'rollout status deployment/{deployment} --timeout=10m')}`"


def _deployments(
    workload: parts.Workload, label: str, replicas: dict[str, int]
) -> dict[str, list[dict[str, Value]]]:
    """One file per value of `label`: a Deployment of that many replicas, and its budget."""
    files: dict[str, list[dict[str, Value]]] = {}
    for value, count in replicas.items():
        name = f"{workload.name}-{value}"
        labels = _labels(workload, label, value)
        files[f"{name}.yaml"] = [
            parts.deployment(workload, name=name, labels=labels, replicas=count),
            *_with_budget(workload, name, labels),
        ]
    return files


def _rolling(
    workload: parts.Workload, options: DeployOptions, folder: str
) -> tuple[dict[str, list[dict[str, Value]]], _Plan]:
    strategy: dict[str, Value] = {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0},
    }
    name = workload.name
    deployment = parts.deployment(workload, replicas=options.replicas, strategy=strategy)
    deployment_spec = deployment["spec"]
    assert isinstance(deployment_spec, dict)
    deployment_spec["minReadySeconds"] = 10
    deployment_spec["progressDeadlineSeconds"] = 600
    files = {
        f"{name}-deployment.yaml": [deployment],
        f"{name}-service.yaml": [parts.service(workload)],
        f"{name}-pdb.yaml": _with_budget(workload, name, workload.labels),
    }
    manifest = f"{folder}/{name}-deployment.yaml"
    undo = _kubectl(workload, f"rollout undo deployment/{name}")
    plan = _Plan(
        "rolling update",
        f"One Deployment `{name}` of {options.replicas} replicas; each step replaces one pod "
        "(`maxSurge: 1`, `maxUnavailable: 0`) and waits for it to be ready for 10 seconds.",
        [
            (_set_image(workload, manifest), f"{_rolled_out(workload, name)} succeeds", undo),
            ("watch the new pods take all traffic", _checks(workload, ""), undo),
        ],
    )
    return files, plan


def _blue_green(
    workload: parts.Workload, options: DeployOptions, folder: str
) -> tuple[dict[str, list[dict[str, Value]]], _Plan]:
    name = workload.name
    files = _deployments(workload, "slot", {"blue": options.replicas, "green": options.replicas})
    files[f"{name}-service.yaml"] = [
        parts.service(workload, selector=_labels(workload, "slot", "blue")),
        parts.service(
            workload, name=f"{name}-preview", selector=_labels(workload, "slot", "green")
        ),
    ]

    def switch(slot: str) -> str:
        patch = json.dumps({"spec": {"selector": {"slot": slot}}}, separators=(",", ":"))
        return _kubectl(workload, f"patch service {name} --type merge -p '{patch}'")

    green = f"{folder}/{name}-green.yaml"
    plan = _Plan(
        "blue-green",
        f"Two Deployments, `{name}-blue` (live) and `{name}-green` (idle), of "
        f"{options.replicas} replicas each. Service `{name}` sends traffic to the pods whose "
        f"`slot` label it selects; `{name}-preview` reaches the idle slot for tests. After a "
        "release the roles swap: the next one goes to blue, with the slots read the other "
        "way round.",
        [
            (
                _set_image(workload, green),
                f"{_rolled_out(workload, f'{name}-green')} succeeds and the smoke tests pass "
                f"against service `{name}-preview`",
                f"nothing to undo: blue still takes all traffic (re-apply the previous {green})",
            ),
            (
                f"send all traffic to green: `{switch('green')}`",
                _checks(workload, ',slot="green"'),
                switch("blue"),
            ),
        ],
    )
    return files, plan


def _canary(
    workload: parts.Workload, options: DeployOptions, folder: str
) -> tuple[dict[str, list[dict[str, Value]]], _Plan]:
    name = workload.name
    files = _deployments(workload, "track", {"stable": options.replicas, "canary": 2})
    if options.mesh == "istio":
        files[f"{name}-service.yaml"] = [parts.service(workload)]
        files[f"{name}-routing.yaml"] = [_destination_rule(workload), _virtual_service(workload, 0)]
        step, undo = _istio_commands(workload)
        how = (
            f"Service `{name}` selects both tracks; DestinationRule `{name}` names them as "
            f"subsets and VirtualService `{name}` splits the traffic by weight."
        )
    else:
        host = options.host or f"{name}.example.com"
        files[f"{name}-service.yaml"] = [
            parts.service(
                workload, name=f"{name}-{track}", selector=_labels(workload, "track", track)
            )
            for track in ("stable", "canary")
        ]
        files[f"{name}-ingress.yaml"] = [
            _ingress(workload, host, f"{name}-stable", None),
            _ingress(workload, host, f"{name}-canary", 0),
        ]
        step, undo = _nginx_commands(workload)
        how = (
            f"Ingress `{name}` serves {host} from the stable track; Ingress `{name}-canary` "
            "is an NGINX canary of it whose `canary-weight` annotation is the canary's share."
        )
    canary = f"{folder}/{name}-canary.yaml"
    steps: list[tuple[str, str, str]] = [
        (
            _set_image(workload, canary),
            f"{_rolled_out(workload, f'{name}-canary')} succeeds (the canary takes no traffic yet)",
            _kubectl(workload, f"scale deployment/{name}-canary --replicas=0"),
        )
    ]
    for weight in WEIGHTS:
        steps.append(
            (
                f"send {weight}% of the traffic to the canary: `{step(weight)}`",
                _checks(workload, ',track="canary"'),
                undo,
            )
        )
    stable = f"{folder}/{name}-stable.yaml"
    steps.append(
        (
            f"{_set_image(workload, stable)} and, once it is rolled out, `{step(0)}`",
            f"{_rolled_out(workload, f'{name}-stable')} succeeds, then "
            + _checks(workload, ',track="stable"'),
            _kubectl(workload, f"rollout undo deployment/{name}-stable"),
        )
    )
    plan = _Plan(
        f"canary ({options.mesh})",
        f"Deployments `{name}-stable` ({options.replicas} replicas) and `{name}-canary` "
        f"(2 replicas). {how} The canary's share goes {', '.join(f'{w}%' for w in WEIGHTS)}; "
        "each step waits for its checks, and any failed check means the step's rollback.",
        steps,
    )
    return files, plan


def _destination_rule(workload: parts.Workload) -> dict[str, Value]:
    return {
        "apiVersion": "networking.istio.io/v1",
        "kind": "DestinationRule",
        "metadata": parts.metadata(workload.name, workload.namespace, workload.labels),
        "spec": {
            "host": workload.name,
            "subsets": [
                {"name": track, "labels": {"track": track}} for track in ("stable", "canary")
            ],
        },
    }


def _routes(workload: parts.Workload, weight: int) -> list[Value]:
    return [
        {
            "route": [
                {
                    "destination": {"host": workload.name, "subset": "stable"},
                    "weight": 100 - weight,
                },
                {"destination": {"host": workload.name, "subset": "canary"}, "weight": weight},
            ]
        }
    ]


def _virtual_service(workload: parts.Workload, weight: int) -> dict[str, Value]:
    return {
        "apiVersion": "networking.istio.io/v1",
        "kind": "VirtualService",
        "metadata": parts.metadata(workload.name, workload.namespace, workload.labels),
        "spec": {"hosts": [workload.name], "http": _routes(workload, weight)},
    }


def _istio_commands(workload: parts.Workload) -> tuple[Callable[[int], str], str]:
    def step(weight: int) -> str:
        patch = json.dumps({"spec": {"http": _routes(workload, weight)}}, separators=(",", ":"))
        return _kubectl(workload, f"patch virtualservice {workload.name} --type merge -p '{patch}'")

    return step, step(0)


def _ingress(
    workload: parts.Workload, host: str, service: str, weight: int | None
) -> dict[str, Value]:
    name = workload.name if weight is None else f"{workload.name}-canary"
    meta = parts.metadata(name, workload.namespace, workload.labels)
    if weight is not None:
        meta["annotations"] = {
            "nginx.ingress.kubernetes.io/canary": "true",
            "nginx.ingress.kubernetes.io/canary-weight": str(weight),
        }
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": meta,
        "spec": {
            "ingressClassName": "nginx",
            "tls": [{"hosts": [host], "secretName": f"{workload.name}-tls"}],
            "rules": [
                {
                    "host": host,
                    "http": {
                        "paths": [
                            {
                                "path": "/",
                                "pathType": "Prefix",
                                "backend": {"service": {"name": service, "port": {"name": "http"}}},
                            }
                        ]
                    },
                }
            ],
        },
    }


def _nginx_commands(workload: parts.Workload) -> tuple[Callable[[int], str], str]:
    def step(weight: int) -> str:
        patch = json.dumps(
            {
                "metadata": {
                    "annotations": {"nginx.ingress.kubernetes.io/canary-weight": str(weight)}
                }
            },
            separators=(",", ":"),
        )
        return _kubectl(workload, f"patch ingress {workload.name}-canary --type merge -p '{patch}'")

    return step, step(0)


def _plan_text(workload: parts.Workload, plan: _Plan) -> str:
    lines = [
        f"# {workload.name}: {plan.title} plan",
        "",
        plan.summary,
        "",
        "Every command runs against the cluster the manifests were applied to. Before a step,",
        "its checks must hold; when one fails, run that step's rollback and stop.",
        "",
    ]
    for number, (action, check, rollback) in enumerate(plan.steps, start=1):
        lines.extend(
            [
                f"## Step {number}",
                "",
                f"- Do: {action}",
                f"- Check: {check}",
                f"- Roll back: `{rollback}`"
                if rollback.startswith("kubectl")
                else f"- Roll back: {rollback}",
                "",
            ]
        )
    return "\n".join(lines[:-1]) + "\n"


@generator("deploy")
def deploy(project: ProjectInfo, options: DeployOptions) -> list[Artifact]:
    """Rolling, blue-green or canary manifests with a promotion and rollback plan."""
    if options.strategy not in STRATEGIES:
        raise GeneratorError(f"--strategy takes {', '.join(STRATEGIES)}, not {options.strategy!r}")
    if options.mesh not in MESHES:
        raise GeneratorError(f"--mesh takes {', '.join(MESHES)}, not {options.mesh!r}")
    if options.replicas < 2:
        raise GeneratorError("--replicas must be 2 or more (one replica is no redundancy)")
    workload = parts.workload_from(project, options, options.namespace)
    folder = options.path.strip("/") or "."
    build = {"rolling": _rolling, "blue-green": _blue_green, "canary": _canary}[options.strategy]
    files, plan = build(workload, options, folder)
    name, namespace = workload.name, workload.namespace
    files[f"{name}-serviceaccount.yaml"] = [parts.service_account(workload)]
    files[f"{name}-networkpolicy.yaml"] = [parts.allow_http(workload)]
    artifacts = [Artifact(f"{folder}/{path}", parts.dump(docs)) for path, docs in files.items()]
    artifacts.append(
        Artifact(f"{folder}/{namespace}-default-deny.yaml", parts.default_deny_manifest(namespace))
    )
    artifacts.append(
        Artifact(f"{folder}/{name}-{options.strategy}-plan.md", _plan_text(workload, plan))
    )
    return artifacts
