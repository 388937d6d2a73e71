"""GL104 schema."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from opslint import Finding, Severity, rule
from opslint.model.ci import GitlabPipeline
from opslint.model.yamltree import YMap, YNode, YSeq
from opslint.ruleapi.schemas import PathPart, vendored_schema_findings
from opslint.views import Notes

from ._jobs import is_reference

_KEYWORDS = frozenset(
    {"default", "include", "stages", "variables", "workflow", "image", "services", "cache"}
    | {"before_script", "after_script", "spec", "pages"}
)


def _logical(path: tuple[PathPart, ...]) -> str:
    if not path:
        return "pipeline"
    top = str(path[0])
    if top in _KEYWORDS and top != "pages":
        return top
    return f"job:{top}"


def _references(root: YNode, path: tuple[PathPart, ...], lines: Sequence[str]) -> bool:
    """True when a node on `path` is a `!reference [...]`, resolved by GitLab only."""
    node: YNode | None = root
    for part in path:
        if isinstance(node, YMap) and isinstance(part, str):
            node = node.get(part)
        elif isinstance(node, YSeq) and isinstance(part, int) and part < len(node.items):
            node = node.items[part]
        else:
            return False
        if isinstance(node, YSeq) and is_reference(node, lines):
            return True
    return False


def _tolerance(root: YNode, lines: Sequence[str]) -> Any:
    def tolerated(path: tuple[PathPart, ...], error: Any, node: YNode) -> bool:
        """What GitLab accepts though the schema does not."""
        if _references(root, path, lines):
            return True
        instance = error.instance
        # `VAR:` with no value is an empty variable
        if instance is None and len(path) >= 2 and path[-2] == "variables":
            return True
        # `include: {local: "${CI_INCLUDE_LOCAL}"}`: variables expand before the check
        return (
            isinstance(instance, str)
            and "$" in instance
            and error.validator in ("pattern", "enum", "format")
        )

    return tolerated


@rule("GL104", "schema", Severity.ERROR, tags=("gitlab", "correctness"))
def schema(pipeline: GitlabPipeline, notes: Notes) -> Iterator[Finding]:
    """The pipeline validates against the GitLab CI JSON schema.

    ## What it does
    Validates each GitLab CI file against the JSON schema GitLab publishes for
    `.gitlab-ci.yml` (the one its pipeline editor uses), as vendored by the
    `check-jsonschema` package (install the `schemas` extra). Each error is reported
    once, at its node: an unknown job keyword at the key (with the closest keyword as a
    hint), a wrong type or value at the value, a missing required key at the job's key.
    Where a keyword allows several forms (`cache` as a mapping or a list), the form the
    value comes closest to is the one reported.

    Where the schema is stricter than GitLab, GitLab wins: a value written as
    `!reference [...]` (resolved by GitLab, not by the schema), a variable with no value,
    and a value holding a `$VARIABLE` (expanded before GitLab checks it, as in
    `include: {local: "$CI_INCLUDE_FILE"}`) pass. Without the extra, the rule checks
    nothing and the run notes it once. Nothing is fetched from the network. Files
    included from elsewhere (`include:`) are not merged in: each file is validated on its
    own, as the schema describes one file.

    ## Why it matters
    GitLab refuses to create a pipeline from an invalid file ("jobs config should
    contain at least one visible job", "unknown keys: scirpt"), and it does so on the
    push that needed the pipeline. Catching the typo before the push keeps the merge
    request from stalling.

    ## Example
    ```yaml
    test:
      stage: test
      scirpt:
        - make test
      when: always_run
    ```

    ## Use instead
    ```yaml
    test:
      stage: test
      script:
        - make test
      when: always
    ```

    ## Fix
    None: the intended key or value is the author's to choose.

    ## Variants
    No peer validates GitLab CI files (checkov's GitLab checks judge scripts and images);
    GitLab's own pipeline editor applies the same schema. The kinds of error:
    - Unknown job keywords: covered, with the closest keyword.
    - Wrong types and values: covered, in the form the value comes closest to.
    - Missing required keys: covered, at the job's key.
    - Duplicate keys: covered by OP003 (duplicate-key) in every YAML file.
    - Errors that appear only once `include:` files are merged: not covered: each file
      is validated on its own.

    ## References
    - https://docs.gitlab.com/ci/yaml/
    - https://gitlab.com/gitlab-org/gitlab/-/blob/master/app/assets/javascripts/editor/schema/ci.json
    - https://github.com/python-jsonschema/check-jsonschema
    """
    lines = pipeline.source.lines
    root = pipeline.root
    tolerate = None if root is None else _tolerance(root, lines)
    yield from vendored_schema_findings(
        root, lines, "gitlab-ci", ("GL104", "schema"), notes.messages, _logical, tolerate
    )
