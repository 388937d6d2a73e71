"""Fixes of the Kubernetes rules: keys added to a container or a pod spec, written in the
file's own style (indentation step, flush or indented sequences, quoting).

No edit is offered for a flow-style mapping or list, for a key whose value is not the
mapping or list it should be, or for a manifest rendered from a Helm template (its text is
the template's, not YAML that can be edited in place). Values that are numbers or
endpoints come only from `[tool.opslint.defaults]`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from fractions import Fraction

from opslint import Applicability, Edit, Fix
from opslint.defaults import missing
from opslint.edits.yaml import (
    Style,
    Value,
    add_after,
    add_entries,
    add_entries_first,
    add_nested,
    append_item,
    scalar_text,
    set_scalar,
)
from opslint.indexes.kubernetes import K8sIndex
from opslint.model.kubernetes import Container, K8sObject, PodSpec
from opslint.model.yamltree import YMap, YScalar
from opslint.run import Run
from opslint.views import Defaults, SourceText, view_key

from ._pods import integer

Quantity = str | int | float
"""A resource quantity as configured: `"100m"`, `"128Mi"`, `1`, `0.5`."""


class Manifest:
    """The manifest a container or pod spec was read from, as its fixes edit it: its lines
    (none for one rendered from a Helm template, whose fixes are never applied), its
    indentation and the values `[tool.opslint.defaults]` gives fixes."""

    def __init__(self, text: SourceText, editable: bool, defaults: Defaults) -> None:
        self.text = text
        self.editable = editable
        """True when fixes may edit the manifest (it is not rendered from a Helm template)."""
        self.defaults = defaults

    @classmethod
    def for_subject(cls, run: Run, subject: object) -> Manifest:
        """The manifest of `subject` (one view per file and run)."""
        text = SourceText.for_subject(run, subject)
        return run.derived(
            (view_key(cls), text.path),
            lambda: cls(
                text,
                K8sIndex.for_subject(run, subject).template_at(text.path) is None,
                Defaults.for_subject(run, subject),
            ),
        )

    @property
    def lines(self) -> Sequence[str]:
        """The lines fixes edit: none when the manifest is not editable."""
        return self.text.lines if self.editable else []

    def style_of(self, owner: K8sObject) -> Style:
        """The indentation of the object's own lines (files that concatenate manifests mix
        styles)."""
        return self.text.style_of(owner.first_line, owner.last_line)


def _fix(
    title: str,
    edits: Sequence[Edit | None] | None,
    applicability: Applicability = Applicability.SAFE,
) -> Fix | None:
    """A fix of `edits`, or None when there are none or one could not be made."""
    if not edits or any(edit is None for edit in edits):
        return None
    return Fix(title, tuple(edit for edit in edits if edit is not None), applicability)


def quantity(defaults: Defaults, key: str) -> Quantity | None:
    """A configured resource quantity, or None when unset or not a string or number."""
    value = defaults.get(key)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    if isinstance(value, str):
        return value.strip() or None
    return value


_SUFFIXES = {
    "n": Fraction(1, 10**9),
    "u": Fraction(1, 10**6),
    "m": Fraction(1, 1000),
    "k": Fraction(10**3),
    "M": Fraction(10**6),
    "G": Fraction(10**9),
    "T": Fraction(10**12),
    "P": Fraction(10**15),
    "E": Fraction(10**18),
    "Ki": Fraction(2**10),
    "Mi": Fraction(2**20),
    "Gi": Fraction(2**30),
    "Ti": Fraction(2**40),
    "Pi": Fraction(2**50),
    "Ei": Fraction(2**60),
}
_QUANTITY = re.compile(
    r"^([+]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]?)$"
)


def parse_quantity(value: object) -> Fraction | None:
    """The amount a Kubernetes quantity (`100m`, `0.5`, `128Mi`, `1G`, `2`) stands for, or
    None when it is not one."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    match = _QUANTITY.match(str(value).strip())
    if match is None:
        return None
    try:
        number = Fraction(match.group(1))
    except (ValueError, ZeroDivisionError):
        return None
    return number * _SUFFIXES.get(match.group(2), Fraction(1))


def written_quantity(container: Container, section: str, name: str) -> YScalar | None:
    """The value written for `resources.<section>.<name>`, unless absent, blank or zero
    (`0`, `"0m"`, `0Mi`): Kubernetes reads a zero request or limit as none."""
    values = container.resources.map(section) if container.resources is not None else None
    value = values.scalar(name) if values is not None else None
    if value is None or value.value is None or not value.text.strip():
        return None
    return None if parse_quantity(value.value) == 0 else value


