"""The scripts a Dockerfile RUN executes, and the shell that SHELL sets.

`run_scripts()` gives the shell scripts one RUN (or `ONBUILD RUN`) executes: the command
line, and each here-document that the shell runs as a script. A here-document that only
feeds a command (`cat <<EOF > /etc/app.conf`, `python3 <<EOF`) is data, not shell, and is
left out, as is one whose `#!` line names a non-shell interpreter.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from opslint import Finding
from opslint.model.dockerfile import Dockerfile, Instruction, Stage
from opslint.model.facets import ShellCommand
from opslint.ruleapi.shell import POSIX_SHELLS, Word, basename, commands, programs, reads_script

NON_POSIX_SHELLS = frozenset({"pwsh", "powershell", "cmd"})
_SET_PIPEFAIL = re.compile(r"-[A-Za-z]*o[A-Za-z]*$")


@dataclass(frozen=True, slots=True)
class RunScript:
    """One shell script a RUN executes, and where it comes from."""

    instruction: Instruction
    """The instruction as written (the ONBUILD one for a trigger)."""
    command: ShellCommand
    heredoc: bool
    exec_form: bool
    interpreter: str | None = None
    """The `#!` line of a here-document script, when it has one."""


def instructions(dockerfile: Dockerfile, *keywords: str) -> Iterator[Instruction]:
    """Every instruction of the file that is one of `keywords`, or an ONBUILD whose trigger
    is, in order (`instructions(dockerfile, "RUN")`: every RUN and `ONBUILD RUN`)."""
    for instruction in dockerfile.instructions:
        if instruction.effective.keyword in keywords:
            yield instruction


def logical(instruction: Instruction) -> str:
    """The logical path of an instruction's findings: its stage."""
    stage: Stage | None = instruction.stage
    return stage.logical if stage is not None else ""


def program_findings(
    dockerfile: Dockerfile, pick: Callable[[str, list[Word]], Word | None], message: str
) -> Iterator[Finding]:
    """One finding per RUN, at the first program word that `pick` chooses among the
    programs of a simple command (given its script's text), saying `message`."""
    for instruction in instructions(dockerfile, "RUN"):
        found = next(
            (
                (script.command, word)
                for script in run_scripts(dockerfile, instruction)
                for words in commands(script.command.text)
                if (word := pick(script.command.text, programs(words))) is not None
            ),
            None,
        )
        if found is not None:
            command, word = found
            yield Finding(
                command.locate(word.start, word.end - word.start),
                message,
                logical=logical(instruction),
            )


def run_scripts(dockerfile: Dockerfile, instruction: Instruction) -> list[RunScript]:
    """The shell scripts a RUN (or `ONBUILD RUN`) executes."""
    run = instruction.effective
    origin = "ONBUILD RUN" if run is not instruction else "RUN"
    where = logical(instruction)
    if run.exec_form is not None:
        text = " ".join(shlex.quote(item) for item in run.exec_form)
        shell = ShellCommand(text, run.arguments_span, origin, (), where)
        return [RunScript(instruction, shell, heredoc=False, exec_form=True)]
    main = ShellCommand(run.arguments, run.arguments_span, origin, run.segments, where)
    result = [RunScript(instruction, main, heredoc=False, exec_form=False)]
    if not run.heredocs or not _runs_heredocs(run.arguments):
        return result
    lines = dockerfile.source.lines
    for heredoc in run.heredocs:
        body = heredoc.body.split("\n")
        first = body[0].strip() if body else ""
        interpreter = first[2:].strip() if first.startswith("#!") else None
        if interpreter is not None and not _is_shell_line(interpreter):
            continue
        segments: list[tuple[int, int, int]] = []
        offset = 0
        for index, text in enumerate(body):
            number = heredoc.body_line + index
            file_line = lines[number - 1] if 0 < number <= len(lines) else text
            column = max(1, len(file_line) - len(text) + 1) if file_line.endswith(text) else 1
            segments.append((offset, number, column))
            offset += len(text) + 1
        shell = ShellCommand(heredoc.body, heredoc.span, origin, tuple(segments), where)
        result.append(RunScript(instruction, shell, True, False, interpreter))
    return result


def _runs_heredocs(arguments: str) -> bool:
    """True when the here-documents of a RUN are scripts: nothing else runs, or a shell
    without `-c` reads them."""
    found = commands(arguments)
    if not found:
        return True
    return len(found) == 1 and reads_script(found[0])


def _is_shell_line(interpreter: str) -> bool:
    """True when a `#!` line runs a POSIX-like shell (`/bin/sh`, `/usr/bin/env bash`)."""
    parts = interpreter.split()
    if not parts:
        return True
    name = basename(parts[0])
    if name == "env" and len(parts) > 1:
        name = basename(next((p for p in parts[1:] if not p.startswith("-")), parts[1]))
    return name in POSIX_SHELLS


def sets_pipefail(words: list[str]) -> bool:
    """True when options (of `set`, or of a shell) include `-o pipefail` (`-eo pipefail`)."""
    return any(
        word == "pipefail" and index > 0 and bool(_SET_PIPEFAIL.match(words[index - 1]))
        for index, word in enumerate(words)
    )


@dataclass(frozen=True, slots=True)
class ShellState:
    """The shell a RUN uses: whether it is POSIX-like, and whether pipefail is on."""

    posix: bool = True
    pipefail: bool = False


def shell_state(arguments: list[str] | None, before: ShellState) -> ShellState:
    """The state a `SHELL [...]` instruction sets (`before` when it is not in JSON form)."""
    if not arguments:
        return before
    name = basename(arguments[0])
    if name in NON_POSIX_SHELLS:
        return ShellState(posix=False)
    return ShellState(posix=True, pipefail=sets_pipefail(arguments[1:]))


def windows_base(dockerfile: Dockerfile, stage: Stage) -> bool:
    """True when the stage builds on a Windows image, whose default shell is `cmd`."""
    root = list(dockerfile.lineage(stage))[-1]
    image = root.image.repository.lower() if root.image is not None else ""
    return any(part in image for part in ("windows", "nanoserver", "servercore"))
