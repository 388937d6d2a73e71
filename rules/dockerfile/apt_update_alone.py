"""DF123 apt-update-alone."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.base import Span
from opslint.model.dockerfile import Dockerfile
from opslint.ruleapi.shell import POSIX_SHELLS, basename, commands, programs

from ._apt import AptCommand, apk_command, apt_command
from ._scripts import instructions, logical, run_scripts

CONSUMING_VERBS = frozenset(
    {
        "install",
        "reinstall",
        "upgrade",
        "dist-upgrade",
        "full-upgrade",
        "build-dep",
        "source",
        "download",
        "satisfy",
    }
)
"""apt verbs that read the package lists an update fetched."""
APK_CONSUMING_VERBS = frozenset({"add", "upgrade", "fix", "fetch"})
"""apk verbs that read the indexes `apk update` fetched."""


def _may_install(name: str, words: list[str]) -> bool:
    """True for a command that may install packages in ways not visible here: an install
    helper (`install_packages`, `./install.sh`), or a script run by a shell."""
    if "install" in name or name.endswith(".sh"):
        return True
    return name in POSIX_SHELLS and len(words) > 1


def _family(update: AptCommand) -> str:
    return "apk" if update.name == "apk" else "apt"


def _span(update: AptCommand) -> Span:
    """`apt-get update` as one span when both words stand on one line, else the program."""
    assert update.verb is not None
    script, program, verb = update.script, update.program, update.verb
    start = script.locate(program.start, program.end - program.start)
    end = script.locate(verb.start, verb.end - verb.start)
    if start.line == end.line and end.column > start.column:
        return Span(start.path, start.line, start.column, end.line, end.end_column)
    return start


@rule(
    "DF123",
    "apt-update-alone",
    Severity.WARNING,
    tags=("dockerfile", "reliability"),
    peers=("checkov CKV_DOCKER_5", "trivy DS-0017"),
)
def apt_update_alone(dockerfile: Dockerfile) -> Iterator[Finding]:
    """`apt-get update` runs in the same RUN as the install that needs it.

    ## What it does
    Reports a RUN (or `ONBUILD RUN`) that runs `apt-get update` (or `apt update`) but
    nothing that uses the fetched package lists: no `apt-get`, `apt` or `aptitude`
    `install`, `upgrade`, `dist-upgrade`, `build-dep`, ... The finding points at the
    update. A RUN that also runs an install helper (`install_packages`,
    `./install-deps.sh`) or a shell script (`bash setup.sh`) is given the benefit of the
    doubt, since the script may install. `apk update` is judged the same way: it needs an
    `apk add`, `upgrade`, `fix` or `fetch` in its RUN. It owns the update it reports:
    DF106, which also sees the lists that update leaves behind, steps back there.

    ## Why it matters
    Docker caches each RUN as a layer. A lone `RUN apt-get update` is cached once and
    reused, so a later `RUN apt-get install` added or changed months afterwards installs
    from stale lists: versions that are no longer on the mirror (404 errors) or miss
    security updates. Updating and installing in one RUN refreshes the lists whenever
    the install line changes.

    ## Example
    ```dockerfile
    RUN apt-get update
    RUN apt-get install -y --no-install-recommends curl
    ```

    ## Use instead
    ```dockerfile
    RUN apt-get update \\
        && apt-get install -y --no-install-recommends curl \\
        && rm -rf /var/lib/apt/lists/*
    ```

    ## Fix
    None: merging RUN instructions is left to the author.

    ## Variants
    - `apt-get update` and `apt update` with no install in the same RUN (checkov
      CKV_DOCKER_5, trivy DS-0017): covered.
    - `apk update` with no `apk add` in the same RUN (checkov CKV_DOCKER_5, trivy
      DS-0017): covered; `apk --update add` and `apk add --update` update and install in
      one, as not reported.
    - `install`, `upgrade`, `dist-upgrade`, `source`, `build-dep` and the other verbs
      that read the lists (trivy DS-0017: `install`, `upgrade`, `reinstall`): covered.
    - The update in one RUN and the install in another (checkov CKV_DOCKER_5 counts
      updates against installs across the whole file): covered, as reported.
    - `yum update`, `dnf update`, `zypper update`/`up` (checkov CKV_DOCKER_5, trivy
      DS-0017): not covered: those commands upgrade the installed packages rather than
      fetch lists for a later install, so nothing goes stale.
    - `ONBUILD RUN`: covered.

    ## References
    - https://docs.docker.com/build/building/best-practices/#apt-get
    - https://docs.docker.com/build/cache/
    """
    for instruction in instructions(dockerfile, "RUN"):
        updates: list[AptCommand] = []
        consumed: set[str] = set()  # "apt", "apk", or "any" for a script that may install
        for script in run_scripts(dockerfile, instruction):
            for words in commands(script.command.text):
                apt = apt_command(script.command, words)
                apk = apk_command(script.command, words) if apt is None else None
                manager = apt or apk
                if manager is not None and manager.verb is not None:
                    family = "apk" if apk is not None else "apt"
                    verbs = APK_CONSUMING_VERBS if apk is not None else CONSUMING_VERBS
                    if manager.verb.text == "update" and manager.name != "aptitude":
                        updates.append(manager)
                    elif manager.verb.text in verbs:
                        consumed.add(family)
                    continue
                names = programs(words)
                if names and _may_install(
                    basename(names[-1].text), [w.text for w in words[words.index(names[-1]) :]]
                ):
                    consumed.add("any")
        alone = [u for u in updates if not consumed & {"any", _family(u)}]
        if alone:
            update = alone[0]
            yield Finding(
                _span(update),
                f"`{update.name} update` runs without an install in the same RUN, so its "
                "package lists are cached as a layer and go stale: update and install in "
                "one RUN",
                logical=logical(instruction),
            )
