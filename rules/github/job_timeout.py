"""GH104 job-timeout."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.ci import GithubJob
from opslint.model.yamltree import YMap


@rule("GH104", "job-timeout", Severity.INFO, fix="safe", tags=("github", "reliability"))
def job_timeout(job: GithubJob) -> Iterator[Finding]:
    """Jobs set `timeout-minutes`.

    ## What it does
    Reports, at the job's key, a job without `timeout-minutes:`. A job whose every step
    sets its own `timeout-minutes` is bounded already and is not reported. Jobs that call
    a reusable workflow (`jobs.<id>.uses`) cannot set a timeout and are skipped: the
    called workflow's jobs are checked.

    ## Why it matters
    Without a timeout a job runs for up to 6 hours on GitHub-hosted runners (and longer
    on self-hosted ones) when a test hangs, a deploy waits on a rollout that never
    finishes or a tool prompts for input. That blocks the concurrency group, holds a
    runner and burns paid minutes before anyone notices.

    ## Example
    ```yaml
    jobs:
      test:
        runs-on: ubuntu-24.04
        steps:
          - run: make test
    ```

    ## Use instead
    ```yaml
    jobs:
      test:
        runs-on: ubuntu-24.04
        timeout-minutes: 15
        steps:
          - run: make test
    ```

    ## Fix
    Safe: add `timeout-minutes:` to the job, with a generous bound the team then tunes.

    ## References
    - https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#jobsjob_idtimeout-minutes
    - https://docs.github.com/en/actions/administering-github-actions/usage-limits-billing-and-administration#usage-limits
    """
    if job.uses is not None or "timeout-minutes" in job.node:
        return
    if job.steps and all(
        isinstance(step.node, YMap) and "timeout-minutes" in step.node for step in job.steps
    ):
        return
    yield Finding(
        job.span,
        f"job `{job.id}` sets no `timeout-minutes`: a hung step holds the runner for up to "
        "6 hours; bound it",
        logical=job.logical,
    )
