"""Shell reading for the Dockerfile rules about RUN: scripts, programs, pipes and SHELL.

`run_scripts()` gives the shell scripts one RUN (or `ONBUILD RUN`) executes: the command
line, and each here-document that the shell runs as a script. A here-document that only
feeds a command (`cat <<EOF > /etc/app.conf`, `python3 <<EOF`) is data, not shell, and is
left out, as is one whose `#!` line names a non-shell interpreter.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field

from opslint.model.dockerfile import Dockerfile, Instruction, Stage
from opslint.model.facets import ShellCommand

POSIX_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"})
NON_POSIX_SHELLS = frozenset({"pwsh", "powershell", "cmd"})
_KEYWORDS = frozenset({"if", "then", "else", "elif", "do", "while", "until", "!", "{", "}"})
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
_WRAPPERS: dict[str, frozenset[str]] = {
    "sudo": frozenset({"-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-U", "-T"}),
    "doas": frozenset({"-u", "-C"}),
    "env": frozenset({"-u", "-C", "-S"}),
    "nice": frozenset({"-n"}),
    "xargs": frozenset({"-I", "-n", "-P", "-L", "-d", "-s", "-E", "-a"}),
    "time": frozenset(),
    "exec": frozenset({"-a"}),
    "command": frozenset(),
    "nohup": frozenset(),
    "eatmydata": frozenset(),
    "stdbuf": frozenset(),
}
"""Commands that run another program, with their options that take a value."""
_SET_PIPEFAIL = re.compile(r"-[A-Za-z]*o[A-Za-z]*$")


@dataclass(frozen=True, slots=True)
class Word:
    """A shell word with quotes and escapes removed, and the offsets of its source text."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Pipe:
    """A `|` (or `|&`) operator of a script and the programs that feed it.

    `left` holds the program on its left, or every program of a `{ ...; }` or `( ... )`
    group on its left; it is empty when they cannot be told.
    """

    offset: int
    length: int
    left: tuple[str, ...]


@dataclass(slots=True)
class _Lexer:
    """One pass over a script: its simple commands and its pipe operators.

    Commands are separated by newlines, `;`, `&`, `&&`, `|`, `||`, parentheses and
    backquotes (so the commands inside `$(...)` and backquotes count); quotes group a
    word, a backslash escapes the next character, `#` at the start of a word opens a
    comment, `${...}` stays one word, and redirections (`> file`, `2>&1`, `<<EOF`) are
    dropped with their target. `||` is not a pipe, nor is the `|` between the patterns
    of a `case` branch (`a|b)`), whose patterns are not commands either. The pipes of a
    command substitution inside double quotes (`"$(a | b)"`) count as well.
    """

    text: str
    commands: list[list[Word]] = field(default_factory=list)
    pipes: list[Pipe] = field(default_factory=list)
    current: list[Word] = field(default_factory=list)
    word: str = ""
    start: int = -1
    drop_next: bool = False
    case_depth: int = 0
    expect_in: bool = False
    pattern: bool = False
    groups: list[int] = field(default_factory=list)
    """For each open `{` or `(`, the index of its first command."""
    closed: tuple[int, int] | None = None
    """The commands of the group that was just closed (for a pipe right after it)."""

    def finish(self, end: int) -> None:
        """Close the word being read."""
        if self.start < 0:
            return
        word, self.word, start, self.start = self.word, "", self.start, -1
        if self.drop_next:
            self.drop_next = False
        elif self.pattern:
            if word == "esac":
                self.case_depth -= 1
                self.pattern = False
        elif self.expect_in and word == "in":
            self.expect_in = False
            self.pattern = True
            self.end_command()
        else:
            if not self.current and word == "case":
                self.case_depth += 1
                self.expect_in = True
            elif not self.current and word == "esac" and self.case_depth:
                self.case_depth -= 1
            elif not self.current and word == "{":
                self.groups.append(len(self.commands))
            elif not self.current and word == "}" and self.groups:
                self.closed = (self.groups.pop(), len(self.commands))
            self.current.append(Word(word, start, end))

    def end_command(self) -> None:
        """Close the simple command being read."""
        if self.current:
            self.commands.append(self.current)
        self.current = []

    def begin(self, position: int) -> None:
        """Start a word at `position` unless one is open."""
        if self.start < 0:
            self.start = position

    def run(self) -> None:
        """Read the whole text."""
        text, size, position = self.text, len(self.text), 0
        while position < size:
            char = text[position]
            if char == "\\":
                if text.startswith("\\\n", position):
                    self.finish(position)
                else:
                    self.begin(position)
                    self.word += text[position + 1 : position + 2]
                position += 2
            elif char in "'\"":
                self.begin(position)
                position = self.quoted(position)
            elif text.startswith("${", position):
                self.begin(position)
                close = text.find("}", position)
                close = size - 1 if close < 0 else close
                self.word += text[position : close + 1]
                position = close + 1
            elif char == "#" and self.start < 0:
                newline = text.find("\n", position)
                position = size if newline < 0 else newline
            elif char in "<>" or text.startswith("&>", position):
                position = self.redirect(position)
            elif char == "|":
                self.finish(position)
                position = self.bar(position)
            elif char in ";&\n()`":
                self.finish(position)
                self.closed = None
                if char == ")" and self.pattern:
                    self.pattern = False
                elif text.startswith(";;", position) and self.case_depth:
                    self.pattern = True
                    position += 1
                if not (char == "(" and self.pattern):
                    self.end_command()
                if char == "(" and not self.pattern:
                    self.groups.append(len(self.commands))
                elif char == ")" and self.groups:
                    self.closed = (self.groups.pop(), len(self.commands))
                position += 1
            elif char in " \t\r":
                self.finish(position)
                position += 1
            else:
                self.begin(position)
                self.word += char
                position += 1
        self.finish(size)
        self.end_command()

    def quoted(self, position: int) -> int:
        """Read a quoted stretch starting at `position`; return the offset after it."""
        text, quote = self.text, self.text[position]
        close = position + 1
        while close < len(text) and text[close] != quote:
            if quote == '"' and text[close] == "\\" and close + 1 < len(text):
                self.word += text[close + 1]
                close += 2
                continue
            if quote == '"' and text.startswith("$(", close):
                end = _closing_paren(text, close + 1)
                inner = _Lexer(text[close + 2 : end])
                inner.run()
                for pipe in inner.pipes:
                    self.pipes.append(Pipe(pipe.offset + close + 2, pipe.length, pipe.left))
                self.word += text[close : end + 1]
                close = end + 1
                continue
            self.word += text[close]
            close += 1
        return close + 1

    def redirect(self, position: int) -> int:
        """Skip a redirection operator; its target word is dropped."""
        text = self.text
        if self.start >= 0 and self.word.isdigit():
            self.word, self.start = "", -1  # a file-descriptor number (`2>`)
        self.finish(position)
        operator = position
        while position < len(text) and text[position] in "<>&|-":
            position += 1
        if text[position - 1] == "&" and position < len(text) and text[position].isdigit():
            while position < len(text) and text[position].isdigit():
                position += 1  # `2>&1` duplicates a descriptor
        elif not text[operator:position].endswith("&-"):
            self.drop_next = True
        return position

    def bar(self, position: int) -> int:
        """Read `|`, `|&` or `||` at `position`; return the offset after it."""
        if self.text.startswith("||", position):
            self.end_command()
            return position + 2
        length = 2 if self.text.startswith("|&", position) else 1
        if not self.pattern:
            names = programs(self.current)
            group = self.commands[slice(*self.closed)] if self.closed else []
            if names:
                left: tuple[str, ...] = (basename(names[-1].text),)
            else:
                fed = [programs(words) for words in group]
                left = tuple(basename(n[-1].text) for n in fed if n)
            self.pipes.append(Pipe(position, length, left))
            self.end_command()
        self.closed = None
        return position + length


