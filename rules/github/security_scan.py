"""GH107 security-scan."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.indexes.github import WorkflowFolders
from opslint.model.ci import GithubWorkflow, Step
from opslint.ruleapi.shell import located_commands

from ._workflow import action, expression_true, matching

_BUILD_COMMANDS: tuple[tuple[str, ...], ...] = (
    ("docker", "build"),
    ("docker", "buildx", "build"),
    ("docker", "buildx", "bake"),
    ("docker", "image", "build"),
    ("podman", "build"),
    ("podman", "image", "build"),
    ("nerdctl", "build"),
    ("buildah", "bud"),
    ("buildah", "build"),
    ("ko", "build"),
    ("ko", "publish"),
    ("ko", "resolve"),
    ("ko", "apply"),
    ("pack", "build"),
    ("skaffold", "build"),
    ("skaffold", "run"),
)
_BUILD_ACTIONS = (
    "docker/build-push-action",
    "docker/bake-action",
    "redhat-actions/buildah-build",
    "mr-smithers-excellent/docker-build-push",
    "elgohr/publish-docker-github-action",
)
_SCAN_COMMANDS: tuple[tuple[str, ...], ...] = (
    ("trivy",),
    ("grype",),
    ("snyk",),
    ("docker", "scout"),
    ("docker", "scan"),
    ("wizcli",),
    ("jf", "scan"),
    ("jf", "docker", "scan"),
    ("twistcli",),
    ("clair-scanner",),
    ("anchore-cli",),
)
_SCANNER_NAMES = (
    "trivy",
    "grype",
    "snyk",
    "scout",
    "anchore/scan-action",
    "sysdig",
    "prisma-cloud-scan",
    "container-scan",
    "image-scan",
    "acr-scan",
    "lw-scanner",
    "neuvector",
    "wizcli",
)


def _builds(step: Step) -> str | None:
    name = action(step)
    if name and name.startswith(_BUILD_ACTIONS) and step.uses is not None:
        return f"`{step.uses.target}`"
    if step.run is not None:
        for command in matching(step.run, _BUILD_COMMANDS):
            return f"`{command.text}`"
    return None


def _scans(workflow: GithubWorkflow) -> bool:
    for job in workflow.github_jobs:
        for step in job.steps:
            name = action(step)
            if name and "sbom" not in name and any(word in name for word in _SCANNER_NAMES):
                return True
            if "sbom" in name and expression_true(step.with_.get("dependency-snapshot")):
                return True  # GitHub's dependency graph alerts on the submitted packages
            if step.run is not None and any(
                command.is_(pattern)
                for command in located_commands(step.run)
                for pattern in _SCAN_COMMANDS
            ):
                return True
    return False


@rule("GH107", "security-scan", Severity.INFO, tags=("github", "security", "supply-chain"))
def security_scan(workflow: GithubWorkflow, folders: WorkflowFolders) -> Iterator[Finding]:
    """A workflow that builds container images also scans them for vulnerabilities.

    ## What it does
    Finds the first step that builds a container image (`docker build`,
    `docker buildx build`, `podman build`, `nerdctl build`, `buildah bud`, `ko build`,
    `pack build`, `skaffold build`/`run`, `docker/build-push-action`, `docker/bake-action`,
    `redhat-actions/buildah-build`) and reports it, once per workflow, when no step of the
    workflow, nor of another workflow in the same `.github/workflows` folder, runs an image
    scanner: `trivy`, `grype`, `snyk`, `docker scout`, `wizcli`, `jf scan`, or an action
    such as `aquasecurity/trivy-action`, `anchore/scan-action`, `docker/scout-action`,
    `snyk/actions/docker`, `sysdiglabs/scan-action`. CodeQL does not count: it analyses the
    repository's source code and never sees the packages of the base image, which is where
    most image vulnerabilities come from. SBOM generators (`anchore/sbom-action`) list
    packages without judging them and count only when they submit the image's packages to
    GitHub's dependency graph (`dependency-snapshot: true`), which then raises Dependabot
    alerts for them.

    ## Why it matters
    An image ships its base image's operating system packages and every library the
    build pulls in. Without a scan in the pipeline, known vulnerabilities (often with
    fixed versions available) reach the registry and production unnoticed; a scan step
    reports them, or fails the build above a severity, while the fix is one rebuild away.

    ## Example
    ```yaml
    steps:
      - uses: actions/checkout@v4
      - run: docker build -t ghcr.io/acme/web:${{ github.sha }} .
      - run: docker push ghcr.io/acme/web:${{ github.sha }}
    ```

    ## Use instead
    ```yaml
    steps:
      - uses: actions/checkout@v4
      - run: docker build -t ghcr.io/acme/web:${{ github.sha }} .
      - uses: aquasecurity/trivy-action@dc5a429b52fcf669ce959baa2c2dd26090d2a6c4 # 0.32.0
        with:
          image-ref: ghcr.io/acme/web:${{ github.sha }}
          exit-code: "1"
          severity: CRITICAL,HIGH
      - run: docker push ghcr.io/acme/web:${{ github.sha }}
    ```

    ## Fix
    None: the scanner and its failure threshold are the team's choice.

    ## Variants
    No peer checks for a scan; checkov's CKV_GHA_5 and CKV_GHA_6 (an image build with no
    `cosign` signature or SBOM attestation) recognise image builds, and their spellings
    are this rule's too:
    - `docker build`, `podman build`, `buildah bud` and `buildah build`, `ko build`
      (checkov): covered.
    - `podman image build` and `nerdctl build` (checkov): covered.
    - `docker/build-push-action` and `docker/bake-action` (checkov): covered.
    - A build anywhere in the workflow, not only in one job (checkov looks across the
      workflow's jobs too): covered, and a scan in a sibling workflow counts.

    ## References
    - https://github.com/aquasecurity/trivy-action
    - https://github.com/anchore/scan-action
    - https://docs.docker.com/scout/integrations/ci/gha/
    - https://docs.github.com/en/code-security/supply-chain-security/understanding-your-software-supply-chain/about-supply-chain-security
    """
    build: tuple[Step, str] | None = None
    for job in workflow.github_jobs:
        for step in job.steps:
            what = _builds(step)
            if what is not None:
                build = (step, what)
                break
        if build is not None:
            break
    if build is None or _scans(workflow):
        return
    if any(_scans(other) for other in folders.siblings(workflow)):
        return
    step, what = build
    yield Finding(
        step.span,
        f"this step builds an image ({what}) but no workflow scans images: scan it before it ships",
        logical=step.logical,
        help="a scan in any workflow counts: trivy, grype, snyk, docker scout or a scan action",
    )
