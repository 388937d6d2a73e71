"""Helpers of the per-container Kubernetes rules: findings, securityContext flags,
resources and probes."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from opslint import Finding, Fix, Span
from opslint.model.kubernetes import Container
from opslint.model.yamltree import YScalar

from ._fixes import Manifest, probe_fix, resources_fix, written_quantity
from ._pods import setting


def container_finding(
    container: Container,
    what: str,
    span: Span | None = None,
    *,
    fix: Fix | None = None,
    help: str | None = None,
) -> Finding:
    """A finding about `container`: "container `name` <what>", at `span` (something
    written) or at the container's `- name:` line (something missing)."""
    return Finding(
        span if span is not None else container.span,
        f"container `{container.name}` {what}",
        fix=fix,
        logical=container.logical,
        help=help,
    )


def flag_findings(
    container: Container,
    key: str,
    wanted: bool,
    *,
    wrong: str,
    missing: str,
    fix: Callable[[], Fix | None] | None = None,
) -> Iterator[Finding]:
    """What a container's boolean `securityContext` setting that should be `wanted` calls
    for: nothing when it is; `wrong` at the value when it is the opposite; `missing` at
    the container otherwise (absent, null, or not a boolean), with the fix `fix` makes."""
    value = setting(container.security_context, key)
    if value is not None and value.value is wanted:
        return
    if value is not None and value.value is (not wanted):
        yield container_finding(container, wrong, value.span)
        return
    yield container_finding(container, missing, fix=fix() if fix is not None else None)


def privileged_value(container: Container) -> YScalar | None:
    """The container's `securityContext.privileged` when it is `true`."""
    value = setting(container.security_context, "privileged")
    return value if value is not None and value.value is True else None


def missing_resources(container: Container, section: str, names: tuple[str, ...]) -> list[str]:
    """The resources among `names` that `resources.<section>` (`requests`, `limits`)
    gives no value, or a zero one; none for an ephemeral container, which Kubernetes
    does not let set resources."""
    if container.role == "ephemeralContainer":
        return []
    return [name for name in names if written_quantity(container, section, name) is None]


def long_running(container: Container) -> bool:
    """True for a regular container of a workload that does not run to completion:
    the containers that probes are for."""
    return container.role == "container" and not container.pod.runs_to_completion


_PAUSE_IMAGE = re.compile(r"pause(?:-(?:amd64|arm|arm64|ppc64le|s390x))?")
"""The last path component of a pause image (`registry.k8s.io/pause`, `kubernetes/pause`,
`gcr.io/google_containers/pause-amd64`)."""


def is_pause(container: Container) -> bool:
    """True for a pause container: it only holds a volume or a namespace for the pod and
    serves nothing, so it has nothing to probe."""
    image = container.image
    if image is None or image.dynamic:
        return False
    name = image.repository.rpartition("/")[2].lower()
    return _PAUSE_IMAGE.fullmatch(name) is not None


def has_probe(container: Container, probe: str) -> bool:
    """True when the container writes `probe` with a value: a key left empty (null) is
    no probe to the API."""
    node = container.probes.get(probe)
    return node is not None and not (isinstance(node, YScalar) and node.value is None)


def missing_probe(
    container: Container, manifest: Manifest, probe: str, path_keys: tuple[str, ...]
) -> Iterator[Finding]:
    """A finding at a long-running container other than a pause container that has no
    `probe`, with the fix that adds it at the first of the `path_keys` defaults that is set."""
    if long_running(container) and not is_pause(container) and not has_probe(container, probe):
        fix, help = probe_fix(container, manifest, probe, path_keys)
        yield container_finding(container, f"has no {probe}", fix=fix, help=help)


def missing_limit(
    container: Container, manifest: Manifest, resource: str, label: str
) -> Iterator[Finding]:
    """A finding at a container without `resources.limits.<resource>` (`label` names it in
    the message), with the fix that writes the `<resource>-limit` default."""
    if missing_resources(container, "limits", (resource,)):
        fix, help = resources_fix(container, manifest, "limits", {resource: f"{resource}-limit"})
        yield container_finding(container, f"has no {label} limit", fix=fix, help=help)
