"""`opslint new k8s`: hardened Kubernetes manifests for the project's service."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from opslint.detect import ProjectInfo, dns_name
from opslint.edits.yaml import Value
from opslint.generate import Artifact, GeneratorError, generator

from . import _workload as parts


@dataclass(frozen=True)
class K8sOptions(parts.WorkloadOptions):
    """The workload, its size and where it runs."""

    namespace: str = ""
    """The namespace of every object; default: the workload's name."""
    min_replicas: int = 2
    """The autoscaler's lower bound (2 or more)."""
    max_replicas: int = 10
    """The autoscaler's upper bound."""
    allow_from_namespace: str = ""
    """Admit traffic to the port only from this namespace (e.g. ingress-nginx); default: any."""
    path: str = "k8s"
    """The folder the manifests are written to."""


def workload_of(project: ProjectInfo, options: K8sOptions) -> parts.Workload:
    """The checked workload the options describe."""
    return parts.workload_from(project, options, options.namespace)


def pdb_manifest(name: str, namespace: str | None, match_labels: Mapping[str, str]) -> str:
    """A PodDisruptionBudget file for the pods `match_labels` selects (in the namespace it
    is applied to when `namespace` is None)."""
    return parts.pdb_manifest(name, namespace, match_labels)


def default_deny_manifest(namespace: str | None) -> str:
    """A default-deny ingress NetworkPolicy file for `namespace` (for the namespace it is
    applied to when None)."""
    return parts.default_deny_manifest(namespace)


@generator("k8s")
def k8s(project: ProjectInfo, options: K8sOptions) -> list[Artifact]:
    """Deployment, Service, ServiceAccount, HPA, PDB and NetworkPolicies, hardened."""
    workload = workload_of(project, options)
    if options.min_replicas < 2:
        raise GeneratorError("--min-replicas must be 2 or more (one replica is no redundancy)")
    if options.max_replicas < options.min_replicas:
        raise GeneratorError("--max-replicas must not be below --min-replicas")
    folder = options.path.strip("/") or "."
    name, namespace = workload.name, workload.namespace
    files: dict[str, list[dict[str, Value]]] = {
        f"{name}-deployment.yaml": [parts.deployment(workload)],
        f"{name}-service.yaml": [parts.service(workload)],
        f"{name}-serviceaccount.yaml": [parts.service_account(workload)],
        f"{name}-hpa.yaml": [
            parts.autoscaler(workload, options.min_replicas, options.max_replicas)
        ],
        f"{name}-networkpolicy.yaml": [
            parts.allow_http(workload, dns_name(options.allow_from_namespace))
            if options.allow_from_namespace
            else parts.allow_http(workload)
        ],
    }
    artifacts = [Artifact(f"{folder}/{path}", parts.dump(docs)) for path, docs in files.items()]
    artifacts.append(
        Artifact(f"{folder}/{name}-pdb.yaml", pdb_manifest(name, namespace, workload.labels))
    )
    artifacts.append(
        Artifact(f"{folder}/{namespace}-default-deny.yaml", default_deny_manifest(namespace))
    )
    return artifacts
