"""DF113 absolute-workdir."""

from __future__ import annotations

import re
from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.dockerfile import Dockerfile

from ._scripts import instructions, logical

_WINDOWS_ABSOLUTE = re.compile(r"[A-Za-z]:([\\/]|$)")


def is_absolute(path: str) -> bool:
    """True for `/x`, a Windows drive path (`C:\\x`, `C:/x`), a UNC path, or a variable."""
    return path.startswith(("/", "$", "\\\\")) or bool(_WINDOWS_ABSOLUTE.match(path))


@rule(
    "DF113",
    "absolute-workdir",
    Severity.WARNING,
    tags=("dockerfile", "reliability"),
    peers=("hadolint DL3000", "checkov CKV_DOCKER_10", "trivy DS-0009"),
)
def absolute_workdir(dockerfile: Dockerfile) -> Iterator[Finding]:
    """WORKDIR paths are absolute.

    ## What it does
    Reports a WORKDIR (or `ONBUILD WORKDIR`) whose path, quotes removed, is relative. A
    path starting with `/`, a Windows drive path (`C:\\app`, `C:/app`), a UNC path, and a
    path starting with a variable (`$HOME/app`, `${APP_DIR}`) pass: the variable is taken
    to hold an absolute path, since its value is only known at build time. `~` is not
    expanded by Docker, so `WORKDIR ~/app` is relative. A relative WORKDIR is reported even
    after an absolute one in the same stage, as Docker's documentation asks for absolute
    paths throughout. The finding points at the path.

    ## Why it matters
    A relative WORKDIR is resolved against the previous WORKDIR, which may come from the
    base image: a base image update that changes its WORKDIR silently moves every later
    COPY, RUN and the container's working directory.

    ## Example
    ```dockerfile
    FROM node:22-slim
    WORKDIR app
    COPY . .
    ```

    ## Use instead
    ```dockerfile
    FROM node:22-slim
    WORKDIR /app
    COPY . .
    ```

    ## Fix
    None: the intended absolute path depends on the WORKDIR in force before it.

    ## Variants
    - `/...` paths, quoted or not (hadolint DL3000, checkov CKV_DOCKER_10, trivy
      DS-0009): covered.
    - Paths starting with a variable, `$DIR` or `${DIR}` (hadolint DL3000, checkov
      CKV_DOCKER_10): covered, as not reported.
    - Windows drive paths `C:\\app` and `C:/app` (hadolint DL3000; checkov CKV_DOCKER_10
      reads only the backslash form): covered, and UNC paths.
    - `~/app`: covered, as reported (Docker does not expand `~`).
    - `ONBUILD WORKDIR`: covered.

    ## References
    - https://docs.docker.com/reference/dockerfile/#workdir
    - https://docs.docker.com/build/building/best-practices/#workdir
    - https://github.com/hadolint/hadolint/wiki/DL3000
    """
    for instruction in instructions(dockerfile, "WORKDIR"):
        workdir = instruction.effective
        written = workdir.arguments.strip()
        path = written.strip("\"'")
        if not path or is_absolute(path):
            continue
        lead = len(workdir.arguments) - len(workdir.arguments.lstrip())
        yield Finding(
            workdir.locate(lead, len(written)),
            f"WORKDIR `{path}` is relative, so it depends on the WORKDIR before it: "
            "write the absolute path",
            logical=logical(instruction),
        )
