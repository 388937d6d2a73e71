"""DC104 healthcheck."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.compose import BuildHealth, ComposeService
from opslint.model.dockerfile import is_wasm_platform
from opslint.views import Files


@rule("DC104", "healthcheck", Severity.WARNING, tags=("reliability",))
def healthcheck(service: ComposeService, files: Files) -> Iterator[Finding]:
    """Every long-running service has a health check.

    ## What it does
    Reports, at the service's key, a service with no `healthcheck` block whose image is
    not known to declare one. A service built from a local Dockerfile passes when the
    stage it builds (the final stage, or `build.target`) declares `HEALTHCHECK`: the
    Dockerfile named by `build` (context and `dockerfile`) is read even when it is not
    among the checked files, and `dockerfile_inline` is read too.

    Policy choices:
    - `healthcheck: {disable: true}` (or `test: ["NONE"]`) passes: it records that the
      service is deliberately unchecked, as `HEALTHCHECK NONE` does in a Dockerfile.
    - A service that only names a registry `image` fails. opslint does not pull images,
      so it cannot know whether one declares HEALTHCHECK, and the common ones (postgres,
      mysql, redis, mongo, nginx) do not: write the check in the Compose file, or disable
      it explicitly.
    - A build whose Dockerfile cannot be read (a remote Git context, a path built from
      variables) is not reported, since the answer is unknown; a build whose local
      Dockerfile exists without HEALTHCHECK is.
    - A service with no program to run a check with is skipped, as DF102 skips its
      Dockerfile: a WebAssembly service (`platform: wasi/wasm`, or a `runtime` shim
      such as `io.containerd.wasmedge.v1`), and a build whose Dockerfile stage makes a
      WebAssembly image or a `FROM scratch` image without a shell.
    - One-shot services (those another service waits for with
      `condition: service_completed_successfully`) and services that `extends` another
      are skipped.

    ## Why it matters
    Without a health check Compose knows only that the process exists: a deadlocked or
    still-starting server counts as up, dependants start too early, and
    `depends_on: condition: service_healthy` cannot be used.

    ## Example
    ```yaml
    services:
      db:
        image: postgres:16.4
    ```

    ## Use instead
    ```yaml
    services:
      db:
        image: postgres:16.4
        healthcheck:
          test: ["CMD-SHELL", "pg_isready -U postgres"]
          interval: 10s
          timeout: 5s
          retries: 5
    ```

    ## Fix
    None: the right probe command depends on the service.

    ## Variants
    - a service without `healthcheck` (KICS healthcheck_not_set): covered, except where
      the image built by the service declares `HEALTHCHECK`, which KICS does not read.
    - `healthcheck: {disable: true}` and `test: ["NONE"]` (KICS reports both as
      disabled): not covered: writing them is the explicit choice this rule asks for,
      as `HEALTHCHECK NONE` is in a Dockerfile.

    ## References
    - https://docs.docker.com/reference/compose-file/services/#healthcheck
    - https://docs.docker.com/reference/dockerfile/#healthcheck
    """
    if service.one_shot or service.extends or service.healthcheck is not None:
        return
    platform, runtime = service.node.scalar("platform"), service.node.scalar("runtime")
    if (platform is not None and is_wasm_platform(str(platform.value))) or (
        runtime is not None and "wasm" in str(runtime.value).lower()
    ):
        return  # a WebAssembly runtime runs no health check command
    health = service.build_healthcheck(files.load)
    if health in (
        BuildHealth.DECLARED,
        BuildHealth.DISABLED,
        BuildHealth.UNKNOWN,
        BuildHealth.NOTHING_TO_RUN,
    ):
        return
    if health is BuildHealth.ABSENT:
        where = service.dockerfile_path.name if service.dockerfile_path else "dockerfile_inline"
        message = (
            f"service `{service.name}` has no `healthcheck` and its Dockerfile ({where}) "
            "declares no HEALTHCHECK"
        )
    else:
        message = (
            f"service `{service.name}` has no `healthcheck`; its image's own HEALTHCHECK "
            "cannot be known: declare one, or `disable: true` to opt out"
        )
    yield Finding(service.span, message, logical=service.logical)
