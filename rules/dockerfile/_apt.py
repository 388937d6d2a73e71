"""Reading apt commands (`apt-get`, `apt`, `aptitude`) in RUN scripts."""

from __future__ import annotations

from dataclasses import dataclass

from opslint.model.facets import ShellCommand
from opslint.ruleapi.shell import Word, basename, programs, verb

from ._run import APT, APT_VALUE_FLAGS


@dataclass(frozen=True, slots=True)
class AptCommand:
    """An apt command: its program word and its verb word (`install`), when it has one."""

    script: ShellCommand
    program: Word
    verb: Word | None

    @property
    def name(self) -> str:
        """`apt-get`, `apt` or `aptitude`."""
        return basename(self.program.text)


def apt_command(script: ShellCommand, words: list[Word]) -> AptCommand | None:
    """The apt command a simple command runs, if it runs one."""
    names = programs(words)
    if not names or basename(names[-1].text) not in APT:
        return None
    program = names[-1]
    action, _ = verb(words[words.index(program) + 1 :], APT_VALUE_FLAGS)
    return AptCommand(script, program, action)
