"""GL101 production-manual."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from opslint import Edit, Finding, Fix, Severity, rule
from opslint.edits.yaml import Style, add_entries, document_style, is_block, replace_scalar
from opslint.model.base import Span
from opslint.model.ci import GitlabJob, GitlabPipeline
from opslint.model.yamltree import YMap, YScalar

from ._jobs import job_lineage

_PRODUCTION = re.compile(r"^(production|prod)(/.*)?$", re.IGNORECASE)
_NOT_DEPLOYING = frozenset({"stop", "prepare", "verify", "access"})


def is_production(name: str) -> bool:
    """True for `production`, `prod` and environments below them (`production/eu`)."""
    return bool(_PRODUCTION.match(name.strip()))


_RUNS = frozenset({"on_success"})
"""The `when` values a fix turns into `manual`: the default, written out. Others (`always`,
`on_failure`, `delayed` with its `start_in`) mean more than "start automatically"."""


def _when_edit(node: YMap, lines: Sequence[str], style: Style) -> Edit | None:
    """`when: manual` for a job or rule mapping: its `when` replaced, or a new last key."""
    when = node.get("when")
    if when is None:
        return add_entries(node, {"when": "manual"}, lines, style)
    if isinstance(when, YScalar) and when.value is not None and when.text.strip() in _RUNS:
        return replace_scalar(when, "manual", lines)
    return None


def _fix(job: GitlabJob, lineage: list[GitlabJob], pipeline: GitlabPipeline) -> Fix | None:
    """Make `job` manual, or None where no edit is safe.

    Without `rules`, the job's own `when` becomes (or is added as) `manual`; a job-level
    `when` overrides what a template sets, where that is `on_success` or unset. With
    `rules`, GitLab ignores a job-level `when`, so every rule entry that runs the job gets
    `when: manual`: all of them or none, since one manual entry would silence the finding
    while the others still deploy on their own. Rules inherited from a template are
    shared with other jobs and are not edited.
    """
    lines = pipeline.source.lines
    if not lines or not is_block(job.node, lines):
        return None
    style = document_style(pipeline)
    holder = next((j for j in lineage if "rules" in j.node), None)
    if holder is None:
        inherited = next((j.when for j in lineage if j.when is not None), None)
        if inherited is not None and inherited.strip() not in _RUNS:
            return None
        edit = _when_edit(job.node, lines, style)
        return Fix("add `when: manual`", (edit,)) if edit is not None else None
    rules = job.node.seq("rules")
    if holder is not job or rules is None or not is_block(rules, lines):
        return None
    edits: list[Edit] = []
    for entry in rules.items:
        if not isinstance(entry, YMap):
            return None  # a `!reference` or a malformed entry: its effect is unknown here
        when = entry.string("when")
        if when is not None and when.strip() == "never":
            continue
        edit = _when_edit(entry, lines, style)
        if edit is None:
            return None
        edits.append(edit)
    if not edits:
        return None
    return Fix("add `when: manual` to the rules that run the job", tuple(edits))


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
    (any case, also `production/<region>`), or whose `environment.deployment_tier` is
    `production` whatever its name, unless it has `when: manual` or a `rules:`
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
    Safe; no configuration needed. Without `rules:`, the job gets `when: manual`: its own
    `when: on_success` is replaced, else `when: manual` is added as its last key (it
    overrides a `when` from a template). With `rules:`, GitLab ignores a job-level
    `when`, so the edit goes into the rules: each entry that runs the job (no `when`, or
    `when: on_success`) gets `when: manual`; `when: never` entries stay as they are. That
    edit is all or nothing: no edit when one running entry cannot be made manual (a
    `!reference`, `when: always`, `when: delayed`), since a single manual entry would
    hide the others that still deploy on their own. No edit either for rules inherited
    from a template (other jobs share them), a `when` other than `on_success` on the job
    or inherited from its template, or a job written in flow style.

    A manual job without `rules` does not block the pipeline (`allow_failure` defaults
    to true for it), so later stages run without waiting for it; add
    `allow_failure: false` where they must wait for the deploy.

    ## Variants
    No peer (checkov's GitLab checks, trivy) checks production gates. The forms GitLab
    gives the concept:
    - `environment: production` and `environment: {name: production}`, any case, and
      `production/<region>`, `prod`: covered.
    - `environment.deployment_tier: production` under any name (GitLab's own mark of a
      production environment): covered.
    - `when: manual` on the job, or on a `rules:` entry: covered, as gated.
    - `environment`, `deployment_tier`, `when` and `rules` inherited through `extends`:
      covered.
    - `environment.action` of `stop`, `prepare`, `verify` or `access`: covered, as not
      a deployment.
    - Other names that may mean production (`live`, `prd`) without `deployment_tier`:
      not covered: a name read by its parts is a guess (`delivery` holds `live`), and
      `deployment_tier` is how a project says it.
    - Protected environments requiring approval, configured in GitLab's settings: not
      covered: they are not in the repository.

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
        tier = next((j.environment_tier for j in lineage if j.environment_tier), None)
        by_tier = tier is not None and tier.strip().lower() == "production"
        if not (by_tier or is_production(environment.environment)):
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
            f"job `{job.id}` deploys to `{environment.environment}`"
            f"{' (deployment tier production)' if by_tier else ''} without `when: manual`: "
            "a person should start production deploys",
            fix=_fix(job, lineage, pipeline),
            logical=job.logical,
        )
