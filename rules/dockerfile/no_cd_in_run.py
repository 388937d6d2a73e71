"""DF114 no-cd-in-run."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from opslint import Finding, Severity, rule
from opslint.model.dockerfile import Dockerfile
from opslint.model.facets import ShellCommand
from opslint.ruleapi.shell import Word, basename, commands, positionals, program

from ._scripts import instructions, logical, run_scripts

_ASSIGNED = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=(.*)", re.DOTALL)
_VARIABLE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
_COMPUTED = ("$(", "`", "*", "?", "[")
_RECURSIVE = re.compile(r"-[A-Za-z]*[rR]|--recursive$")


@dataclass(frozen=True, slots=True)
class _Cd:
    """One `cd` of a RUN: its word, the directory it enters and the one it leaves."""

    script: ShellCommand
    word: Word
    target: str
    before: str


@dataclass(slots=True)
class _Walk:
    """The directories one RUN's scripts enter and remove, in the order they run."""

    computed: set[str] = field(default_factory=set)
    """Variables the scripts assign from a command substitution."""
    cds: list[tuple[int, _Cd]] = field(default_factory=list)
    removed: list[tuple[int, str]] = field(default_factory=list)
    cwd: str = "."
    previous: str = "."
    count: int = 0
    """Simple commands read so far: the position of the next one."""

    def resolve(self, path: str) -> str:
        """`path` as seen from the current directory (`.` stands for the WORKDIR)."""
        if path in ("", "~"):
            return "~"
        if path == "-":
            return self.previous
        joined = path if path.startswith("/") else posixpath.join(self.cwd, path)
        return posixpath.normpath(joined)

    def step(self, script: ShellCommand, words: list[Word]) -> None:
        """Read one simple command."""
        self.count += 1
        order = self.count
        for word in words:
            if (assigned := _ASSIGNED.match(word.text)) is None:
                break
            if "$(" in assigned.group(2) or "`" in assigned.group(2):
                self.computed.add(assigned.group(1))
        words = program(words)
        if not words:
            return
        name = basename(words[0].text)
        arguments = positionals(words[1:])
        if name == "cd":
            given = [w.text for w in words[1:] if w.text == "-" or not w.text.startswith("-")]
            target = self.resolve(given[0] if given else "")
            self.cds.append((order, _Cd(script, words[0], target, self.cwd)))
            self.previous, self.cwd = self.cwd, target
        elif name == "rm" and any(_RECURSIVE.match(w.text) for w in words[1:]):
            self.removed.extend((order, self.resolve(w.text)) for w in arguments)

    def temporary(self, cd: _Cd, order: int) -> bool:
        """True when the directory `cd` enters is computed by the shell or removed later."""
        return self.computed_path(cd.target) or self.removed_after(cd.target, order)

    def computed_path(self, path: str) -> bool:
        """True when the shell computes `path`: a substitution, a glob, or a variable the
        scripts assign from a command substitution (`dir="$(mktemp -d)"`)."""
        if any(mark in path for mark in _COMPUTED):
            return True
        return any(name in self.computed for name in _VARIABLE.findall(path))

    def removed_after(self, path: str, order: int) -> bool:
        """True when a later `rm -r` removes `path` or a folder that holds it."""
        held = [path]
        while (parent := posixpath.dirname(held[-1])) not in ("", "/", ".", held[-1]):
            held.append(parent)
        return any(
            later > order and removed not in ("/", "/*", ".", "~") and fnmatchcase(folder, removed)
            for later, removed in self.removed
            for folder in held
        )


def _first_replaceable(scripts: list[ShellCommand]) -> _Cd | None:
    """The first `cd` of a RUN's scripts that a WORKDIR could replace."""
    walk = _Walk()
    for script in scripts:
        for words in commands(script.text):
            walk.step(script, words)
    home: str | None = None
    """The directory before the temporary one the scripts are in, when they are in one."""
    for order, cd in walk.cds:
        if walk.temporary(cd, order):
            home = cd.before if home is None else home
        elif home is not None and _goes_back(cd, home):
            home = None
        else:
            return cd
    return None


def _goes_back(cd: _Cd, home: str) -> bool:
    """True when `cd` leaves a temporary directory: back to where the scripts were before
    it, or up to a folder that holds it (`cd /`, `cd ..`)."""
    return cd.target in (home, "/") or cd.before.startswith(cd.target.rstrip("/") + "/")


@rule(
    "DF114",
    "no-cd-in-run",
    Severity.INFO,
    tags=("dockerfile", "maintainability"),
    peers=("hadolint DL3003", "trivy DS-0013"),
)
def no_cd_in_run(dockerfile: Dockerfile) -> Iterator[Finding]:
    """RUN does not change directory with `cd`; WORKDIR does.

    ## What it does
    Reports a RUN (or `ONBUILD RUN`) that runs `cd` as a command, in its command line or
    in a here-document script, once per RUN at the first `cd` a WORKDIR could replace.
    Only `cd` in command position counts (after `&&`, `;`, `|`, `(`, `do`, `then`, ...):
    a word `cd` used as an argument (`apt-get install cd-discid`, `echo cd`) is not
    reported, and neither is a here-document that only feeds a file or another program.

    A `cd` into a directory that only lives during the RUN is not reported, since no
    WORKDIR can name it (hadolint's DL3003 reports every `cd`):
    - a directory the shell computes: a command substitution, a glob or a variable the
      RUN assigns from a command substitution (`cd "$(mktemp -d)"`,
      `tmp="$(mktemp -d)"; cd "$tmp"`, `` cd `ls -d php-*` ``, `cd /tmp/node-v*`), or a
      folder below one;
    - a directory that a later `rm -r` of the same RUN removes, itself or a folder holding
      it (`cd /usr/src/python; ./configure; make install; cd /; rm -rf /usr/src/python`):
      a WORKDIR would leave it in the image.
    The `cd` that leaves such a directory again (back to where the RUN was before it, or
    up to a folder holding it: `cd /`, `cd ..`, `cd -`) is not reported either.

    ## Why it matters
    A `cd` only lasts for its own RUN: the next instruction starts in the WORKDIR again,
    which readers of the Dockerfile easily forget. WORKDIR states the directory once,
    for every later instruction and for the running container.

    ## Example
    ```dockerfile
    RUN cd /app && npm ci
    ```

    ## Use instead
    ```dockerfile
    WORKDIR /app
    RUN npm ci
    ```

    ## Fix
    None: whether a WORKDIR can replace the `cd` depends on the rest of the script.

    ## Variants
    - `cd` as a command (hadolint DL3003), or at the start of an `&&` part (trivy
      DS-0013): covered in any command position and in here-documents.
    - `cd` into a computed directory (`$(...)`, globs), into a directory that only lives
      during the RUN (from `mktemp`, or removed by a later `rm -r`), and the `cd` that
      leaves it: not reported, since WORKDIR cannot name them; hadolint reports them.
    - `pushd`/`popd`: not covered; no peer reads them.
    - `make -C`: not a `cd`, not reported.

    ## References
    - https://docs.docker.com/build/building/best-practices/#workdir
    - https://github.com/hadolint/hadolint/wiki/DL3003
    """
    message = "`cd` in RUN only lasts for this RUN: set the directory with WORKDIR instead"
    for instruction in instructions(dockerfile, "RUN"):
        scripts = [script.command for script in run_scripts(dockerfile, instruction)]
        cd = _first_replaceable(scripts)
        if cd is not None:
            span = cd.script.locate(cd.word.start, cd.word.end - cd.word.start)
            yield Finding(span, message, logical=logical(instruction))
