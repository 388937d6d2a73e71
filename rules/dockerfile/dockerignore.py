"""DF108 dockerignore."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from opslint import Edit, Finding, Fix, Severity, Span, rule
from opslint.indexes.compose import BuildContexts
from opslint.model.dockerfile import Dockerfile
from opslint.views import Files

from ._run import CopyPath, context_copy


def _pattern(text: str) -> re.Pattern[str]:
    """A `.dockerignore` pattern as a regular expression over slash-separated paths."""
    parts: list[str] = []
    index = 0
    while index < len(text):
        if text.startswith("**/", index):
            parts.append("(?:.*/)?")
            index += 3
        elif text.startswith("**", index):
            parts.append(".*")
            index += 2
        elif text[index] == "*":
            parts.append("[^/]*")
            index += 1
        elif text[index] == "?":
            parts.append("[^/]")
            index += 1
        else:
            parts.append(re.escape(text[index]))
            index += 1
    return re.compile("".join(parts) + "(?:/.*)?$")


def excluded(lines: Sequence[str], path: str) -> bool:
    """True when the `.dockerignore` `lines` keep `path` (relative, no leading `./`) out.

    The last matching pattern wins; `!pattern` re-includes; a pattern matching a folder
    excludes what is below it.
    """
    result = False
    for line in lines:
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        negated = text.startswith("!")
        text = text.lstrip("!").strip()
        while text.startswith(("/", "./")):
            text = text[1:] if text.startswith("/") else text[2:]
        text = text.rstrip("/")
        if text and _pattern(text).match(path):
            result = not negated
    return result


def _first_context_copy(dockerfile: Dockerfile) -> tuple[str, CopyPath] | None:
    for instruction in dockerfile.instructions:
        source = context_copy(instruction)
        if source is not None:
            return instruction.effective.keyword, source
    return None


def _missing(
    dockerfile: Dockerfile, context: Path, files: Files
) -> tuple[Path, bool, list[str]] | None:
    """(ignore file, whether it exists, entries it lacks), or None when the context is covered."""
    own = dockerfile.source.path.with_name(dockerfile.source.path.name + ".dockerignore")
    ignore = own if files.exists(own) else context / ".dockerignore"
    wanted = [".git"] if (context / ".git").exists() else []
    if (context / "package.json").is_file():
        wanted.append("node_modules")
    if not files.exists(ignore):
        return ignore, False, wanted or ["local files the image does not need"]
    text = files.text(ignore)
    if text is None:
        return None
    lacking = [entry for entry in wanted if not excluded(text.splitlines(), entry)]
    return (ignore, True, lacking) if lacking else None


def _display(dockerfile: Dockerfile, path: Path) -> str:
    """`path` as the run names files: beside the Dockerfile's own display path when it can."""
    folder = dockerfile.source.path.parent.resolve()
    if path.parent.resolve() == folder:
        return (Path(dockerfile.path).parent / path.name).as_posix()
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def _create(dockerfile: Dockerfile, context: Path, ignore: Path) -> Fix:
    """Writes the `.dockerignore` the dockerfile generator would write for `context`."""
    from opslint.detect import detect
    from opslint.generators.dockerfile import dockerignore_text

    info = detect(context)
    text = dockerignore_text(info.language, (context / "package.json").is_file())
    span = Span(_display(dockerfile, ignore), 1, 1, 1, 1)
    return Fix(f"write {ignore.name}", (Edit(span, text),))


def _append(files: Files, ignore: Path, lacking: list[str]) -> Fix | None:
    """Adds `lacking` at the end of the ignore file, when the run checks that file."""
    target = ignore.resolve()
    source = files.checked(ignore)
    if source is None:
        return None
    text = files.pending.get(target, source.text)
    lines = text.split("\n")
    last = len(lines)
    column = len(lines[-1]) + 1
    prefix = "" if text.endswith("\n") or not text else "\n"
    span = Span(source.display, last, column, last, column)
    return Fix(
        f"add {', '.join(lacking)} to {ignore.name}",
        (Edit(span, prefix + "\n".join(lacking) + "\n"),),
    )


