"""HL103 values-schema."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.helm import HelmChart


@rule("HL103", "values-schema", Severity.INFO, tags=("helm", "maintainability"))
def values_schema(chart: HelmChart) -> Iterator[Finding]:
    """The chart ships a `values.schema.json`.

    ## What it does
    Reports a chart without `values.schema.json` beside its `Chart.yaml`, at the first
    line of `Chart.yaml`; an empty schema file counts as none, since Helm skips it.
    Subcharts in `charts/` are not checked: their owners ship them. Library charts
    (`type: library`) are never installed, so no values of theirs are validated, and
    they are not checked either.

    ## Why it matters
    Helm validates the values of every install, upgrade, lint and template against the
    schema, so a typo (`replicaCont: 3`) or a wrong type (`port: "eighty"`) fails at once
    with a clear message instead of silently falling back to a default.

    ## Example
    ```text
    checkout/
      Chart.yaml
      values.yaml
      templates/
    ```

    ## Use instead
    ```text
    checkout/
      Chart.yaml
      values.yaml
      values.schema.json
      templates/
    ```

    ## Fix
    None: the schema describes the chart's own values.

    ## Variants
    - `helm lint` validates `values.yaml` against the schema when there is one, and
      treats an empty `values.schema.json` as none: covered, the empty file is reported.
    - a schema that does not validate the chart's own values (`helm lint`): not covered
      here: HL102 renders with the values, and Helm's schema check fails that render.
    - library charts (`type: library`), which `helm install` refuses: covered, they are
      skipped.

    ## References
    - https://helm.sh/docs/topics/charts/#schema-files
    """
    if chart.metadata is None or chart.has_schema:
        return
    if chart.metadata.string("type") == "library":
        return  # a library chart is never installed: its values are its users' to check
    yield Finding(
        chart.span,
        f"chart `{chart.name}` ships no values.schema.json: its values are never validated",
        logical=chart.logical,
    )
