"""GH101 action-pinned."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from opslint import Anchor, Edit, Finding, Fix, Severity, Span, rule
from opslint.defaults import pin
from opslint.edits.yaml import opening_quote
from opslint.model.ci import ActionUse
from opslint.views import Defaults, SourceText

_FULL_SHA = re.compile(r"^[0-9a-fA-F]{40}$")
_SHORT_SHA = re.compile(r"^[0-9a-fA-F]{7,39}$")
_VERSION_TAG = re.compile(r"^(refs/tags/)?v?\d+(\.\d+)*([-+.][0-9A-Za-z.+-]*)?$")
_PIN = re.compile(r"^(?P<reference>[^\s#@]+@(?P<sha>[0-9a-f]{40}))(?:\s+#\s*(?P<comment>\S.*))?$")
"""A configured pin: `owner/repo@<40-hex sha>`, optionally followed by `# comment`."""


@dataclass(frozen=True)
class ActionPinnedOptions:
    """Options of GH101."""

    trusted_owners: tuple[str, ...] = ()
    """Owners (`actions`) or repositories (`actions/checkout`) whose version tags are accepted."""


def _trusted(use: ActionUse, options: ActionPinnedOptions) -> bool:
    trusted = {owner.lower().rstrip("/") for owner in options.trusted_owners}
    return use.owner.lower() in trusted or use.repository.lower() in trusted


@rule(
    "GH101",
    "action-pinned",
    Severity.ERROR,
    fix="safe",
    tags=("security", "supply-chain"),
    security_severity=7.0,
    peers=("zizmor unpinned-uses",),
)
def action_pinned(
    use: ActionUse, options: ActionPinnedOptions, source: SourceText, defaults: Defaults
) -> Iterator[Finding]:
    """Actions and reusable workflows are pinned to a full commit SHA.

    ## What it does
    Checks every `uses:` of a workflow step, a reusable workflow call (`jobs.<id>.uses`) and
    a composite action step. The reference after `@` must be a full 40-character commit
    SHA, in either case. A branch (`@main`, `@refs/heads/main`), an abbreviated SHA or a
    missing ref is an error; a version tag (`@v4`, `@v1.2.3`, `@refs/tags/v4`) is a
    warning, since tags can be moved but are at least release points. The finding sits on
    the ref, also when the reference is written as a block scalar (`uses: |`). Local actions
    (`./path`) are versioned with the workflow and `docker://` steps are pinned through
    their image (IM001), so neither is checked. Owners listed in `trusted-owners` may
    use version tags.

    ## Why it matters
    A workflow runs third-party code with its token and secrets. A branch or tag can be
    repointed by whoever controls the action's repository (or steals its credentials):
    the next run executes the new code without any change or review on your side. Only a
    commit SHA is immutable.

    ## Example
    ```yaml
    steps:
      - uses: actions/checkout@v4
      - uses: some-org/deploy-action@main
    ```

    ## Use instead
    ```yaml
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - uses: some-org/deploy-action@8f4b7f84864484a7bf31766abe9204da3cbe65b3 # v1.3.0
    ```

    ## Fix
    Safe, and only from `[tool.opslint.pins]`: opslint never guesses a SHA. A pin maps the
    reference as written (`"actions/checkout@v4"`) or the action's name
    (`"actions/checkout"`; the exact reference wins, and case does not matter) to the full
    reference to write, with the tag in a trailing comment so that update tools
    (Dependabot, Renovate) can bump both together:

    ```toml
    [tool.opslint.pins]
    "actions/checkout" = "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2"
    ```

    The fix replaces the `uses:` value with the pinned reference, keeping its quotes, and
    writes the pin's `# comment` after it on the same line (before any comment already
    there). A pin that is not `name@<40-hex SHA>`, and a `uses:` inside a flow mapping
    (`{uses: ...}`), get no edit; without a pin the help line names the key to set.

    ## Options
    - `trusted-owners` (list of strings, default empty): owners such as `actions` or
      repositories such as `actions/checkout` whose version tags are accepted.

    ## Variants
    - A step's `uses:` in a workflow (zizmor unpinned-uses): covered.
    - A composite action's step `uses:` (zizmor unpinned-uses): covered.
    - A reusable workflow call, `jobs.<id>.uses` (zizmor unpinned-uses): covered.
    - An action in a subfolder, `owner/repo/path@ref` (zizmor unpinned-uses tests): covered.
    - A version tag, `@v3` (zizmor's default hash-pin policy): covered, as a warning.
    - A branch, `@main` (zizmor unpinned-uses tests): covered.
    - A full SHA in upper or mixed case (zizmor reads any hex digit as a SHA): covered.
    - A ref spelled in full, `@refs/tags/v4` or `@refs/heads/main`: covered, a tag and a
      branch respectively.
    - A reference written as a block scalar, `uses: |` (zizmor issue 1543): covered, at the
      ref on the scalar's line.
    - Per-owner and per-repository policies (zizmor `unpinned-uses` config `policies`):
      covered in part: `trusted-owners` accepts version tags for an owner or a repository;
      a policy accepting any ref is not offered, since a branch is never a pin.
    - A local action, `./path` (zizmor skips it): not covered: it is versioned with the
      workflow that uses it.
    - `docker://image` (zizmor unpinned-images): not covered: IM001 owns image pins.
    - A SHA that belongs to a fork or does not match its tag comment (zizmor
      impostor-commit, ref-version-mismatch, stale-action-refs): not covered: it needs
      GitHub's API, and opslint never reaches the network.

    ## References
    - https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#using-third-party-actions
    - https://docs.zizmor.sh/audits/#unpinned-uses
    """
    if use.local or use.docker or "${{" in use.text:
        return
    what = "reusable workflow" if use.workflow else "action"
    fix, help = _pin_fix(use, source, defaults)
    anchor = use.ref_span or use.span
    ref = use.ref
    if ref is None or not ref:
        yield Finding(
            use.span,
            f"{what} `{use.target}` names no ref: pin it to a full commit SHA",
            fix=fix,
            logical=use.logical,
            help=help,
        )
        return
    if _FULL_SHA.match(ref):
        return
    if _SHORT_SHA.match(ref):
        yield Finding(
            anchor,
            f"{what} `{use.target}` is pinned to an abbreviated SHA `{ref}`, which can "
            "become ambiguous: use the full 40-character commit SHA",
            fix=fix,
            logical=use.logical,
            help=help,
        )
    elif _VERSION_TAG.match(ref):
        if _trusted(use, options):
            return
        yield Finding(
            anchor,
            f"{what} `{use.target}` is pinned to the tag `{ref}`, which can move: "
            "pin its full commit SHA (keep the tag in a comment)",
            fix=fix,
            logical=use.logical,
            help=help,
            level=Severity.WARNING,
        )
    else:
        yield Finding(
            anchor,
            f"{what} `{use.target}` follows the branch `{ref}`, so every push to it runs in "
            "your workflow: pin a full commit SHA",
            fix=fix,
            logical=use.logical,
            help=help,
        )


def _pin_fix(
    use: ActionUse, source: SourceText, defaults: Defaults
) -> tuple[Fix | None, str | None]:
    """The edit writing the configured pin of `use`, or why there is none (a help line)."""
    pins = defaults.pins
    value = pin(pins, use.text, use.target)
    if value is None:  # owners and repositories are case-insensitive on GitHub
        folded = {key.lower(): pinned for key, pinned in pins.items()}
        value = pin(folded, use.text.lower(), use.target.lower())
    if value is None:
        return None, (
            f"map `{use.target}` to `{use.target}@<sha> # <tag>` in [tool.opslint.pins] "
            "to let `opslint fix` pin it"
        )
    match = _PIN.match(value.strip())
    if match is None:
        return None, (
            f"no automatic fix: the pin configured for `{use.target}` is not `name@<40-hex SHA>`"
        )
    lines = source.lines
    span = use.span
    line = lines[span.line - 1] if 0 < span.line <= len(lines) else ""
    start, end = span.column - 1, span.end_column - 1
    if span.line != span.end_line or line[start:end] != use.text:
        return None, None
    quote = opening_quote(line, span.column - 1)
    if quote and line[end : end + 1] != quote:
        return None, None
    end += len(quote)
    rest = line[end:]
    comment = match.group("comment")
    text = match.group("reference") + quote
    if rest.strip() and not rest.lstrip().startswith("#"):
        return None, None  # inside a flow mapping: left to the author
    if comment:
        text += f" # {comment.strip()}"
        if not rest.strip():
            end = len(line)  # the trailing blanks go: the comment ends the line
    edit = Edit(
        Span(span.path, span.line, span.column, span.line, end + 1), text, Anchor(span, use.text)
    )
    return Fix(f"pin `{use.target}` to its configured commit SHA", (edit,)), None
