"""The Dockerfile model: stages of instructions, each with exact spans."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from opslint.model.base import Span
from opslint.model.facets import EnvVar, ImageRef, Segmented, ShellCommand
from opslint.model.source import Document

WASM_PLATFORM_PARTS = frozenset({"wasi", "wasip1", "wasip2", "wasm", "wasm32"})
"""Operating system and architecture names of WebAssembly platforms (`wasi/wasm`)."""
SHELL_NAMES = frozenset({"sh", "bash", "ash", "dash", "zsh", "busybox"})
"""File names of programs that give a `FROM scratch` image a shell."""
_BIN_DIRS = frozenset({"", "/bin", "/usr/bin"})
"""Folders whose copy may bring a shell along (`""`: the whole file system, `/`)."""
_INTERACTIVE = re.compile(
    r"(?:sh|bash|ash|dash|zsh|ksh|mksh|fish|pwsh|powershell|cmd|python[0-9.]*|pypy[0-9.]*"
    r"|node|irb|jshell|ghci|iex|erl|julia|r)(?:\.exe)?"
)
"""Shells and language interpreters that, started without arguments, read commands
from the terminal."""


def is_wasm_platform(platform: str) -> bool:
    """True for a WebAssembly platform: `wasi/wasm`, `wasip1/wasm`, `wasi/wasm32`."""
    return any(part.strip().lower() in WASM_PLATFORM_PARTS for part in platform.split("/")[:2])


@dataclass(slots=True, eq=False)
class Heredoc:
    """A here-document attached to RUN, COPY or ADD."""

    delimiter: str
    body: str
    span: Span
    """From the first body line to the delimiter line."""
    body_line: int


@dataclass(slots=True, eq=False)
class Instruction(Segmented):
    """One instruction, continuation lines joined.

    `arguments` is the text after the keyword (and after the flags), with each escaped line
    break removed as Docker removes it; `segments` maps offsets of `arguments` back to the
    file (see `ShellCommand.segments`).
    """

    keyword: str
    arguments: str
    span: Span
    keyword_span: Span
    flags: dict[str, str] = field(default_factory=dict)
    flag_spans: dict[str, Span] = field(default_factory=dict)
    segments: tuple[tuple[int, int, int], ...] = ()
    heredocs: list[Heredoc] = field(default_factory=list)
    exec_form: list[str] | None = None
    """The arguments as a list when written in JSON (exec) form."""
    trigger: Instruction | None = None
    """For ONBUILD, the instruction it defers."""
    stage: Stage | None = None

    @property
    def arguments_span(self) -> Span:
        """From the first argument character to the end of the instruction."""
        if not self.segments:
            return self.span
        _, line, column = self.segments[0]
        return Span(self.span.path, line, column, self.span.end_line, self.span.end_column)

    @property
    def effective(self) -> Instruction:
        """The instruction that takes effect: the ONBUILD trigger, or itself."""
        return self.trigger if self.trigger is not None else self


@dataclass(slots=True, eq=False)
class Stage:
    """A build stage: a FROM and the instructions up to the next FROM."""

    index: int
    from_instruction: Instruction
    base: str
    """The base as written after ARG substitution (an image, a stage name or `scratch`)."""
    alias: str | None
    image: ImageRef | None
    """The base image, or None when the base is `scratch` or an earlier stage."""
    instructions: list[Instruction] = field(default_factory=list)

    @property
    def span(self) -> Span:
        """The anchor for findings about the stage: its FROM line."""
        return self.from_instruction.span

    @property
    def logical(self) -> str:
        """The stage's name in baselines and reports."""
        return f"stage:{self.alias or self.index}"

    def find(self, keyword: str) -> list[Instruction]:
        """The instructions of `keyword` in this stage, in order."""
        return [i for i in self.instructions if i.keyword == keyword]


