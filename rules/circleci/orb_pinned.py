"""CC101 orb-pinned."""

from __future__ import annotations

import re
from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.ci import Orb

_FULL = re.compile(r"^\d+\.\d+\.\d+$")
_RANGE = re.compile(r"^\d+(\.\d+)?$")


@rule(
    "CC101",
    "orb-pinned",
    Severity.ERROR,
    tags=("circleci", "security", "supply-chain"),
    peers=(
        "checkov CKV_CIRCLECIPIPELINES_4 (partial)",
        "checkov CKV_CIRCLECIPIPELINES_3 (partial)",
    ),
)
def orb_pinned(orb: Orb) -> Iterator[Finding]:
    """Orbs are pinned to a full release version.

    ## What it does
    Checks every orb imported under `orbs:` (`name: namespace/orb@version`) and points
    at the version (or at the whole reference when it has none):
    - no version, `@volatile` (the newest release, whatever it is) and development
      versions (`@dev:alpha`, mutable and deleted after 90 days) are errors;
    - a version range, `@5` or `@5.1`, takes every new minor or patch release without a
      change to the config: a warning;
    - a full version, `@5.1.2`, passes.

    Anything else after `@` is not a published version and is an error. Orbs defined
    inline (a mapping under `orbs:`) live in the config itself, and URL orbs
    (`https://...`) are versioned by the address they name rather than by semantic
    versions: neither is checked, but the orbs an inline orb imports under its own `orbs:`
    are, like those of the config.

    ## Why it matters
    An orb is code that runs in your jobs with their secrets and contexts. A floating
    version runs whatever its publisher released last: a compromised or merely broken
    release reaches your pipeline without any change on your side, and a past build
    cannot be reproduced. A full version changes only when you change it.

    ## Example
    ```yaml
    orbs:
      node: circleci/node@volatile
      aws-cli: circleci/aws-cli@4
    ```

    ## Use instead
    ```yaml
    orbs:
      node: circleci/node@5.2.0
      aws-cli: circleci/aws-cli@4.1.3
    ```

    ## Fix
    None: which release to pin is the author's choice.

    ## Variants
    - `@dev:<label>` development versions (checkov CKV_CIRCLECIPIPELINES_3): covered.
    - `@volatile` (checkov CKV_CIRCLECIPIPELINES_4, whose pattern is spelled `@volitile`
      and so never matches the real keyword): covered.
    - One finding per orb, at its version (checkov reports the whole `orbs:` block once):
      covered.
    - No version, and version ranges `@5` or `@5.1`: covered (no peer checks them).
    - Orbs imported by an inline orb (checkov reads only the top-level `orbs:`): covered.
    - URL orbs (`https://...`): not covered: their version is the address they name.

    ## References
    - https://circleci.com/docs/orbs-faq/
    - https://circleci.com/docs/orb-intro/
    """
    if orb.inline or "://" in orb.text:
        return
    version = orb.version.strip() if orb.version is not None else ""
    if orb.version is None or not version:
        yield Finding(
            orb.span,
            f"orb `{orb.name}` (`{orb.reference}`) has no version: pin a release, such as `@1.2.3`",
            logical=orb.logical,
        )
        return
    span = orb.version_span or orb.span
    if _FULL.match(version):
        return
    if _RANGE.match(version):
        yield Finding(
            span,
            f"orb `{orb.name}` uses the version range `@{version}`, which takes new "
            "releases without a config change: pin the full `major.minor.patch` release",
            logical=orb.logical,
            level=Severity.WARNING,
        )
        return
    if version == "volatile":
        reason = "runs whatever release is newest"
    elif version.startswith("dev:"):
        reason = "is a mutable development version"
    else:
        reason = "is not a published release version"
    yield Finding(
        span,
        f"orb `{orb.name}` version `@{version}` {reason}: pin a full version such as `@1.2.3`",
        logical=orb.logical,
    )
