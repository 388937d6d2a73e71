"""IM003 trusted-registry."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase

from opslint import Finding, Severity, rule
from opslint.indexes.build import BuildPlaceholders
from opslint.model.facets import ImageRef, sub_span

from ._images import is_image_reference

DOCKER_HUB = "docker.io"
DOCKER_HUB_ALIASES = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io"})
"""Host names that all mean Docker Hub."""
DOCKER_HUB_WEBSITE = "hub.docker.com"
"""Docker Hub's website, which allow-lists written for hadolint name for Docker Hub."""

_VARIABLE = re.compile(r"\$|\{\{")


@dataclass(frozen=True)
class TrustedRegistryOptions:
    """Where images may come from."""

    trusted_registries: tuple[str, ...] = ()
    """Allowed registries or registry paths; empty turns the rule off."""


def _is_host(component: str) -> bool:
    """True when the first path component of a reference names a registry host."""
    return "." in component or ":" in component or component == "localhost"


def canonical_name(repository: str) -> tuple[str, tuple[str, ...]]:
    """The registry host and path of an image repository, Docker Hub made explicit.

    `nginx` is `docker.io/library/nginx`, `bitnami/redis` is `docker.io/bitnami/redis`,
    `ghcr.io/acme/app` is `ghcr.io/acme/app`. Hosts are compared lower-case.
    """
    parts = repository.split("/")
    if len(parts) > 1 and _is_host(parts[0]):
        host, path = parts[0].lower(), parts[1:]
    else:
        host, path = DOCKER_HUB, parts
    if host.split(":", 1)[0] in DOCKER_HUB_ALIASES:
        host = DOCKER_HUB
        if len(path) == 1:
            path = ["library", *path]
    return host, tuple(path)


def canonical_entry(entry: str) -> tuple[str, tuple[str, ...]]:
    """An allow-list entry as a host and a path prefix.

    `registry.acme.example` allows the whole host, `ghcr.io/acme` one organisation,
    `docker.io/library` the official images; an entry without a host (`bitnami`) names a
    Docker Hub organisation. A trailing `/` or `/*` is ignored; `*` matches within a
    component (`*.dkr.ecr.eu-west-1.amazonaws.com`).
    """
    text = entry.strip().rstrip("/")
    if text.endswith("/*"):
        text = text[:-2]
    parts = [part for part in text.split("/") if part]
    if not parts:
        return "", ()
    if _is_host(parts[0]) or "*" in parts[0]:
        host = parts[0].lower()
        path = tuple(parts[1:])
    else:
        host, path = DOCKER_HUB, tuple(parts)
    if host in DOCKER_HUB_ALIASES or host == DOCKER_HUB_WEBSITE:
        host = DOCKER_HUB
    return host, path


def is_trusted(repository: str, entries: tuple[str, ...]) -> bool:
    """True when an allow-list entry covers the image repository."""
    host, path = canonical_name(repository)
    for entry in entries:
        entry_host, prefix = canonical_entry(entry)
        # an entry without a port allows its host on any port
        compared = host if ":" in entry_host else host.split(":", 1)[0]
        if not entry_host or not fnmatchcase(compared, entry_host):
            continue
        if len(prefix) <= len(path) and all(
            fnmatchcase(part, pattern) for part, pattern in zip(path, prefix, strict=False)
        ):
            return True
    return False


