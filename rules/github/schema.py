"""GH111 schema."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from opslint import Finding, Severity, rule
from opslint.model.ci import GithubAction, GithubWorkflow, Pipeline
from opslint.model.yamltree import YNode
from opslint.ruleapi.schemas import PathPart, allowed_types, vendored_schema_findings
from opslint.views import Notes

_WHOLE_EXPRESSION = re.compile(r"\s*\$\{\{.*\}\}\s*", re.DOTALL)
_EXPRESSION_KEYS = frozenset(
    {"strategy", "env", "runs-on", "container", "services", "environment", "concurrency"}
    | {"with", "continue-on-error", "timeout-minutes", "credentials"}
)
_TEMPLATE_PLACEHOLDER = re.compile(r"\$[a-z]+(?:-[a-z]+)+")
"""A placeholder a workflow template's user has replaced (`$default-branch`,
`$codeql-languages-matrix`) by the time the workflow runs."""
"""Keys whose whole value, or any value below them, may be one `${{ ... }}` expression:
those GitHub's workflow parser gives an expression context (the definitions with a
`context` in actions/languageservices `workflow-parser/src/workflow-v1.0.json`)."""


def _below_job_ids(path: tuple[PathPart, ...]) -> tuple[PathPart, ...]:
    """`path` without the job id of `jobs.<id>...` (a job may be called `env`)."""
    return path[2:] if path[:1] == ("jobs",) else path


def _tolerated(path: tuple[PathPart, ...], error: Any, node: YNode) -> bool:
    """What GitHub accepts though the schema does not."""
    # `strategy` without `matrix` (just `max-parallel` or `fail-fast`) is a no-op, not an error
    if error.validator == "required" and path[-2:] == ("strategy", "matrix"):
        return True
    # `strategy: ${{ fromJSON(needs.plan.outputs.strategy) }}` stands for the whole value
    if (
        isinstance(error.instance, str)
        and _WHOLE_EXPRESSION.fullmatch(error.instance)
        and _EXPRESSION_KEYS.intersection(p for p in _below_job_ids(path) if isinstance(p, str))
    ):
        return True
    # `matrix: $codeql-languages-matrix` in a workflow template is filled in on use
    if isinstance(error.instance, str) and _TEMPLATE_PLACEHOLDER.fullmatch(error.instance):
        return True
    # an empty value (`cloud-account-id:`) is read as the empty string
    return error.instance is None and "a string" in allowed_types(error)


def _logical(path: tuple[PathPart, ...], action: bool) -> str:
    if action:
        if path[:1] == ("runs",):
            if len(path) >= 3 and path[1] == "steps" and isinstance(path[2], int):
                return f"runs/step:{path[2]}"
            return "runs"
        return "action"
    if len(path) >= 2 and path[0] == "jobs":
        job = f"job:{path[1]}"
        if len(path) >= 4 and path[2] == "steps" and isinstance(path[3], int):
            return f"{job}/step:{path[3]}"
        return job
    return "workflow"


@rule(
    "GH111",
    "schema",
    Severity.ERROR,
    tags=("github", "correctness"),
    peers=("actionlint syntax-check",),
)
def schema(pipeline: Pipeline, notes: Notes) -> Iterator[Finding]:
    """The workflow (or action metadata) validates against its GitHub JSON schema.

    ## What it does
    Validates each GitHub Actions workflow against the workflow JSON schema, and each
    `action.yml` against the action metadata schema, both as published on SchemaStore
    and vendored by the `check-jsonschema` package (install the `schemas` extra). Each
    error is reported once, at its node: an unknown key at the key (with the closest
    valid key as a hint), a wrong type or value at the value, a missing required key at
    the block that lacks it (the job's key). Where the schema allows several forms
    (`runs-on` as a string, a list or a mapping), the form the value comes closest to is
    the one reported.

    Where the schema is stricter than GitHub, GitHub wins: a `strategy` without a
    `matrix`, and an empty value where a string is expected (`with: {token: }`, read as
    the empty string), pass. Without the extra, the rule checks nothing and the run notes
    it once. Nothing is fetched from the network. GitHub expressions (`${{ ... }}`) are
    strings to the schema, which allows them where a number or boolean may be one. A
    value that is one whole expression also passes wherever GitHub's own workflow parser
    evaluates one in place of an object or a list (its definitions that carry an
    expression context): at or below `strategy` (`strategy: ${{ fromJSON(...) }}`, as the
    official `python` and `postgres` image repositories generate their matrix), `env`,
    `runs-on`, `container`, `services`, `environment`, `concurrency`, `with`,
    `continue-on-error`, `timeout-minutes` and `credentials`. Elsewhere (`steps`,
    `permissions`, `on`) it is still an error. A value that is one placeholder of a
    workflow template (`matrix: $codeql-languages-matrix`: a `$` and lower-case words
    joined by hyphens, like the documented `$default-branch`) passes too: GitHub replaces
    it when someone adds the workflow from the template.

    ## Why it matters
    GitHub rejects an invalid workflow only when it runs: a push that should have built
    and deployed ends with "Invalid workflow file" and nothing happens, and a misspelled
    optional key (`timeout-minute`) is not even rejected on some paths, it is just
    ignored, so the limit you meant to set never applies.

    ## Example
    ```yaml
    on:
      push:
        branches: [main]
    jobs:
      build:
        runs-on: ubuntu-24.04
        timeout-minute: 10
        steps:
          - uses: actions/checkout@v4
            wtih:
              fetch-depth: 0
    ```

    ## Use instead
    ```yaml
    on:
      push:
        branches: [main]
    jobs:
      build:
        runs-on: ubuntu-24.04
        timeout-minutes: 10
        steps:
          - uses: actions/checkout@v4
            with:
              fetch-depth: 0
    ```

    ## Fix
    None: the intended key or value is the author's to choose.

    ## Variants
    - Unknown keys (actionlint syntax-check): covered, with the closest valid key.
    - Workflow template placeholders (`$default-branch`) standing for a whole value: covered,
      as passing.
    - Missing required keys (`on`, `runs-on`; actionlint syntax-check): covered,
      at the block that lacks the key.
    - Duplicate keys (actionlint syntax-check): covered by OP003 (duplicate-key), which
      reports them in every YAML file opslint reads.
    - Empty mappings (`jobs.<id>:` or `steps:` with nothing; actionlint syntax-check):
      covered where the schema requires a value.
    - A value of the wrong shape, a list where a mapping goes (actionlint syntax-check):
      covered.
    - A step with both `run` and `uses` (actionlint syntax-check): covered, at the step.
    - Job or step IDs repeated in another letter case (actionlint's id check): not
      covered: it is not a schema matter; YAML keys that differ in case are distinct.
    - Expression syntax and types inside `${{ }}`, contexts, runner labels, cron
      expressions and webhook event types (actionlint's other checks): not covered: they
      are checks of their own, beyond the schema this rule applies.

    ## References
    - https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions
    - https://docs.github.com/en/actions/sharing-automations/creating-actions/metadata-syntax-for-github-actions
    - https://www.schemastore.org/github-workflow.json
    - https://github.com/python-jsonschema/check-jsonschema
    """
    if isinstance(pipeline, GithubWorkflow):
        name, action = "github-workflows", False
    elif isinstance(pipeline, GithubAction):
        name, action = "github-actions", True
    else:
        return
    yield from vendored_schema_findings(
        pipeline.root,
        pipeline.source.lines,
        name,
        ("GH111", "schema"),
        notes.messages,
        lambda path: _logical(path, action),
        _tolerated,
    )
