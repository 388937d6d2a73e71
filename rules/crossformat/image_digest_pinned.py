"""IM002 image-digest-pinned."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.indexes.build import BuildPlaceholders
from opslint.model.facets import ImageRef

from ._images import is_image_reference


@rule(
    "IM002",
    "image-digest-pinned",
    Severity.INFO,
    default_enabled=False,
    tags=("security", "reproducibility", "supply-chain"),
    peers=(
        "checkov CKV_K8S_43",
        "checkov CKV_CIRCLECIPIPELINES_2",
        "zizmor unpinned-images (partial)",
    ),
    yields_to=("IM001",),
)
def image_digest_pinned(image: ImageRef, build: BuildPlaceholders) -> Iterator[Finding]:
    """Images are pinned by digest (`@sha256:...`), not by a tag alone.

    ## What it does
    Checks every container image reference, whichever file holds it: Dockerfile `FROM`,
    `COPY --from=<image>` and `RUN --mount=from=<image>` (a stage's name or index is no
    image), Compose `image`, Kubernetes containers, init and ephemeral containers (also
    when rendered from a Helm chart), GitHub Actions `container`, `services` and
    `docker://` steps, GitLab `image` and `services`, CircleCI `docker` images. A
    reference passes when it ends in a digest (`@sha256:<hex>`; `name:tag@sha256:<hex>`
    passes too, since the digest wins). A tagged reference is reported at its tag, an
    untagged one at the whole reference. As for IM001, `FROM scratch` and
    `FROM <earlier stage>` are not images, Dockerfile `ARG` defaults are substituted
    first, and a reference that still holds an unresolved variable or template expression
    is skipped: its value is decided elsewhere. So is a documentation placeholder such as
    `<your-image>`, which is no reference, and, as for IM001, a placeholder a build tool
    replaces with what it built (skaffold, Tilt and ko write a digest; a Kustomization only
    when its `images:` entry sets `digest`).

    Steps back where IM001 reports the same reference (no tag, or a tag that moves): the
    reference floats, which is IM001's problem, and a pin with a digest answers both.
    With IM001 not enabled, this rule reports it.

    The rule is off by default: digests make every base-image update an explicit edit,
    which teams without automated update tooling (Renovate, Dependabot) find costly.

    ## Why it matters
    A tag is a pointer the registry owner can move: `python:3.12.4` is rebuilt for OS
    patches, and a compromised or mistaken push replaces what every later pull receives.
    A digest names the exact image content, so builds and deployments are reproducible and
    what was reviewed or scanned is what runs.

    ## Example
    ```yaml
    containers:
      - name: web
        image: nginx:1.27.2
    ```

    ## Use instead
    ```yaml
    containers:
      - name: web
        image: nginx:1.27.2@sha256:2140dad235c130ac861018a4e13a6bc8aea3a35f3a40e20c1b060d51a7efd250
    ```

    ## Fix
    None: the digest has to come from the registry, which opslint does not contact.

    ## Variants
    - Kubernetes containers without `@` in `image` (checkov CKV_K8S_43): covered, for
      init and ephemeral containers too; a container without `image` is not reported
      (checkov fails it): the API server rejects such a pod, and a template may leave it
      to a tool.
    - CircleCI `docker` images without a digest (checkov CKV_CIRCLECIPIPELINES_2):
      covered; a `latest` image, which checkov leaves to CKV_CIRCLECIPIPELINES_1, steps
      back to IM001 here.
    - GitHub Actions `container`, `services` and `docker://` images pinned by tag only
      (zizmor unpinned-images, pedantic persona): covered; zizmor's expansion of
      `${{ matrix.image }}` through the matrix is not: expressions are skipped.
    - `name:tag@sha256:...` (checkov, zizmor: the digest wins): covered, it passes.
    - Dockerfile and Compose images: covered; the peers check digests only in
      Kubernetes, CircleCI and GitHub Actions.

    ## References
    - https://docs.docker.com/reference/cli/docker/image/pull/#pull-an-image-by-digest-immutable-identifier
    - https://kubernetes.io/docs/concepts/containers/images/#image-names
    - https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests
    """
    if image.dynamic or image.digest is not None or not is_image_reference(image.text):
        return
    replacement = build.replacement(image)
    if replacement is not None and replacement.digest:
        return
    tag_span = image.tag_span()
    if image.tag is not None:
        message = f"image `{image.text}` is pinned by tag only: append its `@sha256:` digest"
    else:
        message = f"image `{image.text}` has no digest: pin it as `name:tag@sha256:...`"
    yield Finding(tag_span or image.span, message, logical=image.logical)
