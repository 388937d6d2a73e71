"""DC108 schema."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.compose import ComposeFile
from opslint.ruleapi.schemas import section_logical, vendored_schema_findings
from opslint.views import Notes

_SECTIONS = {"services": "service", "networks": "network", "volumes": "volume"}
_SECTIONS |= {"secrets": "secret", "configs": "config"}
_LOGICAL = section_logical(_SECTIONS, "compose")


@rule(
    "DC108",
    "schema",
    Severity.ERROR,
    tags=("compose", "correctness"),
    peers=("dclint invalid-schema",),
)
def schema(compose: ComposeFile, notes: Notes) -> Iterator[Finding]:
    """The file validates against the Compose Specification JSON schema.

    ## What it does
    Validates each Compose file against the Compose Specification JSON schema, as
    vendored by the `check-jsonschema` package (install the `schemas` extra). Each error
    is reported once, at its node: an unknown key at the key (with the closest valid key
    as a hint), a wrong type or value at the value, a missing required key at the block
    that lacks it. Where the specification allows several forms (`ports` entries as a
    string, a number or a mapping), the form the value comes closest to is the one
    reported.

    The top-level `version:` is accepted (the specification keeps it as obsolete; DC106
    reports it), as are `x-` extension keys. Without the extra, the rule checks nothing
    and the run notes it once. Nothing is fetched from the network. Values written with
    `${VAR}` interpolation are checked as written, so a number field given as `${PORT}`
    passes only where the specification allows a string.

    ## Why it matters
    `docker compose` refuses a file with an unknown key or a wrong type, with an error
    that names the path but not the line; a misspelled key in an override file or one
    that only some environments load breaks the deploy that first reads it.

    ## Example
    ```yaml
    services:
      web:
        image: nginx:1.27
        restrat: always
        ports:
          - target: 80
            published: 8080
            protocl: tcp
    ```

    ## Use instead
    ```yaml
    services:
      web:
        image: nginx:1.27
        restart: always
        ports:
          - target: 80
            published: 8080
            protocol: tcp
    ```

    ## Fix
    None: the intended key or value is the author's to choose.

    ## Variants
    - every schema error of the file (dclint invalid-schema reports the first one only):
      covered, each at its own node.
    - the Compose Specification schema as published (dclint vendors its own copy, updated
      by hand): covered, from `check-jsonschema`'s vendored copy.
    - values with `${VAR}` interpolation checked as written, before substitution (as
      dclint does): covered.

    ## References
    - https://docs.docker.com/reference/compose-file/
    - https://github.com/compose-spec/compose-spec/blob/main/schema/compose-spec.json
    - https://github.com/python-jsonschema/check-jsonschema
    """
    yield from vendored_schema_findings(
        compose.root,
        compose.source.lines,
        "compose-spec",
        ("DC108", "schema"),
        notes.messages,
        _LOGICAL,
    )
