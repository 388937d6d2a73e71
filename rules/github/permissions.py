"""GH102 permissions."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.ci import GithubWorkflow


@rule(
    "GH102",
    "permissions",
    Severity.WARNING,
    fix="safe",
    tags=("security",),
    peers=("zizmor excessive-permissions", "checkov CKV2_GHA_1 (partial)"),
)
def permissions(workflow: GithubWorkflow) -> Iterator[Finding]:
    """The workflow, or every job, declares `permissions`, and never `write-all`.

    ## What it does
    Reports each job that has no `permissions:` when the workflow has none either, at the
    job's key, and every `permissions: write-all` (workflow or job), at the value. A
    workflow-level `permissions:` covers the jobs that do not set their own.

    ## Why it matters
    Without `permissions` the job's `GITHUB_TOKEN` gets the repository's default scopes,
    which on many repositories (and all older ones) is read and write on contents,
    packages, pull requests and more. A compromised step or dependency then can push code
    or publish releases. Declaring the scopes each job needs limits the damage.

    ## Example
    ```yaml
    on: push
    jobs:
      test:
        runs-on: ubuntu-24.04
        steps:
          - run: make test
    ```

    ## Use instead
    ```yaml
    on: push
    permissions:
      contents: read
    jobs:
      test:
        runs-on: ubuntu-24.04
        steps:
          - run: make test
    ```

    ## Fix
    Safe: add `permissions: {contents: read}` at the workflow level and widen per job where
    a step needs more.

    ## References
    - https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#permissions
    - https://docs.zizmor.sh/audits/#excessive-permissions
    """
    top = workflow.permissions
    if top is not None and top.write_all:
        yield Finding(
            top.span,
            "`permissions: write-all` grants every scope to the token: list the scopes "
            "the jobs need",
            logical="workflow",
        )
    for job in workflow.github_jobs:
        own = job.permissions
        if own is not None and own.write_all:
            yield Finding(
                own.span,
                f"job `{job.id}` grants `write-all` to the token: list the scopes it needs",
                logical=job.logical,
            )
        elif own is None and top is None:
            yield Finding(
                job.span,
                f"job `{job.id}` sets no `permissions` and the workflow sets none: the token "
                "gets the repository's default scopes",
                logical=job.logical,
            )
