"""GH109 dangerous-trigger."""

from __future__ import annotations

import re
from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.base import Span
from opslint.model.ci import GithubJob, GithubWorkflow, Step
from opslint.model.yamltree import YMap, YScalar, text_span
from opslint.ruleapi.shell import located_commands

from ._workflow import action, step_input

_PRIVILEGED = ("pull_request_target", "workflow_run")
_HEAD = re.compile(
    r"github\.event\.pull_request\.head\.(sha|ref)|github\.head_ref|github_head_ref"
    r"|refs/pull/|\bpull/|github\.event\.pull_request\.merge_commit_sha"
    r"|github\.event\.workflow_run\.head_(sha|branch|commit)"
    r"|github\.event\.workflow_run\.pull_requests",
    re.IGNORECASE,
)
_HEAD_REPOSITORY = re.compile(
    r"github\.event\.pull_request\.head\.repo|github\.event\.workflow_run\.head_repository",
    re.IGNORECASE,
)
_SAME_REPOSITORY = re.compile(
    r"head(\.repo|_repository)\.full_name\s*==\s*github\.repository\b"
    r"|github\.repository\s*==\s*github\.event\.(pull_request\.head\.repo|workflow_run\.head_repository)\.full_name"
    r"|head\.repo\.fork\s*==\s*false|!\s*github\.event\.pull_request\.head\.repo\.fork\b",
)
_GIT_CHECKOUTS = (("git", "checkout"), ("git", "switch"), ("git", "fetch"), ("git", "pull"))


def _scalar(step: Step, key: str) -> YScalar | None:
    node = step_input(step, key)
    return node if isinstance(node, YScalar) and node.value is not None else None


def _checkouts(step: Step) -> Iterator[tuple[Span, str]]:
    """Where the step checks out the pull request's code, and how it names it."""
    if action(step) == "actions/checkout":
        ref = _scalar(step, "ref")
        repository = _scalar(step, "repository")
        if ref is not None and _HEAD.search(ref.text):
            yield text_span(ref), ref.text.strip()
        elif repository is not None and _HEAD_REPOSITORY.search(repository.text):
            yield text_span(repository), repository.text.strip()
    if step.run is not None:
        for command in located_commands(step.run):
            if command.is_(("gh", "pr", "checkout")) or (
                any(command.is_(pattern) for pattern in _GIT_CHECKOUTS)
                and any(_HEAD.search(text) for text in command.arguments)
            ):
                yield command.span, command.text


def _guarded(job: GithubJob, step: Step) -> bool:
    step_if = step.node.string("if") if isinstance(step.node, YMap) else None
    return any(_SAME_REPOSITORY.search(text or "") for text in (job.if_condition, step_if))


@rule(
    "GH109",
    "dangerous-trigger",
    Severity.ERROR,
    tags=("github", "security"),
    security_severity=9.0,
    peers=("zizmor dangerous-triggers (partial)",),
)
def dangerous_trigger(workflow: GithubWorkflow) -> Iterator[Finding]:
    """`pull_request_target` and `workflow_run` workflows never check out the pull request's code.

    ## What it does
    In a workflow triggered by `pull_request_target` or `workflow_run`, reports:
    - an `actions/checkout` whose `ref` names the pull request's head
      (`github.event.pull_request.head.sha`/`.head.ref`, `github.head_ref`,
      `refs/pull/...`, `github.event.workflow_run.head_sha`/`head_branch`), at the `ref`
      value, or whose `repository` is the head repository (the fork), at that value;
    - a `gh pr checkout` command, or a `git checkout`/`switch`/`fetch`/`pull` of such a
      ref, at the command.

    A job or step whose `if:` admits only pull requests from the same repository
    (`github.event.pull_request.head.repo.full_name == github.repository`, or
    `head.repo.fork == false`) is not reported: forks cannot reach it. A job with an
    `environment` (which can require a reviewer's approval before it runs) is reported
    as a warning rather than an error, since the approval is a gate opslint cannot see.

    ## Why it matters
    Both triggers run in the context of the base repository: with its secrets, a token
    that can write, and access to the caches of the default branch, even for a pull
    request from a fork. Checking out the pull request's code there and then building,
    testing or even installing it (package scripts, Makefiles, test hooks) runs code any
    outsider can write with those privileges: the "pwn request" pattern behind many
    supply-chain compromises.

    ## Example
    ```yaml
    on: pull_request_target
    jobs:
      test:
        runs-on: ubuntu-24.04
        steps:
          - uses: actions/checkout@v4
            with:
              ref: ${{ github.event.pull_request.head.sha }}
          - run: npm ci && npm test
    ```

    ## Use instead
    ```yaml
    on: pull_request
    jobs:
      test:
        runs-on: ubuntu-24.04
        permissions:
          contents: read
        steps:
          - uses: actions/checkout@v4
          - run: npm ci && npm test
    ```

    ## Fix
    None: move the untrusted work to a `pull_request` workflow and keep the privileged
    one to steps that never run the pull request's code (e.g. commenting on results
    passed as artifacts).

    ## Variants
    - `pull_request_target` (zizmor dangerous-triggers): covered, where a job checks out
      or fetches the pull request's code.
    - `workflow_run` (zizmor dangerous-triggers): covered, the same way.
    - Either trigger used at all, whatever its jobs do (zizmor, medium confidence): not
      covered: the trigger is safe while the pull request's code never runs, and the
      checkout that runs it is what a fix changes.
    - A workflow whose only job runs `actions/labeler` (zizmor's one exception): covered,
      as not reported, like any workflow that checks out no pull request code.
    - The head named by `ref` (`head.sha`, `head.ref`, `github.head_ref`, `refs/pull/...`,
      `merge_commit_sha`, `workflow_run.head_sha`/`head_branch`), the fork named by
      `repository`, `gh pr checkout`, `git checkout`/`switch`/`fetch`/`pull` of the head:
      covered.
    - Artifacts of the pull request's run downloaded by a `workflow_run` workflow and then
      executed: not covered: what the downloaded files hold is not in the workflow.

    ## References
    - https://securitylab.github.com/resources/github-actions-preventing-pwn-requests/
    - https://docs.github.com/en/actions/writing-workflows/choosing-when-your-workflow-runs/events-that-trigger-workflows#pull_request_target
    - https://docs.zizmor.sh/audits/#dangerous-triggers
    """
    triggers = [trigger for trigger in workflow.triggers if trigger in _PRIVILEGED]
    if not triggers:
        return
    trigger = triggers[0]
    for job in workflow.github_jobs:
        gated = "environment" in job.node
        for step in job.steps:
            if _guarded(job, step):
                continue
            for span, what in _checkouts(step):
                yield Finding(
                    span,
                    f"`{what}` checks out the pull request's code with `{trigger}`'s "
                    "secrets: move it to a `pull_request` workflow",
                    logical=step.logical,
                    help=(
                        f"`{trigger}` runs with the base repository's secrets and token, so "
                        "anyone who opens a pull request can run code here"
                    ),
                    level=Severity.WARNING if gated else None,
                )
