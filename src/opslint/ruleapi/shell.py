"""Reading shell scripts: words with their offsets, simple commands, pipes, programs.

Every construct that runs a script (Dockerfile `RUN`, GitHub Actions `run:`, GitLab
`script:`, Jenkins `sh`) hands its text to `read()`, which splits it the way a POSIX shell
would, without running or expanding anything:

- words lose their quotes and escapes but keep the offsets of their source text, so a
  rule can point at the exact token (`ShellCommand.locate(word.start, ...)`);
- simple commands are separated by newlines, `;`, `&`, `&&`, `||`, `|`, and by the
  parentheses and braces of groups; `#` at the start of a word opens a comment;
- a command substitution (`$(...)`, backquotes), also inside double quotes, stays inside
  its word, and the commands it runs are listed too (before the command that uses them);
  `$((...))` arithmetic, `${...}` expansions and `${{ ... }}` CI expressions stay words;
- redirections (`> file`, `2>&1`, `&> log`, `<<EOF`) are dropped with their target;
- a here-document's body is data, unless the command it feeds is a shell reading its
  script from standard input (`bash <<EOF`), in which case its commands are listed;
- the `|` operators are listed with the programs on their left, and the patterns of a
  `case` branch (`a|b)`) are neither pipes nor commands.

`programs()` and `program()` find the program a simple command runs behind keywords,
variable assignments and wrappers (`sudo -u app env A=1 npm ci` runs `npm`);
`positionals()` and `verb()` read its arguments.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from opslint.model.base import Span
from opslint.model.facets import ShellCommand

POSIX_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"})
"""Programs that read POSIX-like shell scripts."""

KEYWORDS = frozenset({"if", "then", "else", "elif", "do", "while", "until", "!", "{", "}"})
"""Reserved words that may stand before the program of a simple command."""

WRAPPERS: dict[str, frozenset[str]] = {
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
"""Programs that run another program, with their options that take a value."""

_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
_SHELL_COMMAND_OPTION = re.compile(r"-[a-z]*c")
_PLAIN = re.compile(r"[^\\'\"$`#<>&|;\n() \t\r]+")
"""A run of characters that only add to the word being read."""
_PLAIN_IN_DOUBLE_QUOTES = re.compile(r'[^"\\$`]+')


@dataclass(frozen=True, slots=True)
class Word:
    """A shell word with quotes and escapes removed, and the offsets of its source text."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Pipe:
    """A `|` (or `|&`) operator and the commands that feed it.

    `feeders` holds the command on its left, or every command of a `{ ...; }` or
    `( ... )` group on its left, each as its words from the program's name on (wrappers
    such as `sudo` left out); it is empty when they cannot be told.
    """

    offset: int
    length: int
    feeders: tuple[tuple[str, ...], ...]

    @property
    def left(self) -> tuple[str, ...]:
        """The programs of `feeders`, by their `basename()`."""
        return tuple(basename(words[0]) for words in self.feeders)


@dataclass(frozen=True, slots=True)
class Heredoc:
    """A here-document: its delimiter and the offsets of its body (without the last line)."""

    delimiter: str
    start: int
    end: int
    script: bool
    """True when the command it feeds is a shell that runs it as a script."""


@dataclass(slots=True)
class Script:
    """What `read()` finds in a script."""

    commands: list[list[Word]] = field(default_factory=list)
    """The simple commands, each as its words, in the order they run."""
    pipes: list[Pipe] = field(default_factory=list)
    heredocs: list[Heredoc] = field(default_factory=list)


@dataclass(slots=True)
class _Pending:
    """A here-document whose body starts after the current line."""

    delimiter: str
    strip_tabs: bool
    words: list[Word]


