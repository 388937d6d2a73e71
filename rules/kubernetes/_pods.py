"""Helpers shared by the per-object Kubernetes rules: volumes, settings, service accounts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from opslint.model.base import Span
from opslint.model.kubernetes import PodSpec
from opslint.model.yamltree import YMap, YScalar, text_span


def setting(context: YMap | None, key: str) -> YScalar | None:
    """The scalar under `key` of a securityContext (or any mapping), unless absent or null."""
    value = context.scalar(key) if context is not None else None
    return value if value is not None and value.value is not None else None


def integer(node: YScalar | None) -> int | None:
    """The integer a scalar holds (`"22"` included), else None; booleans are not integers."""
    if node is None or isinstance(node.value, bool):
        return None
    if isinstance(node.value, int):
        return node.value
    if isinstance(node.value, str) and node.value.strip().isdigit():
        return int(node.value.strip())
    return None


@dataclass(frozen=True, slots=True)
class HostPathVolume:
    """A `hostPath` volume of a pod spec: its name, the path as written and where it is."""

    name: str
    path: str
    span: Span
    """The path's text, or the `hostPath` key when no path is written."""


def host_path_volumes(pod: PodSpec) -> Iterator[HostPathVolume]:
    """The pod's `hostPath` volumes, in order (volumes of other types are skipped)."""
    volumes = pod.node.seq("volumes")
    if volumes is None:
        return
    for index, volume in enumerate(volumes.maps()):
        host_path = volume.map("hostPath")
        if host_path is None:
            continue
        name = volume.string("name") or str(index)
        path = host_path.scalar("path")
        if path is not None and path.value is not None:
            yield HostPathVolume(name, path.text, text_span(path))
        else:
            yield HostPathVolume(name, "", volume.key_span("hostPath"))


def account_name(pod: PodSpec) -> YScalar | None:
    """The pod's `serviceAccountName`, or the deprecated `serviceAccount` alias."""
    for key in ("serviceAccountName", "serviceAccount"):
        value = setting(pod.node, key)
        if value is not None and value.text.strip():
            return value
    return None


def runs_on_windows(pod: PodSpec) -> bool:
    """True for a pod meant for Windows nodes: `os.name: windows`, or a `nodeSelector`
    on `kubernetes.io/os: windows`. The Linux-only container settings (capabilities,
    `allowPrivilegeEscalation`, `readOnlyRootFilesystem`) mean nothing there, and the API
    refuses them beside `os.name: windows`."""
    system = pod.node.map("os")
    selector = pod.node.map("nodeSelector")
    named = (system.string("name") if system is not None else None) or ""
    selected = (selector.string("kubernetes.io/os") if selector is not None else None) or ""
    return "windows" in (named.strip().lower(), selected.strip().lower())
