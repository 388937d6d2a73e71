"""DF101 non-root-user."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.dockerfile import Dockerfile, Instruction, Stage

ROOT_USERS = frozenset({"root", "0"})


def is_root(user: str) -> bool:
    """True for `root`, `0`, and those with a root group (`root:root`, `0:0`)."""
    name = user.strip().split(":", 1)[0]
    return name in ROOT_USERS


def _nonroot_base(stage: Stage) -> bool:
    """Distroless `nonroot` images set a non-root USER themselves."""
    image = stage.image
    return image is not None and "nonroot" in (image.tag or "")


def last_user(dockerfile: Dockerfile, stage: Stage) -> Instruction | None:
    """The USER in force at the end of `stage`, following `FROM <earlier stage>`."""
    for ancestor in dockerfile.lineage(stage):
        users = ancestor.find("USER")
        if users:
            return users[-1]
    return None


@rule(
    "DF101",
    "non-root-user",
    Severity.ERROR,
    fix="unsafe",
    tags=("security",),
    security_severity=7.0,
    peers=(
        "hadolint DL3002 (partial)",
        "checkov CKV_DOCKER_3 (partial)",
        "checkov CKV_DOCKER_8 (partial)",
    ),
)
def non_root_user(dockerfile: Dockerfile) -> Iterator[Finding]:
    """The final stage runs as a non-root user.

    ## What it does
    Looks at the USER in force at the end of the final stage (following `FROM <stage>` to
    the stage it builds on). No USER at all, or `root`, `0`, `root:root`, `0:0` as the last
    USER, is reported. A missing USER is reported at the final stage's `FROM` line; a root
    USER at that instruction. Base images whose tag says `nonroot` (distroless) set a
    non-root user themselves and pass. Snippets without any `FROM` are only checked for
    an explicit root USER.

    Policy difference: hadolint's DL3002 only reports an explicit `USER root`; opslint
    also reports a final stage that never sets USER (`FROM scratch` included: with no
    user database the process runs as uid 0), since most base images default to root and
    that is the common case in practice. Conversely, a root USER in an intermediate build
    stage is not reported when the final stage does not build on it: build stages often
    need root to install packages, and nothing of their user setting ships.

    ## Why it matters
    A process running as root inside the container is root on the host's kernel: a
    container escape or a writable host mount then hands over the node.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    COPY app /app
    CMD ["python", "/app/main.py"]
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    RUN useradd --system --uid 10001 app
    COPY app /app
    USER 10001
    CMD ["python", "/app/main.py"]
    ```

    ## Fix
    Unsafe: adding a USER changes file permissions the process sees.

    ## References
    - https://docs.docker.com/build/building/best-practices/#user
    - https://github.com/hadolint/hadolint/wiki/DL3002
    """
    final = dockerfile.final_stage
    if final is None:
        users = [i for i in dockerfile.instructions if i.effective.keyword == "USER"]
        if users and is_root(users[-1].effective.arguments):
            yield Finding(users[-1].span, "the last USER is root: switch to a non-root user")
        return
    user = last_user(dockerfile, final)
    if user is None:
        if not _nonroot_base(final):
            yield Finding(
                final.span,
                "the final stage never sets USER, so the container runs as root",
                logical=final.logical,
            )
    elif is_root(user.arguments):
        yield Finding(
            user.arguments_span,
            f"the final stage runs as `{user.arguments.strip()}`: switch to a non-root user",
            logical=final.logical,
        )