@dataclass(slots=True)
class _Lexer:
    """One pass over a script (or a stretch of it, for substitutions)."""

    text: str
    end: int
    result: Script = field(default_factory=Script)
    current: list[Word] = field(default_factory=list)
    word: list[str] = field(default_factory=list)
    """The pieces of the word being read (joined when it ends: adding to a string would
    copy it for every character)."""
    start: int = -1
    drop_next: bool = False
    heredoc_next: bool = False
    strip_tabs: bool = False
    pending: list[_Pending] = field(default_factory=list)
    case_depth: int = 0
    expect_in: bool = False
    pattern: bool = False
    groups: list[int] = field(default_factory=list)
    """For each open `{` or `(`, the index of its first command."""
    closed: tuple[int, int] | None = None
    """The commands of the group that was just closed (for a pipe right after it)."""

    @property
    def commands(self) -> list[list[Word]]:
        """The commands read so far."""
        return self.result.commands

    def finish(self, end: int) -> None:
        """Close the word being read."""
        if self.start < 0:
            return
        word, start, self.start = "".join(self.word), self.start, -1
        self.word.clear()
        if self.heredoc_next:
            self.heredoc_next = self.drop_next = False
            self.pending.append(_Pending(word, self.strip_tabs, self.current))
        elif self.drop_next:
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

    def run(self, position: int) -> None:
        """Read the text from `position` to the end of the stretch."""
        text, size = self.text, self.end
        while position < size:
            char = text[position]
            if char == "\\":
                if text.startswith("\\\n", position):
                    self.finish(position)
                else:
                    self.begin(position)
                    self.word.append(text[position + 1 : min(position + 2, size)])
                position += 2
            elif char in "'\"":
                self.begin(position)
                position = self.quoted(position)
            elif (char == "$" and text.startswith(("$(", "${"), position)) or char == "`":
                self.begin(position)
                position = self.expansion(position)
            elif char == "#" and self.start < 0:
                newline = text.find("\n", position, size)
                position = size if newline < 0 else newline
            elif char in "<>" or text.startswith("&>", position):
                position = self.redirect(position)
            elif char == "|":
                self.finish(position)
                position = self.bar(position)
            elif char in ";&\n()":
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
                if char == "\n" and self.pending:
                    position = self.heredoc_bodies(position)
            elif char in " \t\r":
                self.finish(position)
                position += 1
            else:
                self.begin(position)
                plain = _PLAIN.match(text, position, size)
                if plain is None:  # `#` within a word, `$` that opens nothing
                    self.word.append(char)
                    position += 1
                else:
                    self.word.append(plain.group())
                    position = plain.end()
        self.finish(size)
        self.end_command()

    def quoted(self, position: int) -> int:
        """Read a quoted stretch starting at `position`; return the offset after it."""
        text, quote, size = self.text, self.text[position], self.end
        close = position + 1
        if quote == "'":
            end = text.find("'", close, size)
            end = size if end < 0 else end
            self.word.append(text[close:end])
            return end + 1
        while close < size and text[close] != quote:
            if text[close] == "\\" and close + 1 < size:
                self.word.append(text[close + 1])
                close += 2
            elif text.startswith("$(", close) or text[close] == "`":
                close = self.expansion(close)
            else:
                plain = _PLAIN_IN_DOUBLE_QUOTES.match(text, close, size)
                stop = close + 1 if plain is None else plain.end()
                self.word.append(text[close:stop])
                close = stop
        return close + 1

    def expansion(self, position: int) -> int:
        """Read `$(...)`, backquotes, `$((...))`, `${...}` or `${{ ... }}` into the word;
        return the offset after it. The commands of a substitution are read as well."""
        text, size = self.text, self.end
        if text.startswith("${{", position):
            close = text.find("}}", position, size)
            end = size if close < 0 else close + 2
        elif text.startswith("${", position):
            close = text.find("}", position, size)
            end = size if close < 0 else close + 1
        elif text[position] == "`":
            close = position + 1
            while close < size and text[close] != "`":
                close += 2 if text[close] == "\\" else 1
            self.substitution(position + 1, min(close, size))
            end = min(close + 1, size)
        else:
            close = _closing_paren(text, position + 1, size)
            if not text.startswith("$((", position):
                self.substitution(position + 2, close)
            end = min(close + 1, size)
        self.word.append(text[position:end])
        return end

    def substitution(self, start: int, end: int) -> None:
        """Read the commands and pipes of a command substitution."""
        inner = _Lexer(self.text, end)
        inner.run(start)
        self.commands.extend(inner.commands)
        self.result.pipes.extend(inner.result.pipes)
        self.result.heredocs.extend(inner.result.heredocs)

    def redirect(self, position: int) -> int:
        """Skip a redirection operator; its target word is dropped."""
        text, size = self.text, self.end
        if self.start >= 0 and "".join(self.word).isdigit():
            self.word.clear()  # a file-descriptor number (`2>`)
            self.start = -1
        self.finish(position)
        operator = position
        while position < size and text[position] in "<>&|-":
            position += 1
        written = text[operator:position]
        if written.startswith("<<") and not written.startswith("<<<"):
            self.heredoc_next = True
            self.strip_tabs = written.startswith("<<-")
        elif text[position - 1] == "&" and position < size and text[position].isdigit():
            while position < size and text[position].isdigit():
                position += 1  # `2>&1` duplicates a descriptor
            return position
        elif written.endswith("&-"):
            return position  # `2>&-` closes a descriptor
        self.drop_next = True
        return position

    def bar(self, position: int) -> int:
        """Read `|`, `|&` or `||` at `position`; return the offset after it."""
        if self.text.startswith("||", position):
            self.end_command()
            return position + 2
        length = 2 if self.text.startswith("|&", position) else 1
        if not self.pattern:
            fed = [program(self.current)]
            if not fed[0] and self.closed:
                fed = [program(words) for words in self.commands[slice(*self.closed)]]
            feeders = tuple(tuple(word.text for word in words) for words in fed if words)
            self.result.pipes.append(Pipe(position, length, feeders))
            self.end_command()
        self.closed = None
        return position + length

    def heredoc_bodies(self, position: int) -> int:
        """Read the bodies of the here-documents opened on the line that just ended."""
        text, size = self.text, self.end
        for pending in self.pending:
            start = position
            while position < size:
                newline = text.find("\n", position, size)
                line_end = size if newline < 0 else newline
                line = text[position:line_end]
                if (line.lstrip("\t") if pending.strip_tabs else line) == pending.delimiter:
                    body_end, position = max(start, position - 1), min(line_end + 1, size)
                    break
                position = line_end + 1
            else:
                body_end = position = size
            script = reads_script(pending.words)
            self.result.heredocs.append(Heredoc(pending.delimiter, start, body_end, script))
            if script:
                self.substitution(start, body_end)
        self.pending = []
        return position


