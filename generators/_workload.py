"""The hardened workload pieces shared by the `k8s`, `helm-chart` and `deploy` generators.

Every object is built as a plain dict and rendered through `yamledit.render`, so the same
container, pod and policy shapes come out of `opslint new k8s`, the values of a generated
chart, the manifests of `opslint new deploy`, and the files that the K8115 and K8117 fixes
create.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from opslint.detect import ProjectInfo, dns_name
from opslint.edits.yaml import Style, Value, render
from opslint.generate import GeneratorError
from opslint.model.facets import split_image

STYLE = Style(2, 2)
RUN_AS = 10001
"""The non-root user, group and fsGroup of every generated pod."""
DEFAULT_PORT = 8080
NAME_LABEL = "app.kubernetes.io/name"

_SECRET_ENV = re.compile(
    r"^([A-Za-z_][A-Za-z0-9_]*)=([a-z0-9]([-a-z0-9.]*[a-z0-9])?)/([-._a-zA-Z0-9]+)$"
)
_QUANTITY = re.compile(r"^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$")
_PATH = re.compile(r"^/[-._~/a-zA-Z0-9]*$")


@dataclass(frozen=True)
class SecretEnv:
    """An environment variable read from a key of a Secret."""

    name: str
    secret: str
    key: str


@dataclass(frozen=True)
class Workload:
    """What every generated workload is made of."""

    name: str
    namespace: str
    image: str
    port: int = DEFAULT_PORT
    cpu_request: str = "100m"
    memory_request: str = "128Mi"
    cpu_limit: str = "500m"
    memory_limit: str = "256Mi"
    probe_path: str = "/healthz"
    secret_env: tuple[SecretEnv, ...] = field(default_factory=tuple)

    @property
    def labels(self) -> dict[str, str]:
        """The labels that select the workload's pods."""
        return {NAME_LABEL: self.name}


def dump(objects: Sequence[Mapping[str, Value]]) -> str:
    """YAML documents, separated by `---`, ending with a newline."""
    parts = ["\n".join(render(dict(obj), 0, STYLE)) + "\n" for obj in objects]
    return "---\n".join(parts)


def image_reference(text: str) -> str:
    """`text` when it is an image with a tag other than `latest` or a digest, else an error."""
    reference = text.strip()
    if not reference or any(c.isspace() for c in reference):
        raise GeneratorError(
            "--image is required: the image to run with its tag, e.g. "
            "--image ghcr.io/acme/shop:1.4.2"
        )
    parts = split_image(reference)
    if parts.digest is not None:
        return reference
    if "@" in reference:
        raise GeneratorError(
            f"--image {reference}: a digest is written @sha256: and 64 hexadecimal digits"
        )
    if parts.tag is None:
        raise GeneratorError(f"--image {reference} has no tag: give the version to run")
    if parts.tag in ("", "latest"):
        raise GeneratorError(f"--image {reference}: `latest` is not a version, give one")
    return reference


def quantity(flag: str, text: str) -> str:
    """A Kubernetes resource quantity, or an error naming the flag."""
    if not _QUANTITY.match(text):
        raise GeneratorError(f"--{flag} takes a quantity such as 100m or 256Mi, not {text!r}")
    return text


def secret_envs(items: Sequence[str]) -> tuple[SecretEnv, ...]:
    """`NAME=secret/key` items as secret references, sorted by name."""
    found: dict[str, SecretEnv] = {}
    for item in items:
        match = _SECRET_ENV.match(item)
        if match is None:
            raise GeneratorError(f"--secret-env takes NAME=secret/key items, not {item!r}")
        found[match.group(1)] = SecretEnv(match.group(1), match.group(2), match.group(4))
    return tuple(found[name] for name in sorted(found))


def make_workload(
    project: ProjectInfo,
    *,
    name: str,
    namespace: str,
    image: str,
    port: int,
    resources: tuple[str, str, str, str],
    probe_path: str,
    secret_env: Sequence[str],
) -> Workload:
    """A checked `Workload` from generator options, with the project's own values as defaults."""
    workload_name = dns_name(name) if name else project.name
    chosen_port = port or project.port or DEFAULT_PORT
    if not 1 <= chosen_port <= 65535:
        raise GeneratorError(f"--port must lie between 1 and 65535, not {chosen_port}")
    if not _PATH.match(probe_path):
        raise GeneratorError(f"--probe-path takes an absolute HTTP path, not {probe_path!r}")
    flags = ("cpu-request", "memory-request", "cpu-limit", "memory-limit")
    cpu_request, memory_request, cpu_limit, memory_limit = (
        quantity(flag, value) for flag, value in zip(flags, resources, strict=True)
    )
    return Workload(
        name=workload_name,
        namespace=dns_name(namespace) if namespace else workload_name,
        image=image_reference(image),
        port=chosen_port,
        cpu_request=cpu_request,
        memory_request=memory_request,
        cpu_limit=cpu_limit,
        memory_limit=memory_limit,
        probe_path=probe_path,
        secret_env=secret_envs(secret_env),
    )


