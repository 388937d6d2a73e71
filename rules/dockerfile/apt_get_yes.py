"""DF112 apt-get-yes."""

from __future__ import annotations

import re
from collections.abc import Iterator

from opslint import Finding, Fix, Severity, rule
from opslint.model.dockerfile import Dockerfile
from opslint.ruleapi.shell import Command, Word

from ._fix import after_word
from ._run import apt_installs, apt_option, configured_before

_YES_WORDS = frozenset({"-y", "--yes", "--assume-yes", "-q=2", "--quiet=2"})
_SHORT = re.compile(r"-[A-Za-z]+$")
_PIPED_YES = re.compile(r"\byes\b[^|\n;&]*\|")


def assumes_yes(command: Command) -> bool:
    """True when the apt command answers its prompt itself (`-y`, `-qq`, `-o ...=true`)."""
    for text in command.texts()[1:]:
        if text in _YES_WORDS:
            return True
        if _SHORT.match(text) and ("y" in text or text.count("q") >= 2):
            return True
    return apt_option(command, "APT::Get::Assume-Yes") in ("true", "1", "yes")


@rule(
    "DF112",
    "apt-get-yes",
    Severity.WARNING,
    fix="safe",
    tags=("dockerfile", "reliability"),
    peers=("hadolint DL3014", "trivy DS-0021"),
)
def apt_get_yes(dockerfile: Dockerfile) -> Iterator[Finding]:
    """`apt-get install` in RUN answers its prompt with `-y`.

    ## What it does
    Reports an `apt-get install` (or `apt install`) in RUN or `ONBUILD RUN` that does not
    assume yes, at the `install` word. Accepted: `-y`, `--yes`, `--assume-yes`, `-qq` and
    `-q=2` (quiet level 2 implies yes), short options combined with them (`-qy`, `-yqq`),
    `-o APT::Get::Assume-Yes=true`, input piped from `yes`, and an earlier RUN of the file
    writing `APT::Get::Assume-Yes` into the apt configuration. `DEBIAN_FRONTEND=noninteractive`
    alone does not answer the "Do you want to continue?" prompt and does not count.

    An install that only simulates asks nothing and is not reported: `-s`, `--simulate`,
    `--just-print`, `--dry-run`, `--recon`, `--no-act` (alone or in a cluster: `-qs`),
    `--print-uris` and `-o APT::Get::Simulate=true`, as in
    `if apt-get install -s pkg > /dev/null; then ...`. `-d`/`--download-only` still asks
    and is reported. dnf, yum, microdnf and zypper are not read (hadolint's DL3030,
    DL3034 and DL3038 are their counterparts).

    ## Why it matters
    A build has no terminal: when apt asks for confirmation it reads end of input and
    aborts, so the build fails, or works only while the package set is small enough that
    apt does not ask.

    ## Example
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install --no-install-recommends curl
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends curl
    ```

    ## Fix
    Safe: inserts ` -y` right after the `install` word (under ONBUILD and in
    here-documents too), when that word is written plainly (not quoted).

    ## References
    - https://manpages.debian.org/bookworm/apt/apt-get.8.en.html
    - https://docs.docker.com/build/building/best-practices/#apt-get
    - https://github.com/hadolint/hadolint/wiki/DL3014
    """
    for step, command, install in apt_installs(dockerfile):
        if assumes_yes(command):
            continue
        if any(_PIPED_YES.search(script.text) for script in step.scripts):
            continue
        if configured_before(dockerfile, step, "APT::Get::Assume-Yes"):
            continue
        yield Finding(
            command.word_span(install),
            f"`{command.name} install` without `-y` stops at the confirmation prompt and "
            "fails the build: add `-y`",
            fix=_fix(dockerfile, command, install),
            logical=step.logical,
        )


def _fix(dockerfile: Dockerfile, command: Command, install: Word) -> Fix | None:
    edit = after_word(dockerfile, command.script, install, " -y")
    return Fix("add `-y`", (edit,)) if edit is not None else None