def _closing_paren(text: str, opening: int, size: int) -> int:
    """The offset of the `)` that closes the `(` at `opening` (`size` when unclosed)."""
    depth = 0
    position = opening
    while position < size:
        char = text[position]
        if char == "\\":
            position += 2
            continue
        if char == "'":
            close = text.find("'", position + 1, size)
            position = size if close < 0 else close + 1
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return position
        position += 1
    return size


def reads_script(words: list[Word]) -> bool:
    """True when a simple command runs its standard input as a shell script (`bash`,
    `sudo sh -s`), rather than a script given with `-c`."""
    names = programs(words)
    if not names or basename(names[-1].text) not in POSIX_SHELLS:
        return False
    return not any(_SHELL_COMMAND_OPTION.fullmatch(w.text) for w in words)


MEMO_SIZE = 512
"""Scripts whose reading is kept: a RUN or `run:` script is read by a dozen rules."""
_READ: dict[str, Script] = {}


def read(text: str) -> Script:
    """The simple commands, pipe operators and here-documents of a shell script.

    The reading depends on the text alone, and rules read the same script one after the
    other: the last `MEMO_SIZE` readings are kept and shared, so a caller reads the
    result and never changes it."""
    found = _READ.get(text)
    if found is None:
        lexer = _Lexer(text, len(text))
        lexer.run(0)
        found = _READ[text] = lexer.result
        if len(_READ) > MEMO_SIZE:
            del _READ[next(iter(_READ))]
    return found


def commands(text: str) -> list[list[Word]]:
    """The simple commands of a shell script, each as its words."""
    return read(text).commands


def pipes(text: str) -> list[Pipe]:
    """The pipe operators of a shell script, in order."""
    return read(text).pipes


def basename(word: str) -> str:
    """A program's name without its directory and a Windows `.exe` suffix, lowercased."""
    name = word.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return name.removesuffix(".exe")


