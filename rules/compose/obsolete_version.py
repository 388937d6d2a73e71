"""DC106 obsolete-version."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.compose import ComposeFile


@rule(
    "DC106",
    "obsolete-version",
    Severity.INFO,
    fix="safe",
    tags=("compose", "maintainability"),
    peers=("dclint no-version-field",),
)
def obsolete_version(compose: ComposeFile) -> Iterator[Finding]:
    """Compose files leave out the obsolete top-level `version`.

    ## What it does
    Reports the top-level `version:` key of a Compose file, whatever its value.

    ## Why it matters
    The Compose Specification, which Docker Compose v2 implements, ignores `version`:
    Compose always uses the latest schema and prints a warning that the attribute is
    obsolete. The number misleads readers into thinking that features of later file
    formats are unavailable, or that `version: "2"` still selects the v2 behaviour.

    ## Example
    ```yaml
    version: "3.8"
    services:
      web:
        image: nginx:1.27-alpine
    ```

    ## Use instead
    ```yaml
    services:
      web:
        image: nginx:1.27-alpine
    ```

    ## Fix
    Safe: deletes the `version:` line.

    ## References
    - https://docs.docker.com/reference/compose-file/version-and-name/
    """
    if compose.version_span is None:
        return
    yield Finding(
        compose.version_span,
        "the top-level `version` is obsolete and ignored by Compose: remove it",
        logical="version",
    )
