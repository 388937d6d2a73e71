"""DC107 dangerous-options."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.base import Span
from opslint.model.compose import ComposeFile, ComposeService
from opslint.model.facets import sub_span
from opslint.model.yamltree import YMap, YScalar, YSeq, text_span

from ._shared import names

_HOST_NAMESPACES = {
    "network_mode": "network",
    "pid": "process",
    "ipc": "IPC",
    "userns_mode": "user",
}
_ROOT_CAPABILITIES = frozenset({"ALL", "SYS_ADMIN"})


def _text(node: object) -> str | None:
    if isinstance(node, YScalar) and node.value is not None:
        return node.text.strip()
    return None


def is_docker_socket(path: str) -> bool:
    """True for the Docker daemon's socket (or Windows pipe) as a bind-mount source."""
    normal = path.strip().replace("\\", "/").rstrip("/}").lower()
    return normal.rsplit("/", 1)[-1] == "docker.sock" or normal.endswith("/pipe/docker_engine")


def _short_source(text: str) -> str:
    """The host part of a short-syntax volume (`SRC:DST[:MODE]`).

    A Windows drive (`C:`) and colons inside `${VAR:-default}` belong to the source.
    """
    depth = 0
    for index, char in enumerate(text):
        if text.startswith("${", index):
            depth += 1
        elif char == "}" and depth:
            depth -= 1
        elif char == ":" and not depth and not (index == 1 and text[0].isalpha()):
            return text[:index]
    return text


def _socket_mounts(service: ComposeService) -> Iterator[tuple[Span, str]]:
    volumes = service.node.seq("volumes")
    if volumes is None:
        return
    for item in volumes:
        if isinstance(item, YScalar) and item.value is not None:
            text = item.text
            source = _short_source(text)
            if ":" not in text[len(source) :] or not is_docker_socket(source):
                continue  # no `:`: an anonymous volume at that container path
            span = text_span(item)
            if span.line == span.end_line and span.end_column - span.column == len(text):
                offset = len(text) - len(text.lstrip())
                span = sub_span(span, offset, len(source.strip()))
            yield span, source.strip()
        elif isinstance(item, YMap):
            kind = _text(item.get("type"))
            source_node = item.get("source")
            long_source = _text(source_node)
            if kind not in (None, "bind", "npipe") or long_source is None:
                continue
            if isinstance(source_node, YScalar) and is_docker_socket(long_source):
                yield text_span(source_node), long_source


def _findings(service: ComposeService) -> Iterator[tuple[Span, str]]:
    """(span, predicate) pairs: what the service does, to follow its name."""
    node = service.node
    privileged = node.get("privileged")
    if isinstance(privileged, YScalar) and (
        privileged.value is True or _text(privileged) == "true"
    ):
        yield (
            text_span(privileged),
            "runs privileged, as powerful as root on the host: grant only the "
            "capability or device it needs",
        )
    for key, what in _HOST_NAMESPACES.items():
        value = node.get(key)
        if isinstance(value, YScalar) and _text(value) == "host":
            yield (
                text_span(value),
                f"shares the host's {what} namespace (`{key}: host`): "
                "drop it and publish or share only what is needed",
            )
    for span, source in _socket_mounts(service):
        yield (
            span,
            f"mounts the Docker socket `{source}`, which gives it "
            "root on the host: use a socket proxy that allows only the calls it needs",
        )
    capabilities = node.get("cap_add")
    if isinstance(capabilities, YSeq):
        for item in capabilities.scalars():
            name = (_text(item) or "").upper().removeprefix("CAP_")
            if name in _ROOT_CAPABILITIES:
                yield (
                    text_span(item),
                    f"adds the capability `{name}`, as good as "
                    "privileged: add only the narrow capabilities it needs",
                )


