"""DC106 obsolete-version."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Anchor, Edit, Finding, Fix, Severity, rule
from opslint.edits.yaml import is_block
from opslint.model.base import Span
from opslint.model.compose import ComposeFile
from opslint.model.yamltree import YScalar


def _deletion(compose: ComposeFile) -> Fix | None:
    """Delete the `version:` line with its newline (and the blank lines that would lead).

    Only for a block-style root whose `version` key starts its line and whose value ends
    on it; a comment after the value goes with the line.
    """
    root = compose.root
    span = compose.version_span
    lines = compose.source.lines
    if root is None or span is None or not is_block(root, lines):
        return None
    value = root.get("version")
    if not isinstance(value, YScalar) or value.span.end_line != span.line:
        return None
    text = lines[span.line - 1] if 0 < span.line <= len(lines) else ""
    rest = text[value.span.end_column - 1 :].strip()
    if text[: span.column - 1].strip() or (rest and not rest.startswith("#")):
        return None
    end = span.line + 1
    if not any(line.strip() for line in lines[: span.line - 1]):
        while end <= len(lines) and not lines[end - 1].strip():
            end += 1  # the file would otherwise start with a blank line
    deletion = Span(span.path, span.line, 1, end, 1)
    return Fix("remove the obsolete `version`", (Edit(deletion, "", Anchor(span, "version")),))


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
    Safe: deletes the `version:` line, its newline and a comment on that line. When the
    line starts the file, the blank lines right after it go too, so that the file does
    not start with a blank line; comments above `version` stay. No edit for a root
    written in flow style or a `version` that shares its line with another key.

    ## Variants
    - a top-level `version` of any value (dclint no-version-field): covered.
    - removal by the fix (dclint deletes the first line starting `version:`): covered,
      only the top-level key's line, so a `version:` nested in a service's `labels` or
      an `x-` block is never touched.

    ## References
    - https://docs.docker.com/reference/compose-file/version-and-name/
    """
    if compose.version_span is None:
        return
    yield Finding(
        compose.version_span,
        "the top-level `version` is obsolete and ignored by Compose: remove it",
        fix=_deletion(compose),
        logical="version",
    )
