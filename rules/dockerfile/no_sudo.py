"""DF115 no-sudo."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.dockerfile import Dockerfile
from opslint.ruleapi.shell import Word, basename

from ._scripts import program_findings


def _sudo(text: str, names: list[Word]) -> Word | None:
    """The first `sudo` among the programs of a command."""
    return next((word for word in names if basename(word.text) == "sudo"), None)


@rule(
    "DF115",
    "no-sudo",
    Severity.WARNING,
    tags=("dockerfile", "security"),
    peers=("hadolint DL3004", "checkov CKV2_DOCKER_1", "trivy DS-0010"),
)
def no_sudo(dockerfile: Dockerfile) -> Iterator[Finding]:
    """RUN does not use `sudo`.

    ## What it does
    Reports a RUN (or `ONBUILD RUN`) that runs `sudo` as a command, in its command line
    or in a here-document script, once per RUN at the first `sudo`. `sudo` behind other
    wrappers counts (`env X=1 sudo ...`, `xargs sudo ...`); installing the `sudo` package
    (`apt-get install sudo`) or mentioning it in an argument does not.

    ## Why it matters
    RUN executes as the current USER; steps that need root should switch with
    `USER root` and back, which shows in the Dockerfile. `sudo` needs a TTY and a
    sudoers entry, behaves unpredictably in builds, and keeping it in the image hands
    an easy privilege escalation to anyone who gets a shell in the container.

    ## Example
    ```dockerfile
    USER app
    RUN sudo apt-get update && sudo apt-get install -y --no-install-recommends curl
    ```

    ## Use instead
    ```dockerfile
    USER root
    RUN apt-get update && apt-get install -y --no-install-recommends curl
    USER app
    ```

    ## Fix
    None: the USER switches around the step depend on the Dockerfile.

    ## Variants
    - `sudo` as a command (hadolint DL3004), at the start of an `&&` part (trivy DS-0010)
      or anywhere as a word (checkov CKV2_DOCKER_1): covered as a command in any position:
      after `;`, `|`, `||`, inside `if`, behind `env` or `xargs`, in here-documents.
    - `sudo` as an argument (`apt-get install sudo`, `echo sudo`): covered, as not
      reported (checkov's word match reports it).
    - `ONBUILD RUN` (hadolint DL3004): covered.
    - `su -c`, `doas`: not covered: no peer reads them, and `su` in a RUN is commonly a
      deliberate drop of privileges to another user.

    ## References
    - https://docs.docker.com/build/building/best-practices/#user
    - https://github.com/hadolint/hadolint/wiki/DL3004
    """
    message = "RUN uses `sudo`: switch with `USER root` for the steps that need root instead"
    yield from program_findings(dockerfile, _sudo, message)
