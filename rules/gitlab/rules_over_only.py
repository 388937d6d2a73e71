"""GL102 rules-over-only."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.ci import GitlabPipeline

_KEYWORDS = ("only", "except")


@rule("GL102", "rules-over-only", Severity.INFO, tags=("gitlab", "maintainability"))
def rules_over_only(pipeline: GitlabPipeline) -> Iterator[Finding]:
    """Jobs choose when they run with `rules`, not the legacy `only` and `except`.

    ## What it does
    Reports every `only:` and `except:` keyword of a job, at the keyword. Hidden jobs
    (`.template`) are checked too, since the keyword is written there and every job that
    extends the template inherits it. A keyword that several jobs receive from one YAML
    anchor (`<<: *defaults`) is reported once, where it is written. `only` and `except`
    are not keywords of `default:`, so nothing is looked for there.

    ## Why it matters
    GitLab no longer develops `only` and `except`: new conditions (changes compared with
    a branch, variables combined with `exists`, per-rule `when`, `allow_failure` and
    `variables`) exist only in `rules`, and a job cannot use both. `rules` are read top
    to bottom with the first match deciding, which makes a job's behaviour on merge
    requests, tags and schedules explicit instead of implied by ref names.

    ## Example
    ```yaml
    test:
      script: make test
      only:
        - main
        - merge_requests
    ```

    ## Use instead
    ```yaml
    test:
      script: make test
      rules:
        - if: $CI_COMMIT_BRANCH == "main"
        - if: $CI_PIPELINE_SOURCE == "merge_request_event"
    ```

    ## Fix
    None: `only`/`except` and `rules` differ in subtle ways (merge request pipelines,
    `when` defaults), so the rewrite is left to the author.

    ## Variants
    No peer reports `only`/`except`; checkov's CKV_GITLABCI_2 judges `rules:` entries
    that start a branch pipeline and a merge request pipeline for one push, a problem of
    rules once written, which this rule does not check. The forms GitLab accepts:
    - `only` and `except` as a list of refs (`except: [tags]`): covered.
    - Their mapping forms, `refs`, `variables`, `changes` and `kubernetes`: covered.
    - In a hidden job (`.template`) that jobs extend: covered, once, at the template.
    - Received through a YAML anchor (`<<: *defaults`): covered, once, where written.

    ## References
    - https://docs.gitlab.com/ci/yaml/#only--except
    - https://docs.gitlab.com/ci/jobs/job_rules/
    """
    seen: set[tuple[int, int]] = set()
    for job in pipeline.gitlab_jobs:
        for keyword in _KEYWORDS:
            if keyword not in job.node:
                continue
            span = job.node.key_span(keyword)
            if (span.line, span.column) in seen:
                continue
            seen.add((span.line, span.column))
            what = "template" if job.hidden else "job"
            yield Finding(
                span,
                f"{what} `{job.id}` uses `{keyword}`, which GitLab no longer develops: "
                "write the conditions as `rules:` entries",
                logical=job.logical,
            )