def programs(words: list[Word]) -> list[Word]:
    """The words of a simple command that name programs.

    The last one is the program that runs; those before it are wrappers that run it
    (`sudo`, `env`, `xargs`, ...). Leading keywords (`if`, `do`, ...) and variable
    assignments are skipped, as are the wrappers' options. `command -v name` looks a
    program up without running it, so `command` is its program. Empty when the command
    only assigns variables.
    """
    found: list[Word] = []
    index = 0
    while index < len(words):
        text = words[index].text
        if text in KEYWORDS or (not found and _ASSIGNMENT.match(text)):
            index += 1
            continue
        found.append(words[index])
        value_flags = WRAPPERS.get(basename(text))
        lookup = index + 1 < len(words) and words[index + 1].text in ("-v", "-V")
        if value_flags is None or (basename(text) == "command" and lookup):
            break
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


def program(words: list[Word]) -> list[Word]:
    """The words of a simple command from its program's name on (see `programs()`)."""
    names = programs(words)
    if not names:
        return []
    return words[words.index(names[-1]) :]


def positionals(words: list[Word], value_flags: frozenset[str] = frozenset()) -> list[Word]:
    """The words that are not options, nor the values of the options in `value_flags`."""
    result: list[Word] = []
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word.text.startswith("-"):
            skip = word.text in value_flags
        else:
            result.append(word)
    return result


def verb(words: list[Word], value_flags: frozenset[str]) -> tuple[Word | None, list[Word]]:
    """The first word that is not an option (skipping option values), and the words after it."""
    skip = False
    for index, word in enumerate(words):
        if skip:
            skip = False
        elif word.text.startswith("-"):
            skip = word.text in value_flags
        else:
            return word, words[index + 1 :]
    return None, []


# -- package managers ----------------------------------------------------------------------

NPM_INSTALL = frozenset({"install", "i", "in", "ins", "inst", "insta", "instal", "isnt", "isntall"})
"""The spellings npm accepts for `install`."""
NPM_VALUE_FLAGS = frozenset(
    {"--prefix", "--registry", "--cache", "--userconfig", "--loglevel", "--omit", "--include"}
    | {"--workspace", "-w", "--install-strategy", "--tag"}
)
"""npm options that take the next word as their value."""
PNPM_VALUE_FLAGS = frozenset({"--dir", "-C", "--filter", "-F", "--reporter", "--store-dir"})
"""pnpm options that take the next word as their value."""
YARN_VALUE_FLAGS = frozenset({"--cwd", "--modules-folder", "--cache-folder", "--network-timeout"})
"""Yarn options that take the next word as their value."""
BUN_VALUE_FLAGS = frozenset(
    {"--cwd", "-c", "--config", "--registry", "--cache-dir", "--backend", "--omit"}
    | {"--filter", "-F", "--linker", "--network-concurrency", "--concurrent-scripts"}
)
"""Bun options that take the next word as their value."""


@dataclass(frozen=True, slots=True)
class _NoInstall:
    """The options by which a package manager's install command installs nothing."""

    options: frozenset[str]
    """Whole options (`--simulate`, `--mode=update-lockfile`)."""
    letters: str = ""
    """Short options that mean it, alone or in a cluster (`-s`, `-qs`)."""
    valued: str = ""
    """Short options that take a value, which ends a cluster (`-o`, `-t`)."""


NO_INSTALL: dict[str, _NoInstall] = {
    "apt": _NoInstall(
        frozenset(
            {"--simulate", "--just-print", "--dry-run", "--recon", "--no-act", "--print-uris"}
        ),
        "s",
        "octa",
    ),
    "apk": _NoInstall(frozenset({"--simulate"}), "s", "tXp"),
    "pip": _NoInstall(frozenset({"--dry-run"})),
    "npm": _NoInstall(frozenset({"--dry-run", "--package-lock-only"})),
    "pnpm": _NoInstall(frozenset({"--lockfile-only", "--resolution-only"})),
    "yarn": _NoInstall(frozenset({"--mode=update-lockfile"})),
    "bun": _NoInstall(frozenset({"--dry-run", "--lockfile-only"})),
    "gem": _NoInstall(frozenset({"--explain"})),
}
"""Per manager (`apt` for apt-get, apt and aptitude), the documented options that make an
install simulate, print what it would fetch or only update the lockfile: apt-get's
`-s`/`--simulate`/`--just-print`/`--dry-run`/`--recon`/`--no-act` and `--print-uris`,
`apk add -s`/`--simulate`, `pip install --dry-run`, `npm install --dry-run` and
`--package-lock-only`, `pnpm install --lockfile-only` and `--resolution-only`,
`yarn install --mode=update-lockfile`, `bun install --dry-run` and `--lockfile-only`,
and `gem install --explain`."""


