"""IM001 image-tag-pinned."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Anchor, Edit, Finding, Fix, Severity, rule
from opslint.indexes.build import BuildPlaceholders
from opslint.model.facets import ImageRef
from opslint.views import Defaults, SourceText

from ._images import is_image_reference, moving_tag

_UNFIXABLE_KINDS = frozenset({"helm-template", "helm-chart", "helm-values"})
"""Kinds whose images come from elsewhere (Helm values), so a pin is no edit here."""


@rule(
    "IM001",
    "image-tag-pinned",
    Severity.ERROR,
    fix="safe",
    tags=("security", "reproducibility"),
    security_severity=5.0,
    peers=(
        "hadolint DL3006",
        "hadolint DL3007",
        "checkov CKV_DOCKER_7",
        "checkov CKV_K8S_14",
        "checkov CKV_CIRCLECIPIPELINES_1 (partial)",
        "kube-linter latest-tag",
        "kube-score container-image-tag",
        "polaris tagNotSpecified",
        "dclint service-image-require-explicit-tag",
        "zizmor unpinned-images",
        "trivy DS-0001",
        "trivy KSV-0013",
    ),
)
def image_tag_pinned(
    image: ImageRef, text: SourceText, defaults: Defaults, build: BuildPlaceholders
) -> Iterator[Finding]:
    """Images carry a tag that names a version, or a digest.

    ## What it does
    Checks every container image reference, whichever file holds it: Dockerfile `FROM`,
    `COPY --from=<image>` and `RUN --mount=from=<image>` (a stage's name or index is no
    image), Compose `image`, Kubernetes containers, init and ephemeral containers, GitHub
    Actions `container`, `services` and `docker://` steps, GitLab `image` and `services`,
    CircleCI `docker` images. A reference passes when it has a digest (`@sha256:...`) or a tag that
    names a version. A missing tag, `latest`, and every tag without a digit move to
    whatever the publisher tags next and are reported at the tag: channels (`node:lts`,
    `nginx:stable`, `alpine:edge`, `debian:stable-slim`, `:beta`, `:nightly`) and
    variants with no version (`python:slim`, `redis:alpine`, `docker:cli`, `docker:dind`,
    `rust:bookworm`, the latest Rust on Debian 12). A Debian, Ubuntu or buildpack-deps
    code name (`debian:bookworm-slim`, `ubuntu:noble`) names a release of that
    distribution and passes; its digest is IM002's concern. `FROM scratch` and
    `FROM <earlier stage>` are not images. Dockerfile
    `ARG` defaults are substituted first (`ARG TAG=1.2` then `FROM app:${TAG}` passes);
    a reference that still holds an unresolved variable or template expression is skipped,
    since its value is decided elsewhere. It owns the references it reports: IM002 (no
    digest) steps back there.

    So is a placeholder a build tool replaces with the image it built before anything
    pulls it: an image a `skaffold.yaml` (`build.artifacts[].image`) or a `Tiltfile`
    (`docker_build('name', ...)`, `custom_build`) in the manifest's folder or above
    builds, in the Kubernetes manifests and Helm templates (and, for Tilt, Compose files)
    they deploy; a `ko://` reference, which ko builds and pins by digest; and an image a
    Kustomization that builds the manifest gives a `newTag` (not `latest`) or a `digest`
    in its `images:`. Names match as the tools match them, on the repository without the
    tag (see `opslint.indexes.build`).

    ## Why it matters
    An untagged image means `latest`, which moves: two builds or two nodes can run
    different software from the same config, rollbacks do not roll back, and a compromised
    upstream push lands without review.

    ## Example
    ```dockerfile
    FROM node:latest
    ```

    ## Use instead
    ```dockerfile
    FROM node:22.11-bookworm-slim
    ```

    ## Fix
    Safe, and only where `[tool.opslint.pins]` maps the reference as written
    (`"nginx:latest"`) or its name (`nginx`) to the pinned reference to use instead
    (`"nginx:1.27.3"`, or one with a digest): the reference's text is replaced by the
    pin, in every format, and nothing around it changes (quotes, `docker://`, the
    Dockerfile `AS` name). opslint never invents a version. A reference written with a
    variable (`FROM node:${VERSION}`) or spread over lines gets no edit, nor does an
    image a Helm chart renders from its values.

    ## Variants
    - `FROM` without a tag (hadolint DL3006, checkov CKV_DOCKER_7, trivy DS-0001) and
      with `latest` (hadolint DL3007, checkov CKV_DOCKER_7, trivy DS-0001): covered;
      `scratch`, earlier stages and `--platform` flags are handled as those peers do.
    - `ARG` defaults substituted into `FROM`, global and per stage (trivy DS-0001):
      covered; a reference with an unresolved variable is skipped, as in trivy.
    - a registry with a port and no tag (`localhost:5000/app`; kube-linter's
      `(.*/[^:]+)$`, trivy): covered: the port is not a tag.
    - images in `COPY --from=<image>` and `RUN --mount=from=<image>`, bind or cache
      mounts, also under `ONBUILD` (hadolint reads them for DL3026): covered.
    - Kubernetes containers and init containers of every workload kind (checkov
      CKV_K8S_14, kube-linter latest-tag, kube-score container-image-tag, polaris
      tagNotSpecified, trivy KSV-0013): covered, with ephemeral containers too.
    - a container without `image` (checkov CKV_K8S_14 fails it): not covered: a pod
      template may leave it to the controller or a tool that fills it in, and the API
      server rejects a pod without one.
    - moving tags other than `latest`: dclint's default list (`stable`, `edge`, `test`,
      `nightly`, `dev`, `beta`, `canary`, `lts`) and kube-linter's configurable block
      list: covered: every tag without a digit counts as moving; kube-linter's
      allow-list regexes are not offered.
    - Compose `image` (dclint service-image-require-explicit-tag): covered; with
      `build`, `image` names what the build produces and is skipped.
    - GitHub Actions `container` and `services` images (zizmor unpinned-images), and
      `docker://` steps: covered; zizmor also expands `${{ matrix.image }}` through the
      job's matrix, which is not covered: an expression is skipped.
    - CircleCI `docker` images ending in `:latest` (checkov CKV_CIRCLECIPIPELINES_1):
      covered, with untagged and other moving tags too.
    - a tag of different case (`LATEST`): covered: any tag without a digit moves.

    ## References
    - https://docs.docker.com/build/building/best-practices/#pin-base-image-versions
    - https://kubernetes.io/docs/concepts/containers/images/#image-names
    """
    if image.dynamic or image.digest is not None:
        return
    replacement = build.replacement(image)
    if replacement is not None and replacement.tag:
        return
    tag = image.tag
    if tag is None:
        message = f"image `{image.text}` has no tag and floats to `latest`: pin a version or digest"
        span = image.span
    elif moving_tag(image.repository, tag):
        message = f"image `{image.text}` uses the moving `{tag}` tag: pin a version or digest"
        span = image.tag_span() or image.span
    else:
        return
    fix, help_line = _fix(image, text, defaults)
    yield Finding(span, message, fix=fix, logical=image.logical, help=help_line)


def _fix(image: ImageRef, text: SourceText, defaults: Defaults) -> tuple[Fix | None, str | None]:
    """The edit writing the configured pin, or None and the help line saying why not."""
    source = text.source
    if source is not None and source.kind in _UNFIXABLE_KINDS:
        return None, None
    written = image.written or image.text
    span = image.span
    verbatim = written == image.text and span.line == span.end_line
    if not verbatim or span.end_column - span.column != len(written):
        return None, None
    pinned = defaults.pin(image.text, image.repository)
    if pinned is None:
        return None, (
            f"map `{image.repository}` to a pinned reference in [tool.opslint.pins] "
            "to let `opslint fix` write it"
        )
    pinned = pinned.strip()
    target = ImageRef(pinned, span, image.origin)
    settled = target.digest is not None or not moving_tag(target.repository, target.tag)
    if pinned == image.text or not is_image_reference(pinned) or not settled:
        return None, None
    return Fix(
        f"pin `{image.text}` to `{pinned}`", (Edit(span, pinned, Anchor(span, written)),)
    ), None