@dataclass(frozen=True)
class WorkloadOptions:
    """The options the `k8s`, `deploy` and `helm-chart` generators share: their options
    dataclasses extend this one (its fields come first in `opslint new --list`)."""

    image: str = ""
    """The image to run, with its tag or digest (required), e.g. ghcr.io/acme/shop:1.4.2."""
    name: str = ""
    """The name of every object; default: the project's name."""
    port: int = 0
    """The port the container listens on; default: the Dockerfile's EXPOSE, else 8080."""
    cpu_request: str = "100m"
    """The container's cpu request."""
    memory_request: str = "128Mi"
    """The container's memory request."""
    cpu_limit: str = "500m"
    """The container's cpu limit."""
    memory_limit: str = "256Mi"
    """The container's memory limit."""
    probe_path: str = "/healthz"
    """The HTTP path of the startup, liveness and readiness probes."""
    secret_env: tuple[str, ...] = ()
    """Environment variables read from Secrets, as NAME=secret/key items."""


def workload_from(project: ProjectInfo, options: WorkloadOptions, namespace: str) -> Workload:
    """The checked workload a generator's options describe, in `namespace` (default: its
    name)."""
    return make_workload(
        project,
        name=options.name,
        namespace=namespace,
        image=options.image,
        port=options.port,
        resources=(
            options.cpu_request,
            options.memory_request,
            options.cpu_limit,
            options.memory_limit,
        ),
        probe_path=options.probe_path,
        secret_env=options.secret_env,
    )


def metadata(name: str, namespace: str, labels: Mapping[str, str]) -> dict[str, Value]:
    """`metadata` with the name, the namespace and the labels."""
    return {"name": name, "namespace": namespace, "labels": dict(labels)}


def pod_security_context() -> dict[str, Value]:
    """The pod-level security context: a fixed non-root identity and the default seccomp."""
    return {
        "runAsNonRoot": True,
        "runAsUser": RUN_AS,
        "runAsGroup": RUN_AS,
        "fsGroup": RUN_AS,
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def container_security_context() -> dict[str, Value]:
    """The container-level security context: read-only, unprivileged, no capabilities."""
    return {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "capabilities": {"drop": ["ALL"]},
    }


def probes(path: str) -> dict[str, Value]:
    """Startup, liveness and readiness probes on the named `http` port."""

    def probe(period: int, failures: int) -> dict[str, Value]:
        return {
            "httpGet": {"path": path, "port": "http"},
            "periodSeconds": period,
            "timeoutSeconds": 2,
            "failureThreshold": failures,
        }

    return {
        "startupProbe": probe(5, 30),
        "livenessProbe": probe(10, 3),
        "readinessProbe": probe(5, 3),
    }


def resources(workload: Workload) -> dict[str, Value]:
    """Requests and limits of the container."""
    return {
        "requests": {"cpu": workload.cpu_request, "memory": workload.memory_request},
        "limits": {"cpu": workload.cpu_limit, "memory": workload.memory_limit},
    }


def environment(workload: Workload) -> list[Value]:
    """The container's environment: secrets only through `secretKeyRef`."""
    return [
        {"name": item.name, "valueFrom": {"secretKeyRef": {"name": item.secret, "key": item.key}}}
        for item in workload.secret_env
    ]


def container(workload: Workload, image: str | None = None) -> dict[str, Value]:
    """The hardened application container."""
    body: dict[str, Value] = {
        "name": workload.name,
        "image": image or workload.image,
        "imagePullPolicy": "IfNotPresent",
        "ports": [{"name": "http", "containerPort": workload.port, "protocol": "TCP"}],
    }
    env = environment(workload)
    if env:
        body["env"] = env
    body.update(probes(workload.probe_path))
    body["resources"] = resources(workload)
    body["securityContext"] = container_security_context()
    body["volumeMounts"] = [{"name": "tmp", "mountPath": "/tmp"}]
    return body


def pod_template(
    workload: Workload, labels: Mapping[str, str], image: str | None = None
) -> dict[str, Value]:
    """The pod template: a dedicated service account without a token, a writable /tmp."""
    return {
        "metadata": {"labels": dict(labels)},
        "spec": {
            "serviceAccountName": workload.name,
            "automountServiceAccountToken": False,
            "securityContext": pod_security_context(),
            "terminationGracePeriodSeconds": 30,
            "containers": [container(workload, image)],
            "volumes": [{"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}}],
        },
    }


def deployment(
    workload: Workload,
    *,
    name: str | None = None,
    labels: Mapping[str, str] | None = None,
    replicas: int | None = None,
    strategy: Mapping[str, Value] | None = None,
    image: str | None = None,
) -> dict[str, Value]:
    """A Deployment of the workload; `replicas` None leaves the count to an autoscaler."""
    selected = dict(labels or workload.labels)
    spec: dict[str, Value] = {}
    if replicas is not None:
        spec["replicas"] = replicas
    spec["revisionHistoryLimit"] = 5
    spec["selector"] = {"matchLabels": selected}
    spec["strategy"] = dict(
        strategy
        or {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}}
    )
    spec["template"] = pod_template(workload, selected, image)
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": metadata(name or workload.name, workload.namespace, selected),
        "spec": spec,
    }


def service(
    workload: Workload, *, name: str | None = None, selector: Mapping[str, str] | None = None
) -> dict[str, Value]:
    """A ClusterIP Service on port 80 to the pods' `http` port."""
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": metadata(name or workload.name, workload.namespace, workload.labels),
        "spec": {
            "type": "ClusterIP",
            "selector": dict(selector or workload.labels),
            "ports": [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}],
        },
    }


