"""A Dockerfile parser that keeps every location.

It follows BuildKit's reading of the file: parser directives at the top (`# escape=`,
`# syntax=`), escaped line breaks with comment and blank lines inside a continuation
skipped, here-documents (`RUN <<EOF`, `<<-EOF`, quoted delimiters, several per
instruction), ONBUILD triggers, flags, exec form, and ARG substitution in FROM.
"""

from __future__ import annotations

import json
import re

from opslint.model.base import Finding, Span
from opslint.model.dockerfile import Dockerfile, Heredoc, Instruction, Stage
from opslint.model.facets import EnvVar, ImageRef, ShellCommand
from opslint.model.source import SourceFile
from opslint.parsers.errors import construct
from opslint.severity import Severity

KEYWORDS = frozenset(
    {
        "ADD",
        "ARG",
        "CMD",
        "COPY",
        "ENTRYPOINT",
        "ENV",
        "EXPOSE",
        "FROM",
        "HEALTHCHECK",
        "LABEL",
        "MAINTAINER",
        "ONBUILD",
        "RUN",
        "SHELL",
        "STOPSIGNAL",
        "USER",
        "VOLUME",
        "WORKDIR",
    }
)
_DIRECTIVE = re.compile(r"^\s*#\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(.*?)\s*$")
_KNOWN_DIRECTIVES = frozenset({"syntax", "escape", "check"})
_HEREDOC = re.compile(r"<<(-?)([\"']?)([A-Za-z_][A-Za-z0-9_.-]*)\2")
_FLAG = re.compile(r"--([A-Za-z][A-Za-z0-9-]*)(?:=(\"[^\"]*\"|'[^']*'|\S*))?")
_VARIABLE = re.compile(
    r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?P<modifier>:?[-+][^}]*)?\}|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))"
)
_ENV_PAIR = re.compile(r"([^\s=]+)=(\"(?:[^\"\\]|\\.)*\"|'[^']*'|(?:[^\s\\]|\\.)*)")
_FLAGGED = frozenset({"FROM", "RUN", "COPY", "ADD", "HEALTHCHECK"})
_MOUNT_SETTING = re.compile(r"(?:^|(?<=,))(?P<key>[A-Za-z-]+)=(?P<value>[^,]*)")
_HEREDOC_KEYWORDS = frozenset({"RUN", "COPY", "ADD"})
_LONE_CR = re.compile(r"\r(?!\n)")


def parse_dockerfile(source: SourceFile) -> Dockerfile:
    """Parse `source` into a `Dockerfile`; problems go to `Dockerfile.problems`."""
    return _Parser(source).parse()


def substitute(text: str, variables: dict[str, str | None]) -> tuple[str, bool]:
    """Expand `$VAR`, `${VAR}`, `${VAR:-x}` and `${VAR:+x}`; report whether all resolved."""
    resolved = True

    def expand(match: re.Match[str]) -> str:
        nonlocal resolved
        name = match.group("braced") or match.group("plain")
        modifier = match.group("modifier") or ""
        value = variables.get(name)
        if modifier.lstrip(":").startswith("-"):
            return value if value else modifier.lstrip(":")[1:]
        if modifier.lstrip(":").startswith("+"):
            return modifier.lstrip(":")[1:] if value else ""
        if value is None:
            resolved = False
            return match.group(0)
        return value

    return _VARIABLE.sub(expand, text), resolved


def is_reference(value: str) -> bool:
    """True when `value` consists only of variable references (`$X`, `${X}`)."""
    stripped = value.strip().strip("\"'")
    return bool(stripped) and not _VARIABLE.sub("", stripped).strip()


