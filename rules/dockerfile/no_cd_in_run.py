"""DF114 no-cd-in-run."""

from __future__ import annotations

import re
from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.dockerfile import Dockerfile
from opslint.ruleapi.shell import Word, basename

from ._scripts import program_findings

_COMMAND_END = re.compile(r"&&|\|\||[;\n|]")
_COMPUTED = ("$(", "`", "*", "?")


def computed_target(text: str, word: Word) -> bool:
    """True when the directory after `cd` is computed by the shell (a command
    substitution or a glob), which WORKDIR cannot express."""
    rest = _COMMAND_END.split(text[word.end :], maxsplit=1)[0]
    return any(mark in rest for mark in _COMPUTED)


def _cd(text: str, names: list[Word]) -> Word | None:
    """The program run, when it is a `cd` to a directory WORKDIR can name."""
    if names and basename(names[-1].text) == "cd" and not computed_target(text, names[-1]):
        return names[-1]
    return None


@rule(
    "DF114",
    "no-cd-in-run",
    Severity.INFO,
    tags=("dockerfile", "maintainability"),
    peers=("hadolint DL3003", "trivy DS-0013"),
)
def no_cd_in_run(dockerfile: Dockerfile) -> Iterator[Finding]:
    """RUN does not change directory with `cd`; WORKDIR does.

    ## What it does
    Reports a RUN (or `ONBUILD RUN`) that runs `cd` as a command, in its command line or
    in a here-document script, once per RUN at the first `cd`. Only `cd` in command
    position counts (after `&&`, `;`, `|`, `(`, `do`, `then`, ...): a word `cd` used as
    an argument (`apt-get install cd-discid`, `echo cd`) is not reported, and neither
    is a here-document that only feeds a file or another program. A `cd` into a
    directory the shell computes (`cd "$(mktemp -d)"`, `` cd `ls -d php-*` ``,
    `cd /tmp/node-v*`) is not reported either, since WORKDIR cannot express it; hadolint's
    DL3003 reports those too.

    ## Why it matters
    A `cd` only lasts for its own RUN: the next instruction starts in the WORKDIR again,
    which readers of the Dockerfile easily forget. WORKDIR states the directory once,
    for every later instruction and for the running container.

    ## Example
    ```dockerfile
    RUN cd /app && npm ci
    ```

    ## Use instead
    ```dockerfile
    WORKDIR /app
    RUN npm ci
    ```

    ## Fix
    None: whether a WORKDIR can replace the `cd` depends on the rest of the script.

    ## References
    - https://docs.docker.com/build/building/best-practices/#workdir
    - https://github.com/hadolint/hadolint/wiki/DL3003
    """
    message = "`cd` in RUN only lasts for this RUN: set the directory with WORKDIR instead"
    yield from program_findings(dockerfile, _cd, message)