def only_simulates(manager: str, arguments: list[str]) -> bool:
    """True when `arguments` (those after the program name) make `manager`'s install
    command install nothing (see `NO_INSTALL`); `--dry-run=false` does not."""
    known = NO_INSTALL.get(manager)
    if known is None:
        return False
    for index, text in enumerate(arguments):
        following = arguments[index + 1] if index + 1 < len(arguments) else ""
        if text.removesuffix("=true") in known.options or f"{text}={following}" in known.options:
            return True
        if text.startswith("-") and not text.startswith("--") and known.letters:
            for letter in text[1:]:
                if letter in known.valued:
                    break
                if letter in known.letters:
                    return True
    return False


_PYTHON = re.compile(r"python(?:[0-9.]*)$")
_PIP = re.compile(r"pip(?:[0-9.]*)$")


def pip_arguments(words: list[Word]) -> list[Word] | None:
    """The words after `pip` of `pip ...`, `pip3 ...` or `python -m pip ...` (`words`
    starting at the program's name); None for any other command."""
    if not words:
        return None
    name = words[0].text.rsplit("/", 1)[-1]
    if _PIP.match(name):
        return words[1:]
    if _PYTHON.match(name):
        texts = [w.text for w in words]
        if "-m" in texts:
            index = texts.index("-m") + 1
            if index < len(texts) and _PIP.match(texts[index]):
                return words[index + 1 :]
    return None


_ALIASES = {"gradlew": "gradle", "mvnw": "mvn", "docker-compose": "docker", "python3": "python"}


@dataclass(frozen=True, slots=True)
class Command:
    """One simple command of a located script: its words from the program name on."""

    script: ShellCommand
    words: list[Word]
    name: str = field(init=False)
    """The program's base name (`/usr/bin/apt-get` gives `apt-get`)."""
    tool: str = field(init=False)
    """The program's name, with wrapper scripts (`./gradlew`) read as their tool."""

    def __post_init__(self) -> None:
        # rules ask every command for its tool many times: worked out once
        name = basename(self.words[0].text) if self.words else ""
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "tool", _ALIASES.get(name, name))

    def texts(self) -> list[str]:
        """The words' texts."""
        return [word.text for word in self.words]

    @property
    def arguments(self) -> list[str]:
        """The words after the program name."""
        return [word.text for word in self.words[1:]]

    @property
    def positionals(self) -> list[str]:
        """The argument words that are not options."""
        return [word.text for word in positionals(self.words[1:])]

    def is_(self, pattern: tuple[str, ...]) -> bool:
        """True when the tool is `pattern[0]` and the rest of the pattern appears, in
        order, among its first positional words (`kubectl -n prod apply` is `kubectl apply`).
        """
        if self.tool != pattern[0]:
            return False
        wanted = list(pattern[1:])
        for text in self.positionals[: len(wanted) + 3]:
            if wanted and text == wanted[0]:
                wanted.pop(0)
        return not wanted

    def dry_run(self) -> bool:
        """True for a command that only simulates (`--dry-run`, `--dry-run=client`)."""
        return any(
            text.startswith("--dry-run") and text != "--dry-run=none" for text in self.arguments
        )

    def word_span(self, word: Word) -> Span:
        """Where `word` stands in the file."""
        return self.script.locate(word.start, word.end - word.start)

    @property
    def span(self) -> Span:
        """From the program name to the end of the command, on its first line."""
        first, last = self.words[0], self.words[-1]
        text = self.script.text[first.start : last.end]
        length = len(text.split("\n", 1)[0])
        return self.script.locate(first.start, length)

    @property
    def text(self) -> str:
        """The command as written, on one line, shortened after 60 characters."""
        first, last = self.words[0], self.words[-1]
        text = " ".join(self.script.text[first.start : last.end].replace("\\\n", " ").split())
        return text if len(text) <= 60 else text[:57].rstrip() + " ..."


def located_commands(script: ShellCommand) -> Iterator[Command]:
    """The simple commands of a located script, each from its program on."""
    for words in commands(script.text):
        words = program(words)
        if words:
            yield Command(script, words)