class _Parser:
    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.lines = source.lines
        self.path = source.display
        self.result = Dockerfile(source)
        self.escape = "\\"
        self.pulls: dict[int, list[tuple[str, str, Span]]] = {}
        """By instruction id: the `--from` of COPY and the `from=` of each RUN `--mount`, as
        (construct, value, span of the value), for `collect_pulls`."""

    def problem(self, span: Span, message: str) -> None:
        self.result.problems.append(
            Finding(span, message, code="OP001", name="parse-error", severity=Severity.ERROR)
        )

    def parse(self) -> Dockerfile:
        start = self.read_directives()
        self.result.escape = self.escape
        number = start
        while number < len(self.lines):
            text = self.lines[number]
            stripped = text.strip()
            if not stripped or stripped.startswith("#"):
                number += 1
                continue
            number = self.read_instruction(number)
        self.build_stages()
        self.collect_pulls()
        self.report_lone_cr()
        return self.result

    def report_lone_cr(self) -> None:
        """A CR not followed by LF breaks no line for Docker (Go's `bufio.ScanLines`): say
        so at the first one, since what the author saw as lines is one instruction."""
        found = _LONE_CR.search(self.source.text)
        if found is None:
            return
        line, column = self.source.index.position(found.start())
        count = len(_LONE_CR.findall(self.source.text))
        self.problem(
            Span(self.path, line, column, line, column + 1),
            f"lone carriage return (CR without LF; {count} in the file): Docker breaks lines "
            f"only at LF, so what follows it continues line {line}; save the file with LF "
            "(or CRLF) line endings",
        )

    def read_directives(self) -> int:
        for number, text in enumerate(self.lines):
            match = _DIRECTIVE.match(text)
            if not match or match.group(1).lower() not in _KNOWN_DIRECTIVES:
                return number
            name, value = match.group(1).lower(), match.group(2)
            if name in self.result.directives:
                return number  # a repeated directive is an ordinary comment
            self.result.directives[name] = value
            if name == "escape":
                if value in ("\\", "`"):
                    self.escape = value
                else:
                    self.problem(
                        Span(self.path, number + 1, 1, number + 1, len(text) + 1),
                        "invalid escape directive: only '\\' and '`' are allowed",
                    )
        return len(self.lines)

    def continues(self, text: str) -> bool:
        return text.rstrip().endswith(self.escape)

    def read_instruction(self, number: int) -> int:
        """Read the instruction starting at 0-based line `number`; return the next line."""
        text = self.lines[number]
        indent = len(text) - len(text.lstrip())
        word_match = re.match(r"\S+", text[indent:])
        assert word_match is not None
        word = word_match.group(0)
        keyword = word.upper()
        keyword_span = Span(self.path, number + 1, indent + 1, number + 1, indent + 1 + len(word))
        rest_start = indent + len(word)
        rest = text[rest_start:]
        args_offset = rest_start + (len(rest) - len(rest.lstrip()))
        arguments = ""
        segments: list[tuple[int, int, int]] = []
        last_line = number
        line_text = text[args_offset:]
        line_number = number
        while True:
            continued = self.continues(line_text)
            piece = line_text.rstrip()[:-1] if continued else line_text
            if piece or not segments:
                column = args_offset + 1 if line_number == number else 1
                segments.append((len(arguments), line_number + 1, column))
            arguments += piece
            last_line = line_number
            if not continued:
                break
            line_number += 1
            while line_number < len(self.lines) and (
                not self.lines[line_number].strip()
                or self.lines[line_number].lstrip().startswith("#")
            ):
                line_number += 1
            if line_number >= len(self.lines):
                break
            line_text = self.lines[line_number]
        end_text = self.lines[last_line]
        span = Span(self.path, number + 1, indent + 1, last_line + 1, len(end_text) + 1)
        instruction = Instruction(keyword, arguments, span, keyword_span, segments=tuple(segments))
        next_line = last_line + 1
        if keyword not in KEYWORDS:
            shown = construct(word)
            self.problem(
                keyword_span,
                f"unknown instruction {shown!r}"
                if shown
                else "unknown instruction: the line does not start with a keyword",
            )
            return next_line
        self.split_flags(instruction)
        target = instruction
        if keyword == "ONBUILD":
            target = self.read_trigger(instruction)
        if target.keyword in _HEREDOC_KEYWORDS:
            next_line = self.read_heredocs(instruction, target, next_line)
        self.set_exec_form(target)
        self.result.instructions.append(instruction)
        return next_line

    def split_flags(self, instruction: Instruction) -> None:
        if instruction.keyword not in _FLAGGED:
            return
        arguments = instruction.arguments
        position = 0
        while True:
            match = _FLAG.match(arguments, position)
            if not match:
                break
            name, value = match.group(1), match.group(2) or ""
            instruction.flags[name] = value.strip("\"'")
            instruction.flag_spans[name] = instruction.locate(
                match.start(), match.end() - match.start()
            )
            self.note_pull(instruction, name, match.start(2) if value else -1, value)
            position = match.end()
            while position < len(arguments) and arguments[position].isspace():
                position += 1
        if position:
            self.shift(instruction, position)

    def note_pull(self, instruction: Instruction, name: str, offset: int, value: str) -> None:
        """Record where `COPY --from=x` or `RUN --mount=...,from=x` names its source
        (`offset`: where `value` starts in the arguments)."""
        if offset < 0 or (instruction.keyword, name) not in (("COPY", "from"), ("RUN", "mount")):
            return
        if len(value) > 1 and value[0] in "\"'" and value[-1] == value[0]:
            value, offset = value[1:-1], offset + 1
        found: list[tuple[str, str, int]] = []
        if name == "from":
            found.append(("COPY --from", value, offset))
        else:
            found.extend(
                ("RUN --mount from", setting.group("value"), offset + setting.start("value"))
                for setting in _MOUNT_SETTING.finditer(value)
                if setting.group("key").lower() == "from"
            )
        pulls = self.pulls.setdefault(id(instruction), [])
        for what, text, start in found:
            if text:
                pulls.append((what, text, instruction.locate(start, len(text))))

    @staticmethod
    def shift(instruction: Instruction, cut: int) -> None:
        """Drop the first `cut` characters of the arguments, keeping the segment map right."""
        kept: list[tuple[int, int, int]] = []
        for index, (offset, line, column) in enumerate(instruction.segments):
            following = (
                instruction.segments[index + 1][0]
                if index + 1 < len(instruction.segments)
                else None
            )
            if following is not None and following <= cut:
                continue
            if offset < cut:
                kept.append((0, line, column + cut - offset))
            else:
                kept.append((offset - cut, line, column))
        instruction.arguments = instruction.arguments[cut:]
        instruction.segments = tuple(kept)

    def read_trigger(self, instruction: Instruction) -> Instruction:
        match = re.match(r"\S+", instruction.arguments)
        if not match:
            self.problem(instruction.keyword_span, "ONBUILD needs an instruction to defer")
            return instruction
        word = match.group(0)
        trigger = Instruction(
            word.upper(),
            instruction.arguments,
            instruction.span,
            instruction.locate(0, len(word)),
            segments=instruction.segments,
        )
        cut = len(word)
        while cut < len(trigger.arguments) and trigger.arguments[cut].isspace():
            cut += 1
        self.shift(trigger, cut)
        if trigger.keyword not in KEYWORDS or trigger.keyword in {"ONBUILD", "FROM", "MAINTAINER"}:
            shown = construct(word)
            self.problem(
                trigger.keyword_span,
                f"{shown!r} cannot be deferred with ONBUILD"
                if shown
                else "ONBUILD needs an instruction keyword to defer",
            )
        self.split_flags(trigger)
        instruction.trigger = trigger
        return trigger

    def read_heredocs(self, instruction: Instruction, target: Instruction, next_line: int) -> int:
        for match in _HEREDOC.finditer(target.arguments):
            strip_tabs, delimiter = match.group(1) == "-", match.group(3)
            body_start = next_line
            number = next_line
            body: list[str] = []
            while number < len(self.lines):
                line = self.lines[number]
                candidate = line.lstrip("\t") if strip_tabs else line
                if candidate.rstrip("\r") == delimiter:
                    break
                body.append(candidate)
                number += 1
            else:
                self.problem(
                    target.locate(match.start(), match.end() - match.start()),
                    f"here-document <<{delimiter} is not terminated",
                )
                return len(self.lines)
            span = Span(self.path, body_start + 1, 1, number + 1, len(self.lines[number]) + 1)
            target.heredocs.append(Heredoc(delimiter, "\n".join(body), span, body_start + 1))
            instruction.span = Span(
                self.path,
                instruction.span.line,
                instruction.span.column,
                number + 1,
                len(self.lines[number]) + 1,
            )
            if target is not instruction:
                target.span = instruction.span
            next_line = number + 1
        return next_line

    @staticmethod
    def set_exec_form(instruction: Instruction) -> None:
        stripped = instruction.arguments.strip()
        if not stripped.startswith("["):
            return
        try:
            value = json.loads(stripped)
        except ValueError:
            return
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            instruction.exec_form = value

    def build_stages(self) -> None:
        args: dict[str, str | None] = {}
        stage: Stage | None = None
        aliases: set[str] = set()
        for instruction in self.result.instructions:
            if instruction.keyword == "FROM":
                stage = self.make_stage(instruction, len(self.result.stages), args, aliases)
                self.result.stages.append(stage)
                if stage.alias:
                    aliases.add(stage.alias.lower())
            elif instruction.keyword == "ARG" and stage is None:
                for name, value in _arg_pairs(instruction.arguments):
                    args[name] = value
            instruction.stage = stage
            if instruction.trigger is not None:
                instruction.trigger.stage = stage
            if stage is not None and instruction.keyword != "FROM":
                stage.instructions.append(instruction)
            self.collect_facets(instruction, stage)
        self.result.global_args = args

    def make_stage(
        self, instruction: Instruction, index: int, args: dict[str, str | None], aliases: set[str]
    ) -> Stage:
        tokens = [(m.group(0), m.start()) for m in re.finditer(r"\S+", instruction.arguments)]
        if not tokens:
            self.problem(instruction.keyword_span, "FROM needs a base image")
            return Stage(index, instruction, "", None, None)
        written, offset = tokens[0]
        alias = None
        if len(tokens) >= 3 and tokens[1][0].lower() == "as":
            alias = tokens[2][0]
        base, resolved = substitute(written, args)
        image: ImageRef | None = None
        if base.lower() != "scratch" and base.lower() not in aliases:
            image = ImageRef(
                text=base,
                span=instruction.locate(offset, len(written)),
                origin="FROM",
                logical=f"stage:{alias or index}",
                written=written,
                dynamic=not resolved,
            )
            self.result.images.append(image)
        return Stage(index, instruction, base, alias, image)

    def base_image(self, stage: Stage | None) -> str:
        """The image `stage` starts from, through the earlier stages it builds on; empty for
        `scratch` or no stage."""
        while stage is not None and stage.image is None:
            base = stage.base.lower()
            stage = next(
                (
                    s
                    for s in reversed(self.result.stages[: stage.index])
                    if s.alias and s.alias.lower() == base
                ),
                None,
            )
        return stage.image.text if stage is not None and stage.image is not None else ""

    def collect_pulls(self) -> None:
        """Images that `COPY --from` and `RUN --mount=from=` pull: a source that is neither
        a stage's name (BuildKit finds stages defined later too) nor a stage index."""
        stages = {s.alias.lower() for s in self.result.stages if s.alias}
        for instruction in self.result.instructions:
            prefix = "ONBUILD " if instruction.trigger is not None else ""
            logical = instruction.stage.logical if instruction.stage else ""
            for what, text, span in self.pulls.get(id(instruction.effective), ()):
                if text.lower() in stages or text.isdigit():
                    continue
                self.result.images.append(
                    ImageRef(
                        text=text,
                        span=span,
                        origin=prefix + what,
                        logical=logical,
                        written=text,
                        dynamic="$" in text,
                    )
                )

    def collect_facets(self, instruction: Instruction, stage: Stage | None) -> None:
        effective = instruction.effective
        prefix = "ONBUILD " if effective is not instruction else ""
        logical = stage.logical if stage else ""
        if effective.keyword in ("ENV", "ARG"):
            for name, value, offset, value_offset in _pairs_with_offsets(
                effective.arguments, effective.keyword
            ):
                name_span = effective.locate(offset, len(name))
                value_span = effective.locate(value_offset, len(value or ""))
                literal = value.strip("\"'") if value is not None else None
                self.result.env_vars.append(
                    EnvVar(
                        name,
                        literal,
                        name_span,
                        value_span,
                        origin=prefix + effective.keyword,
                        reference=literal is not None and is_reference(literal),
                        logical=logical,
                    )
                )
        if effective.keyword != "RUN":
            return
        origin = prefix + "RUN"
        image = self.base_image(stage)
        script = effective.arguments
        segments = effective.segments
        if effective.exec_form is not None:
            script = " ".join(effective.exec_form)
            segments = ()
        if effective.heredocs:
            for heredoc in effective.heredocs:
                body_lines = heredoc.body.split("\n")
                offsets: list[tuple[int, int, int]] = []
                position = 0
                for index, text in enumerate(body_lines):
                    line = heredoc.body_line + index
                    written = self.lines[line - 1] if 0 < line <= len(self.lines) else text
                    column = len(written) - len(text) + 1 if written.endswith(text) else 1
                    offsets.append((position, line, column))  # `<<-` strips leading tabs
                    position += len(text) + 1
                self.result.shell_commands.append(
                    ShellCommand(heredoc.body, heredoc.span, origin, tuple(offsets), logical, image)
                )
            script = _HEREDOC.sub("", script)
            if not script.strip(" \t<>&|;"):
                return
        self.result.shell_commands.append(
            ShellCommand(script, effective.arguments_span, origin, segments, logical, image)
        )