@rule("DC107", "dangerous-options", Severity.ERROR, tags=("compose", "security"))
def dangerous_options(compose: ComposeFile) -> Iterator[Finding]:
    """Services do not run privileged, in host namespaces or with the Docker socket.

    ## What it does
    Reports, at the offending value:
    - `privileged: true`;
    - `network_mode: host`, `pid: host`, `ipc: host` and `userns_mode: host` (sharing
      the host's network, process, IPC or user namespace; the last one undoes the
      daemon's `userns-remap`, so that root in the container is root on the host);
    - a bind mount of the Docker daemon socket, in the short syntax
      (`/var/run/docker.sock:/var/run/docker.sock`, read-only included) or the long one
      (`type: bind`, `source: /run/docker.sock`): any source named `docker.sock`,
      rootless sockets under `$XDG_RUNTIME_DIR` too, and the Windows pipe
      `//./pipe/docker_engine`;
    - `cap_add` of `ALL` or `SYS_ADMIN` (with or without the `CAP_` prefix). `SYS_ADMIN`
      is included because it allows mounting file systems and most of what privileged
      mode allows; narrower capabilities (`NET_ADMIN`, `SYS_PTRACE`, ...) are not
      reported.

    Options a service receives from a merged `x-` anchor are reported once, where they
    are written. Tools that exist to drive Docker (reverse proxies reading labels,
    Portainer, CI runners) do need the socket: suppress the finding there with a comment
    saying why.

    ## Why it matters
    Each of these removes the wall between the container and the host. A privileged
    container or one with `SYS_ADMIN` can mount the host's disks; the Docker socket lets
    it start a privileged container of its own (read-only mounts do not prevent API
    calls); host namespaces expose the host's network services and processes. A single
    compromised dependency in such a service owns the machine.

    ## Example
    ```yaml
    services:
      agent:
        image: example/agent:2.3.0
        privileged: true
        network_mode: host
        volumes:
          - /var/run/docker.sock:/var/run/docker.sock
    ```

    ## Use instead
    ```yaml
    services:
      agent:
        image: example/agent:2.3.0
        cap_add:
          - NET_ADMIN
        ports:
          - "9100:9100"
    ```

    ## Fix
    None: what the service really needs (a capability, a device, a port) is the
    author's call.

    ## Variants
    - `privileged: true`, also quoted (KICS privileged_containers_enabled): covered.
    - `pid: host` (KICS host_namespace_is_shared), `ipc: host` (KICS
      shared_host_ipc_namespace, ipc_set_to_host), `network_mode: host` (KICS
      shared_host_network_namespace, network_mode_host_exists), `userns_mode: host`
      (KICS shared_host_user_namespace, userns_set_to_host): covered.
    - a service without `pid` (KICS reports the missing key): not covered: the default
      is a private namespace.
    - the Docker socket mounted (KICS docker_socket_mounted_in_container): covered, in
      short and long syntax, read-only, rootless and Windows pipe forms.
    - `cap_add` of `ALL` or `SYS_ADMIN`: covered; any `cap_add`, or no `cap_drop` (KICS
      container_capabilities_unrestricted, check_cap_add_cap_drop): not covered: a narrow
      capability such as `NET_BIND_SERVICE` keeps the wall, and dropping capabilities is
      hardening, not the absence of a wall.
    - `security_opt` with `seccomp:unconfined`, `apparmor:unconfined` or no
      `no-new-privileges` (KICS default_seccomp_profile_disabled, seccomp_disabled,
      security_opt_not_set, no_new_privileges_not_set): not covered: each weakens a
      layer of defence but leaves the namespaces and capabilities in place; they belong
      to a hardening rule.
    - `cgroup_parent` set (KICS cgroup_not_default): not covered: it places the
      container's cgroup, it shares nothing with the host.
    - host directories such as `/etc` or `/proc` bind-mounted (KICS
      volume_has_sensitive_host_directory): not covered: configuration mounts such as
      `/etc/pihole` are how such services are meant to run, and telling them from an
      escape needs the path and the mode together.

    ## References
    - https://docs.docker.com/reference/compose-file/services/#privileged
    - https://docs.docker.com/reference/compose-file/services/#network_mode
    - https://docs.docker.com/engine/security/userns-remap/
    - https://docs.docker.com/engine/security/#docker-daemon-attack-surface
    - https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities
    """
    found: dict[tuple[int, int, str], tuple[Span, str, list[ComposeService]]] = {}
    for service in compose.services:
        for span, predicate in _findings(service):
            entry = found.setdefault((span.line, span.column, predicate), (span, predicate, []))
            entry[2].append(service)
    for span, predicate, services in found.values():
        who = f"service `{services[0].name}`"
        if len(services) > 1:
            others = names(services[1:])
            who += f" (and {others}, through the same anchor)"
        yield Finding(span, f"{who} {predicate}", logical=services[0].logical)
