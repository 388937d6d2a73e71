"""DF110 exec-form-cmd."""

from __future__ import annotations

import re
from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.dockerfile import Instruction

_EXEC = re.compile(r"^\s*exec\s")


@rule(
    "DF110",
    "exec-form-cmd",
    Severity.WARNING,
    fix="safe",
    tags=("dockerfile", "reliability"),
    peers=("hadolint DL3025",),
)
def exec_form_cmd(instruction: Instruction) -> Iterator[Finding]:
    """CMD and ENTRYPOINT are written in JSON (exec) form.

    ## What it does
    Reports a `CMD` or `ENTRYPOINT` (also under ONBUILD) written in shell form, at its
    arguments. A shell-form command that starts with `exec` passes: the shell replaces
    itself with the program, which then runs as PID 1 and receives signals, and the
    shell form is kept for a reason (variable expansion). `HEALTHCHECK CMD` is not
    checked: Docker runs the health command on its own, and its shell form
    (`CMD-SHELL`) is a documented, equal alternative without the signal problem.
    Arguments in single quotes (`CMD ['app']`) are not JSON, so Docker runs them as a
    shell command, and they are reported too.

    ## Why it matters
    In shell form Docker runs `/bin/sh -c "<command>"`: the shell is PID 1 and does not
    forward SIGTERM, so `docker stop` and Kubernetes wait out the grace period and kill
    the process without a clean shutdown. An ENTRYPOINT in shell form also ignores the
    arguments of CMD and `docker run`.

    ## Example
    ```dockerfile
    FROM node:22-slim
    CMD node server.js
    ```

    ## Use instead
    ```dockerfile
    FROM node:22-slim
    CMD ["node", "server.js"]
    ```

    ## Fix
    Safe when the command has no shell syntax (no variables, quotes, pipes or
    redirections): the words become a JSON array. Otherwise no edit is offered.

    ## References
    - https://docs.docker.com/reference/dockerfile/#shell-and-exec-form
    - https://docs.docker.com/build/building/best-practices/#cmd
    - https://github.com/hadolint/hadolint/wiki/DL3025
    """
    command = instruction.effective
    if command.keyword not in ("CMD", "ENTRYPOINT") or command.exec_form is not None:
        return
    if not command.arguments.strip() or _EXEC.match(command.arguments):
        return
    stage = instruction.stage
    yield Finding(
        command.arguments_span,
        f"{command.keyword} in shell form runs under `/bin/sh -c`, which does not pass "
        f'signals on: write it in exec form (`{command.keyword} ["program", "arg"]`)',
        logical=stage.logical if stage else "",
    )
