"""GH102 permissions."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Fix, Severity, rule
from opslint.edits.yaml import add_after
from opslint.model.ci import GithubJob, GithubWorkflow
from opslint.ruleapi.shell import located_commands
from opslint.views import SourceText

from ._workflow import action

_NEEDS_MORE = (
    # comment, label, assign, close or mark issues and pull requests
    "actions/labeler",
    "actions/stale",
    "actions/first-interaction",
    "actions/add-to-project",
    "actions/github-script",
    "peter-evans/",
    "pozil/auto-assign-issue",
    "kentaro-m/auto-assign-action",
    "marocchino/sticky-pull-request-comment",
    "thollander/actions-comment-pull-request",
    "mshick/add-pr-comment",
    # push commits, tags and releases
    "actions/create-release",
    "actions/upload-release-asset",
    "softprops/action-gh-release",
    "ncipollo/release-action",
    "release-drafter/release-drafter",
    "googleapis/release-please-action",
    "google-github-actions/release-please-action",
    "stefanzweifel/git-auto-commit-action",
    "ad-m/github-push-action",
    "endbug/add-and-commit",
    # dependency graph, code scanning, commit statuses, Pages, attestations
    "advanced-security/",
    "actions/dependency-submission",
    "gradle/actions/dependency-submission",
    "github/codeql-action/",
    "github/super-linter",
    "super-linter/super-linter",
    "actions/configure-pages",
    "actions/deploy-pages",
    "actions/attest",
    "slsa-framework/",
    # OpenID Connect tokens (id-token: write)
    "pypa/gh-action-pypi-publish",
    "hashicorp/vault-action",
)
"""Actions (by prefix, lower-cased) whose token needs more than `contents: read`."""

_STATIC_CREDENTIALS = {
    "azure/login": "creds",
    "google-github-actions/auth": "credentials_json",
    "aws-actions/configure-aws-credentials": "aws-access-key-id",
}
"""Cloud logins that use OpenID Connect (id-token: write) unless given this input."""

_GITHUB_HOSTED = ("ghcr.io", "pkg.github.com")
"""Registries whose pushes need `packages: write`."""


@rule(
    "GH102",
    "permissions",
    Severity.WARNING,
    fix="safe",
    tags=("security",),
    peers=("zizmor excessive-permissions", "checkov CKV2_GHA_1 (partial)"),
)
def permissions(workflow: GithubWorkflow, text: SourceText) -> Iterator[Finding]:
    """The workflow, or every job, declares `permissions`, and never `write-all`.

    ## What it does
    Reports each job that has no `permissions:` when the workflow has none either, at the
    job's key, and every `permissions: write-all` (workflow or job), at the value. A
    workflow-level `permissions:` covers the jobs that do not set their own. A reusable
    workflow whose only trigger is `workflow_call` runs with the token of the job that
    calls it, which can only be narrowed there, so its jobs need no `permissions` of their
    own: the calling job is the one judged.

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
    Safe, for jobs without `permissions`: writes a workflow-level block

    ```yaml
    permissions:
      contents: read
    ```

    right after the `on:` entry (after `name:` when there is no `on:`, else at the end of
    the file's top-level mapping), in the file's own indentation. No config is needed.
    Jobs that set their own `permissions` keep them. There is no edit when a job that
    would inherit the block shows that its token needs more: it calls a reusable
    workflow, uses an action that comments, labels, pushes, releases, uploads code
    scanning results, deploys Pages or requests an OpenID Connect token (a cloud login
    without static credentials), mentions `ghcr.io` or `pkg.github.com`, or runs `gh` or
    `git push`; the help line then names that job and step. A flow-style top-level mapping
    gets no edit either.

    `write-all` gets no edit: it is the author's explicit choice, and narrowing it to
    guessed scopes can break the workflow; list the scopes it needs by hand.

    ## Variants
    - A job with no `permissions` in a workflow with none (zizmor excessive-permissions,
      checkov CKV2_GHA_1 on the workflow): covered, at each job.
    - `permissions: write-all` on the workflow (checkov CKV2_GHA_1, zizmor): covered.
    - `permissions: write-all` on a job (zizmor): covered.
    - A reusable workflow call job (`jobs.<id>.uses`) with no `permissions` (zizmor):
      covered.
    - The jobs of a workflow triggered only by `workflow_call` (zizmor reports them only
      as pedantic): covered, as not reported: the caller's token bounds them.
    - `permissions: read-all` (zizmor, medium): not covered: it cannot write anything,
      and which reads a job needs is for its author to judge.
    - A single scope granted `write` at the workflow level rather than on the jobs that
      need it (zizmor): not covered: opslint cannot tell which jobs need the scope, and a
      workflow whose jobs all need it is correct as written.

    ## References
    - https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#permissions
    - https://docs.zizmor.sh/audits/#excessive-permissions
    """
    top = workflow.permissions
    fix, help = _workflow_permissions(workflow, text) if top is None else (None, None)
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
        elif own is None and top is None and workflow.triggers != ["workflow_call"]:
            yield Finding(
                job.span,
                f"job `{job.id}` sets no `permissions` and the workflow sets none, so the "
                "token gets the repository's default scopes: list the scopes it needs",
                fix=fix,
                logical=job.logical,
                help=help,
            )


def _workflow_permissions(
    workflow: GithubWorkflow, text: SourceText
) -> tuple[Fix | None, str | None]:
    """The edit adding `permissions: {contents: read}` to the workflow's top level, or
    why there is none (a help line)."""
    root = workflow.root
    if root is None or "permissions" in root:
        return None, None
    for job in workflow.github_jobs:
        if job.permissions is None:
            need = _needs_more(job)
            if need:
                return None, (
                    f"no automatic fix: job `{job.id}` {need}, which needs more than "
                    "`contents: read`"
                )
    lines = text.lines
    anchor = "on" if "on" in root.keys else "name"
    edit = add_after(root, anchor, {"permissions": {"contents": "read"}}, lines) if lines else None
    if edit is None:
        return None, None
    return Fix("add `permissions: contents: read` to the workflow", (edit,)), None


def _needs_more(job: GithubJob) -> str:
    """What in the job needs a token scope beyond `contents: read` (empty when nothing)."""
    if job.uses is not None:
        return f"calls the reusable workflow `{job.uses.target}`"
    for step in job.steps:
        name = action(step)
        if name.startswith(_NEEDS_MORE):
            return f"uses `{step.uses.target if step.uses else name}`"
        static = _STATIC_CREDENTIALS.get(name)
        if static is not None and not step.with_.get(static):
            return f"logs in with `{name}` through OpenID Connect"
        if any(host in value for value in step.with_.values() for host in _GITHUB_HOSTED):
            return f"uses `{name}` with a GitHub registry"
        if step.run is None:
            continue
        if any(host in step.run.text for host in _GITHUB_HOSTED):
            return "pushes to or logs in to a GitHub registry"
        for command in located_commands(step.run):
            if command.tool == "gh" or command.is_(("git", "push")):
                return f"runs `{command.text}`"
    return ""