def service_account(workload: Workload) -> dict[str, Value]:
    """The workload's own ServiceAccount, whose token is not mounted."""
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": metadata(workload.name, workload.namespace, workload.labels),
        "automountServiceAccountToken": False,
    }


def autoscaler(workload: Workload, minimum: int, maximum: int) -> dict[str, Value]:
    """An autoscaling/v2 HPA on CPU use, which scales down slowly."""
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": metadata(workload.name, workload.namespace, workload.labels),
        "spec": {
            "scaleTargetRef": {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "name": workload.name,
            },
            "minReplicas": minimum,
            "maxReplicas": maximum,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "target": {"type": "Utilization", "averageUtilization": 70},
                    },
                }
            ],
            "behavior": {
                "scaleDown": {
                    "stabilizationWindowSeconds": 300,
                    "policies": [{"type": "Pods", "value": 1, "periodSeconds": 60}],
                }
            },
        },
    }


def disruption_budget(
    name: str, namespace: str | None, match_labels: Mapping[str, str]
) -> dict[str, Value]:
    """A PodDisruptionBudget letting one pod of the selected ones go at a time."""
    meta: dict[str, Value] = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": meta,
        "spec": {"maxUnavailable": 1, "selector": {"matchLabels": dict(match_labels)}},
    }


def default_deny(namespace: str | None) -> dict[str, Value]:
    """The NetworkPolicy that isolates every pod of the namespace for ingress (of the
    namespace it is applied to when `namespace` is None)."""
    meta: dict[str, Value] = {"name": "default-deny-ingress"}
    if namespace:
        meta["namespace"] = namespace
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": meta,
        "spec": {"podSelector": {}, "policyTypes": ["Ingress"]},
    }


def allow_http(workload: Workload, from_namespace: str = "") -> dict[str, Value]:
    """The NetworkPolicy that admits traffic to the pods' `http` port (from one namespace
    when `from_namespace` is given, else from any source)."""
    rule: dict[str, Value] = {}
    if from_namespace:
        rule["from"] = [
            {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": from_namespace}}}
        ]
    rule["ports"] = [{"port": "http", "protocol": "TCP"}]
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": metadata(f"{workload.name}-allow-http", workload.namespace, workload.labels),
        "spec": {
            "podSelector": {"matchLabels": workload.labels},
            "policyTypes": ["Ingress"],
            "ingress": [rule],
        },
    }


def pdb_manifest(name: str, namespace: str | None, match_labels: Mapping[str, str]) -> str:
    """The text of a PodDisruptionBudget file (what the K8115 fix writes)."""
    return dump([disruption_budget(name, namespace, match_labels)])


def default_deny_manifest(namespace: str | None) -> str:
    """The text of a default-deny NetworkPolicy file (what the K8117 fix writes)."""
    return dump([default_deny(namespace)])
