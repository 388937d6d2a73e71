"""DF116 maintainer-deprecated."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.dockerfile import Dockerfile

from ._scripts import logical


@rule(
    "DF116",
    "maintainer-deprecated",
    Severity.INFO,
    fix="safe",
    tags=("dockerfile", "maintainability"),
    peers=("hadolint DL4000", "checkov CKV_DOCKER_6", "trivy DS-0022"),
)
def maintainer_deprecated(dockerfile: Dockerfile) -> Iterator[Finding]:
    """The deprecated MAINTAINER instruction is replaced by a LABEL.

    ## What it does
    Reports every MAINTAINER instruction, wherever it stands (before the first `FROM`
    too), at its keyword.

    ## Why it matters
    MAINTAINER has been deprecated since Docker 1.13: it only sets the image's `Author`
    field, which tools no longer read. A LABEL (`maintainer`, or the OCI
    `org.opencontainers.image.authors`) is shown by `docker inspect` and registries, and
    can be queried and filtered like every other label.

    ## Example
    ```dockerfile
    FROM debian:12-slim
    MAINTAINER Jane Doe <jane@example.com>
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12-slim
    LABEL maintainer="Jane Doe <jane@example.com>"
    ```

    ## Fix
    Safe: the instruction becomes `LABEL maintainer="<the same text>"`.

    ## References
    - https://docs.docker.com/reference/dockerfile/#maintainer-deprecated
    - https://github.com/opencontainers/image-spec/blob/main/annotations.md
    - https://github.com/hadolint/hadolint/wiki/DL4000
    """
    for instruction in dockerfile.instructions:
        maintainer = instruction.effective
        if maintainer.keyword != "MAINTAINER":
            continue
        yield Finding(
            maintainer.keyword_span,
            'MAINTAINER is deprecated: record the author with `LABEL maintainer="..."` instead',
            logical=logical(instruction),
        )
