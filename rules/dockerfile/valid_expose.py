"""DF121 valid-expose."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.dockerfile import Dockerfile

from ._expose import PROTOCOLS, ExposedPort, exposed_ports
from ._scripts import logical

MAX_PORT = 65535


def _problem(port: ExposedPort) -> tuple[str, Severity | None] | None:
    """What is wrong with an EXPOSE word, and the finding's own severity if it has one."""
    parts = port.parts
    if parts is None:
        if ":" in port.text:
            return (
                f"`{port.text}` maps a host port or address, which EXPOSE ignores: expose "
                "the container port only and publish with `docker run -p` or Compose `ports`",
                Severity.WARNING,
            )
        return f"`{port.text}` is not a port: write a number, a range, and `/tcp` or `/udp`", None
    low, high, protocol = parts
    if high > MAX_PORT:
        return f"`{port.text}` is out of range: ports run from 0 to {MAX_PORT}", None
    if low > high:
        return f"the range `{port.text}` ends below its start: write it low-high", None
    if protocol not in PROTOCOLS:
        return f"`{port.text}` names an unknown protocol: use `/tcp`, `/udp` or `/sctp`", None
    return None


@rule(
    "DF121",
    "valid-expose",
    Severity.ERROR,
    tags=("dockerfile", "correctness"),
    peers=("hadolint DL3011", "trivy DS-0008"),
)
def valid_expose(dockerfile: Dockerfile) -> Iterator[Finding]:
    """EXPOSE lists valid ports (0 to 65535).

    ## What it does
    Checks every word of every EXPOSE (and `ONBUILD EXPOSE`) and reports, at the word: a
    port or a range end above 65535, a range whose end is below its start
    (`8010-8000`), a protocol other than `tcp`, `udp` or `sctp`, and words that are no
    port at all. A host mapping (`8080:80`, `127.0.0.1:80:80`) is reported as a warning:
    EXPOSE only documents container ports, and BuildKit warns that host mappings there
    will become an error. Words with variables (`$PORT`, `${PORT:-8080}`) are not
    checked: their values are only known at build time.

    ## Why it matters
    An invalid EXPOSE fails the build, or documents a port that nothing can listen on,
    misleading the people and tools (`docker run -P`, Compose, scanners) that read it.

    ## Example
    ```dockerfile
    FROM nginx:1.27-alpine
    EXPOSE 80800
    ```

    ## Use instead
    ```dockerfile
    FROM nginx:1.27-alpine
    EXPOSE 8080
    ```

    ## Fix
    None: the intended port is for the author to say.

    ## Variants
    - A port above 65535 (hadolint DL3011, trivy DS-0008): covered.
    - A range with an end above 65535 (hadolint DL3011): covered; a range whose end is
      below its start too.
    - `/tcp`, `/udp`, `/sctp` suffixes, in any case (hadolint DL3011, trivy DS-0008):
      covered; another protocol is reported.
    - Variables (`${PORT}`, `40000-${END}`) (hadolint DL3011): covered, as not checked.
    - Host mappings (`8080:80`): covered, as a warning (no peer reads them).
    - `ONBUILD EXPOSE`: covered.

    ## References
    - https://docs.docker.com/reference/dockerfile/#expose
    - https://docs.docker.com/reference/build-checks/expose-invalid-format/
    - https://github.com/hadolint/hadolint/wiki/DL3011
    """
    for port in exposed_ports(dockerfile):
        if port.dynamic:
            continue
        problem = _problem(port)
        if problem is None:
            continue
        message, level = problem
        yield Finding(port.span, message, logical=logical(port.instruction), level=level)
