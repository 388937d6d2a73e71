"""GH104 job-timeout."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Fix, Severity, rule
from opslint.defaults import missing
from opslint.edits.yaml import add_after
from opslint.model.ci import GithubJob, Step
from opslint.model.yamltree import YMap
from opslint.ruleapi.shell import commands, programs
from opslint.views import Defaults, SourceText

from ._workflow import action

_KEY = "job-timeout-minutes"

SELF_BOUNDED_ACTIONS = frozenset({"actions/deploy-pages"})
"""Actions that end themselves after a bounded time whatever their inputs say:
`actions/deploy-pages` cancels its deployment and fails once its `timeout` input
(default and ceiling 600000 ms, 10 minutes: `MAX_TIMEOUT` in its src/internal/deployment.js)
has passed."""


INSTANT_BUILTINS = frozenset({"exit", "echo", "printf", "true", "false", ":"})
"""Shell builtins that return at once: a script of nothing else cannot hang."""


def _bounded(step: Step) -> bool:
    """True when a step cannot hang: it sets `timeout-minutes`, uses a self-bounded
    action, or runs only builtins that return at once (`exit 1`)."""
    if isinstance(step.node, YMap) and "timeout-minutes" in step.node:
        return True
    if step.uses is None and step.run is not None:
        ran = [programs(words) for words in commands(step.run.text)]
        return all(names and names[-1].text in INSTANT_BUILTINS for names in ran)
    return action(step) in SELF_BOUNDED_ACTIONS


@rule(
    "GH104",
    "job-timeout",
    Severity.INFO,
    fix="safe",
    defaults={"job-timeout-minutes": "GitHub Actions timeout-minutes for jobs, e.g. 30"},
    tags=("github", "reliability"),
)
def job_timeout(job: GithubJob, text: SourceText, defaults: Defaults) -> Iterator[Finding]:
    """Jobs set `timeout-minutes`.

    ## What it does
    Reports, at the job's key, a job without `timeout-minutes:`. A job whose every step
    sets its own `timeout-minutes`, or uses an action that bounds its own run time, is
    bounded already and is not reported. The one such action known is
    `actions/deploy-pages`, which cancels the deployment and fails after its `timeout`
    input (10 minutes by default, and at most: larger values are capped). So is a job
    whose steps only run shell builtins that return at once (`exit 1`, `echo`, `true`),
    such as the summary job a branch protection rule waits for. Jobs that call
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
    Safe, with `job-timeout-minutes` set in `[tool.opslint.defaults]` (a whole number of
    minutes; opslint has no default of its own): writes `timeout-minutes: <value>` in the
    job's mapping right after its `runs-on:` entry (as the job's last key when it has no
    `runs-on:`), in the job's indentation. Choose a generous bound the team then tunes per
    job. Without the setting, or for a job written as a flow mapping, there is no edit and
    the help line names the setting.

    ## Variants
    No peer (zizmor, actionlint, checkov) checks job timeouts; the forms GitHub accepts:
    - `timeout-minutes` on the job, as a number or an expression: covered.
    - `timeout-minutes` on every step instead: covered, as bounded.
    - Steps that use an action bounding itself (`actions/deploy-pages`, 10 minutes at
      most): covered, as bounded; other actions: not covered, as a `timeout` input an
      action merely offers bounds nothing until it is set, and its inputs are not read.
    - Steps that run only `exit`, `echo`, `printf`, `true`, `false` or `:`: covered, as
      bounded.
    - A reusable workflow call (`jobs.<id>.uses`), which takes no `timeout-minutes`:
      covered, as skipped; the called workflow's jobs are judged.

    ## References
    - https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#jobsjob_idtimeout-minutes
    - https://docs.github.com/en/actions/administering-github-actions/usage-limits-billing-and-administration#usage-limits
    - https://github.com/actions/deploy-pages/blob/main/action.yml
    """
    if job.uses is not None or "timeout-minutes" in job.node:
        return
    if job.steps and all(_bounded(step) for step in job.steps):
        return
    minutes = _minutes(defaults.get(_KEY))
    message = (
        f"job `{job.id}` sets no `timeout-minutes`, so a hung step holds the runner for up "
        "to 6 hours: set one"
    )
    fix = None
    help_line = None
    if minutes is None:
        help_line = missing(_KEY)
    else:
        lines = text.lines
        edit = (
            add_after(
                job.node,
                "runs-on",
                {"timeout-minutes": minutes},
                lines,
                text.style,
            )
            if lines
            else None
        )
        fix = Fix(f"add `timeout-minutes: {minutes}`", (edit,)) if edit else None
    yield Finding(job.span, message, fix=fix, logical=job.logical, help=help_line)


def _minutes(value: object) -> int | None:
    """The configured timeout as a positive whole number of minutes, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    return value if isinstance(value, int) and value > 0 else None
