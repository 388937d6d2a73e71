"""SH001 lockfile-install."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from opslint import Edit, Finding, Fix, Severity, rule
from opslint.model.facets import ShellCommand


@dataclass(frozen=True, slots=True)
class Word:
    """A shell word with quotes removed, and the offsets of its source text."""

    text: str
    start: int
    end: int


_SEPARATORS = frozenset(";&|()`\n")
_PREFIX_KEYWORDS = frozenset({"if", "then", "else", "elif", "do", "while", "until", "!", "{"})
_WRAPPERS = frozenset({"sudo", "time", "exec", "command", "nohup", "nice", "env", "doas"})
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
_PYTHON = re.compile(r"python(?:[0-9.]*)$")
_PIP = re.compile(r"pip(?:[0-9.]*)$")

NPM_INSTALL = frozenset({"install", "i", "in", "ins", "inst", "insta", "instal", "isnt", "isntall"})
NPM_VALUE_FLAGS = frozenset(
    {"--prefix", "--registry", "--cache", "--userconfig", "--loglevel", "--omit", "--include"}
    | {"--workspace", "-w", "--install-strategy", "--tag"}
)
"""npm options that take the next word as their value."""
PNPM_VALUE_FLAGS = frozenset({"--dir", "-C", "--filter", "-F", "--reporter", "--store-dir"})
YARN_VALUE_FLAGS = frozenset({"--cwd", "--modules-folder", "--cache-folder", "--network-timeout"})


def split_commands(text: str) -> list[list[Word]]:
    """The simple commands of a shell script, each as its words.

    Commands are separated by newlines, `;`, `&`, `&&`, `|`, `||`, parentheses and
    backquotes; quotes group words without separating; a backslash escapes the next
    character (a backslash-newline is a continuation); `#` at the start of a word opens a
    comment; redirections (`> file`, `2>&1`, `<<EOF`) are dropped with their target.
    """
    commands: list[list[Word]] = []
    current: list[Word] = []
    word = ""
    start = -1
    position = 0
    size = len(text)
    drop_next = False

    def finish(end: int) -> None:
        nonlocal word, start, drop_next
        if start >= 0:
            if drop_next:
                drop_next = False
            else:
                current.append(Word(word, start, end))
        word, start = "", -1

    def end_command() -> None:
        nonlocal current
        if current:
            commands.append(current)
        current = []

    while position < size:
        char = text[position]
        if char == "\\" and position + 1 < size:
            if text[position + 1] == "\n":
                finish(position)
                position += 2
                continue
            if start < 0:
                start = position
            word += text[position + 1]
            position += 2
            continue
        if char in "'\"":
            if start < 0:
                start = position
            close = position + 1
            while close < size and text[close] != char:
                if char == '"' and text[close] == "\\" and close + 1 < size:
                    word += text[close + 1]
                    close += 2
                    continue
                word += text[close]
                close += 1
            position = close + 1
            continue
        if char == "#" and start < 0:
            newline = text.find("\n", position)
            position = size if newline < 0 else newline
            continue
        if char in "<>" or (char == "&" and position + 1 < size and text[position + 1] == ">"):
            if start >= 0 and word.isdigit():
                word, start = "", -1  # a file-descriptor number (`2>`)
            finish(position)
            while position < size and text[position] in "<>&|-":
                position += 1
            if position < size and text[position].isdigit() and text[position - 1] == "&":
                while position < size and text[position].isdigit():
                    position += 1
            else:
                drop_next = True
            continue
        if char in _SEPARATORS:
            finish(position)
            end_command()
            position += 1
            continue
        if char in " \t\r":
            finish(position)
            position += 1
            continue
        if start < 0:
            start = position
        word += char
        position += 1
    finish(size)
    end_command()
    return commands


def program(words: list[Word]) -> list[Word]:
    """The words from the program name on: leading keywords, assignments, wrappers dropped."""
    index = 0
    while index < len(words):
        text = words[index].text
        if text in _PREFIX_KEYWORDS or _ASSIGNMENT.match(text):
            index += 1
        elif text in _WRAPPERS:
            index += 1
            while index < len(words) and (
                words[index].text.startswith("-") or _ASSIGNMENT.match(words[index].text)
            ):
                index += 1
        else:
            break
    return words[index:]


def positionals(words: list[Word], value_flags: frozenset[str]) -> list[Word]:
    """The words that are not options (nor the values of `value_flags`)."""
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


@dataclass(frozen=True, slots=True)
class Problem:
    """One install that ignores the lockfile: the word to point at, the message, the fix."""

    word: Word
    message: str
    replacement: str | None = None


def _npm(words: list[Word]) -> Problem | None:
    args = positionals(words[1:], NPM_VALUE_FLAGS)
    if not args or args[0].text not in NPM_INSTALL:
        return None
    verb = args[0]
    rest = words[words.index(verb) + 1 :]
    flags = {w.text.split("=", 1)[0] for w in rest if w.text.startswith("-")}
    if positionals(rest, NPM_VALUE_FLAGS) or flags & {"-g", "--global", "--package-lock-only"}:
        return None
    return Problem(
        verb,
        f"`npm {verb.text}` resolves versions anew and may rewrite package-lock.json: "
        "use `npm ci` to install exactly what the lockfile records",
        "ci",
    )


def _yarn(words: list[Word]) -> Problem | None:
    args = positionals(words[1:], YARN_VALUE_FLAGS)
    if args and args[0].text != "install":
        return None
    flags = {w.text.split("=", 1)[0] for w in words[1:] if w.text.startswith("-")}
    if flags & {"--frozen-lockfile", "--immutable"}:
        return None
    anchor = args[0] if args else words[0]
    shown = "yarn install" if args else "yarn"
    return Problem(
        anchor,
        f"`{shown}` may update yarn.lock instead of failing on a mismatch: add "
        "`--frozen-lockfile` (Yarn 1) or `--immutable` (Yarn 2+)",
    )


def _pnpm(words: list[Word]) -> Problem | None:
    args = positionals(words[1:], PNPM_VALUE_FLAGS)
    if not args or args[0].text not in ("install", "i") or len(args) > 1:
        return None
    frozen = [w.text for w in words[1:] if w.text.split("=", 1)[0] == "--frozen-lockfile"]
    if frozen and frozen[-1] != "--frozen-lockfile=false":
        return None
    return Problem(
        args[0],
        f"`pnpm {args[0].text}` may update pnpm-lock.yaml instead of failing on a mismatch: "
        "add `--frozen-lockfile`",
    )


def _pip(words: list[Word]) -> Problem | None:
    index = 1
    if _PYTHON.match(words[0].text.rsplit("/", 1)[-1]):
        texts = [w.text for w in words]
        if "-m" not in texts or texts.index("-m") + 1 >= len(texts):
            return None
        index = texts.index("-m") + 1
        if not _PIP.match(texts[index]):
            return None
        index += 1
    rest = words[index:]
    if not rest or rest[0].text != "install":
        return None
    texts = [w.text for w in rest]
    requirement = next(
        (
            t
            for t in texts
            if t in ("-r", "--requirement")
            or t.startswith("--requirement=")
            or (t.startswith("-r") and not t.startswith("--"))
        ),
        None,
    )
    if requirement is None or "--require-hashes" in texts:
        return None
    return Problem(
        rest[0],
        "`pip install -r` without `--require-hashes` installs whatever the index serves for "
        "each version: pin hashes (`pip-compile --generate-hashes`) and pass `--require-hashes`",
    )


@dataclass(frozen=True)
class LockfileInstallOptions:
    """Options of SH001."""

    pip_require_hashes: bool = False
    """Also report `pip install -r <file>` without `--require-hashes`."""


def problems(script: str, pip_require_hashes: bool = False) -> Iterator[Problem]:
    """Every install in `script` that does not follow a lockfile."""
    for command in split_commands(script):
        words = program(command)
        if not words:
            continue
        name = words[0].text.rsplit("/", 1)[-1]
        found: Problem | None = None
        if name == "npm":
            found = _npm(words)
        elif name == "yarn":
            found = _yarn(words)
        elif name == "pnpm":
            found = _pnpm(words)
        elif pip_require_hashes and (_PIP.match(name) or _PYTHON.match(name)):
            found = _pip(words)
        if found is not None:
            yield found


@rule(
    "SH001",
    "lockfile-install",
    Severity.WARNING,
    fix="safe",
    tags=("reproducibility", "supply-chain"),
)
def lockfile_install(command: ShellCommand, options: LockfileInstallOptions) -> Iterator[Finding]:
    """Dependencies are installed from the lockfile (`npm ci`, frozen lockfiles).

    ## What it does
    Reads every shell script a config runs (Dockerfile `RUN`, GitHub Actions `run`,
    GitLab `script`, CircleCI `run`, Jenkins `sh`), split into simple commands at
    newlines, `;`, `&&`, `||`, `|` and `&`, and reports:

    - `npm install` (or `npm i`) with no package names, only options: use `npm ci`;
    - `yarn install`, or a bare `yarn`, without `--frozen-lockfile` / `--immutable`;
    - `pnpm install` without `--frozen-lockfile`.

    Installing named packages (`npm install -g npm@10`, `yarn add x`) is not a lockfile
    install and is not reported. The finding points at the `install` word.

    Python: `pip install -r requirements.txt` without `--require-hashes` is only reported
    when the option `pip-require-hashes` is on. The catalog rates it as advice (info),
    below this rule's warning, and hash-checking needs a hash-pinned requirements file
    that many projects do not keep, so it stays off by default rather than reporting
    advice at warning level.

    ## Why it matters
    `npm install` resolves version ranges again and rewrites the lockfile when they
    drift, so two builds of the same commit can ship different dependencies, and a
    malicious release inside a range lands without review. `npm ci` and the frozen
    lockfile flags install exactly the reviewed versions and fail loudly on a mismatch.

    ## Example
    ```dockerfile
    COPY package.json package-lock.json ./
    RUN npm install --omit=dev
    ```

    ## Use instead
    ```dockerfile
    COPY package.json package-lock.json ./
    RUN npm ci --omit=dev
    ```

    ## Fix
    Safe for npm: `install` becomes `ci` (which needs the committed package-lock.json it
    is meant to honour). Yarn and pnpm get no edit, since the right flag depends on the
    Yarn version.

    ## Options
    - `pip-require-hashes` (bool, default false): also report `pip install -r <file>`
      without `--require-hashes`.

    ## References
    - https://docs.npmjs.com/cli/commands/npm-ci
    - https://classic.yarnpkg.com/en/docs/cli/install#toc-yarn-install-frozen-lockfile
    - https://pnpm.io/cli/install#--frozen-lockfile
    - https://pip.pypa.io/en/stable/topics/secure-installs/
    """
    for problem in problems(command.text, options.pip_require_hashes):
        word = problem.word
        span = command.locate(word.start, word.end - word.start)
        fix = None
        verbatim = span != command.span and span.end_column - span.column == len(word.text)
        if problem.replacement is not None and verbatim and command.segments:
            fix = Fix(
                f"replace `{word.text}` with `{problem.replacement}`",
                (Edit(span, problem.replacement),),
            )
        yield Finding(span, problem.message, fix=fix, logical=command.logical)