@dataclass(eq=False)
class Dockerfile(Document):
    """A parsed Dockerfile."""

    kind = "dockerfile"

    instructions: list[Instruction] = field(default_factory=list)
    """Every instruction, including global ARGs before the first FROM."""
    stages: list[Stage] = field(default_factory=list)
    escape: str = "\\"
    directives: dict[str, str] = field(default_factory=dict)
    global_args: dict[str, str | None] = field(default_factory=dict)
    images: list[ImageRef] = field(default_factory=list)
    env_vars: list[EnvVar] = field(default_factory=list)
    shell_commands: list[ShellCommand] = field(default_factory=list)

    @property
    def final_stage(self) -> Stage | None:
        """The stage that makes the image (the last one)."""
        return self.stages[-1] if self.stages else None

    def lineage(self, stage: Stage) -> Iterator[Stage]:
        """`stage`, then the earlier stages it builds on through `FROM <stage>`."""
        current: Stage | None = stage
        while current is not None:
            yield current
            current = self.parent(current)

    def parent(self, stage: Stage) -> Stage | None:
        """The earlier stage `stage` builds on (`FROM <stage>`), if any."""
        named = self._by_alias.get(stage.base.lower())
        return named if named is not None and named.index < stage.index else None

    def stage(self, name: str) -> Stage | None:
        """The stage whose alias is `name` (case-insensitive), if any."""
        return self._by_alias.get(name.lower())

    @property
    def _by_alias(self) -> dict[str, Stage]:
        """The first stage of each alias (lowercased), built once the stages are read."""
        return self.derived("stages by alias", self._index_aliases)

    def _index_aliases(self) -> dict[str, Stage]:
        index: dict[str, Stage] = {}
        for stage in self.stages:
            if stage.alias:
                index.setdefault(stage.alias.lower(), stage)
        return index

    def from_scratch(self, stage: Stage) -> bool:
        """True when `stage`, through the stages it builds on, starts `FROM scratch`."""
        return all(s.base.lower() == "scratch" or self.parent(s) for s in self.lineage(stage))

    def runs_wasm(self, stage: Stage) -> bool:
        """True when `stage` makes a WebAssembly image: a `--platform` of it or a stage it
        builds on names one (`wasi/wasm`), or it starts `FROM scratch` and its ENTRYPOINT
        (else CMD) runs a `.wasm` module."""
        lineage = list(self.lineage(stage))
        if any(is_wasm_platform(s.from_instruction.flags.get("platform", "")) for s in lineage):
            return True
        if not self.from_scratch(stage):
            return False
        for keyword in ("ENTRYPOINT", "CMD"):
            found = next((s.find(keyword)[-1] for s in lineage if s.find(keyword)), None)
            if found is not None:
                words = found.exec_form or found.arguments.split()
                return bool(words) and words[0].lower().endswith(".wasm")
        return False

    def starts_interactive(self, stage: Stage) -> bool:
        """True when `stage`'s image only starts an interactive shell or interpreter: no
        ENTRYPOINT in it or a stage it builds on, and the CMD in force is that program
        alone (`CMD ["python3"]`, `CMD bash`). Such an image runs no program of its own;
        it is a base or a toolbox that derived images and users give one."""
        lineage = list(self.lineage(stage))
        if any(s.find("ENTRYPOINT") for s in lineage):
            return False
        cmd = next((s.find("CMD")[-1] for s in lineage if s.find("CMD")), None)
        if cmd is None:
            return False
        words = cmd.exec_form if cmd.exec_form is not None else cmd.arguments.split()
        name = words[0].replace("\\", "/").rsplit("/", 1)[-1].lower() if words else ""
        return len(words) == 1 and _INTERACTIVE.fullmatch(name) is not None

    def shell_less_binary(self, stage: Stage) -> bool:
        """True when `stage` starts `FROM scratch`, copies files in (COPY or ADD, in it or a
        stage it builds on), and none of them names a shell or busybox (`/bin/sh`,
        `busybox`), `/bin`, `/usr/bin` or the whole file system `/`: such an image holds
        only the program copied into it, with nothing to run a command line. An empty
        `FROM scratch` stage is no such image (it is a placeholder)."""
        if not self.from_scratch(stage):
            return False
        copies = [
            instruction
            for ancestor in self.lineage(stage)
            for instruction in ancestor.instructions
            if instruction.keyword in ("COPY", "ADD")
        ]
        for instruction in copies:
            words = instruction.exec_form or instruction.arguments.split()
            names = {w.rstrip("/").rsplit("/", 1)[-1].lower() for w in words}
            if names & SHELL_NAMES or any(w.rstrip("/") in _BIN_DIRS for w in words):
                return False
        return bool(copies)

    def has_healthcheck(self, target: str | None = None) -> bool:
        """True when the image's stage (or a stage it builds on) declares HEALTHCHECK.

        The image's stage is the final one, or the stage named `target` (a build target);
        `HEALTHCHECK NONE` counts, since it is a deliberate choice.
        """
        stage = self.stage(target) if target else self.final_stage
        return stage is not None and any(s.find("HEALTHCHECK") for s in self.lineage(stage))

    def objects(self) -> Iterator[object]:
        yield self
        yield from self.stages
        yield from self.instructions
        yield from self.images
        yield from self.env_vars
        yield from self.shell_commands
