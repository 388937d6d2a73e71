"""DF111 apt-no-recommends."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Fix, Severity, rule
from opslint.model.dockerfile import Dockerfile
from opslint.ruleapi.shell import Command, Word

from ._fix import flag_fix
from ._run import apt_installs, apt_option, configured_before, in_image


@rule(
    "DF111",
    "apt-no-recommends",
    Severity.INFO,
    fix="safe",
    tags=("dockerfile", "size"),
    peers=("hadolint DL3015", "trivy DS-0029"),
)
def apt_no_recommends(dockerfile: Dockerfile) -> Iterator[Finding]:
    """`apt-get install` in RUN passes `--no-install-recommends`.

    ## What it does
    Reports an `apt-get install` (or `apt install`) in RUN or `ONBUILD RUN` without
    `--no-install-recommends`, at the `install` word. `-o APT::Install-Recommends=false`
    (or `=0`) counts too, and so does an earlier RUN of the file writing
    `APT::Install-Recommends` into the apt configuration (`/etc/apt/apt.conf.d/`).
    An install that only simulates installs nothing and is not reported: `-s`,
    `--simulate`, `--just-print`, `--dry-run`, `--recon`, `--no-act`, `--print-uris`,
    `-o APT::Get::Simulate=true`. Only the stages that ship are checked: the final stage,
    the stages it builds on (`FROM base`) and `ONBUILD` triggers; what a build stage
    installs stays out of the image.

    ## Why it matters
    By default apt also installs every "recommended" package: documentation, X11
    libraries, extra tools. They grow the image, often by hundreds of megabytes, and
    each is more code with vulnerabilities to patch, for nothing the container runs.

    ## Example
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends curl \\
        && rm -rf /var/lib/apt/lists/*
    ```

    ## Fix
    Safe: inserts ` --no-install-recommends` right after the `install` word, or after
    the `-y`, `-q` or `-qq` options that follow it (under
    ONBUILD and in here-documents too), when that word is written plainly (not quoted).
    Review that the program does not rely on a recommended package at run time.

    ## Variants
    - `apt-get install` (hadolint DL3015, trivy DS-0029): covered; `apt install` too.
    - `--no-install-recommends` anywhere in the command (hadolint DL3015, trivy DS-0029):
      covered.
    - `-o APT::Install-Recommends=false` (hadolint DL3015): covered, and `=0`, `=no`,
      `--option=...`, `-oAPT::...`.
    - `APT::Install-Recommends` written to the apt configuration by an earlier RUN:
      covered (no peer reads it); a configuration file copied in by COPY or ADD is not:
      its content is not in the Dockerfile.
    - `ONBUILD RUN` (hadolint DL3015): covered.
    - Simulating installs (`-s` and its spellings): covered, as not reported.
    - Build stages the final image does not build on (hadolint DL3015 reports every stage):
      covered, as not reported.
    - `dnf`/`yum --setopt=install_weak_deps=False` and `zypper --no-recommends`: not
      covered: no peer checks them, and base images often turn weak dependencies off in
      their own configuration, which the Dockerfile does not show.

    ## References
    - https://manpages.debian.org/bookworm/apt/apt-get.8.en.html
    - https://docs.docker.com/build/building/best-practices/#apt-get
    - https://github.com/hadolint/hadolint/wiki/DL3015
    """
    for step, command, install in apt_installs(dockerfile):
        if not in_image(dockerfile, step):
            continue  # a build stage the shipped image does not build on
        if "--no-install-recommends" in command.texts():
            continue
        if apt_option(command, "APT::Install-Recommends") in ("false", "0", "no"):
            continue
        if configured_before(dockerfile, step, "APT::Install-Recommends"):
            continue
        yield Finding(
            command.word_span(install),
            f"`{command.name} install` also installs recommended packages: "
            "add `--no-install-recommends`",
            fix=_fix(dockerfile, command, install),
            logical=step.logical,
        )


_LEADING = frozenset({"-y", "--yes", "--assume-yes", "-q", "-qq", "-qy", "-yq", "--quiet"})
"""Options commonly written right after `install`, which the new flag goes after."""


def _fix(dockerfile: Dockerfile, command: Command, install: Word) -> Fix | None:
    after = install
    for word in command.words[command.words.index(install) + 1 :]:
        if word.text not in _LEADING:
            break
        after = word
    return flag_fix(dockerfile, command, after, "--no-install-recommends")
