"""Reading apt commands (`apt-get`, `apt`, `aptitude`) in RUN scripts."""

from __future__ import annotations

from dataclasses import dataclass

from opslint.model.facets import ShellCommand

from ._scripts import Word, basename, programs

APT_PROGRAMS = frozenset({"apt-get", "apt", "aptitude"})
VALUE_OPTIONS = frozenset({"-o", "-c", "-t", "--option", "--config-file", "--target-release"})


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
    if not names or basename(names[-1].text) not in APT_PROGRAMS:
        return None
    program = names[-1]
    skip = False
    for word in words[words.index(program) + 1 :]:
        if skip:
            skip = False
        elif word.text.startswith("-"):
            skip = word.text in VALUE_OPTIONS
        else:
            return AptCommand(script, program, word)
    return AptCommand(script, program, None)
