"""DF119 copy-from-known-stage."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.dockerfile import Dockerfile, Instruction
from opslint.model.facets import sub_span

from ._run import mount_sources
from ._scripts import logical

_FLAG = "--from="


def _problem(dockerfile: Dockerfile, source: str, index: int, flag: str = _FLAG) -> str | None:
    """Why `--from=<source>` (or a mount's `from=<source>`, `flag`) in stage `index`
    names nothing it can use, or None."""
    if source.isdigit():
        if int(source) < index:
            return None
        if int(source) == index:
            return f"`{flag}{source}` names this stage itself: copy from an earlier stage"
        return (
            f"`{flag}{source}` names a stage that is not defined before this one: "
            "copy from an earlier stage"
        )
    lowered = source.lower()
    for stage in dockerfile.stages:
        if stage.alias is None or stage.alias.lower() != lowered:
            continue
        if stage.index < index:
            return None
        if stage.index == index:
            return f"`{flag}{source}` names this stage itself: copy from an earlier stage"
        return (
            f"stage `{source}` is defined after this one (line {stage.span.line}): "
            "move it above, since a stage can only copy from earlier stages"
        )
    if any(mark in source for mark in "/:@"):
        return None  # an image reference
    return (
        f"`{flag}{source}` names no stage of this Dockerfile: fix the stage name, or "
        f"write the image with its tag (`{source}:<tag>`)"
    )


@rule(
    "DF119",
    "copy-from-known-stage",
    Severity.ERROR,
    tags=("dockerfile", "correctness"),
    peers=("hadolint DL3022",),
)
def copy_from_known_stage(dockerfile: Dockerfile) -> Iterator[Finding]:
    """`COPY --from` names an earlier stage or an image.

    ## What it does
    Reads the `--from` of every COPY and accepts: the name of a stage defined before the
    COPY's stage (case-insensitive, as Docker compares them), the number of an earlier
    stage (`--from=0`), and an image reference, recognised by a registry path, tag or
    digest (`gcr.io/x/y`, `busybox:1.36`, `alpine@sha256:...`). It reports, at the
    value: a stage defined later or the COPY's own stage (a build error), a number that
    is not an earlier stage, and a bare name that is no stage of the file. Docker would
    pull such a name as the image `<name>:latest`, but it is far more often a misspelt
    stage; an intended image is better written with its tag.

    The `from=` of a `RUN --mount` (`--mount=type=bind,from=build,source=/out,...`; cache
    mounts too) names a stage or an image the same way, and is judged the same way, at
    its value.

    Values with variables (`--from=${BUILDER}`) are not checked, nor is `ONBUILD COPY
    --from=...` (or `ONBUILD RUN --mount=from=...`), whose names are resolved in the
    Dockerfile that builds on this image.
    A name given as a named build context (`docker buildx build --build-context
    name=...`) cannot be seen in the file: suppress the finding on that line.

    ## Why it matters
    A misspelt stage name does not fail as a typo: Docker tries to pull an image of that
    name, which fails confusingly, or worse, succeeds and copies files from an unrelated
    public image.

    ## Example
    ```dockerfile
    FROM golang:1.23 AS build
    RUN go build -o /out/app ./cmd/app
    FROM gcr.io/distroless/static-debian12
    COPY --from=biuld /out/app /app
    ```

    ## Use instead
    ```dockerfile
    FROM golang:1.23 AS build
    RUN go build -o /out/app ./cmd/app
    FROM gcr.io/distroless/static-debian12
    COPY --from=build /out/app /app
    ```

    ## Fix
    None: the intended stage or image is for the author to name.

    ## Variants
    - A stage name defined earlier, and a stage named before it is defined (hadolint
      DL3022): covered; names compared case-insensitively, as Docker does (hadolint compares
      them as written).
    - A stage number (`--from=0`) below the current stage (hadolint DL3022): covered.
    - An image reference with a tag (`--from=haskell:latest`) (hadolint DL3022): covered as
      accepted, and so are registry paths and digests; a bare name that is no stage is
      reported, as hadolint does.
    - `RUN --mount=...,from=<stage>`: covered (no peer reads it).
    - `ONBUILD COPY --from`: not covered: its names are resolved in the Dockerfile that
      builds on this image.
    - Named build contexts (`--build-context name=...`): not covered: they are not in the
      file.

    ## References
    - https://docs.docker.com/reference/dockerfile/#run---mount
    - https://docs.docker.com/reference/dockerfile/#copy---from
    - https://docs.docker.com/build/building/multi-stage/
    - https://github.com/hadolint/hadolint/wiki/DL3022
    """
    for instruction in dockerfile.instructions:
        if instruction.keyword == "RUN":
            yield from _mounts(dockerfile, instruction)
        if instruction.keyword != "COPY" or "from" not in instruction.flags:
            continue
        source = instruction.flags["from"]
        if not source or "$" in source:
            continue
        stage = instruction.stage
        message = _problem(dockerfile, source, stage.index if stage is not None else -1)
        if message is None:
            continue
        flag = instruction.flag_spans["from"]
        width = flag.end_column - flag.column
        span = sub_span(flag, len(_FLAG), width - len(_FLAG)) if width > len(_FLAG) else flag
        yield Finding(span, message, logical=logical(instruction))


def _mounts(dockerfile: Dockerfile, run: Instruction) -> Iterator[Finding]:
    """The `from=` of the RUN's mounts that names nothing the RUN can use."""
    stage = run.stage
    for source, span in mount_sources(dockerfile, run):
        if "$" in source:
            continue
        message = _problem(dockerfile, source, stage.index if stage is not None else -1, "from=")
        if message is not None:
            yield Finding(span, message, logical=logical(run))
