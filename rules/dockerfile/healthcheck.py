"""DF102 healthcheck."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.dockerfile import Dockerfile


@rule(
    "DF102",
    "healthcheck",
    Severity.WARNING,
    fix="safe",
    tags=("reliability",),
    peers=("hadolint DL3057", "checkov CKV_DOCKER_2"),
)
def healthcheck(dockerfile: Dockerfile) -> Iterator[Finding]:
    """The final stage declares a HEALTHCHECK (or `HEALTHCHECK NONE` deliberately).

    ## What it does
    Reports a final stage with no HEALTHCHECK instruction, at its `FROM` line. A
    HEALTHCHECK in an earlier stage the final stage builds on (`FROM base`) counts, and so
    does `HEALTHCHECK NONE`, which records that the image is deliberately unchecked (a
    batch job, or an orchestrator that probes it). Files without a `FROM` are not images
    and are not checked.

    ## Why it matters
    Without a health check Docker and Compose only know whether the process exists, not
    whether it serves: a deadlocked server stays "running", `depends_on: service_healthy`
    cannot work, and restarts never happen.

    ## Example
    ```dockerfile
    FROM nginx:1.27-alpine
    COPY site /usr/share/nginx/html
    ```

    ## Use instead
    ```dockerfile
    FROM nginx:1.27-alpine
    COPY site /usr/share/nginx/html
    HEALTHCHECK --interval=30s --timeout=3s CMD wget -qO- http://localhost/ || exit 1
    ```

    ## Fix
    Safe where `[tool.opslint.defaults]` gives the health command; otherwise none.

    ## References
    - https://docs.docker.com/reference/dockerfile/#healthcheck
    - https://github.com/hadolint/hadolint/wiki/DL3057
    """
    final = dockerfile.final_stage
    if final is None or dockerfile.has_healthcheck():
        return
    yield Finding(
        final.span,
        "the final stage has no HEALTHCHECK: add one, or `HEALTHCHECK NONE` to opt out",
        logical=final.logical,
    )
