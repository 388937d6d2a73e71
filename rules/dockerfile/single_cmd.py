"""DF118 single-cmd."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

from opslint import Finding, Severity, rule
from opslint.model.dockerfile import Dockerfile, Instruction, Stage


@rule(
    "DF118",
    "single-cmd",
    Severity.WARNING,
    tags=("dockerfile", "correctness"),
    peers=("hadolint DL4003", "hadolint DL4004", "trivy DS-0016", "trivy DS-0007"),
)
def single_cmd(dockerfile: Dockerfile) -> Iterator[Finding]:
    """A stage has at most one CMD, one ENTRYPOINT and one HEALTHCHECK.

    ## What it does
    Within each stage (and among instructions before the first `FROM`), reports every
    CMD after the first, every ENTRYPOINT after the first and every HEALTHCHECK after the
    first (`HEALTHCHECK NONE` included), at the later instruction's keyword, naming the
    line of the one it overrides. Stages are counted separately: a CMD in each of several
    stages is normal. `ONBUILD CMD`, `ONBUILD ENTRYPOINT` and `ONBUILD HEALTHCHECK` are
    not counted, since they apply to the images built on this one, not to this stage.

    ## Why it matters
    Only the last CMD, ENTRYPOINT and HEALTHCHECK of a stage take effect; the earlier ones
    are dead code that misleads readers about how the container starts, and usually
    betray a merge or copy-paste mistake.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    CMD ["python", "manage.py", "migrate"]
    CMD ["gunicorn", "app.wsgi"]
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    CMD ["gunicorn", "app.wsgi"]
    ```

    ## Fix
    None: which of the instructions is the intended one is for the author to decide.

    ## Variants
    - A second CMD in a stage (hadolint DL4003, trivy DS-0016): covered.
    - A second ENTRYPOINT in a stage (hadolint DL4004, trivy DS-0007): covered.
    - One CMD per stage in several stages (hadolint DL4003 tests): covered, as not
      reported.
    - A second HEALTHCHECK in a stage (trivy DS-0023): covered.
    - `ONBUILD CMD`, `ONBUILD ENTRYPOINT` and `ONBUILD HEALTHCHECK`: covered, as not
      counted.

    ## References
    - https://docs.docker.com/reference/dockerfile/#cmd
    - https://docs.docker.com/reference/dockerfile/#entrypoint
    - https://docs.docker.com/reference/dockerfile/#healthcheck
    - https://github.com/hadolint/hadolint/wiki/DL4003
    - https://github.com/hadolint/hadolint/wiki/DL4004
    """
    groups: list[tuple[Stage | None, list[Instruction]]] = [
        (None, [i for i in dockerfile.instructions if i.stage is None])
    ]
    groups.extend((stage, stage.instructions) for stage in dockerfile.stages)
    for stage, instructions in groups:
        where = stage.logical if stage is not None else ""
        for keyword in ("CMD", "ENTRYPOINT", "HEALTHCHECK"):
            found = [i for i in instructions if i.keyword == keyword]
            for earlier, later in pairwise(found):
                yield Finding(
                    later.keyword_span,
                    f"this {keyword} overrides the {keyword} on line {earlier.span.line}, "
                    "which never takes effect: keep only one per stage",
                    logical=where,
                )