def resources_fix(
    container: Container, manifest: Manifest, section: str, wanted: Mapping[str, str]
) -> tuple[Fix | None, str | None]:
    """The fix giving `resources.<section>` the resources of `wanted` (resource name to
    its `[tool.opslint.defaults]` key), or the help line saying why there is none.

    Values come from the configured defaults. A configured limit below the written
    request is not written: Kubernetes would refuse the pod."""
    if not manifest.editable:
        return None, None
    chosen: dict[str, Quantity] = {}
    unset: list[str] = []
    for name, key in wanted.items():
        value = quantity(manifest.defaults, key)
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            unset.append(key)
            continue
        request = written_quantity(container, "requests", name) if section == "limits" else None
        below = parse_quantity(value), parse_quantity(request.value if request else None)
        if below[0] is not None and below[1] is not None and below[0] < below[1]:
            return None, (
                f"no automatic fix: the configured `{key}` ({value}) is below the "
                f"container's {name} request ({request.text if request else ''})"
            )
        chosen[name] = value
    if unset:
        return None, missing(*unset)
    edits = _set_resources(container, section, chosen, manifest)
    shown = ", ".join(f"`resources.{section}.{name}: {chosen[name]}`" for name in chosen)
    return _fix(f"set {shown}", edits), None


def _set_resources(
    container: Container, section: str, values: Mapping[str, Quantity], manifest: Manifest
) -> list[Edit | None] | None:
    """Edits giving `resources.<section>` the `values`: keys added (creating `resources`
    and the section when missing) and empty values (`cpu: ""`, `cpu:`) filled in."""
    lines = manifest.lines
    if not lines or not values:
        return None
    node = container.node
    style = manifest.style_of(container.owner)
    resources = node.get("resources")
    if isinstance(resources, YMap) and section == "requests" and section not in resources:
        # requests read before limits, as the API documents them
        entries: dict[str, Value] = {section: dict(values)}
        first = add_entries_first(resources, entries, lines, style)
        if first is not None:
            return [first]
    if resources is None or (isinstance(resources, YMap) and section not in resources):
        return [add_nested(node, ("resources", section), dict(values), lines, style)]
    current = resources.get(section) if isinstance(resources, YMap) else None
    if not isinstance(current, YMap):
        return None
    edits: list[Edit | None] = []
    new: dict[str, Value] = {}
    for name, value in values.items():
        existing = current.get(name)
        if existing is None:
            new[name] = value
        elif isinstance(existing, YScalar):
            edits.append(set_scalar(existing, value, lines))
        else:
            return None
    if new:
        edits.append(add_entries(current, new, lines, style))
    return edits


def context_fix(
    container: Container,
    manifest: Manifest,
    key: str,
    value: bool,
    applicability: Applicability = Applicability.SAFE,
) -> Fix | None:
    """The fix writing `key: value` in the container's `securityContext`: added at its end
    (the `securityContext` created at the end of the container when missing), or given to
    a key that holds no boolean (`key:` or `key: "true"`). A boolean already written is
    the author's choice: no fix."""
    lines = manifest.lines
    if not lines:
        return None
    title = f"set `{key}: {'true' if value else 'false'}`"
    context = container.node.get("securityContext")
    if context is None:
        entries: dict[str, Value] = {"securityContext": {key: value}}
        edit = add_entries(container.node, entries, lines, manifest.style_of(container.owner))
        return _fix(title, [edit], applicability)
    if not isinstance(context, YMap):
        return None
    current = context.get(key)
    if current is None:
        edit = add_entries(context, {key: value}, lines, manifest.style_of(container.owner))
        return _fix(title, [edit], applicability)
    if isinstance(current, YScalar) and not isinstance(current.value, bool):
        return _fix(title, [set_scalar(current, value, lines)], applicability)
    return None


def drop_all_fix(container: Container, manifest: Manifest) -> Fix | None:
    """The fix that makes `securityContext.capabilities.drop` list `ALL`: appended to a
    block `drop` list in its style, or `capabilities.drop: [ALL]` written in block style
    where `capabilities` or `drop` is missing (an `add` list stays as it is)."""
    lines = manifest.lines
    if not lines:
        return None
    title = "drop `ALL` capabilities"
    context = container.node.get("securityContext")
    capabilities = context.get("capabilities") if isinstance(context, YMap) else None
    if (context is not None and not isinstance(context, YMap)) or (
        capabilities is not None and not isinstance(capabilities, YMap)
    ):
        return None
    if capabilities is None or "drop" not in capabilities:
        path = ("securityContext", "capabilities")
        payload: dict[str, Value] = {"drop": ["ALL"]}
        return _fix(
            title,
            [add_nested(container.node, path, payload, lines, manifest.style_of(container.owner))],
        )
    drop = capabilities.seq("drop")
    return _fix(title, [append_item(drop, "ALL", lines)]) if drop is not None else None


