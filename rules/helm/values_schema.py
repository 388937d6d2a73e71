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
    line of `Chart.yaml`. Subcharts in `charts/` are not checked: their owners ship them.

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

    ## References
    - https://helm.sh/docs/topics/charts/#schema-files
    """
    if chart.metadata is None or chart.has_schema:
        return
    yield Finding(
        chart.span,
        f"chart `{chart.name}` ships no values.schema.json: its values are never validated",
        logical=chart.logical,
    )
