"""Shared reading of Dockerfile RUN steps for the package and build rules.

A `RunStep` is one RUN (or `ONBUILD RUN`) with the shell scripts it runs (the command line
and any here-documents); `commands()` splits those scripts into simple commands whose words
can be located in the file.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_right
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass

from opslint.model.base import Span
from opslint.model.dockerfile import Dockerfile, Instruction, Stage
from opslint.model.facets import ShellCommand
from opslint.ruleapi.shell import (
    Command,
    Word,
    commands,
    only_simulates,
    pip_arguments,
    program,
    verb,
)

from ._scripts import instructions, logical

APT = frozenset({"apt-get", "apt", "aptitude"})
APT_VALUE_FLAGS = frozenset({"-o", "-c", "-t", "--target-release", "--option", "--config-file"})
APK_VALUE_FLAGS = frozenset(
    {"-t", "--virtual", "-X", "--repository", "-p", "--root", "--arch", "--cache-dir"}
)
PIP_VALUE_FLAGS = frozenset(
    {"-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-t", "--target"}
    | {"--prefix", "--root", "-i", "--index-url", "--extra-index-url", "-f", "--find-links"}
    | {"--trusted-host", "--cache-dir", "--python", "--root-user-action", "--platform"}
    | {"--python-version", "--implementation", "--abi", "--src", "--upgrade-strategy"}
    | {"--progress-bar", "--log", "--proxy", "--retries", "--timeout", "--exists-action"}
    | {"--cert", "--client-cert", "--global-option", "--config-settings", "-C", "--report"}
)
RPM_INSTALL_VERBS: dict[str, frozenset[str]] = {
    "yum": frozenset({"install", "groupinstall", "localinstall"}),
    "dnf": frozenset({"install", "groupinstall", "localinstall"}),
    "zypper": frozenset({"install", "in", "source-install", "si"}),
}
"""The install verbs of the package managers of RPM distributions that ask before they
install (microdnf is left out: its `-y` long did nothing, as it never asked)."""
YUM_VALUE_FLAGS = frozenset(
    {"-c", "--config", "--installroot", "--releasever", "--repo", "--repoid", "--enablerepo"}
    | {"--disablerepo", "-x", "--exclude", "--setopt", "-d", "--debuglevel", "-e"}
    | {"--errorlevel", "-R", "--randomwait", "--downloaddir", "--destdir", "--forcearch"}
)
"""yum, dnf and microdnf options that take the next word as their value (`-C` is
`--cacheonly`, which takes none)."""
ZYPPER_VALUE_FLAGS = frozenset(
    {"-c", "--config", "-R", "--root", "--installroot", "-D", "--reposd-dir", "-C"}
    | {"--cache-dir", "--raw-cache-dir", "--solv-cache-dir", "--pkg-cache-dir", "--userdata"}
    | {"-p", "--plus-repo", "--releasever", "-t", "--type", "-r", "--repo", "--from"}
)
"""zypper's global options that take the next word as their value, and those of its
install and remove (`-t`, `-r`, `--from`); `-x` is `--xmlout`, which takes none."""
RPM_VALUE_FLAGS = {
    "yum": YUM_VALUE_FLAGS,
    "dnf": YUM_VALUE_FLAGS,
    "microdnf": YUM_VALUE_FLAGS,
    "zypper": ZYPPER_VALUE_FLAGS,
}
"""The options taking a value of each package manager of RPM distributions."""
PACKAGE_VALUE_FLAGS = {
    **dict.fromkeys(APT, APT_VALUE_FLAGS),
    "apk": APK_VALUE_FLAGS,
    **RPM_VALUE_FLAGS,
}
"""The options taking a value of each system package manager, by program name."""
_MOUNT = re.compile(r"--mount=(\S+)")


@dataclass(frozen=True, slots=True)
class RunStep:
    """One RUN instruction, or the RUN an ONBUILD defers."""

    instruction: Instruction
    """The instruction as written (the ONBUILD one for a trigger)."""
    run: Instruction
    """The RUN itself (the trigger for ONBUILD)."""
    scripts: tuple[ShellCommand, ...]
    logical: str
    parsed: tuple[Command, ...]
    """The simple commands of the scripts, read once."""

    @property
    def onbuild(self) -> bool:
        """True for `ONBUILD RUN`."""
        return self.run is not self.instruction

    def commands(self) -> Iterator[Command]:
        """Every simple command of every script of this step."""
        return iter(self.parsed)


def _read_commands(scripts: tuple[ShellCommand, ...]) -> tuple[Command, ...]:
    found: list[Command] = []
    for script in scripts:
        for words in commands(script.text):
            kept = program([w for w in words if w.text.strip()])
            if kept:
                found.append(Command(script, kept))
    return tuple(found)


def run_steps(dockerfile: Dockerfile) -> tuple[RunStep, ...]:
    """Every RUN and `ONBUILD RUN` of the file, in order (read once per file)."""
    return dockerfile.derived("run steps", lambda: _read_steps(dockerfile))


def _read_steps(dockerfile: Dockerfile) -> tuple[RunStep, ...]:
    run_instructions = list(instructions(dockerfile, "RUN"))
    starts = [i.span.line for i in run_instructions]
    scripts: list[list[ShellCommand]] = [[] for _ in run_instructions]
    for script in dockerfile.shell_commands:  # each lies within the lines of one RUN
        index = bisect_right(starts, script.span.line) - 1
        if index < 0:
            continue
        span = run_instructions[index].span
        if script.span.path == span.path and script.span.line <= span.end_line:
            scripts[index].append(script)
    steps = []
    for instruction, own in zip(run_instructions, scripts, strict=True):
        found = tuple(own)
        where = logical(instruction)
        steps.append(
            RunStep(instruction, instruction.effective, found, where, _read_commands(found))
        )
    return tuple(steps)


def shipped(dockerfile: Dockerfile) -> set[int]:
    """Indexes of the stages whose layers make the image: the final one and its ancestors."""

    def compute() -> set[int]:
        final = dockerfile.final_stage
        return {s.index for s in dockerfile.lineage(final)} if final else set()

    return dockerfile.derived("shipped stages", compute)


def in_image(dockerfile: Dockerfile, step: RunStep) -> bool:
    """True when the step's layer ships: its stage is shipped, it is a trigger (which runs
    in whatever image builds on this one), or the file has no FROM (a snippet)."""
    stage: Stage | None = step.instruction.stage
    return step.onbuild or stage is None or stage.index in shipped(dockerfile)


def done_before(
    dockerfile: Dockerfile, step: RunStep, key: Hashable, test: Callable[[RunStep], bool]
) -> bool:
    """True when a RUN up to `step` (itself included) in its stage, in a stage it builds on,
    or before any FROM passes `test`. `key` names the test: each step is tested once per
    file, however many steps ask."""
    first, before_any = dockerfile.derived(
        ("done before", key), lambda: _first_passing(dockerfile, test)
    )
    stage = step.instruction.stage
    earliest = min(before_any, first[stage.index]) if stage is not None else before_any
    return earliest <= step.instruction.span.line


_NEVER = sys.maxsize


def _first_passing(
    dockerfile: Dockerfile, test: Callable[[RunStep], bool]
) -> tuple[list[int], int]:
    """For each stage, the first line of a step passing `test` in it or in a stage it
    builds on; and that of a step before any FROM (`_NEVER`: none)."""
    own = [_NEVER] * len(dockerfile.stages)
    before_any = _NEVER
    for step in run_steps(dockerfile):
        stage = step.instruction.stage
        line = step.instruction.span.line
        if stage is not None and own[stage.index] == _NEVER and test(step):
            own[stage.index] = line
        elif stage is None and before_any == _NEVER and test(step):
            before_any = line
    reach = list(own)
    for stage in dockerfile.stages:  # a parent comes before its child
        parent = dockerfile.parent(stage)
        if parent is not None:
            reach[stage.index] = min(reach[stage.index], reach[parent.index])
    return reach, before_any


def mounts(dockerfile: Dockerfile, run: Instruction) -> list[dict[str, str]]:
    """The `--mount` options of a RUN (each as its key/value settings), as written."""
    lines = dockerfile.source.lines
    start = run.keyword_span
    if run.segments:
        _, end_line, end_column = run.segments[0]
    else:
        end_line, end_column = run.span.end_line, run.span.end_column
    parts: list[str] = []
    for number in range(start.line, end_line + 1):
        text = lines[number - 1] if 0 < number <= len(lines) else ""
        low = start.end_column - 1 if number == start.line else 0
        high = end_column - 1 if number == end_line else len(text)
        parts.append(text[low:high])
    found: list[dict[str, str]] = []
    for match in _MOUNT.finditer(" ".join(parts) + " " + run.arguments):
        settings: dict[str, str] = {}
        for item in match.group(1).strip("\"'").split(","):
            key, _, value = item.partition("=")
            settings[key.strip().lower()] = value.strip()
        found.append(settings)
    return found


_MOUNT_FROM = re.compile(r"--mount=[\"']?(?:[^\s,]*,)*?from=([^\s,\"']+)")


def mount_sources(dockerfile: Dockerfile, run: Instruction) -> list[tuple[str, Span]]:
    """The `from=` value of each `--mount` of a RUN, with where it stands (each written
    on the line of its `--mount`)."""
    lines = dockerfile.source.lines
    start = run.keyword_span
    if run.segments:  # the flags end where the script starts
        _, end_line, end_column = run.segments[0]
    else:
        end_line, end_column = run.span.end_line, run.span.end_column
    found: list[tuple[str, Span]] = []
    for number in range(start.line, min(end_line, len(lines)) + 1):
        text = lines[number - 1]
        low = start.end_column - 1 if number == start.line else 0
        high = end_column - 1 if number == end_line else len(text)
        for match in _MOUNT_FROM.finditer(text, low, high):
            span = Span(run.span.path, number, match.start(1) + 1, number, match.end(1) + 1)
            found.append((match.group(1), span))
    return found


def mount_targets(dockerfile: Dockerfile, run: Instruction) -> set[str]:
    """Targets of the cache and tmpfs mounts of a RUN, without a trailing slash."""
    targets: set[str] = set()
    for settings in mounts(dockerfile, run):
        if settings.get("type") not in ("cache", "tmpfs"):
            continue
        target = settings.get("target") or settings.get("dst") or settings.get("destination")
        if target:
            targets.add(target.rstrip("/") or "/")
    return targets


def pip_words(command: Command) -> list[Word] | None:
    """The words after `pip` for `pip ...`, `pip3 ...` and `python -m pip ...`, else None."""
    return pip_arguments(command.words)


_TOKEN = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'[^']*'|\S+")
_JSON_STRING = re.compile(r"\"((?:[^\"\\]|\\.)*)\"")


@dataclass(frozen=True, slots=True)
class CopyPath:
    """A source or destination of COPY or ADD: its text (quotes removed) and span."""

    text: str
    span: Span


def copy_paths(instruction: Instruction) -> tuple[list[CopyPath], CopyPath | None]:
    """The sources and the destination of a COPY or ADD (flags already split off).

    Here-document sources (`<<EOF`) are left out; exec form (`["a", "b"]`) is read too.
    """
    arguments = instruction.arguments
    tokens: list[CopyPath] = []
    if instruction.exec_form is not None:
        for match in _JSON_STRING.finditer(arguments):
            span = instruction.locate(match.start(), match.end() - match.start())
            tokens.append(CopyPath(match.group(1), span))
    else:
        for match in _TOKEN.finditer(arguments):
            text = match.group(0)
            span = instruction.locate(match.start(), len(text))
            tokens.append(CopyPath(text.strip("\"'"), span))
    if len(tokens) < 2:
        return [], None
    return [t for t in tokens[:-1] if not t.text.startswith("<<")], tokens[-1]


def installs_nothing(command: Command) -> bool:
    """True when a package manager's install command only simulates or prints what it
    would do (`apt-get install -s`, `apk add --simulate`, `pip install --dry-run`, ...:
    `opslint.ruleapi.shell.NO_INSTALL`), or sets `-o APT::Get::Simulate=true`."""
    name = command.name
    if name in APT:
        simulate = apt_option(command, "APT::Get::Simulate") in ("true", "1", "yes")
        return simulate or only_simulates("apt", command.arguments)
    pip = pip_words(command)
    if pip is not None:
        return only_simulates("pip", [word.text for word in pip])
    return only_simulates(name, command.arguments)


def apt_installs(dockerfile: Dockerfile) -> Iterator[tuple[RunStep, Command, Word]]:
    """Every `apt-get install` (or `apt install`) of the file that installs (not a
    simulation, `installs_nothing`), with its `install` word."""
    for step in run_steps(dockerfile):
        for command in step.commands():
            if command.name not in ("apt-get", "apt"):
                continue
            action, _ = verb(command.words[1:], APT_VALUE_FLAGS)
            if action is not None and action.text == "install" and not installs_nothing(command):
                yield step, command, action


def rpm_installs(dockerfile: Dockerfile) -> Iterator[tuple[RunStep, Command, Word]]:
    """Every yum, dnf or zypper install of the file (`RPM_INSTALL_VERBS`), with its verb;
    `--assumeno` (answer no: a dry run) installs nothing and is left out."""
    for step in run_steps(dockerfile):
        for command in step.commands():
            verbs = RPM_INSTALL_VERBS.get(command.name)
            if verbs is None:
                continue
            action, _ = verb(command.words[1:], RPM_VALUE_FLAGS[command.name])
            if action is None or action.text not in verbs or "--assumeno" in command.texts():
                continue
            yield step, command, action


def apt_option(command: Command, name: str) -> str | None:
    """The value an `-o Name=value` option of an apt command sets (case-insensitive)."""
    words = command.texts()
    wanted = name.lower() + "="
    for index, text in enumerate(words):
        value = text
        if text in ("-o", "--option") and index + 1 < len(words):
            value = words[index + 1]
        elif text.startswith("--option="):
            value = text[len("--option=") :]
        elif text.startswith("-o") and not text.startswith("--"):
            value = text[2:]
        else:
            continue
        if value.lower().startswith(wanted):
            return value[len(wanted) :].strip("\"'").lower()
    return None


def configured_before(dockerfile: Dockerfile, step: RunStep, setting: str) -> bool:
    """True when a RUN up to `step` writes an apt configuration line for `setting`."""
    lowered = setting.lower()
    return done_before(
        dockerfile,
        step,
        ("configures", lowered),
        lambda other: any(lowered in script.text.lower() for script in other.scripts),
    )


WHOLE_CONTEXT = frozenset({".", "./", "*", "./*", "/"})
"""COPY sources that name the whole build context."""


def context_copy(instruction: Instruction) -> CopyPath | None:
    """The source that copies the whole build context (`COPY . .`), if this COPY/ADD has one.

    An ONBUILD trigger has none: it copies the context of the build that uses this image as
    its base, which is not this Dockerfile's folder and whose files this file cannot know.
    """
    if instruction.trigger is not None:
        return None
    copy = instruction
    if copy.keyword not in ("COPY", "ADD") or "from" in copy.flags:
        return None
    sources, _ = copy_paths(copy)
    return next((s for s in sources if s.text in WHOLE_CONTEXT), None)
