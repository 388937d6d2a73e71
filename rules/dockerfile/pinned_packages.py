"""DF105 pinned-packages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from opslint import Finding, Severity, rule
from opslint.model.dockerfile import Dockerfile
from opslint.ruleapi.shell import (
    NPM_INSTALL,
    NPM_VALUE_FLAGS,
    PNPM_VALUE_FLAGS,
    YARN_VALUE_FLAGS,
    Command,
    Word,
    positionals,
    verb,
)

from ._run import (
    APK_VALUE_FLAGS,
    APT_VALUE_FLAGS,
    PIP_VALUE_FLAGS,
    RPM_VALUE_FLAGS,
    installs_nothing,
    pip_words,
    run_steps,
)

PIPX_VALUE_FLAGS = frozenset({"--python", "--suffix", "--pip-args", "--index-url", "--spec"})
GEM_VALUE_FLAGS = frozenset(
    {"-i", "--install-dir", "-n", "--bindir", "--source", "-s", "-P", "--trust-policy"}
    | {"--platform", "--build-root", "--target-rbconfig"}
)
CARGO_VALUE_FLAGS = frozenset(
    {"--version", "--vers", "--git", "--branch", "--tag", "--rev", "--path", "--root"}
    | {"--index", "--registry", "--features", "-F", "--target", "--target-dir", "--profile"}
    | {"-j", "--jobs", "--bin", "--example", "--config", "-Z", "--color"}
)
GO_VALUE_FLAGS = frozenset({"-o", "-p", "-tags", "-ldflags", "-gcflags", "-mod", "-modfile"})
_PIP_SPECIFIER = re.compile(r"(===|==|~=|>=|<=|!=|<|>)")
_ARCHIVES = (".whl", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".zip", ".tar")
_RPM_VERSION_PART = re.compile(r"[0-9][A-Za-z0-9.~^_:+]*$")
_RPM_PART = re.compile(r"[A-Za-z0-9.~^_:+]+$")
_FLOATING = frozenset({"", "latest", "next", "*", "x", "main", "master", "head"})


@dataclass(frozen=True)
class PinnedPackagesOptions:
    """Options of DF105."""

    os_packages: bool = False
    """Also report `apt-get install` and `apk add` packages without a version (at info)."""


@dataclass(frozen=True, slots=True)
class Unpinned:
    """A package word without a version, and how to pin it."""

    word: Word
    manager: str
    hint: str
    os_package: bool = False


def _dynamic(text: str) -> bool:
    return "$" in text or "`" in text


def _local(text: str) -> bool:
    return text.startswith((".", "/", "~", "file:")) or text.endswith(_ARCHIVES)


def _git_pinned(url: str, marker: str) -> bool:
    """A git URL names a ref: `#ref` for npm, `@ref` in the last path part for pip."""
    if marker == "#":
        return "#" in url and url.rsplit("#", 1)[1] != ""
    path = url.split("#", 1)[0].rstrip("/")
    return "@" in path.rsplit("/", 1)[-1]


def _pip_pinned(text: str) -> bool:
    if _dynamic(text) or _local(text):
        return True
    if text.startswith("git+") or "+git" in text.split("://", 1)[0]:
        return _git_pinned(text, "@")
    if "://" in text:
        return True  # an archive URL
    if "/" in text:
        return True  # a local folder
    return bool(_PIP_SPECIFIER.search(text)) or "@" in text


def _subcommand(words: list[Word], flags: frozenset[str], *verbs: str) -> list[Word] | None:
    """The words after the subcommand when it is one of `verbs` (options before it and
    their values skipped), else None."""
    action, rest = verb(words, flags)
    return rest if action is not None and action.text in verbs else None


def _pip(command: Command) -> Iterator[Unpinned]:
    if command.name == "pipx":
        words, flags, manager = command.words[1:], PIPX_VALUE_FLAGS, "pipx"
    else:
        found = pip_words(command)
        if found is None:
            return
        words, flags, manager = found, PIP_VALUE_FLAGS, "pip"
    rest = _subcommand(words, flags, "install")
    if rest is None:
        return
    for word in rest:
        text = word.text
        if text in ("-r", "--requirement", "-c", "--constraint") or text.startswith(
            ("--requirement=", "--constraint=")
        ):
            return  # versions come from the requirements or constraints file
        if text.startswith(("-r", "-c")) and not text.startswith("--") and len(text) > 2:
            return
    packages = positionals(rest, flags | {"-e", "--editable"})
    for index, word in enumerate(packages):
        following = packages[index + 1].text if index + 1 < len(packages) else ""
        if word.text == "@" or following == "@" or _pip_pinned(word.text):
            continue  # `name @ url` is a direct reference
        if "://" in word.text:
            yield Unpinned(word, manager, "name a tag or commit: `...git@<ref>`")
        else:
            yield Unpinned(word, manager, f"`{word.text}==<version>`")


def _npm_spec(text: str) -> str | None:
    """The version part of `name@spec` / `@scope/name@spec`, None when there is no `@`."""
    body = text[1:] if text.startswith("@") else text
    return body.split("@", 1)[1] if "@" in body else None


def _npm_pinned(text: str) -> bool:
    if _dynamic(text) or _local(text):
        return True
    if text.startswith(("git+", "git://", "github:", "gitlab:", "bitbucket:", "gist:")):
        return _git_pinned(text, "#")
    if "://" in text:
        return True  # a tarball URL
    if "/" in text and not text.startswith("@"):
        return _git_pinned(text, "#")  # `owner/repo` on GitHub
    spec = _npm_spec(text)
    return spec is not None and spec.strip("\"'").lower() not in _FLOATING


def _node(command: Command) -> Iterator[Unpinned]:
    name = command.name
    words = command.words[1:]
    if name == "npm":
        flags = NPM_VALUE_FLAGS
        args = positionals(words, flags)
        if not args or args[0].text not in NPM_INSTALL | {"add"}:
            return
    elif name in ("yarn", "pnpm"):
        flags = YARN_VALUE_FLAGS if name == "yarn" else PNPM_VALUE_FLAGS
        args = positionals(words, flags)
        if args and args[0].text == "global":
            args = args[1:]
        if not args or args[0].text != "add":
            return
    else:
        return
    for word in args[1:]:
        text = word.text
        if _npm_pinned(text):
            continue
        if ("/" in text and not text.startswith("@")) or "://" in text:
            yield Unpinned(word, name, "name a tag or commit: `...#<ref>`")
        else:
            spec = _npm_spec(text)
            base = text[: len(text) - len(spec) - 1] if spec is not None else text
            yield Unpinned(word, name, f"`{base}@<version>`")


def _gem(command: Command) -> Iterator[Unpinned]:
    rest = _subcommand(command.words[1:], GEM_VALUE_FLAGS, "install", "i")
    if rest is None:
        return
    texts = [w.text for w in rest]
    if any(t in ("-v", "--version", "-g", "--file") or t.startswith("--version=") for t in texts):
        return
    for word in positionals(rest, GEM_VALUE_FLAGS):
        text = word.text
        if not (_dynamic(text) or _local(text) or text.endswith(".gem") or ":" in text):
            yield Unpinned(word, "gem", f"`{text}:<version>`")


def _go(command: Command) -> Iterator[Unpinned]:
    rest = _subcommand(command.words[1:], GO_VALUE_FLAGS, "install")
    for word in positionals(rest or [], GO_VALUE_FLAGS):
        text = word.text
        if "@" in text and not _dynamic(text):
            module, _, version = text.rpartition("@")
            if version.lower() in _FLOATING:
                yield Unpinned(word, "go", f"`{module}@<version>`")


def _cargo(command: Command) -> Iterator[Unpinned]:
    rest = _subcommand(command.words[1:], CARGO_VALUE_FLAGS, "install")
    if rest is None:
        return
    texts = [w.text.split("=", 1)[0] for w in rest]
    if any(t in ("--version", "--vers", "--path", "--rev", "--tag") for t in texts):
        return
    if "--git" in texts:
        anchor = rest[texts.index("--git")]
        yield Unpinned(anchor, "cargo", "`--rev <commit>` or `--tag <tag>`")
        return
    for word in positionals(rest, CARGO_VALUE_FLAGS):
        if not (_dynamic(word.text) or "@" in word.text):
            yield Unpinned(word, "cargo", f"`{word.text}@<version>`")


def _apt(command: Command) -> Iterator[Unpinned]:
    rest = _subcommand(command.words[1:], APT_VALUE_FLAGS, "install")
    for word in positionals(rest or [], APT_VALUE_FLAGS):
        text = word.text
        if not (_dynamic(text) or "=" in text or _local(text) or text.endswith(".deb")):
            yield Unpinned(word, command.name, f"`{text}=<version>`", os_package=True)


def _apk(command: Command) -> Iterator[Unpinned]:
    rest = _subcommand(command.words[1:], APK_VALUE_FLAGS, "add")
    for word in positionals(rest or [], APK_VALUE_FLAGS):
        text = word.text
        if not (_dynamic(text) or any(c in text for c in "=~<>") or text.endswith(".apk")):
            yield Unpinned(word, "apk", f"`{text}=<version>`", os_package=True)


def _rpm_pinned(text: str) -> bool:
    """`name-<version>[-<release>]`: every part after the name's first hyphen is made of
    version characters and one of them starts with a digit (`openssl-1:3.0.7`)."""
    parts = text.split("-")[1:]
    return (
        bool(parts)
        and all(_RPM_PART.match(part) for part in parts)
        and any(_RPM_VERSION_PART.match(part) for part in parts)
    )


def _rpm(command: Command) -> Iterator[Unpinned]:
    zypper = command.name == "zypper"
    verbs = ("install", "in") if zypper else ("install",)
    value_flags = RPM_VALUE_FLAGS[command.name]
    rest = _subcommand(command.words[1:], value_flags, *verbs)
    for word in positionals(rest or [], value_flags):
        text = word.text
        if _dynamic(text) or _local(text) or text.endswith(".rpm") or text.startswith("@"):
            continue
        if zypper and not any(c in text for c in "=<>"):
            yield Unpinned(word, "zypper", f"`{text}=<version>`", os_package=True)
        elif not zypper and not _rpm_pinned(text):
            yield Unpinned(word, command.name, f"`{text}-<version>`", os_package=True)


def unpinned(command: Command, os_packages: bool) -> Iterator[Unpinned]:
    """The packages `command` installs without a version (none for a simulation)."""
    if installs_nothing(command):
        return
    name = command.name
    if name in ("npm", "yarn", "pnpm"):
        yield from _node(command)
    elif name == "gem":
        yield from _gem(command)
    elif name == "go":
        yield from _go(command)
    elif name == "cargo":
        yield from _cargo(command)
    elif name in ("apt-get", "apt"):
        if os_packages:
            yield from _apt(command)
    elif name == "apk":
        if os_packages:
            yield from _apk(command)
    elif name in ("yum", "dnf", "microdnf", "zypper"):
        if os_packages:
            yield from _rpm(command)
    else:
        yield from _pip(command)


@rule(
    "DF105",
    "pinned-packages",
    Severity.WARNING,
    tags=("dockerfile", "reproducibility", "supply-chain"),
    peers=(
        "hadolint DL3008",
        "hadolint DL3018",
        "hadolint DL3013",
        "hadolint DL3016",
        "hadolint DL3028",
    ),
)
def pinned_packages(dockerfile: Dockerfile, options: PinnedPackagesOptions) -> Iterator[Finding]:
    """Packages installed in RUN carry a version.

    ## What it does
    Reads every RUN and `ONBUILD RUN` (command line and here-documents) and reports each
    package named without a version, at the package word:

    - pip, `python -m pip` and pipx: `pkg` without a specifier (`==`, `~=`, `>=`, `<`,
      `!=`, ...); a requirements or constraints file (`-r`, `-c`) pins the whole command;
      local paths (`.`, `./dist/app.whl`, `foo/bar`), archive URLs and git URLs with an
      `@ref` pass, git URLs without one do not;
    - npm (`npm install|i|add pkg`), `yarn add`, `yarn global add` and `pnpm add`:
      `pkg` without `@<version>`, or with the floating `@latest`, `@next` or `@*`;
      local folders, tarballs and git URLs with a `#ref` pass. `npm install` or `npm ci`
      without packages installs from package.json and its lockfile (see SH001);
    - `gem install pkg` (or `gem i pkg`) without `pkg:<version>` or `-v`;
    - `go install module@latest` (or `@main`, `@master`); `go install` without `@`
      builds the local module;
    - `cargo install crate` without `--version` or `crate@<version>`, and
      `cargo install --git` without `--rev` or `--tag`.

    With the option `os-packages`, `apt-get install pkg` (also `apt install`) without
    `pkg=<version>` and `apk add pkg` without `=`, `~`, `<` or `>` are reported too, at
    info level; local `.deb` and `.apk` files pass. So are `yum`, `dnf` and `microdnf`
    installs of a package without `name-<version>` (every part after the first hyphen
    made of version characters, one starting with a digit: `openssl-1:3.0.7`,
    `tomcat-9.0.1-1.el9`) and `zypper install|in` of one without `=`, `<` or `>`;
    `.rpm` files, paths and `@group` names pass. Words holding a variable (`$PKG`) are
    not judged.

    A command that installs nothing is not judged: `pip install --dry-run`,
    `npm install --dry-run` or `--package-lock-only`, `gem install --explain`,
    `apk add -s`/`--simulate`, and `apt-get install` with `-s`, `--simulate`,
    `--just-print`, `--dry-run`, `--recon`, `--no-act`, `--print-uris` or
    `-o APT::Get::Simulate=true` (`--dry-run=false` installs, and is judged).

    Policy differences from hadolint: `pkg@latest` (and the other floating npm dist-tags)
    is reported, since a tag is not a version; OS-package pinning is opt-in because
    distributions remove superseded package versions from their mirrors, so pins break
    builds within weeks unless a snapshot mirror is used.

    ## Why it matters
    An unpinned install takes whatever the registry serves on build day: two builds of
    the same commit ship different code, a breaking release fails the build at random,
    and a compromised release lands without review.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    RUN pip install --no-cache-dir flask gunicorn
    RUN npm install --global pm2
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    COPY requirements.txt .
    RUN pip install --no-cache-dir --requirement requirements.txt
    RUN npm install --global pm2@5.4.2
    ```

    ## Fix
    None: the right version is the author's choice; opslint never invents one.

    ## Options
    - `os-packages` (bool, default false): also report `apt-get install`, `apk add`,
      `yum`/`dnf`/`microdnf install` and `zypper install` packages without a version, at
      info level.

    ## Variants
    - pip, `pip3`, `python -m pip`; `==`, `~=`, `>=`, `<`, `!=`, `===` specifiers; `-r` and
      `-c` files; local paths, `.whl` and `.tar.gz` archives; git URLs with `@ref` (hadolint
      DL3013): covered. pipx: covered (no peer reads it).
    - `npm install` and its abbreviations, `pkg@version`, scoped `@scope/pkg@version`, git
      URLs with `#ref`, tarballs and folders (hadolint DL3016): covered; `yarn add`,
      `yarn global add` and `pnpm add`: covered (no peer reads them).
    - `gem install|i pkg:version`, `-v`/`--version` (hadolint DL3028): covered.
    - `apt-get install pkg=version`, `-t`/`--target-release` values skipped, `.deb` files
      (hadolint DL3008): covered under `os-packages`; hadolint's pass for any word holding
      `/` (a release, `pkg/bookworm`) is not followed: a release is not a version.
    - `apk add pkg=version`, `~`, `<`, `>`, `.apk` files, `-t`/`--virtual`/`-X` values
      skipped (hadolint DL3018): covered under `os-packages`.
    - `yum install` (hadolint DL3033) and `dnf`/`microdnf install` (hadolint DL3041) with
      `name-<version>`, `.rpm` files: covered under `os-packages`; `yum|dnf module install
      name:stream` modules are not (a stream is not a version and hadolint's own test
      accepts it as one); variables defined by ENV/ARG are not judged at all, as elsewhere.
    - `zypper install|in pkg=version`, `>=`, `<`, `.rpm` files (hadolint DL3037): covered
      under `os-packages`.
    - `go install module@latest` and `cargo install`: covered (no peer reads them).

    ## References
    - https://docs.docker.com/build/building/best-practices/#apt-get
    - https://pip.pypa.io/en/stable/topics/repeatable-installs/
    - https://docs.npmjs.com/cli/commands/npm-install
    - https://github.com/hadolint/hadolint/wiki/DL3008
    - https://github.com/hadolint/hadolint/wiki/DL3013
    - https://github.com/hadolint/hadolint/wiki/DL3016
    - https://github.com/hadolint/hadolint/wiki/DL3018
    - https://github.com/hadolint/hadolint/wiki/DL3028
    """
    for step in run_steps(dockerfile):
        for command in step.commands():
            for found in unpinned(command, options.os_packages):
                yield Finding(
                    command.word_span(found.word),
                    f"`{found.manager}` installs `{found.word.text}` without a version: "
                    f"pin it ({found.hint})",
                    logical=step.logical,
                    level=Severity.INFO if found.os_package else None,
                )
