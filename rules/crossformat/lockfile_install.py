"""SH001 lockfile-install."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from opslint import Anchor, Edit, Finding, Fix, Severity, rule
from opslint.model.facets import ShellCommand
from opslint.ruleapi.shell import (
    BUN_VALUE_FLAGS,
    NPM_INSTALL,
    NPM_VALUE_FLAGS,
    PNPM_VALUE_FLAGS,
    YARN_VALUE_FLAGS,
    Word,
    basename,
    commands,
    only_simulates,
    pip_arguments,
    positionals,
    program,
)
from opslint.views import SourceText


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
    if positionals(rest, NPM_VALUE_FLAGS) or flags & {"-g", "--global"}:
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


def _pnpm(words: list[Word], in_ci: bool) -> Problem | None:
    args = positionals(words[1:], PNPM_VALUE_FLAGS)
    if not args or args[0].text not in ("install", "i") or len(args) > 1:
        return None
    frozen = [
        w.text
        for w in words[1:]
        if w.text.split("=", 1)[0] in ("--frozen-lockfile", "--no-frozen-lockfile")
    ]
    if frozen and frozen[-1] not in ("--frozen-lockfile=false", "--no-frozen-lockfile"):
        return None
    if in_ci and not frozen:
        return None  # a CI job freezes the lockfile by default
    return Problem(
        args[0],
        f"`pnpm {args[0].text}` may update pnpm-lock.yaml instead of failing on a mismatch: "
        "add `--frozen-lockfile`",
    )


def _bun(words: list[Word]) -> Problem | None:
    args = positionals(words[1:], BUN_VALUE_FLAGS)
    if not args or args[0].text not in ("install", "i") or len(args) > 1:
        return None
    flags = {w.text.split("=", 1)[0] for w in words[1:] if w.text.startswith("-")}
    if flags & {"--frozen-lockfile", "-g", "--global"}:
        return None
    return Problem(
        args[0],
        f"`bun {args[0].text}` may update bun.lock instead of failing on a mismatch: "
        "add `--frozen-lockfile`",
    )


def _pip(words: list[Word]) -> Problem | None:
    rest = pip_arguments(words)
    if rest is None:
        return None
    if not rest or rest[0].text != "install":
        return None
    texts = [w.text for w in rest]
    if only_simulates("pip", texts):
        return None
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


CI_KINDS = frozenset({"github-workflow", "github-action", "gitlab-ci", "circleci", "jenkinsfile"})
"""Kinds whose scripts run in a CI job, where pnpm installs with `--frozen-lockfile` unless
told otherwise (it detects GitHub Actions, GitLab CI, CircleCI and Jenkins)."""


_NODE_TAG = re.compile(r"(?P<major>\d+)(?:[.\-]|$)|(?P<name>argon|boron|carbon)(?:-|$)")
"""The Node release a `node` image tag names: its major version, or an LTS code name."""
_NO_CI = frozenset({"argon", "boron", "carbon"})
"""LTS code names of Node 4, 6 and 8, whose bundled npm (before 5.7.0) has no `npm ci`."""


def npm_lacks_ci(image: str) -> bool:
    """True when `image` is an official `node` image of a release before Node 10, whose npm
    predates `npm ci` (npm 5.7.0) and package-lock.json (npm 5): `node:0.10`, `node:8`,
    `node:carbon-alpine`."""
    name, _, tag = image.split("@", 1)[0].rpartition(":")
    if not name or "/" in tag:
        return False
    parts = name.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        parts = parts[1:]  # a registry or a mirror of Docker Hub
    if parts not in (["node"], ["library", "node"]):
        return False
    match = _NODE_TAG.match(tag.lower())
    if match is None:
        return False
    return match.group("name") in _NO_CI or int(match.group("major") or 99) < 10


@dataclass(frozen=True)
class LockfileInstallOptions:
    """Options of SH001."""

    pip_require_hashes: bool = False
    """Also report `pip install -r <file>` without `--require-hashes`."""


def problems(
    script: str, pip_require_hashes: bool = False, in_ci: bool = False
) -> Iterator[Problem]:
    """Every install in `script` that does not follow a lockfile (`in_ci`: the script runs
    in a CI job, where pnpm freezes the lockfile by default)."""
    for command in commands(script):
        words = program(command)
        if not words:
            continue
        name = basename(words[0].text)
        found: Problem | None = None
        if only_simulates(name, [word.text for word in words[1:]]):
            continue
        if name == "npm":
            found = _npm(words)
        elif name == "yarn":
            found = _yarn(words)
        elif name == "pnpm":
            found = _pnpm(words, in_ci)
        elif name == "bun":
            found = _bun(words)
        elif pip_require_hashes:
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
def lockfile_install(
    command: ShellCommand, options: LockfileInstallOptions, text: SourceText
) -> Iterator[Finding]:
    """Dependencies are installed from the lockfile (`npm ci`, frozen lockfiles).

    ## What it does
    Reads every shell script a config runs (Dockerfile `RUN`, GitHub Actions `run`,
    GitLab `script`, CircleCI `run`, Jenkins `sh`), split into simple commands at
    newlines, `;`, `&&`, `||`, `|` and `&`, and reports:

    - `npm install` (or `npm i`) with no package names, only options: use `npm ci`;
    - `yarn install`, or a bare `yarn`, without `--frozen-lockfile` / `--immutable`;
    - `pnpm install` without `--frozen-lockfile`, in a Dockerfile; in a CI job (GitHub
      Actions, GitLab CI, CircleCI, Jenkins) pnpm freezes the lockfile by default, so
      only `--no-frozen-lockfile` or `--frozen-lockfile=false` is reported there;
    - `bun install` (or `bun i`) without `--frozen-lockfile`.

    `npm install` in a Dockerfile stage built on an official `node` image before Node 10
    (`node:0.10`, `node:8`, `node:carbon`) is not reported: its bundled npm predates
    `npm ci` (npm 5.7.0, first bundled as Node 10's default) and, before npm 5,
    package-lock.json. Elsewhere (CI jobs) the Node version is not known and `npm ci` is
    assumed.

    Installing named packages (`npm install -g npm@10`, `yarn add x`) is not a lockfile
    install and is not reported, nor is a command that installs nothing:
    `npm install --dry-run` (`npm ci --dry-run`), `--package-lock-only`,
    `pnpm install --lockfile-only` or `--resolution-only`,
    `yarn install --mode=update-lockfile` (`--mode update-lockfile`),
    `bun install --dry-run` or `--lockfile-only`, `pip install --dry-run`. The finding
    points at the `install` word.

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

    ## Variants
    No peer checks lockfile installs (hadolint DL3016 and DL3013 ask for versions on
    named packages, another concept); the variants are the package managers' own.
    - npm: `install` and its abbreviations (`i`, `in`, `isnt`, ...) without packages:
      covered; `npm ci` and named or global installs pass.
    - Yarn: `--frozen-lockfile` (Yarn 1) and `--immutable` (Yarn 2+): covered; Yarn 2+
      is immutable by default in CI, Yarn 1 is not, and the version is not in the
      script, so a CI `yarn install` stays reported.
    - pnpm: `--frozen-lockfile`, `--frozen-lockfile=false` and `--no-frozen-lockfile`,
      and the frozen default in a CI job: covered.
    - Bun: `bun install` without `--frozen-lockfile`: covered.
    - pip: `--require-hashes`: covered by the `pip-require-hashes` option.
    - `poetry install` and `composer install`: covered: both install what their lockfile
      records and never rewrite it (poetry fails, composer warns, when it is out of
      date), so they pass.
    - `uv sync` without `--locked`, `pipenv install` without `--deploy`, `bundle install`
      without `--frozen`, `cargo build` without `--locked`: not covered: each may also be
      frozen by an environment variable or a config file (`UV_LOCKED`, `BUNDLE_FROZEN`,
      `.cargo/config.toml`) that the script does not show.

    ## References
    - https://docs.npmjs.com/cli/commands/npm-ci
    - https://classic.yarnpkg.com/en/docs/cli/install#toc-yarn-install-frozen-lockfile
    - https://pnpm.io/cli/install#--frozen-lockfile
    - https://pip.pypa.io/en/stable/topics/secure-installs/
    """
    source = text.source
    in_ci = source is not None and source.kind in CI_KINDS
    for problem in problems(command.text, options.pip_require_hashes, in_ci):
        if problem.replacement == "ci" and npm_lacks_ci(command.image):
            continue
        word = problem.word
        span = command.locate(word.start, word.end - word.start)
        fix = None
        verbatim = span != command.span and span.end_column - span.column == len(word.text)
        if problem.replacement is not None and verbatim and command.segments:
            fix = Fix(
                f"replace `{word.text}` with `{problem.replacement}`",
                (Edit(span, problem.replacement, Anchor(span, word.text)),),
            )
        yield Finding(span, problem.message, fix=fix, logical=command.logical)
