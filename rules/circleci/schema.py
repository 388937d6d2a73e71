"""CC102 schema."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.ci import CircleConfig
from opslint.ruleapi.schemas import section_logical, vendored_schema_findings
from opslint.views import Notes

_SECTIONS = {"jobs": "job", "workflows": "workflow", "executors": "executor", "orbs": "orb"}
_SECTIONS |= {"commands": "command", "parameters": "parameter"}
_LOGICAL = section_logical(_SECTIONS, "config")


@rule("CC102", "schema", Severity.ERROR, tags=("circleci", "correctness"))
def schema(config: CircleConfig, notes: Notes) -> Iterator[Finding]:
    """The config validates against the CircleCI config JSON schema.

    ## What it does
    Validates `.circleci/config.yml` against the CircleCI config JSON schema published on
    SchemaStore, as vendored by the `check-jsonschema` package (install the `schemas`
    extra). Each error is reported once, at its node: an unknown key at the key (with the
    closest valid key as a hint), a wrong type or value at the value, a missing required
    key at the block that lacks it. Where the schema allows several forms (a step as a
    string or a mapping), the form the value comes closest to is the one reported.

    Without the extra, the rule checks nothing and the run notes it once. Nothing is
    fetched from the network. Steps and jobs that orbs provide are not expanded: the
    schema accepts any orb command by name.

    ## Why it matters
    CircleCI rejects an invalid config when the pipeline is triggered, so the error shows
    up only after the push, as a failed "config" step with no build at all. A misspelled
    key inside a job can be worse: some are ignored, so the setting silently never
    applies.

    ## Example
    ```yaml
    version: 2.1
    jobs:
      test:
        docker:
          - image: cimg/python:3.12
        stpes:
          - checkout
    ```

    ## Use instead
    ```yaml
    version: 2.1
    jobs:
      test:
        docker:
          - image: cimg/python:3.12
        steps:
          - checkout
    ```

    ## Fix
    None: the intended key or value is the author's to choose.

    ## Variants
    No peer validates CircleCI configs (checkov's CircleCI checks judge images, orbs and
    scripts). The kinds of error:
    - Unknown keys: covered, with the closest valid key.
    - Wrong types and values: covered, in the form the value comes closest to.
    - Missing required keys (a job's `steps`): covered, at the block that lacks it.
    - Duplicate keys: covered by OP003 (duplicate-key) in every YAML file.
    - Commands, jobs and executors that orbs provide: not covered: orbs are not
      fetched, and the schema accepts any orb command by name.

    ## References
    - https://circleci.com/docs/configuration-reference/
    - https://www.schemastore.org/circleciconfig.json
    - https://github.com/python-jsonschema/check-jsonschema
    """
    yield from vendored_schema_findings(
        config.root, config.source.lines, "circle-ci", ("CC102", "schema"), notes.messages, _LOGICAL
    )