@rule(
    "DF108",
    "dockerignore",
    Severity.WARNING,
    fix="gen",
    tags=("dockerfile", "security", "performance"),
)
def dockerignore(dockerfile: Dockerfile, files: Files, builds: BuildContexts) -> Iterator[Finding]:
    """The build context has a `.dockerignore` that keeps `.git` (and `node_modules`) out.

    ## What it does
    For a Dockerfile that copies the whole build context (`COPY . .`, `ADD . /app`,
    `COPY ./ ./`, `COPY * ./`), checks the context's ignore file: there must be one; it
    must exclude `.git` where the context holds one (a context that is a subfolder of the
    checkout never sends the repository's `.git`), and `node_modules` where the context
    holds a `package.json`. The ignore file
    is `<Dockerfile name>.dockerignore` next to the Dockerfile when there is one (BuildKit
    prefers it), else `.dockerignore` at the root of the context. The context is the
    one Compose services that build this Dockerfile name (`build.context`), else the
    Dockerfile's folder. Patterns are read as Docker reads them: the last matching line
    wins, `!` re-includes, `*`, `?` and `**` match as in Go's `filepath.Match`.

    The finding points at the first whole-context source (the `.` of `COPY . .`). A
    Dockerfile that only copies named files and folders is not reported: BuildKit sends
    only what COPY and ADD name, so `.git` never reaches the build. Nor is an
    `ONBUILD COPY . /src`: it copies the context of the build that uses this image as its
    base, not this Dockerfile's folder, whose ignore file would not apply to it.

    ## Why it matters
    Without exclusions `COPY . .` puts the whole Git history (and any secrets ever
    committed) into the image, copies host-built `node_modules` over the ones the image
    installed for its own platform, and invalidates the layer cache on every commit.

    ## Example
    ```dockerfile
    # no .dockerignore next to this Dockerfile
    FROM node:22-slim
    WORKDIR /app
    COPY package.json package-lock.json ./
    RUN npm ci
    COPY . .
    ```

    ## Use instead
    ```dockerfile
    # .dockerignore next to the Dockerfile lists:
    #   .git
    #   node_modules
    FROM node:22-slim
    WORKDIR /app
    COPY package.json package-lock.json ./
    RUN npm ci
    COPY . .
    ```

    ## Fix
    Generator: writes the `.dockerignore` that `opslint new dockerfile` writes for the
    context, with `.git`, `node_modules` where there is a package.json, and the usual
    local files (`.env`, keys, build output) of the project type it detects. An ignore
    file that exists is never replaced: the missing entries are appended to it when the
    run checks that file, else the finding offers no edit.

    ## Variants
    No peer checks this (hadolint, checkov and trivy read no ignore file); the spellings
    the rule reads:
    - `.dockerignore` at the context root and `<Dockerfile name>.dockerignore` beside the
      Dockerfile: covered.
    - `.git`, `/.git`, `**/.git`, `*` with `!` re-includes: covered.
    - Contexts named by Compose `build.context`: covered; contexts given on a `docker
      build` command line or in a Bake file: not covered: they are outside the files this
      rule reads.
    - `ONBUILD COPY . /src`: not covered: it copies the child build's context.

    ## References
    - https://docs.docker.com/build/concepts/context/#dockerignore-files
    - https://docs.docker.com/build/building/best-practices/#exclude-with-dockerignore
    """
    first = _first_context_copy(dockerfile)
    if first is None or not dockerfile.source.path.is_file():
        return
    keyword, source = first
    stage = None
    for s in dockerfile.stages:
        if s.span.line <= source.span.line:
            stage = s
    for context in builds.of(dockerfile):
        if not context.is_dir():
            continue
        missing = _missing(dockerfile, context, files)
        if missing is None:
            continue
        ignore, exists, lacking = missing
        entries = " and ".join(e if " " in e else f"`{e}`" for e in lacking)
        if exists:
            message = (
                f"`{keyword} {source.text}` copies the whole context, and {ignore.name} does "
                f"not exclude {entries}: add {'them' if len(lacking) > 1 else 'it'}"
            )
            fix = _append(files, ignore, lacking)
        else:
            message = (
                f"`{keyword} {source.text}` copies the whole context, which has no "
                f".dockerignore: add one that excludes {entries}"
            )
            fix = _create(dockerfile, context, ignore)
        yield Finding(source.span, message, logical=stage.logical if stage else "", fix=fix)
        return
