"""DF112 apt-get-yes."""

from __future__ import annotations

import re
from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.dockerfile import Dockerfile
from opslint.ruleapi.shell import Command, Word

from ._fix import flag_fix
from ._run import (
    RunStep,
    apt_installs,
    apt_option,
    configured_before,
    done_before,
    rpm_installs,
)

_YES_WORDS = frozenset({"-y", "--yes", "--assume-yes", "-q=2", "--quiet=2"})
_SHORT = re.compile(r"-[A-Za-z]+$")
_PIPED_YES = re.compile(r"\byes\b[^|\n;&]*\|")
_RPM_YES = frozenset({"-y", "--assumeyes", "-n", "--non-interactive", "--no-confirm"})
_RPM_YES_SETTING = re.compile(r"(?<!setopt=)\bassumeyes\s*=\s*[\"']?(?:1|true|yes)\b", re.I)
_RPM_SETOPT_YES = re.compile(r"--setopt=assumeyes=(?:1|true|yes)$", re.I)


def assumes_yes(command: Command) -> bool:
    """True when the apt command answers its prompt itself (`-y`, `-qq`, `-q -q`,
    `-o ...=true`)."""
    quiet = 0
    for text in command.texts()[1:]:
        if text in _YES_WORDS:
            return True
        if _SHORT.match(text):
            if "y" in text:
                return True
            quiet += text.count("q")
        quiet += text == "--quiet"
    return quiet >= 2 or apt_option(command, "APT::Get::Assume-Yes") in ("true", "1", "yes")


def rpm_assumes_yes(command: Command) -> bool:
    """True when a yum, dnf or zypper command answers its prompt itself: `-y`,
    `--assumeyes`, `--setopt=assumeyes=True`; zypper's `-n`, `--non-interactive`,
    `--no-confirm`; or a short-option cluster holding `y`."""
    for text in command.texts()[1:]:
        if text in _RPM_YES or _RPM_SETOPT_YES.match(text):
            return True
        if _SHORT.match(text) and "y" in text:
            return True
    return False


def _rpm_configured(step: RunStep) -> bool:
    return any(_RPM_YES_SETTING.search(script.text) for script in step.scripts)


@rule(
    "DF112",
    "apt-get-yes",
    Severity.WARNING,
    fix="safe",
    tags=("dockerfile", "reliability"),
    peers=("hadolint DL3014", "trivy DS-0021"),
)
def apt_get_yes(dockerfile: Dockerfile) -> Iterator[Finding]:
    """`apt-get install` in RUN answers its prompt with `-y`.

    ## What it does
    Reports an `apt-get install` (or `apt install`) in RUN or `ONBUILD RUN` that does not
    assume yes, at the `install` word. Accepted: `-y`, `--yes`, `--assume-yes`, `-qq`, `-q -q`
    and `-q=2` (quiet level 2 implies yes), short options combined with them (`-qy`, `-yqq`),
    `-o APT::Get::Assume-Yes=true`, input piped from `yes`, and an earlier RUN of the file
    writing `APT::Get::Assume-Yes` into the apt configuration. `DEBIAN_FRONTEND=noninteractive`
    alone does not answer the "Do you want to continue?" prompt and does not count.

    An install that only simulates asks nothing and is not reported: `-s`, `--simulate`,
    `--just-print`, `--dry-run`, `--recon`, `--no-act` (alone or in a cluster: `-qs`),
    `--print-uris` and `-o APT::Get::Simulate=true`, as in
    `if apt-get install -s pkg > /dev/null; then ...`. `-d`/`--download-only` still asks
    and is reported.

    `yum` and `dnf` installs (`install`, `groupinstall`, `localinstall`) and `zypper`
    installs (`install`, `in`, `source-install`, `si`) are reported the same way, at their
    verb. Accepted there: `-y`, `--assumeyes`, `--setopt=assumeyes=True` (or `1`, `yes`),
    zypper's `-n`, `--non-interactive` and `--no-confirm`, a short-option cluster holding
    `y` (`-qy`), input piped from `yes`, and an earlier RUN writing `assumeyes=True` into
    `yum.conf` or `dnf.conf`. `--assumeno` answers no: a dry run, not reported.

    ## Why it matters
    A build has no terminal: when apt asks for confirmation it reads end of input and
    aborts, so the build fails, or works only while the package set is small enough that
    apt does not ask.

    ## Example
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install --no-install-recommends curl
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends curl
    ```

    ## Fix
    Safe: inserts ` -y` right after the `install` word (under ONBUILD and in
    here-documents too), when that word is written plainly (not quoted).

    ## Variants
    - `apt install` as well as `apt-get install`: covered (hadolint DL3014 and trivy
      DS-0021 read `apt-get` only).
    - `-y`, `--yes`, `--assume-yes` (hadolint DL3014, trivy DS-0021): covered.
    - Quiet level 2 as `-qq`, `-q -q`, `--quiet --quiet`, `-q=2`, `--quiet=2` (hadolint
      DL3014): covered.
    - Short options combined (`-qy`, `-yq`) (hadolint DL3014): covered.
    - `-o APT::Get::Assume-Yes=true`, and the setting written to apt configuration by an
      earlier RUN: covered (no peer reads them; without them the rule would be wrong).
    - Simulating installs (`-s` and its spellings): covered, as not reported.
    - `ONBUILD RUN` (hadolint DL3014): covered.
    - `yum install`, `groupinstall`, `localinstall` with `-y`/`--assumeyes` (hadolint
      DL3030): covered.
    - `dnf` with the same verbs and flags (hadolint DL3038): covered.
    - `microdnf` (hadolint DL3038): not covered: older microdnf releases never asked (their
      `-y` was documented as doing nothing), so whether an install stops depends on the
      microdnf the base image ships, which the file does not say.
    - `zypper install`/`in`/`source-install`/`si` with `-y`, `--no-confirm`, `-n`,
      `--non-interactive` (hadolint DL3034): covered.
    - `zypper remove`/`rm`/`patch` (hadolint DL3034): not covered: this rule judges
      installs, as it does not judge `apt-get remove` or `upgrade` either.

    ## References
    - https://manpages.debian.org/bookworm/apt/apt-get.8.en.html
    - https://docs.docker.com/build/building/best-practices/#apt-get
    - https://github.com/hadolint/hadolint/wiki/DL3014
    - https://github.com/hadolint/hadolint/wiki/DL3030
    - https://github.com/hadolint/hadolint/wiki/DL3034
    - https://github.com/hadolint/hadolint/wiki/DL3038
    """
    for step, command, install in apt_installs(dockerfile):
        if assumes_yes(command):
            continue
        if any(_PIPED_YES.search(script.text) for script in step.scripts):
            continue
        if configured_before(dockerfile, step, "APT::Get::Assume-Yes"):
            continue
        yield _finding(dockerfile, step, command, install)
    for step, command, install in rpm_installs(dockerfile):
        if rpm_assumes_yes(command):
            continue
        if any(_PIPED_YES.search(script.text) for script in step.scripts):
            continue
        if done_before(dockerfile, step, "assumeyes", _rpm_configured):
            continue
        yield _finding(dockerfile, step, command, install)


def _finding(dockerfile: Dockerfile, step: RunStep, command: Command, install: Word) -> Finding:
    return Finding(
        command.word_span(install),
        f"`{command.name} {install.text}` without `-y` stops at the confirmation prompt and "
        "fails the build: add `-y`",
        fix=flag_fix(dockerfile, command, install, "-y"),
        logical=step.logical,
    )
