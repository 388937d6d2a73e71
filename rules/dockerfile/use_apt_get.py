"""DF122 use-apt-get."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Edit, Finding, Fix, Severity, rule
from opslint.model.dockerfile import Dockerfile
from opslint.ruleapi.shell import commands

from ._apt import AptCommand, apt_command
from ._fix import after_word
from ._scripts import instructions, logical, run_scripts

APT_CACHE_VERBS = frozenset(
    {"search", "show", "showsrc", "policy", "depends", "rdepends", "madison", "pkgnames"}
)
"""`apt` verbs that `apt-cache` serves; the others belong to `apt-get`."""
APT_ONLY_VERBS = frozenset({"list", "edit-sources"})
"""`apt` verbs with no `apt-get` or `apt-cache` equivalent of the same name."""
APT_GET_VERBS = frozenset(
    {"update", "upgrade", "install", "remove", "purge", "autoremove", "dist-upgrade"}
    | {"clean", "autoclean", "source", "build-dep", "download", "check", "changelog"}
    | {"satisfy"}
)
"""`apt` verbs that `apt-get` has with the same meaning (`upgrade` needs one more flag)."""


@rule(
    "DF122",
    "use-apt-get",
    Severity.WARNING,
    fix="safe",
    tags=("dockerfile", "reliability"),
    peers=("hadolint DL3027", "checkov CKV_DOCKER_9"),
)
def use_apt_get(dockerfile: Dockerfile) -> Iterator[Finding]:
    """RUN uses `apt-get` and `apt-cache`, not the interactive `apt`.

    ## What it does
    Reports every `apt` command of a RUN (or `ONBUILD RUN`) script, at the word `apt`:
    in command position, behind wrappers such as `sudo` or `env` too. `apt-get`,
    `apt-cache`, `apt-key` and arguments that merely mention `apt` are not reported.
    The message names `apt-cache` for the query verbs (`search`, `show`, `policy`, ...),
    `dpkg-query` for `apt list`, and `apt-get` for the others.

    ## Why it matters
    `apt` is the command-line tool for people: its output and behaviour are not a
    stable interface, it prints "WARNING: apt does not have a stable CLI interface" in
    scripts, and it may prompt or show progress bars where a build needs quiet,
    predictable runs. `apt-get` and `apt-cache` are the scriptable equivalents.

    ## Example
    ```dockerfile
    RUN apt update && apt install -y --no-install-recommends curl
    ```

    ## Use instead
    ```dockerfile
    RUN apt-get update && apt-get install -y --no-install-recommends curl
    ```

    ## Fix
    Safe: the program word `apt` becomes `apt-cache` for the query verbs (`search`,
    `show`, `policy`, ...) and `apt-get` for the verbs `apt-get` has with the same
    meaning (`install`, `update`, `remove`, `purge`, `autoremove`, `dist-upgrade`, ...);
    `apt upgrade`, which also installs new dependencies, becomes
    `apt-get upgrade --with-new-pkgs`. Only the text `-get` or `-cache` is inserted after
    `apt` (`/usr/bin/apt` keeps its folder). Verbs with no equivalent of the same meaning
    (`list`, `edit-sources`, `full-upgrade`, `reinstall`, ...) and an `apt` without a verb
    get no edit.

    ## Variants
    - `apt` as a command (hadolint DL3027, checkov CKV_DOCKER_9): covered, behind `sudo`,
      `env` and the like too, and in here-documents.
    - `apt` in a command that also removes files (checkov CKV_DOCKER_9 skips any `&&` part
      holding `rm`): covered, as reported: `rm` says nothing about the `apt` call.
    - `apt-get`, `apt-cache`, `apt-key` and words that mention `apt`: covered, as not
      reported.
    - `ONBUILD RUN` (hadolint DL3027): covered.
    - `aptitude`: not covered: no peer reports it, and it is scriptable with `-y`.

    ## References
    - https://manpages.debian.org/stable/apt/apt.8.en.html#SCRIPT_USAGE_AND_DIFFERENCES_FROM_OTHER_APT_TOOLS
    - https://github.com/hadolint/hadolint/wiki/DL3027
    """
    for instruction in instructions(dockerfile, "RUN"):
        for script in run_scripts(dockerfile, instruction):
            for words in commands(script.command.text):
                apt = apt_command(script.command, words)
                if apt is None or apt.name != "apt":
                    continue
                verb = apt.verb.text if apt.verb is not None else ""
                shown = f"`apt {verb}`" if verb else "`apt`"
                if verb in APT_ONLY_VERBS:
                    advice = "query with `dpkg-query` or `apt-cache` in scripts"
                else:
                    tool = "apt-cache" if verb in APT_CACHE_VERBS else "apt-get"
                    replacement = f"{tool} {verb}" if verb else tool
                    advice = f"use `{replacement}` in scripts"
                yield Finding(
                    script.command.locate(apt.program.start, apt.program.end - apt.program.start),
                    f"{shown} is the interactive apt front end with no stable CLI: {advice}",
                    fix=_fix(dockerfile, apt, verb),
                    logical=logical(instruction),
                )


def _fix(dockerfile: Dockerfile, apt: AptCommand, verb: str) -> Fix | None:
    if apt.verb is None or (verb not in APT_CACHE_VERBS and verb not in APT_GET_VERBS):
        return None
    suffix = "-cache" if verb in APT_CACHE_VERBS else "-get"
    program = after_word(dockerfile, apt.script, apt.program, suffix)
    if program is None:
        return None
    edits: tuple[Edit, ...] = (program,)
    if verb == "upgrade":
        flag = after_word(dockerfile, apt.script, apt.verb, " --with-new-pkgs")
        if flag is None:
            return None
        edits = (program, flag)
    return Fix(f"use `apt{suffix} {verb}`", edits)
