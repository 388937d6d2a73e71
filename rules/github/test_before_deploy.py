"""GH106 test-before-deploy."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.ci import GithubJob, GithubWorkflow

from ._workflow import PAGES_ACTIONS, deploy_steps, is_test_job, mentions_deploy, test_steps


def _ancestors(job: GithubJob, by_id: dict[str, GithubJob]) -> list[GithubJob]:
    """The jobs `job` needs, directly or transitively."""
    seen: dict[str, GithubJob] = {}
    pending = list(job.needs)
    while pending:
        name = pending.pop()
        other = by_id.get(name)
        if other is None or name in seen or other is job:
            continue
        seen[name] = other
        pending.extend(other.needs)
    return list(seen.values())


def _checks_conclusion(jobs: list[GithubJob]) -> bool:
    return any("workflow_run.conclusion" in (job.if_condition or "") for job in jobs)


@rule(
    "GH106",
    "test-before-deploy",
    Severity.WARNING,
    tags=("github", "delivery"),
)
def test_before_deploy(workflow: GithubWorkflow) -> Iterator[Finding]:
    """Deploy and publish jobs `need` a job that tests or lints the code.

    ## What it does
    Finds the jobs that deploy (the commands and actions GH103 knows, or `deploy` in the
    job's id or name) or publish packages and images (`docker push`, a pushing
    `docker/build-push-action`, `npm publish`, `twine upload`,
    `pypa/gh-action-pypi-publish`, `mvn deploy`, `gradle publish`, `cargo publish`,
    `gem push`, ...), and reports one at its key unless it is gated:
    - it `needs` (directly or through other jobs) a job whose id or name says it tests,
      lints, checks, verifies or validates, or whose steps run tests or linters
      (`npm test`, `pytest`, `go test`, `mvn verify`/`package`, `gradle build`/`check`,
      `golangci-lint`, `helm lint`, `terraform validate`, `terraform fmt -check`,
      `tflint`, a lint or test action, ...);
    - or the job itself runs such a step before its first deploying step;
    - or the workflow is triggered by `workflow_run` and the job (or a job it needs)
      checks `github.event.workflow_run.conclusion` in its `if:`, so that it runs only
      after the triggering CI workflow succeeded. Without that check the job also runs
      after a failed CI run, and is reported.

    A job that needs (directly or not) a job this rule reports is not reported as well:
    gating that earlier job (a build that pushes the image the deploy job ships) gates
    every job after it, so a pipeline without tests is one finding, at its first
    deploying or publishing job.

    A job that starts a throwaway cluster on the runner (`kind create cluster`,
    `helm/kind-action`, `minikube start`, `k3d cluster create`, ...) and applies
    manifests to it runs an end-to-end test, not a deployment: its `kubectl`, `helm`,
    `oc` and `skaffold` commands after the cluster starts do not count (GH103 reads
    them the same way).

    `terraform plan` is not a check: it previews the change and fails on nothing that
    `terraform apply` would not fail on itself, so a job that only plans before it applies
    is reported (add `terraform validate`, `terraform fmt -check` or `tflint`, or a test
    job it needs).

    Workflows callable with `workflow_call` are skipped: the caller gates them with
    `needs`. Publishing a GitHub Pages site with `actions/deploy-pages` is not checked:
    the site's build job is the gate that matters there.

    ## Why it matters
    A deploy that does not wait for the tests ships whatever was pushed, including the
    commit that breaks the build; the failing test run then reports the problem after
    production has it. Running lint and tests first also fails fast, before the slow and
    costly deploy steps start.

    ## Example
    ```yaml
    jobs:
      test:
        runs-on: ubuntu-24.04
        steps:
          - run: make test
      deploy:
        runs-on: ubuntu-24.04
        environment: production
        steps:
          - run: helm upgrade --install web ./chart
    ```

    ## Use instead
    ```yaml
    jobs:
      test:
        runs-on: ubuntu-24.04
        steps:
          - run: make test
      deploy:
        needs: test
        runs-on: ubuntu-24.04
        environment: production
        steps:
          - run: helm upgrade --install web ./chart
    ```

    ## Fix
    None: which job gates a deploy is the team's decision.

    ## Variants
    No peer checks test gates. The forms a gate takes:
    - `needs` on a test, lint or check job, directly or through other jobs: covered.
    - Test steps before the first deploying step of the same job: covered, Terraform's
      own checks (`terraform validate`, `terraform fmt -check`, `tflint`) included;
      `terraform plan` alone: reported, as it tests nothing `apply` does not.
    - `workflow_run` with `github.event.workflow_run.conclusion` checked in `if:`: covered.
    - Reusable workflows (`workflow_call`): covered, as skipped; the caller gates them.
    - Required status checks or environment reviewers configured on GitHub: not covered:
      they are not in the repository.

    ## References
    - https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#jobsjob_idneeds
    - https://docs.github.com/en/actions/writing-workflows/choosing-when-your-workflow-runs/events-that-trigger-workflows#workflow_run
    """
    if "workflow_call" in workflow.triggers:
        return
    jobs = workflow.github_jobs
    by_id = {job.id: job for job in jobs}
    ungated = {job.id: finding for job in jobs if (finding := _ungated(job, workflow, by_id))}
    for job in jobs:
        if job.id in ungated and not any(a.id in ungated for a in _ancestors(job, by_id)):
            yield ungated[job.id]


def _ungated(
    job: GithubJob, workflow: GithubWorkflow, by_id: dict[str, GithubJob]
) -> Finding | None:
    """The finding for `job` when it deploys or publishes with no test before it."""
    evidence = list(deploy_steps(job.steps, publish=True))
    pages = [
        e
        for e in evidence
        if e.step.uses is not None and e.step.uses.target.lower().startswith(PAGES_ACTIONS)
    ]
    if evidence and len(pages) == len(evidence):
        return None
    if not evidence and not mentions_deploy(job):
        return None
    ancestors = _ancestors(job, by_id)
    if any(is_test_job(other) for other in ancestors):
        return None
    first = min((e.step.index for e in evidence), default=len(job.steps))
    if any(step.index < first for step in test_steps(job.steps)):
        return None
    what = f"runs {evidence[0].what}" if evidence else "is named as a deployment"
    if "workflow_run" in workflow.triggers:
        if _checks_conclusion([job, *ancestors]):
            return None
        return Finding(
            job.span,
            f"job `{job.id}` {what} even when the triggering `workflow_run` failed: "
            "check `github.event.workflow_run.conclusion == 'success'` in its `if:`",
            logical=job.logical,
        )
    return Finding(
        job.span,
        f"job `{job.id}` {what} without waiting for tests: add `needs: <test job>`",
        logical=job.logical,
    )
