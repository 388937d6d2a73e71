"""DF107 copy-over-add."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Anchor, Edit, Finding, Fix, Severity, rule
from opslint.model.dockerfile import Dockerfile, Instruction

from ._fix import keyword_like, written
from ._run import copy_paths
from ._scripts import logical

COPY_FLAGS = frozenset({"chown", "chmod", "link", "exclude", "parents"})
"""Flags ADD shares with COPY; an ADD with any other flag keeps its keyword."""

ARCHIVES = (
    ".tar",
    ".tar.gz",
    ".tgz",
    ".tar.bz2",
    ".tbz2",
    ".tbz",
    ".tb2",
    ".tar.xz",
    ".txz",
    ".tar.zst",
    ".gz",
    ".bz2",
    ".xz",
    ".zst",
)
"""Names ADD unpacks: tar archives, plain or compressed (zip is not unpacked)."""


def remote(source: str) -> bool:
    """True for a URL or a Git repository, which ADD fetches."""
    return "://" in source or source.startswith("git@")


def plain_local(source: str) -> bool:
    """True for a local file or folder that ADD only copies (not a URL, not an archive)."""
    if remote(source) or source.startswith("$"):
        return False
    return not source.lower().endswith(ARCHIVES)


@rule(
    "DF107",
    "copy-over-add",
    Severity.WARNING,
    fix="safe",
    tags=("dockerfile", "security"),
    peers=("hadolint DL3020", "checkov CKV_DOCKER_4", "trivy DS-0005"),
)
def copy_over_add(dockerfile: Dockerfile) -> Iterator[Finding]:
    """Local files are copied with COPY, not ADD.

    ## What it does
    Reports an `ADD` (or `ONBUILD ADD`) with a source that is a plain local file or
    folder, at the `ADD` keyword. Sources ADD exists for pass: URLs (with or without
    `--checksum`), Git repositories (`https://...git`, `git@...`), and local tar archives
    ADD unpacks (`.tar`, `.tar.gz`, `.tgz`, `.tar.bz2`, `.tar.xz`, `.gz`, `.bz2`, `.xz`
    and the like). A `.zip` is not unpacked by ADD, so it is a plain file. A source that
    starts with a variable (`ADD $SRC /app`) is not judged.

    ## Why it matters
    ADD also downloads URLs and unpacks archives, so an ADD of a local file reads as if
    it might do either: a later rename to `.tar.gz` silently changes what lands in the
    image. COPY does exactly one thing and makes the intent plain.

    ## Example
    ```dockerfile
    FROM nginx:1.27-alpine
    ADD site/ /usr/share/nginx/html/
    ```

    ## Use instead
    ```dockerfile
    FROM nginx:1.27-alpine
    COPY site/ /usr/share/nginx/html/
    ```

    ## Fix
    Safe when every source is a plain local file or folder and the flags are ones COPY
    takes too (`--chown`, `--chmod`, `--link`, `--exclude`, `--parents`): the keyword
    `ADD` becomes `COPY` (`add` becomes `copy`), under ONBUILD too, and nothing else
    changes. When local files are mixed with URLs, archives or variables in one ADD, no
    edit is offered (split the instruction by hand).

    ## Variants
    - A local file or folder (hadolint DL3020, trivy DS-0005): covered; quoted sources and
      exec form (`ADD ["a", "/b/"]`) too.
    - `http://` and `https://` URLs (hadolint DL3020, trivy DS-0005): covered, as not
      reported; nor are other schemes (`ftp://`): they name no local file (ADD cannot
      fetch them, and the build fails on its own).
    - Git sources, `git@...` (trivy DS-0005) and `https://...git`: covered, as not reported.
    - Archives ADD unpacks, `.tar`, `.tgz`, `.gz`, `.bz2`, `.xz`, `.tbz`, `.tbz2`, `.tb2`,
      `.txz`, `.zst` (hadolint DL3020, trivy DS-0005): covered, as not reported. hadolint's
      `.Z`, `.tZ`, `.tpz`, `.lz`, `.tlz` and `.lzma` are reported: Docker decompresses only
      gzip, bzip2, xz and zstd, so ADD copies such a file as it is.
    - `.zip` (hadolint DL3020 tests): covered, as reported (ADD does not unpack it).
    - Every ADD whatever its source (checkov CKV_DOCKER_4): not covered: fetching a URL
      with `--checksum` or unpacking a tar is what ADD is for.
    - `ONBUILD ADD`: covered.
    - `ADD <<EOF` here-documents: not covered: they create a file as COPY would, and
      nothing is fetched or unpacked.

    ## References
    - https://docs.docker.com/reference/dockerfile/#add
    - https://docs.docker.com/build/building/best-practices/#add-or-copy
    - https://github.com/hadolint/hadolint/wiki/DL3020
    """
    for instruction in dockerfile.instructions:
        finding = _check(dockerfile, instruction)
        if finding is not None:
            yield finding


def _check(dockerfile: Dockerfile, instruction: Instruction) -> Finding | None:
    add = instruction.effective
    if add.keyword != "ADD":
        return None
    sources, _ = copy_paths(add)
    local = [s for s in sources if plain_local(s.text)]
    if not local:
        return None
    names = ", ".join(f"`{s.text}`" for s in local)
    fix = None
    keyword = written(dockerfile, add.keyword_span) or ""
    if len(local) == len(sources) and set(add.flags) <= COPY_FLAGS and keyword.upper() == "ADD":
        copy = keyword_like(keyword, "COPY")
        edit = Edit(add.keyword_span, copy, Anchor(add.keyword_span, keyword))
        fix = Fix("replace ADD with COPY", (edit,))
    return Finding(
        add.keyword_span,
        f"ADD of local {names}: use COPY, which only copies "
        "(ADD also downloads URLs and unpacks archives)",
        fix=fix,
        logical=logical(instruction),
    )