def _arg_pairs(arguments: str) -> list[tuple[str, str | None]]:
    return [(name, value) for name, value, _, _ in _pairs_with_offsets(arguments, "ARG")]


def _pairs_with_offsets(arguments: str, keyword: str) -> list[tuple[str, str | None, int, int]]:
    """Name/value pairs of ENV or ARG with the offsets of name and value."""
    stripped = arguments.strip()
    lead = len(arguments) - len(arguments.lstrip())
    if keyword == "ENV" and stripped and "=" not in stripped.split(None, 1)[0]:
        parts = stripped.split(None, 1)  # legacy `ENV NAME value with spaces`
        value = parts[1] if len(parts) > 1 else ""
        value_offset = lead + stripped.find(value, len(parts[0])) if value else lead + len(parts[0])
        return [(parts[0], value, lead, value_offset)]
    result: list[tuple[str, str | None, int, int]] = []
    position = 0
    for match in re.finditer(r"\S+", arguments):
        if match.start() < position:
            continue
        pair = _ENV_PAIR.match(arguments, match.start())
        if pair:
            result.append((pair.group(1), pair.group(2), pair.start(1), pair.start(2)))
            position = pair.end()
        else:
            result.append((match.group(0), None, match.start(), match.end()))
            position = match.end()
    return result
