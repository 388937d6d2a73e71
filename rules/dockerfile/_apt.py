"""Reading apt commands (`apt-get`, `apt`, `aptitude`), and apk ones, in RUN scripts."""

from __future__ import annotations

from dataclasses import dataclass

from opslint.model.facets import ShellCommand
from opslint.ruleapi.shell import Word, basename, programs, verb

from ._run import APK_VALUE_FLAGS, APT, APT_VALUE_FLAGS


@dataclass(frozen=True, slots=True)
class AptCommand:
    """An apt (or apk) command: its program word and its verb word (`install`), when it
    has one."""

    script: ShellCommand
    program: Word
    verb: Word | None

    @property
    def name(self) -> str:
        """`apt-get`, `apt`, `aptitude` (or `apk`)."""
        return basename(self.program.text)


def apt_command(
    script: ShellCommand,
    words: list[Word],
    names: frozenset[str] = APT,
    value_flags: frozenset[str] = APT_VALUE_FLAGS,
) -> AptCommand | None:
    """The apt command a simple command runs, if it runs one (the program one of `names`,
    whose options taking a value are `value_flags`)."""
    found = programs(words)
    if not found or basename(found[-1].text) not in names:
        return None
    program = found[-1]
    action, _ = verb(words[words.index(program) + 1 :], value_flags)
    return AptCommand(script, program, action)


def apk_command(script: ShellCommand, words: list[Word]) -> AptCommand | None:
    """The apk command a simple command runs, if it runs one."""
    return apt_command(script, words, frozenset({"apk"}), APK_VALUE_FLAGS)
