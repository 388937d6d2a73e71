"""DF117 pipefail."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

from opslint import Finding, Severity, rule
from opslint.model.dockerfile import Dockerfile, Instruction
from opslint.ruleapi.shell import basename, commands, pipes, programs

from ._scripts import (
    ShellState,
    instructions,
    logical,
    run_scripts,
    sets_pipefail,
    shell_state,
    windows_base,
)

HARMLESS_LEFT = frozenset({"echo", "printf", "yes"})
"""Programs whose failure on the left of a pipe is not worth pipefail (`yes` even dies of
SIGPIPE by design, which pipefail would turn into a failed build)."""

FACT_QUERIES: tuple[tuple[str, ...], ...] = (
    ("uname",),
    ("nproc",),
    ("arch",),
    ("locale",),
    ("dpkg", "--print-architecture"),
    ("apk", "--print-arch"),
    ("rpm", "--eval"),
    ("rpm", "-E"),
)
"""Read-only queries of the system that print a fact and cannot fail on an image that
can run them: a command whose program and first arguments are one of these. `uname`,
`nproc` and `arch` come with coreutils and busybox alike, `locale` with the C library;
`dpkg`, `apk` and `rpm` are the
package managers of the images that call them, and these options only print their
architecture or expand a macro. `dpkg-architecture` is not one: it comes with
`dpkg-dev`, which an image may lack."""


def _harmless(words: tuple[str, ...]) -> bool:
    """True when a command feeding a pipe cannot fail in a way pipefail would catch."""
    called = (basename(words[0]), *words[1:])
    return called[0] in HARMLESS_LEFT or any(
        called[: len(query)] == query for query in FACT_QUERIES
    )


def _finding(dockerfile: Dockerfile, instruction: Instruction, state: ShellState) -> Finding | None:
    """The first unguarded pipe of a RUN, if any."""
    for script in run_scripts(dockerfile, instruction):
        if script.exec_form:
            continue
        if script.heredoc and script.interpreter is not None:
            if "pipefail" in script.interpreter:
                continue  # a script file run by its own interpreter: SHELL does not apply
        elif not state.posix or state.pipefail:
            continue
        text = script.command.text
        found = [p for p in pipes(text) if not p.feeders or not all(map(_harmless, p.feeders))]
        if not found:
            continue
        first = found[0]
        guarded = any(
            words[0].start < first.offset
            for words in commands(text)
            for names in [programs(words)]
            if names
            and basename(names[-1].text) == "set"
            and sets_pipefail([w.text for w in words])
        )
        if guarded:
            continue
        risky = [basename(words[0]) for words in first.feeders if not _harmless(words)]
        left = f"`{risky[0]}`" if risky else "the command before `|`"
        return Finding(
            script.command.locate(first.offset, first.length),
            f"this RUN pipes without pipefail, so a failure of {left} goes unnoticed: set "
            '`SHELL ["/bin/bash", "-o", "pipefail", "-c"]` or start with `set -o pipefail`',
            logical=logical(instruction),
        )
    return None


@rule(
    "DF117",
    "pipefail",
    Severity.WARNING,
    tags=("dockerfile", "reliability"),
    peers=("hadolint DL4006",),
)
def pipefail(dockerfile: Dockerfile) -> Iterator[Finding]:
    """A RUN that pipes commands runs with `pipefail`.

    ## What it does
    Reports a RUN (or `ONBUILD RUN`) whose shell script has a pipe (`|`, `|&`) while
    `pipefail` is off, at the first such pipe, once per RUN. `pipefail` is on when the
    SHELL in force has `-o pipefail` (`["/bin/bash", "-eo", "pipefail", "-c"]`), or when
    the script runs `set -o pipefail` (`set -euo pipefail`, ...) before the pipe. The
    SHELL in force follows the stage: it resets at each `FROM <image>` and is inherited
    through `FROM <earlier stage>`; an `ONBUILD RUN` is judged with the SHELL in force at
    the end of its stage, which is what the image hands to its children.

    Not reported: `||`; the `|` between `case` patterns; quoted or escaped bars; RUN in
    exec (JSON) form, which runs no shell; stages under a non-POSIX SHELL (`pwsh`,
    `powershell`, `cmd`) or on a Windows base image; here-documents that only feed a file
    or program, or whose `#!` line names another interpreter; and pipes whose left side
    (a command, or every command of a `{ ...; }` or `( ... )` group) is only `echo`,
    `printf` or `yes`, or a read-only query of the system, which do not fail in a way
    pipefail would catch (and `yes` ends by SIGPIPE, so pipefail would break the build).
    The queries are `uname`, `nproc`, `arch` and `locale` (any arguments), `dpkg
    --print-architecture`, `apk --print-arch` and `rpm --eval`/`rpm -E`: each only
    prints a fact of the kernel, the CPU, the C library or the image's own package
    manager (`locale -a | grep 'en_US.utf8'` is a check of the locale), so on an
    image that can run it there is nothing to fail
    (`dpkgArch="$(dpkg --print-architecture | awk -F- '{ print $NF }')"` is not
    reported). Other queries are reported: `dpkg-architecture` comes with `dpkg-dev`,
    which the image may lack, and `dpkg -l`, `rpm -q` or `apk info` fail on a missing
    package.

    Policy difference: hadolint's DL4006 ignores `-o pipefail` on a `sh` SHELL and does
    not count `set -o pipefail` in the script. opslint accepts both: a shell that lacks
    the option fails the very first RUN, so the setting never silently misleads.
    DL4006 also reports every pipe whatever feeds it, the harmless ones above included.

    ## Why it matters
    A pipeline's status is the status of its last command: `curl -fsSL $URL | tar xz`
    succeeds when the download fails, and `curl ... | sh` runs an empty script. The build
    goes on and ships a broken layer instead of failing at the cause.

    ## Example
    ```dockerfile
    FROM debian:12-slim
    RUN curl -fsSL https://example.com/tool.tar.gz | tar -xz -C /usr/local/bin
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12-slim
    SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    RUN curl -fsSL https://example.com/tool.tar.gz | tar -xz -C /usr/local/bin
    ```

    ## Fix
    None: whether the base image has bash decides between a SHELL line and `set -o
    pipefail`.

    ## Variants
    - A pipe in RUN without `-o pipefail` on the SHELL in force (hadolint DL4006): covered;
      the SHELL resets at each `FROM <image>` and carries through `FROM <stage>`.
    - `bash`, `zsh` and `ash` SHELLs with `-o pipefail`, also at non-standard paths
      (`/usr/local/bin/bash`) (hadolint DL4006): covered; a `sh` SHELL with `-o pipefail`
      is accepted (policy difference, above).
    - Non-POSIX SHELLs `pwsh`, `powershell`, `cmd` (hadolint DL4006): covered, as not
      reported.
    - `set -o pipefail` in the script, and `bash -o pipefail -c "..."`: covered (no peer
      reads them).
    - Exec-form RUN: covered, as not reported (no shell runs it).
    - Pipes fed only by `echo`, `printf`, `yes` or a read-only system query (`uname -m`,
      `dpkg --print-architecture`, ...), which hadolint DL4006 reports: covered, as not
      reported.
    - `ONBUILD RUN`: covered.

    ## References
    - https://docs.docker.com/build/building/best-practices/#using-pipes
    - https://docs.docker.com/reference/dockerfile/#shell
    - https://github.com/hadolint/hadolint/wiki/DL4006
    """
    default = ShellState()
    for instruction in instructions(dockerfile, "RUN"):
        if instruction.stage is None:
            found = _finding(dockerfile, instruction, default)
            if found is not None:
                yield found
    final_states: dict[int, ShellState] = {}
    for stage in dockerfile.stages:
        parent = next(islice(dockerfile.lineage(stage), 1, 2), None)
        if parent is not None and parent.index in final_states:
            state = final_states[parent.index]
        else:
            state = ShellState(posix=not windows_base(dockerfile, stage))
        triggers: list[Instruction] = []
        for instruction in stage.instructions:
            if instruction.keyword == "SHELL":
                state = shell_state(instruction.exec_form, state)
            elif instruction.keyword == "RUN":
                found = _finding(dockerfile, instruction, state)
                if found is not None:
                    yield found
            elif instruction.effective.keyword == "RUN":
                triggers.append(instruction)
        final_states[stage.index] = state
        for trigger in triggers:
            found = _finding(dockerfile, trigger, state)
            if found is not None:
                yield found
