"""IM001 image-tag-pinned."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.facets import ImageRef


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
        "kube-linter latest-tag",
        "kube-score container-image-tag",
        "polaris tagNotSpecified",
        "zizmor unpinned-images",
    ),
)
def image_tag_pinned(image: ImageRef) -> Iterator[Finding]:
    """Images carry an explicit tag that is not `latest`, or a digest.

    ## What it does
    Checks every container image reference, whichever file holds it: Dockerfile `FROM`,
    Compose `image`, Kubernetes containers, init and ephemeral containers, GitHub Actions
    `container`, `services` and `docker://` steps, GitLab `image` and `services`, CircleCI
    `docker` images. A reference passes when it has a digest (`@sha256:...`) or a tag other
    than `latest`. `FROM scratch` and `FROM <earlier stage>` are not images. Dockerfile
    `ARG` defaults are substituted first (`ARG TAG=1.2` then `FROM app:${TAG}` passes);
    a reference that still holds an unresolved variable or template expression is skipped,
    since its value is decided elsewhere.

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
    Safe, and only where `[tool.opslint.pins]` maps the image to a pinned reference:
    opslint never invents a version.

    ## References
    - https://docs.docker.com/build/building/best-practices/#pin-base-image-versions
    - https://kubernetes.io/docs/concepts/containers/images/#image-names
    """
    if image.dynamic or image.digest is not None:
        return
    tag = image.tag
    if tag is None:
        yield Finding(
            image.span,
            f"image `{image.text}` has no tag and floats to `latest`: pin a version or digest",
            logical=image.logical,
        )
    elif tag == "latest":
        yield Finding(
            image.tag_span() or image.span,
            f"image `{image.text}` uses the moving `latest` tag: pin a version or digest",
            logical=image.logical,
        )
