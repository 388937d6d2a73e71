"""`opslint new pipeline`: a CI/CD pipeline for GitHub Actions, GitLab CI, Jenkins or CircleCI.

Every platform gets the same delivery path, laid out in its own syntax: lint and test
first, with the dependency cache; an opslint gate whose report lands where the platform
shows it; a security scan (trivy on the image, or the language's audit when no image is
built); the image built once, tagged with the commit SHA and pushed; a staging deploy,
then a production deploy gated by a person. Every job has a timeout and, on GitHub, only
the token scopes it needs.
"""

from __future__ import annotations

from dataclasses import dataclass

from opslint.detect import ProjectInfo
from opslint.generate import Artifact, generator

from ._pipeline_circleci import circleci_config
from ._pipeline_common import make_plan
from ._pipeline_github import workflow
from ._pipeline_gitlab import gitlab_ci
from ._pipeline_jenkins import jenkinsfile


@dataclass(frozen=True)
class PipelineOptions:
    """Which CI platform, and how the pipeline deploys."""

    platform: str = "github-actions"
    """github-actions, gitlab-ci, jenkins or circleci."""
    deploy: str = ""
    """helm, kubectl or none; default: helm when the project has a chart, else kubectl."""
    branch: str = "main"
    """The branch whose pushes build, push and deploy."""
    image: str = ""
    """Image repository to push to; default: ghcr.io/<owner>/<repo> on GitHub,
    $CI_REGISTRY_IMAGE on GitLab, $IMAGE_REPOSITORY from the CI settings elsewhere."""
    manifests: str = "deploy/kubernetes"
    """Folder of the manifests `kubectl apply` deploys (--deploy kubectl)."""
    timeout_minutes: int = 0
    """Timeout of every job; default: job-timeout-minutes in [tool.opslint.defaults], else 30."""
    runtime_version: str = ""
    """Language version of the jobs; default: the one the project asks for."""
    lint_command: str = ""
    """Lint command; default: the one detected (package.json, pyproject, Makefile)."""
    test_command: str = ""
    """Test command; default: the one detected."""


@generator("pipeline")
def pipeline(project: ProjectInfo, options: PipelineOptions) -> list[Artifact]:
    """A CI/CD pipeline: checks, opslint gate, scan, image, staging and gated production."""
    plan = make_plan(
        project,
        platform=options.platform,
        deploy=options.deploy,
        branch=options.branch,
        timeout_minutes=options.timeout_minutes,
        runtime_version=options.runtime_version,
        lint_command=options.lint_command,
        test_command=options.test_command,
        manifests=options.manifests,
        repository=options.image,
    )
    writers = {
        "github-actions": workflow,
        "gitlab-ci": gitlab_ci,
        "jenkins": jenkinsfile,
        "circleci": circleci_config,
    }
    path, text = writers[options.platform](plan)
    return [Artifact(path, text)]