def _closing_paren(text: str, opening: int) -> int:
    """The offset of the `)` that closes the `(` at `opening` (the end when unclosed)."""
    depth = 0
    position = opening
    while position < len(text):
        char = text[position]
        if char == "\\":
            position += 2
            continue
        if char == "'":
            close = text.find("'", position + 1)
            position = len(text) if close < 0 else close + 1
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return position
        position += 1
    return len(text)


def lex(text: str) -> tuple[list[list[Word]], list[Pipe]]:
    """The simple commands and the pipe operators of a shell script."""
    lexer = _Lexer(text)
    lexer.run()
    return lexer.commands, lexer.pipes


def commands(text: str) -> list[list[Word]]:
    """The simple commands of a shell script, each as its words."""
    return lex(text)[0]


def pipes(text: str) -> list[Pipe]:
    """The pipe operators of a shell script, in order."""
    return lex(text)[1]


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


def basename(word: str) -> str:
    """A program's name without its directory and a Windows `.exe` suffix, lowercased."""
    name = word.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return name.removesuffix(".exe")


def runs(dockerfile: Dockerfile) -> Iterator[Instruction]:
    """Every RUN and `ONBUILD RUN` of the file, in order."""
    for instruction in dockerfile.instructions:
        if instruction.effective.keyword == "RUN":
            yield instruction


def logical(instruction: Instruction) -> str:
    """The logical path of an instruction's findings: its stage."""
    stage: Stage | None = instruction.stage
    return stage.logical if stage is not None else ""


def programs(words: list[Word]) -> list[Word]:
    """The words of a simple command that name programs.

    The last one is the program that runs; those before it are wrappers that run it
    (`sudo`, `env`, `xargs`, ...). Leading keywords (`if`, `do`, ...) and variable
    assignments are skipped. Empty when the command only assigns variables.
    """
    found: list[Word] = []
    index = 0
    while index < len(words):
        text = words[index].text
        if text in _KEYWORDS or (not found and _ASSIGNMENT.match(text)):
            index += 1
            continue
        found.append(words[index])
        value_flags = _WRAPPERS.get(basename(text))
        lookup = index + 1 < len(words) and words[index + 1].text in ("-v", "-V")
        if value_flags is None or (basename(text) == "command" and lookup):
            break  # `command -v apt` looks a program up, it does not run it
        index += 1
        while index < len(words):
            option = words[index].text
            if option.startswith("-") and option != "-":
                index += 2 if option in value_flags else 1
            elif _ASSIGNMENT.match(option):
                index += 1
            else:
                break
    return found


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
    if len(found) > 1:
        return False
    names = programs(found[0])
    if not names or basename(names[-1].text) not in POSIX_SHELLS:
        return False
    return not any(w.text == "-c" or re.fullmatch(r"-[a-z]*c", w.text) for w in found[0])


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