@rule(
    "IM003",
    "trusted-registry",
    Severity.WARNING,
    tags=("security", "supply-chain"),
    peers=("hadolint DL3026", "trivy KSV-0125", "trivy KSV-0034 (partial)"),
)
def trusted_registry(
    image: ImageRef, options: TrustedRegistryOptions, build: BuildPlaceholders
) -> Iterator[Finding]:
    """Images come from an allow-listed registry or organisation.

    ## What it does
    Checks every container image reference, whichever file holds it (Dockerfile `FROM`,
    `COPY --from=<image>` and `RUN --mount=from=<image>`, where a stage's name or index
    is no image; Compose, Kubernetes and Helm containers, GitHub Actions, GitLab CI and
    CircleCI images), against the `trusted-registries` option. The rule does nothing until that
    list is configured.

    References are read the way Docker reads them: without a registry host the image comes
    from Docker Hub (`docker.io`), and a one-part name is an official image, so `nginx`
    is `docker.io/library/nginx` and `bitnami/redis` is `docker.io/bitnami/redis`
    (`index.docker.io` and `registry-1.docker.io` also mean Docker Hub). An entry allows
    every image below it, component by component: `registry.acme.example` allows the whole
    host, `ghcr.io/acme` allows `ghcr.io/acme/api` but not `ghcr.io/acme-fork/api`,
    `docker.io/library` allows the official images, and an entry without a host such as
    `bitnami` names a Docker Hub organisation. `*` matches within one component, as in
    `*.dkr.ecr.eu-west-1.amazonaws.com`, and `*` alone allows every image. An entry
    `hub.docker.com` (Docker Hub's website, as hadolint reads it) means Docker Hub. Host
    names compare case-insensitively, and an entry without a port allows its host on any
    port (`registry.acme.example` allows `registry.acme.example:5000/app`).

    A reference with an explicit registry is reported at the registry host; one that
    relies on Docker Hub implicitly is reported as a whole. `FROM scratch` and
    `FROM <earlier stage>` are not images; a reference whose name (before the tag) still
    holds a variable or template expression is skipped, since its registry is decided
    elsewhere, while one with only a variable tag (`ghcr.io/acme/api:${TAG}`) is checked.
    Documentation placeholders such as `<your-image>` are not references and are skipped,
    and so is, as for IM001, a placeholder a build tool replaces with what it built and
    pushed (skaffold, Tilt, ko; a Kustomization only when its `images:` entry sets a
    `newName`): the registry is the tool's to choose.

    ## Why it matters
    Anyone can publish to a public registry. An image from an unvetted source runs with
    your credentials and network access, and typosquatted or abandoned images are a known
    route for malware. An allow-list keeps every base and runtime image to registries the
    team mirrors, scans and controls.

    ## Example
    ```dockerfile
    # trusted-registries = ["registry.acme.example", "docker.io/library"]
    FROM randomuser/node-tools:1.0
    ```

    ## Use instead
    ```dockerfile
    FROM registry.acme.example/base/node:22.11
    ```

    ## Fix
    None: moving an image to another registry needs the image to be mirrored there first.

    ## Options
    - `trusted-registries`: allowed registries, registry paths or Docker Hub
      organisations (for example `["registry.acme.example", "ghcr.io/acme",
      "docker.io/library"]`). Empty by default, which turns the rule off.

    ## Variants
    - images in `FROM`, `COPY --from=<image>` and `RUN --mount=from=<image>` with any
      mount type, bind or cache (hadolint DL3026): covered; earlier stages and `scratch`
      pass, as in hadolint.
    - Docker Hub written as `docker.io`, `index.docker.io`, `registry-1.docker.io`, or
      implied by a name without a host (hadolint "allows all forms of docker.io"):
      covered; an entry `hub.docker.com` means Docker Hub, as in hadolint.
    - wildcards: `*` alone, a leading `*.acme.example` and a trailing `registry.*`
      (hadolint): covered, within one component.
    - trusting `docker.io` does not trust other registries, and a Docker Hub entry does
      not trust `ghcr.io` (hadolint "distrust all forms of docker.io"): covered.
    - Kubernetes containers, init and ephemeral containers against an allowed list
      (trivy KSV-0125): covered, with Compose, Helm and CI images as well.
    - trivy KSV-0125's default list (Azure, ECR and GCR hosts) when none is configured:
      not covered: anyone can push to their own account on those hosts, so trusting
      them by default proves nothing; the rule stays off until the list is written.
    - trivy KSV-0034 (`docker.io`, `ghcr.io` and host-less names are public): covered in
      part: an allow-list without those hosts reports the same images.
    - an image an `ONBUILD` instruction names (`ONBUILD COPY --from=<image>`): covered,
      at the line that names it.

    ## References
    - https://docs.docker.com/reference/cli/docker/image/tag/#description
    - https://github.com/distribution/reference/blob/main/normalize.go
    - https://kubernetes.io/docs/concepts/containers/images/#image-names
    """
    entries = tuple(e for e in options.trusted_registries if e.strip())
    if not entries:
        return
    repository = image.repository
    if not repository or _VARIABLE.search(repository) or not is_image_reference(repository):
        return
    replacement = build.replacement(image)
    if replacement is not None and replacement.name:
        return
    if is_trusted(repository, entries):
        return
    host, path = canonical_name(repository)
    shown = "/".join((host, *path))
    read_as = f" (read as `{shown}`)" if shown != repository else ""
    span = image.span
    registry = image.registry
    written = image.written or image.text
    if (
        registry is not None
        and written.startswith(registry)
        and image.span.line == image.span.end_line
    ):
        span = sub_span(image.span, 0, len(registry))
    yield Finding(
        span,
        f"image `{image.text}`{read_as} is not from a trusted registry: pull it from one "
        "listed in `trusted-registries`, or mirror it there",
        logical=image.logical,
    )
