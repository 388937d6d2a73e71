"""HL101 chart-metadata."""

from __future__ import annotations

import re
from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.helm import HelmChart
from opslint.model.yamltree import YNode, YScalar

SEMVER = re.compile(
    r"^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$"
)
"""Semantic Versioning 2 (Helm also accepts a leading `v`)."""


@rule("HL101", "chart-metadata", Severity.WARNING, tags=("helm", "maintainability"))
def chart_metadata(chart: HelmChart) -> Iterator[Finding]:
    """Chart.yaml declares `apiVersion: v2`, a name, a SemVer `version` and an `appVersion`.

    ## What it does
    Checks a chart's `Chart.yaml`: `apiVersion` must be `v2` (Helm 3 and later; `v1` is
    the Helm 2 format), `name` must be set, `version` must be a semantic version
    (`1.4.0`, `0.1.0-rc.1`) and `appVersion` must say which version of the application
    the chart deploys. A wrong value is reported at the value; a missing key at the
    file's first line. A chart whose Chart.yaml cannot be read is OP001's.

    ## Why it matters
    Helm resolves dependencies and upgrades by the chart version, so a version that is
    not SemVer breaks `helm dependency update` and repository indexes. `appVersion` is
    what `helm list` shows operators and what templates use as the default image tag;
    without it, the image a release runs cannot be read from the release.

    ## Example
    ```yaml
    apiVersion: v1
    name: checkout
    version: "1.2"
    ```

    ## Use instead
    ```yaml
    apiVersion: v2
    name: checkout
    version: 1.2.0
    appVersion: "4.7.1"
    ```

    ## Fix
    None: the versions are the chart owner's to choose.

    ## Variants
    - `apiVersion` missing (`helm lint`): covered; `v1`, which `helm lint` accepts, is
      reported by design: it is the Helm 2 format.
    - `name` missing (`helm lint`): covered.
    - `version` missing or not SemVer (`helm lint`): covered; Helm's own parser also
      takes a shortened `1.2`, which is reported here, since the chart documentation
      asks for SemVer 2.
    - `appVersion`: covered; `helm lint` does not ask for it.
    - maintainers without a name or with an invalid email or URL, `sources` and `icon`
      that are not URLs, a missing `icon` (`helm lint`): not covered: they describe the
      chart in a repository's index and change nothing that is deployed.
    - `dependencies` or `type` in a `v1` chart (`helm lint`): covered through the `v1`
      finding.

    ## References
    - https://helm.sh/docs/topics/charts/#the-chartyaml-file
    - https://semver.org/
    """
    metadata = chart.metadata
    if metadata is None:
        if not chart.problems:
            yield Finding(chart.span, "Chart.yaml holds no mapping", logical=chart.logical)
        return
    api_version = metadata.get("apiVersion")
    if api_version is None:
        yield Finding(
            chart.span, "Chart.yaml sets no `apiVersion`: use `v2`", logical=chart.logical
        )
    elif not isinstance(api_version, YScalar) or api_version.text != "v2":
        yield _wrong(chart, "apiVersion", api_version, "is not the Helm 3 chart format: use `v2`")
    name = metadata.get("name")
    if not isinstance(name, YScalar) or not name.text.strip():
        yield Finding(chart.field_span("name"), "Chart.yaml sets no `name`", logical=chart.logical)
    version = metadata.get("version")
    if version is None:
        yield Finding(chart.span, "Chart.yaml sets no `version`", logical=chart.logical)
    elif not isinstance(version, YScalar) or not SEMVER.match(version.text.strip()):
        yield _wrong(chart, "version", version, "is not a semantic version (MAJOR.MINOR.PATCH)")
    app_version = metadata.get("appVersion")
    if app_version is None:
        yield Finding(
            chart.span,
            "Chart.yaml sets no `appVersion`: name the application version the chart deploys",
            logical=chart.logical,
        )
    elif not isinstance(app_version, YScalar) or not app_version.text.strip():
        yield Finding(app_version.span, "`appVersion` is empty", logical=chart.logical)


def _wrong(chart: HelmChart, key: str, value: YNode, why: str) -> Finding:
    """A finding at a `Chart.yaml` field whose value is wrong, quoting the value."""
    shown = value.text if isinstance(value, YScalar) else "a non-string value"
    return Finding(value.span, f"`{key}: {shown}` {why}", logical=chart.logical)
