"""GL101 production-manual."""

from __future__ import annotations

import re
from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.base import Span
from opslint.model.ci import GitlabPipeline

from ._jobs import job_lineage

_PRODUCTION = re.compile(r"^(production|prod)(/.*)?$", re.IGNORECASE)
_NOT_DEPLOYING = frozenset({"stop", "prepare", "verify", "access"})


def is_production(name: str) -> bool:
    """True for `production`, `prod` and environments below them (`production/eu`)."""
    return bool(_PRODUCTION.match(name.strip()))


@rule(
    "GL101",
    "production-manual",
    Severity.WARNING,
    fix="safe",
    tags=("delivery", "safety"),
)
def production_manual(pipeline: GitlabPipeline) -> Iterator[Finding]:
    """Jobs deploying to production run only when started by hand.

    ## What it does
    Reports a job whose `environment` (or `environment.name`) is `production` or `prod`
    (any case, also `production/<region>`) unless it has `when: manual` or a `rules:`
    entry with `when: manual`. `environment`, `when` and `rules` inherited through
    `extends:` from templates in the same file count. Hidden jobs (`.template`) are not
    reported themselves, and jobs that only stop, prepare, verify or access the
    environment (`environment.action`) are not deployments.

    ## Why it matters
    A production deploy that starts on its own ships whatever reached the branch, at any
    hour, without a person deciding it is time. A manual job keeps the pipeline fully
    automated up to the last step and leaves the release moment to a human (and to the
    protected environment's approvers).

    ## Example
    ```yaml
    deploy:
      stage: deploy
      environment: production
      script: ./deploy.sh
    ```

    ## Use instead
    ```yaml
    deploy:
      stage: deploy
      environment: production
      script: ./deploy.sh
      rules:
        - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
          when: manual
    ```

    ## Fix
    Safe: add `when: manual` to the job.

    ## References
    - https://docs.gitlab.com/ci/jobs/job_control/#create-a-job-that-must-be-run-manually
    - https://docs.gitlab.com/ci/environments/deployment_safety/
    """
    for job in pipeline.gitlab_jobs:
        if job.hidden:
            continue
        lineage = job_lineage(pipeline, job)
        environment = next((j for j in lineage if j.environment is not None), None)
        if environment is None or environment.environment is None:
            continue
        if not is_production(environment.environment):
            continue
        action = next((j.environment_action for j in lineage if j.environment_action), None)
        if action is not None and action.lower() in _NOT_DEPLOYING:
            continue
        when_job = next((j for j in lineage if j.when is not None), None)
        rules_job = next((j for j in lineage if j.rules), None)
        if rules_job is not None:
            if any(r.when == "manual" for r in rules_job.rules):
                continue
        elif when_job is not None and when_job.when == "manual":
            continue
        anchor: Span = job.span
        if when_job is job and job.when_span is not None and rules_job is None:
            anchor = job.when_span
        yield Finding(
            anchor,
            f"job `{job.id}` deploys to `{environment.environment}` without "
            "`when: manual`: a person should start production deploys",
            logical=job.logical,
        )
