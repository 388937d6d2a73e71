"""DF120 unique-stage-names."""

from __future__ import annotations

import re
from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.base import Span
from opslint.model.dockerfile import Dockerfile, Stage


def alias_span(stage: Stage) -> Span:
    """Where the stage's name stands in its FROM line (the FROM line when not found)."""
    instruction = stage.from_instruction
    tokens = list(re.finditer(r"\S+", instruction.arguments))
    if len(tokens) >= 3 and tokens[1].group(0).lower() == "as":
        token = tokens[2]
        return instruction.locate(token.start(), token.end() - token.start())
    return instruction.span


@rule(
    "DF120",
    "unique-stage-names",
    Severity.ERROR,
    tags=("dockerfile", "correctness"),
    peers=("hadolint DL3024", "checkov CKV_DOCKER_11", "trivy DS-0012"),
)
def unique_stage_names(dockerfile: Dockerfile) -> Iterator[Finding]:
    """Stage names are unique within a Dockerfile.

    ## What it does
    Reports a stage whose name (`FROM ... AS <name>`) was already given to an earlier
    stage, at the repeated name, naming the line of the first. Names are compared
    case-insensitively, as Docker compares them.

    ## Why it matters
    BuildKit rejects a Dockerfile with a repeated stage name; a builder that accepts it
    resolves `COPY --from=<name>` and `--target <name>` to one of the stages, quite
    possibly not the one the reader expects.

    ## Example
    ```dockerfile
    FROM node:22 AS build
    RUN npm ci && npm run build
    FROM golang:1.23 AS build
    RUN go build ./...
    ```

    ## Use instead
    ```dockerfile
    FROM node:22 AS web-build
    RUN npm ci && npm run build
    FROM golang:1.23 AS api-build
    RUN go build ./...
    ```

    ## Fix
    None: renaming a stage means updating the references to it, which is for the author.

    ## Variants
    - A repeated `FROM ... AS name` (hadolint DL3024, checkov CKV_DOCKER_11, trivy DS-0012):
      covered.
    - Names differing in case only (trivy DS-0012 lowercases; hadolint and checkov compare
      as written): covered, as Docker compares them case-insensitively.

    ## References
    - https://docs.docker.com/build/building/multi-stage/#name-your-build-stages
    - https://docs.docker.com/reference/dockerfile/#from
    - https://github.com/hadolint/hadolint/wiki/DL3024
    """
    first: dict[str, Stage] = {}
    for stage in dockerfile.stages:
        if not stage.alias:
            continue
        name = stage.alias.lower()
        if name not in first:
            first[name] = stage
            continue
        yield Finding(
            alias_span(stage),
            f"stage name `{stage.alias}` is already used by the stage on line "
            f"{first[name].span.line}: give each stage its own name",
            logical=stage.logical,
        )