_TLS_PORTS = frozenset({443, 8443})
_HTTP_NAMES = frozenset({"http", "https", "web"})
_OTHER_PORTS = frozenset(
    {22, 25, 53, 111, 389, 636, 1433, 1521, 1883, 2049, 2181, 2888, 3306, 3888, 4222}
    | {4369, 5432, 5671, 5672, 6379, 6627, 6650, 6700, 6701, 6702, 6703, 7000, 7001, 7077}
    | {7199, 9042, 9092, 9160}
    | {9300, 11211, 26379, 27017, 27018, 27019, 50051, 61616}
)
"""Well-known ports of services that do not speak HTTP (databases, caches, queues,
coordination, gRPC, NFS, SSH, DNS, mail, directory)."""
_OTHER_NAMES = frozenset(
    {"amqp", "cassandra", "cql", "db", "dns", "epmd", "fastcgi", "fcgi", "gossip", "grpc"}
    | {"hazelcast", "jmx", "kafka", "ldap", "memcache", "memcached", "mongo", "mongodb"}
    | {"mountd", "mqtt", "mysql", "nats", "nfs", "pg", "postgres", "postgresql", "redis"}
    | {"rpc", "rpcbind", "sentinel", "smtp", "ssh", "tcp", "thrift", "transport", "zk"}
    | {"zookeeper"}
)
"""Words of port names that say the port serves something other than HTTP."""


def probe_port(container: Container, lines: Sequence[str]) -> tuple[str | int, bool] | None:
    """The port an HTTP probe of the container targets, by name when the port is named,
    else by number; and whether it serves TLS (named `https`, or numbered 443 or 8443).

    That is the first declared TCP `containerPort` whose name says HTTP (`http`,
    `https`, `web`, `http-server`), else the first one that neither names, numbers nor
    describes in a comment on its line a well-known service that does not speak HTTP
    (`redis`, 3306, `# gRPC`, ...)."""
    candidates: list[tuple[str, int, set[str], set[str]]] = []
    for port in container.ports:
        protocol = (port.string("protocol") or "TCP").strip().upper()
        value = port.scalar("containerPort")
        number = integer(value)
        if protocol != "TCP" or number is None or value is None:
            continue
        name = (port.string("name") or "").strip()
        words = set(re.split(r"[-_.]", name.lower())) - {""}
        line = lines[value.span.line - 1] if 0 < value.span.line <= len(lines) else ""
        comment = line[value.span.end_column - 1 :].partition("#")[2]
        candidates.append((name, number, words, set(re.findall(r"[a-z0-9]+", comment.lower()))))
    chosen = next((c for c in candidates if c[2] & _HTTP_NAMES), None)
    if chosen is None:
        chosen = next(
            (
                c
                for c in candidates
                if c[1] not in _OTHER_PORTS and not (c[2] | c[3]) & _OTHER_NAMES
            ),
            None,
        )
    if chosen is None:
        return None
    name, number, words, _ = chosen
    return (name or number), number in _TLS_PORTS or "https" in words


def probe_fix(
    container: Container, manifest: Manifest, key: str, path_keys: Sequence[str]
) -> tuple[Fix | None, str | None]:
    """The fix adding `key: {httpGet: {path, port}}` at the end of the container, on its
    `probe_port` and the first configured of `path_keys`, or the help line saying what is
    missing when it cannot be made."""
    if not manifest.editable:
        return None, None
    lines = manifest.lines
    found = probe_port(container, lines)
    if found is None:
        return None, "no automatic fix: the container declares no HTTP `containerPort` to probe"
    path = next(
        (text for k in path_keys if (text := _text(manifest.defaults.get(k)))),
        None,
    )
    if path is None:
        return None, missing(path_keys[-1])
    if not lines or key in container.node:
        return None, None
    port, tls = found
    get: dict[str, Value] = {"path": path, "port": port}
    if tls:
        get["scheme"] = "HTTPS"
    probe: dict[str, Value] = {key: {"httpGet": get}}
    edit = add_entries(container.node, probe, lines, manifest.style_of(container.owner))
    return _fix(f"add an HTTP `{key}` on {path} (port {port})", [edit]), None


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def pod_fix(pod: PodSpec, manifest: Manifest, key: str, value: bool) -> Fix | None:
    """The fix writing `key: value` in a pod spec: right after `serviceAccountName` (or
    `serviceAccount`) when one is written, else as the spec's first key, else at its end;
    or as the value of a `key:` written without one."""
    lines = manifest.lines
    if not lines:
        return None
    title = f"set `{key}: {scalar_text(value)}`"
    current = pod.node.get(key)
    if isinstance(current, YScalar) and current.value is None:
        return _fix(title, [set_scalar(current, value, lines)])
    if current is not None:
        return None
    style = manifest.style_of(pod.owner)
    for account in ("serviceAccountName", "serviceAccount"):
        if account in pod.node.keys:
            return _fix(title, [add_after(pod.node, account, {key: value}, lines, style)])
    first = add_entries_first(pod.node, {key: value}, lines, style)
    if first is None:
        first = add_entries(pod.node, {key: value}, lines, style)
    return _fix(title, [first])
