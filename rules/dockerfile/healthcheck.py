"""DF102 healthcheck."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Edit, Finding, Fix, Severity, rule
from opslint.defaults import missing
from opslint.model.dockerfile import Dockerfile, Stage
from opslint.views import Defaults

from ._fix import insert_line, keyword_like, written

_BEFORE = frozenset({"CMD", "ENTRYPOINT"})


@rule(
    "DF102",
    "healthcheck",
    Severity.WARNING,
    fix="safe",
    default_enabled=False,
    defaults={"healthcheck": 'Dockerfile HEALTHCHECK command, e.g. "curl -fsS localhost/healthz"'},
    tags=("reliability",),
    peers=(
        "hadolint DL3057",
        "checkov CKV_DOCKER_2",
        "trivy DS-0026",
    ),
)
def healthcheck(dockerfile: Dockerfile, defaults: Defaults) -> Iterator[Finding]:
    """The final stage declares a HEALTHCHECK (or `HEALTHCHECK NONE` deliberately).

    ## What it does
    Reports a final stage with no HEALTHCHECK instruction, at its `FROM` line. A
    HEALTHCHECK in an earlier stage the final stage builds on (`FROM base`) counts, and so
    does `HEALTHCHECK NONE`, which records that the image is deliberately unchecked (a
    batch job, or an orchestrator that probes it). Files without a `FROM` are not images
    and are not checked.

    A HEALTHCHECK runs a program inside the container, so an image with none to run is
    not reported: a WebAssembly image (a `--platform` such as `wasi/wasm`, or `FROM
    scratch` with an ENTRYPOINT or CMD running a `.wasm` module), and a `FROM scratch`
    image without a shell, which holds only what COPY and ADD put there (usually one
    static binary). A scratch image that copies a shell, busybox, `/bin`, `/usr/bin` or
    the whole file system in is checked, and so is an empty `FROM scratch` stage. Nor is
    an image with no service to check: one that only starts an interactive shell or
    interpreter (no ENTRYPOINT, and a CMD that is that program alone: `CMD ["python3"]`,
    `CMD ["bash"]`), a base or toolbox whose derived images add the program to check.

    The rule is off by default, as hadolint's DL3057 is: Kubernetes ignores a Dockerfile
    HEALTHCHECK (its probes are K8103 and K8104), and base images leave the check to the
    images that add a service's configuration (the official images' policy). Turn it on
    where images run under Docker or Compose.

    ## Why it matters
    Without a health check Docker and Compose only know whether the process exists, not
    whether it serves: a deadlocked server stays "running", `depends_on: service_healthy`
    cannot work, and restarts never happen.

    ## Example
    ```dockerfile
    FROM nginx:1.27-alpine
    COPY site /usr/share/nginx/html
    ```

    ## Use instead
    ```dockerfile
    FROM nginx:1.27-alpine
    COPY site /usr/share/nginx/html
    HEALTHCHECK --interval=30s --timeout=3s CMD wget -qO- http://localhost/ || exit 1
    ```

    ## Fix
    Safe, and only where `[tool.opslint.defaults]` sets `healthcheck` (the health
    command, e.g. `"curl -fsS http://localhost/healthz || exit 1"`): a line
    `HEALTHCHECK CMD <healthcheck>` is added to the final stage, after its last RUN,
    COPY, ADD or WORKDIR and above the CMD or ENTRYPOINT that follows (and the comments
    right above it), or at the end of the stage. A value that already starts with `CMD`,
    `NONE` or an option (`--interval=30s CMD ...`) is written after `HEALTHCHECK` as it is.

    ## Variants
    - A final stage with no HEALTHCHECK (hadolint DL3057, off by default there too;
      checkov CKV_DOCKER_2, trivy DS-0026): covered. checkov and trivy accept a
      HEALTHCHECK anywhere in the file; this rule, like hadolint, follows the final
      stage's chain of stages.
    - `HEALTHCHECK NONE` (hadolint DL3057): covered, as deliberate.
    - A HEALTHCHECK inherited from an earlier stage (hadolint DL3057): covered.
    - `ONBUILD HEALTHCHECK`: covered, as not counting for this image.
    - A HEALTHCHECK set by the base image: not covered: not visible in the file.
    - WebAssembly images, shell-less scratch images and images that only start a shell or
      interpreter: covered, as not reported.

    ## References
    - https://docs.docker.com/reference/dockerfile/#healthcheck
    - https://github.com/hadolint/hadolint/wiki/DL3057
    """
    final = dockerfile.final_stage
    if final is None or dockerfile.has_healthcheck():
        return
    if dockerfile.runs_wasm(final) or dockerfile.shell_less_binary(final):
        return  # no program in the image to run a check with
    if dockerfile.starts_interactive(final):
        return  # no service in the image to check
    message = "the final stage has no HEALTHCHECK: add one, or `HEALTHCHECK NONE` to opt out"
    fix = _fix(dockerfile, final, defaults)
    help = missing("healthcheck") if fix is None else None
    yield Finding(final.span, message, fix=fix, logical=final.logical, help=help)


def _fix(dockerfile: Dockerfile, final: Stage, defaults: Defaults) -> Fix | None:
    value = defaults.get("healthcheck")
    command = value.strip() if isinstance(value, str) else ""
    if not command or "\n" in command or "\r" in command:
        return None
    first = command.split(None, 1)[0].upper()
    if first not in ("CMD", "NONE") and not command.startswith("--"):
        command = f"CMD {command}"
    keyword = written(dockerfile, final.from_instruction.keyword_span) or ""
    keyword = keyword_like(keyword, "HEALTHCHECK")
    edit: Edit | None = insert_line(dockerfile, final, f"{keyword} {command}", _BEFORE)
    return Fix(f"add `HEALTHCHECK {command}`", (edit,)) if edit is not None else None
