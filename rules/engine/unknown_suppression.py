"""OP002 unknown-suppression."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.suppression import Suppression
from opslint.run import Run


@rule("OP002", "unknown-suppression", Severity.WARNING, tags=("engine", "maintainability"))
def unknown_suppression(
    suppression: Suppression,
    run: Run,  # the whole run: the codes of every installed rule and of those this run uses
) -> Iterator[Finding]:
    """A suppression names no known rule, or suppressed nothing.

    ## What it does
    Checks every `# opslint: ignore[...]`, `# opslint: ignore-file[...]` comment and
    `opslint.io/ignore` annotation: each must name rules that exist (by code or name), and
    each code of a rule that ran must have suppressed a finding. Codes of rules that are
    off in this run are not reported as unused.

    ## Why it matters
    A misspelt code suppresses nothing while the reader believes the finding was reviewed;
    a stale suppression hides the next real finding on that line.

    ## Example
    ```dockerfile
    # opslint: ignore[DF110] the base image sets the user
    FROM python:3.12-slim
    ```

    ## Use instead
    ```dockerfile
    # opslint: ignore[DF101] the base image sets the user
    FROM python:3.12-slim
    ```

    ## Fix
    None: remove the suppression or correct the code.

    ## Variants
    - A code that names no rule (ruff's unknown `noqa` codes): covered, also for rule
      names.
    - A code that suppressed nothing (ruff RUF100 unused-noqa): covered for rules that ran.
    - Peers' comments (`# hadolint ignore=DL3008`, `#checkov:skip=CKV_...`): honoured for
      the codes opslint maps to its own; codes it does not map are not reported, since
      they belong to the peer.

    ## References
    - https://docs.astral.sh/ruff/rules/unused-noqa/
    """
    if suppression.tool != "opslint":
        return  # a peer's suppression names the peer's checks, not ours
    if not suppression.codes:
        yield Finding(suppression.span, "suppression names no rule: write `ignore[CODE, ...]`")
        return
    unknown = [code for code in suppression.codes if code not in run.known_codes]
    if unknown:
        yield Finding(suppression.span, f"suppression names unknown rule(s): {', '.join(unknown)}")
    unused = [
        code
        for code in suppression.codes
        if code in run.enabled_codes and code not in suppression.used
    ]
    if unused:
        yield Finding(suppression.span, f"suppression of {', '.join(unused)} suppressed nothing")
