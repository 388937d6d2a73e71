"""DF124 no-ssh-port."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.dockerfile import Dockerfile

from ._expose import exposed_ports
from ._scripts import logical

SSH_PORT = 22


@rule(
    "DF124",
    "no-ssh-port",
    Severity.WARNING,
    tags=("dockerfile", "security"),
    peers=("checkov CKV_DOCKER_1", "trivy DS-0004"),
)
def no_ssh_port(dockerfile: Dockerfile) -> Iterator[Finding]:
    """The image does not expose the SSH port 22.

    ## What it does
    Reports an EXPOSE (or `ONBUILD EXPOSE`) of port 22 over TCP (`22`, `22/tcp`), or of a
    TCP range that includes it (`20-25`), at the port. `22/udp` is not SSH and passes;
    words with variables (`$SSH_PORT`) are not resolved.

    ## Why it matters
    An SSH server in a container is a second, long-lived way in with its own keys or
    passwords to manage, and it bypasses the audited `docker exec` / `kubectl exec`
    path. Containers are replaced, not logged into; debug with `exec` or an ephemeral
    debug container instead.

    ## Example
    ```dockerfile
    FROM ubuntu:24.04
    RUN apt-get update && apt-get install -y --no-install-recommends openssh-server
    EXPOSE 22 8080
    ```

    ## Use instead
    ```dockerfile
    FROM ubuntu:24.04
    EXPOSE 8080
    ```

    ## Fix
    None: removing the port means removing the SSH server it serves.

    ## Variants
    - `22` and `22/tcp` (checkov CKV_DOCKER_1, trivy DS-0004): covered, and `22/TCP`,
      quoted `"22"`.
    - `22/udp` (trivy DS-0004): not covered: SSH runs over TCP; UDP port 22 is another
      service.
    - A range holding 22 (`20-25`): covered (no peer reads ranges).
    - `ONBUILD EXPOSE`: covered.
    - `$SSH_PORT`: not covered: its value is known only at build time.

    ## References
    - https://docs.docker.com/reference/dockerfile/#expose
    - https://docs.docker.com/reference/cli/docker/container/exec/
    - https://kubernetes.io/docs/tasks/debug/debug-application/debug-running-pod/#ephemeral-container
    """
    for port in exposed_ports(dockerfile):
        parts = port.parts
        if parts is None or port.dynamic:
            continue
        low, high, protocol = parts
        if protocol != "tcp" or not low <= SSH_PORT <= high:
            continue
        what = "the SSH port 22" if low == high else f"the range `{port.text}` with port 22"
        yield Finding(
            port.span,
            f"EXPOSE of {what}: do not run an SSH server in the image; use "
            "`docker exec` or `kubectl exec` to get a shell",
            logical=logical(port.instruction),
        )
