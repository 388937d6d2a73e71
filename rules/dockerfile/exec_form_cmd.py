"""DF110 exec-form-cmd."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from opslint import Edit, Finding, Fix, Severity, rule
from opslint.model.base import Span
from opslint.model.dockerfile import Dockerfile, Instruction

from ._fix import keyword_anchor
from ._scripts import instructions, logical, windows_base

_EXEC = re.compile(r"^\s*exec\s")
_SHELL_SYNTAX = re.compile(r"[$`*?\[\]{}~|&;<>()'\"\\#!]")
_BUILTINS = frozenset(
    {"cd", "export", "source", ".", "set", "unset", "exit", "ulimit", "umask", "alias"}
    | {"eval", "trap", "wait", "read", "shift", "return", "local", "readonly", "if"}
    | {"for", "while", "until", "case", "function", "test", "["}
)
"""Shell builtins and keywords that are no program exec form could run."""


@rule(
    "DF110",
    "exec-form-cmd",
    Severity.WARNING,
    fix="safe",
    tags=("dockerfile", "reliability"),
    peers=("hadolint DL3025",),
)
def exec_form_cmd(dockerfile: Dockerfile) -> Iterator[Finding]:
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
    Safe when the command is plain words: no variables, globs, quotes, escapes,
    pipes, redirections, `&&`, `;` or other shell syntax, no variable assignment, and
    a program rather than a shell builtin (`cd`, `export`, ...). The words then become
    a JSON array in place of the arguments (`CMD node server.js` gives
    `CMD ["node", "server.js"]`; continuation lines are joined). No edit is offered, and
    the help line says why, when the command needs the shell, when comment lines sit inside
    its continuation, when the stage runs another shell (a SHELL instruction, a Windows
    base image), or when the switch would change
    what runs: an ENTRYPOINT in shell form with a CMD in the image (exec form would pass
    the CMD to it) and a CMD in shell form below an ENTRYPOINT (which would receive the
    words instead of `/bin/sh -c "..."`).

    ## Variants
    - Shell-form `CMD` and `ENTRYPOINT` (hadolint DL3025): covered; `ONBUILD CMD` and
      `ONBUILD ENTRYPOINT` too.
    - Single-quoted pseudo-JSON (`CMD ['app']`) and unterminated JSON: covered (Docker
      reads both as shell form).
    - Shell form that starts with `exec`: covered, as not reported.
    - Shell-form `HEALTHCHECK CMD` (hadolint DL3025): not covered: Docker runs the check
      command itself, so no signal is lost, and `CMD-SHELL` is a documented form.

    ## References
    - https://docs.docker.com/reference/dockerfile/#shell-and-exec-form
    - https://docs.docker.com/build/building/best-practices/#cmd
    - https://github.com/hadolint/hadolint/wiki/DL3025
    """
    for instruction in instructions(dockerfile, "CMD", "ENTRYPOINT"):
        command = instruction.effective
        if command.exec_form is not None:
            continue
        if not command.arguments.strip() or _EXEC.match(command.arguments):
            continue
        message = (
            f"{command.keyword} in shell form runs under `/bin/sh -c`, which does not pass "
            f'signals on: write it in exec form (`{command.keyword} ["program", "arg"]`)'
        )
        words, reason = _exec_words(dockerfile, instruction)
        fix: Fix | None = None
        help: str | None = None
        if words is not None:
            array = "[" + ", ".join(json.dumps(w, ensure_ascii=False) for w in words) + "]"
            edit = Edit(_arguments(command), array, keyword_anchor(dockerfile, command))
            fix = Fix(f"write `{command.keyword} {array}`", (edit,))
        else:
            help = f"no automatic fix: {reason}"
        yield Finding(
            command.arguments_span,
            message,
            fix=fix,
            logical=logical(instruction),
            help=help,
        )


def _arguments(command: Instruction) -> Span:
    """The arguments' span without the trailing blanks of the last line."""
    span = command.arguments_span
    tail = len(command.arguments) - len(command.arguments.rstrip())
    return Span(span.path, span.line, span.column, span.end_line, span.end_column - tail)


def _exec_words(dockerfile: Dockerfile, instruction: Instruction) -> tuple[list[str] | None, str]:
    """The words of the command when exec form runs the same thing, else why not."""
    command = instruction.effective
    text = command.arguments
    syntax = _SHELL_SYNTAX.search(text)
    if syntax:
        return None, f"the command needs the shell for `{syntax.group(0)}`"
    words = text.split()
    if "=" in words[0] or words[0] in _BUILTINS:
        return None, f"`{words[0]}` needs the shell"
    span = command.arguments_span
    for number in range(span.line + 1, span.end_line + 1):
        line = dockerfile.source.line(number).strip()
        if not line or line.startswith("#"):
            return None, "comment or blank lines sit inside the continuation"
    stage = instruction.stage
    if stage is None or instruction.trigger is not None:
        return words, ""
    inherited = {i.keyword for s in dockerfile.lineage(stage) for i in s.instructions}
    if "SHELL" in inherited or windows_base(dockerfile, stage):
        return None, "the stage runs another shell than `/bin/sh`"
    own = {i.keyword for i in stage.instructions if i is not instruction}
    if command.keyword == "ENTRYPOINT" and "CMD" in own:
        return None, "in exec form the ENTRYPOINT would receive the CMD as arguments"
    if command.keyword == "CMD" and "ENTRYPOINT" in inherited:
        return None, "the ENTRYPOINT would receive the words instead of `/bin/sh -c ...`"
    return words, ""
