"""K8121 probe-port."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.indexes.kubernetes import K8sIndex
from opslint.model.kubernetes import Container
from opslint.model.yamltree import YMap, YScalar, text_span

from ._cross import integer

_HANDLERS = ("httpGet", "tcpSocket", "grpc")


def _declared(container: Container) -> tuple[set[str], set[int]]:
    """The names and the numbers of the container's `ports`."""
    names: set[str] = set()
    numbers: set[int] = set()
    for port in container.ports:
        name = port.string("name")
        if name:
            names.add(name)
        number = integer(port.scalar("containerPort"))
        if number is not None:
            numbers.add(number)
    return names, numbers


def _probe_ports(container: Container) -> Iterator[tuple[str, YScalar]]:
    """(probe, port node) of every httpGet, tcpSocket and grpc probe on the container itself."""
    for probe_name, probe in container.probes.items():
        if not isinstance(probe, YMap):
            continue
        for handler in _HANDLERS:
            action = probe.map(handler)
            if action is None or action.string("host"):
                continue  # a probe of another host names that host's port
            port = action.scalar("port")
            if port is not None and port.value is not None and not isinstance(port.value, bool):
                yield probe_name, port


@rule(
    "K8121",
    "probe-port",
    Severity.WARNING,
    tags=("kubernetes", "reliability"),
    peers=(
        "kube-linter liveness-port",
        "kube-linter readiness-port",
        "kube-linter startup-port",
    ),
)
def probe_port(container: Container, index: K8sIndex) -> Iterator[Finding]:
    """Probes use a port the container declares.

    ## What it does
    Checks the `port` of every `httpGet`, `tcpSocket` and `grpc` liveness, readiness and
    startup probe against the container's own `ports`, and reports it at its value:

    - a named port (`port: http`) must be the `name` of one of the container's ports;
      Kubernetes cannot resolve it otherwise, and the probe always fails;
    - a numeric port must be one of the `containerPort`s when the container declares
      ports at all. A container that declares none is not checked: declaring ports is
      documentation, and the probe works whatever it names.

    Probes that name a `host` reach another machine and are not checked. Numeric strings
    (`port: "8080"`) count as numbers, as the kubelet reads them.

    ## Why it matters
    A named probe port that does not exist makes the probe fail on every attempt: the
    liveness probe restarts the container forever and the readiness probe keeps it out of
    its Service. A numeric port that the container does not declare is usually a stale
    number left behind when the application's port changed, and the probe then checks
    nothing the application serves.

    ## Example
    ```yaml
    containers:
      - name: app
        ports:
          - name: http
            containerPort: 8080
        livenessProbe:
          httpGet:
            path: /healthz
            port: web
    ```

    ## Use instead
    ```yaml
    containers:
      - name: app
        ports:
          - name: http
            containerPort: 8080
        livenessProbe:
          httpGet:
            path: /healthz
            port: http
    ```

    ## Fix
    None: whether the probe or the port list is wrong is for the author to decide.

    ## Variants
    - `httpGet`, `tcpSocket` and `grpc` probes (kube-linter liveness-port, readiness-port,
      startup-port): covered; `exec` probes have no port (kube-linter skips them too).
    - Named ports (`port: http`) (kube-linter): covered.
    - Numeric ports written as strings (`"8080"`): covered.
    - A container that declares no ports (kube-linter reports its probe): not covered: see
      above.
    - Only TCP ports counting (kube-linter ignores ports of another `protocol`): not
      covered: the kubelet resolves a named port whatever its protocol.
    - Probes with a `host`: not covered: they reach another machine.
    - Init containers (kube-linter skips them): covered where a sidecar has probes.
    - Helm chart templates, through their render: covered.

    ## References
    - https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
    - https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#Probe
    """
    if index.is_patch(container.owner):
        return  # a patch's ports are merged with those of the object it patches
    names, numbers = _declared(container)
    for probe_name, port in _probe_ports(container):
        text = port.text.strip()
        if "{{" in text or "$(" in text:
            continue
        where = f"{probe_name} of container `{container.name}`"
        if isinstance(port.value, int) or text.isdigit():
            if numbers and int(text) not in numbers:
                declared = ", ".join(str(n) for n in sorted(numbers))
                yield Finding(
                    text_span(port),
                    f"{where} checks port {text}, which is not among the container's ports "
                    f"({declared}): probe a declared port or declare it",
                    logical=container.logical,
                )
        elif text not in names:
            yield Finding(
                text_span(port),
                f"{where} uses port `{text}`, which no port of the container is named: "
                "name the port or use its number",
                logical=container.logical,
            )
