"""DF104 dependency-layer-order."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, RelatedLocation, Severity, rule
from opslint.model.dockerfile import Dockerfile
from opslint.ruleapi.shell import (
    NPM_VALUE_FLAGS,
    PNPM_VALUE_FLAGS,
    YARN_VALUE_FLAGS,
    Command,
    positionals,
)

from ._run import RunStep, context_copy, pip_words, run_steps

_SIMPLE = {
    ("bundle", "install"),
    ("composer", "install"),
    ("cargo", "fetch"),
    ("dotnet", "restore"),
    ("mix", "deps.get"),
    ("poetry", "install"),
    ("pipenv", "install"),
    ("pipenv", "sync"),
    ("uv", "sync"),
}
_MAVEN_GOALS = ("dependency:go-offline", "dependency:resolve", "de.qaware.maven:go-offline")


def dependency_install(command: Command) -> str | None:
    """How `command` reads as a dependency install from manifests (`npm ci`), else None."""
    name = command.name
    words = command.words[1:]
    args = [w.text for w in positionals(words, NPM_VALUE_FLAGS)]
    if name == "npm":
        if args[:1] == ["ci"] or (args[:1] in (["install"], ["i"]) and len(args) == 1):
            return f"npm {args[0]}"
    elif name == "yarn":
        args = [w.text for w in positionals(words, YARN_VALUE_FLAGS)]
        if not args or args == ["install"]:
            return "yarn install"
    elif name == "pnpm":
        args = [w.text for w in positionals(words, PNPM_VALUE_FLAGS)]
        if args in (["install"], ["i"]):
            return "pnpm install"
    elif name == "go":
        if args[:2] == ["mod", "download"]:
            return "go mod download"
    elif name in ("mvn", "mvnw"):
        if any(a in _MAVEN_GOALS for a in args):
            return "mvn dependency:go-offline"
    elif (name, args[0] if args else "") in _SIMPLE:
        return f"{name} {args[0]}"
    else:
        pip = pip_words(command)
        if pip and pip[0].text == "install":
            texts = [w.text for w in pip]
            if any(t in ("-r", "--requirement") or t.startswith("--requirement=") for t in texts):
                return "pip install -r"
    return None


def _install(step: RunStep) -> tuple[Command, str] | None:
    for command in step.commands():
        found = dependency_install(command)
        if found is not None:
            return command, found
    return None


@rule(
    "DF104",
    "dependency-layer-order",
    Severity.WARNING,
    tags=("dockerfile", "performance"),
)
def dependency_layer_order(dockerfile: Dockerfile) -> Iterator[Finding]:
    """Dependencies are installed before the whole build context is copied.

    ## What it does
    Reports a `COPY . .` (any COPY or ADD of the whole context: `.`, `./`, `*`, `./*`,
    whatever the destination) that comes before a dependency install step in the same
    stage, at the copied `.`. Install steps are those that read only manifests and
    lockfiles: `npm ci`, `npm install` without packages, `yarn` / `yarn install`,
    `pnpm install`, `pip install -r`, `poetry install`, `pipenv install|sync`, `uv sync`,
    `bundle install`, `composer install`, `go mod download`, `mvn dependency:go-offline`
    (or `dependency:resolve`), `cargo fetch`, `dotnet restore`, `mix deps.get`. Builds
    that need the sources (`pip install .`, `npm run build`, `go build`) are not
    install steps. ONBUILD triggers are not judged: an `ONBUILD COPY . /src` copies the
    context of the build that uses this image as its base, whose manifests this file
    cannot know (nor whether an install reads them or the output of an earlier trigger).
    `COPY --from` copies from another stage or image, not the context, and is not
    considered.

    ## Why it matters
    Docker reuses a layer only while everything before it is unchanged. With the whole
    context copied first, editing any source file invalidates the install layer, so
    every build downloads and installs every dependency again: minutes per build, and a
    registry outage breaks builds that changed no dependency.

    ## Example
    ```dockerfile
    FROM node:22-slim
    WORKDIR /app
    COPY . .
    RUN npm ci --omit=dev
    ```

    ## Use instead
    ```dockerfile
    FROM node:22-slim
    WORKDIR /app
    COPY package.json package-lock.json ./
    RUN npm ci --omit=dev
    COPY . .
    ```

    ## Fix
    None: which files the install step needs (manifests, lockfiles, workspace members,
    patches) only the author knows.

    ## Variants
    No peer checks this (hadolint, checkov and trivy have no layer-order rule); the
    spellings the rule reads:
    - Whole-context copies `.`, `./`, `*`, `./*` by COPY or ADD, whatever the destination:
      covered.
    - Manifest-only installs of npm, yarn, pnpm, pip (`-r`), poetry, pipenv, uv, bundler,
      composer, Go modules, Maven, Cargo, .NET and Mix: covered.
    - `ONBUILD COPY . /src`: not covered: it copies the child build's context.
    - `COPY --from`: not covered, as it copies no context.

    ## References
    - https://docs.docker.com/build/cache/optimize/#order-your-layers
    - https://docs.docker.com/build/building/best-practices/#leverage-build-cache
    """
    steps = {step.instruction.span.line: step for step in run_steps(dockerfile)}
    for stage in dockerfile.stages:
        copied = None
        for instruction in stage.instructions:
            if instruction.trigger is not None:
                continue  # runs in the build of another context (see `context_copy`)
            if copied is None:
                found = context_copy(instruction)
                if found is not None:
                    copied = (instruction, found)
                continue
            step = steps.get(instruction.span.line)
            install = _install(step) if step is not None else None
            if install is None:
                continue
            command, what = install
            copy, source = copied
            yield Finding(
                source.span,
                f"`{copy.keyword} {source.text}` before `{what}` (line "
                f"{instruction.span.line}) reinstalls every dependency on any source change: "
                "copy the manifests and lockfile, install, then copy the rest",
                related=(RelatedLocation(command.word_span(command.words[0]), "the install"),),
                logical=stage.logical,
            )
            break
