"""DF116 maintainer-deprecated."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Edit, Finding, Fix, Severity, rule
from opslint.model.base import Span
from opslint.model.dockerfile import Dockerfile, Instruction

from ._fix import keyword_anchor, keyword_like, written
from ._scripts import instructions, logical

LABEL = "org.opencontainers.image.authors"
"""The OCI annotation that records an image's authors."""


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
    LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
    ```

    ## Fix
    Safe: the instruction becomes `LABEL org.opencontainers.image.authors="<the same
    text>"`, the text in double quotes with `"`, `\\` and `$` escaped (LABEL expands
    variables, MAINTAINER does not). A MAINTAINER continued over several lines becomes
    one line. No edit is offered in a file whose escape character is the backtick when
    the text holds one of those characters.

    ## Variants
    - MAINTAINER in any stage and before the first FROM (hadolint DL4000, checkov
      CKV_DOCKER_6, trivy DS-0022): covered.
    - `ONBUILD MAINTAINER`: covered.

    ## References
    - https://docs.docker.com/reference/dockerfile/#maintainer-deprecated
    - https://github.com/opencontainers/image-spec/blob/main/annotations.md
    - https://github.com/hadolint/hadolint/wiki/DL4000
    """
    for instruction in instructions(dockerfile, "MAINTAINER"):
        maintainer = instruction.effective
        yield Finding(
            maintainer.keyword_span,
            f'MAINTAINER is deprecated: record the author with `LABEL {LABEL}="..."` instead',
            fix=_fix(dockerfile, maintainer),
            logical=logical(instruction),
        )


def _fix(dockerfile: Dockerfile, maintainer: Instruction) -> Fix | None:
    author = maintainer.arguments.strip()
    if not author:
        return None
    if dockerfile.escape != "\\" and any(c in author for c in '"\\$'):
        return None
    quoted = author.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$")
    keyword = keyword_like(written(dockerfile, maintainer.keyword_span) or "", "LABEL")
    start, end = maintainer.keyword_span, maintainer.span
    inside = [dockerfile.source.line(n).strip() for n in range(start.line + 1, end.end_line + 1)]
    if any(not text or text.startswith("#") for text in inside):
        return None  # comments inside the continuation would be lost
    last = len(dockerfile.source.line(end.end_line).rstrip()) + 1
    span = Span(start.path, start.line, start.column, end.end_line, last)
    return Fix(
        f"replace MAINTAINER with LABEL {LABEL}",
        (Edit(span, f'{keyword} {LABEL}="{quoted}"', keyword_anchor(dockerfile, maintainer)),),
    )
