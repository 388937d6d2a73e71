"""HL102 render-error."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.source import Document


@rule("HL102", "render-error", Severity.ERROR, tags=("helm", "correctness"))
def render_error(document: Document) -> Iterator[Finding]:
    """The chart renders with its default values and with each extra values file.

    ## What it does
    Renders every chart with Helm, offline: once with `values.yaml`, once more for each
    `values-*.yaml` beside it, and once for each `--helm-values` given (`helm.values` in
    the config). A render that fails is reported at the template line Helm names (a
    `required` value that is missing, a nil pointer, a `fail`, a syntax error), and a
    template that renders to invalid YAML at the template line behind the bad rendered
    line; the message says which values were used. A failure Helm gives no template
    for (a missing dependency) is reported at `Chart.yaml`. A chart holding a symbolic
    link that leaves the chart, or a values schema whose `$ref` (or `$schema`) names a URL
    or a file Helm would load, is not rendered, and that is reported here too.

    Rendering runs in a child process under a time and a memory limit (`helm.timeout`,
    20 s, and `helm.memory`, 1024 MB; `--helm-timeout`, `--helm-memory`). A render that
    runs out of either, or ends the renderer (a `tpl` that calls itself overflows Go's
    stack), is reported at `Chart.yaml` with the reason, and the run goes on.

    ## Why it matters
    A chart that does not render cannot be installed, and the error only shows at
    deploy time, often only with the production values file nobody rendered locally.

    ## Example
    ```yaml
    # templates/deployment.yaml
    spec:
      replicas: {{ .Values.deploy.replicas }}
    ```

    ## Use instead
    ```yaml
    # templates/deployment.yaml
    spec:
      replicas: {{ .Values.deploy.replicas | default 2 }}
    ```

    ## Fix
    None: the template or the values need the author's decision.

    ## Variants
    - `helm lint` renders each chart with its `values.yaml` and reports template errors:
      covered, for `values.yaml`, each `values-*.yaml` and the `--helm-values` given.
    - `helm lint --strict` (a missing value is an error): not covered: charts use
      `default` and `if` on optional values by design, and `required` already fails
      where a value is needed.
    - values that fail the chart's `values.schema.json` (`helm lint`): covered: the
      render fails with Helm's schema message.
    - rendered YAML that does not parse (`helm lint`): covered, at the template line.
    - deprecated Kubernetes APIs in the rendered output (`helm lint`): not covered
      here: it is a question about the manifests, not the render.

    ## References
    - https://helm.sh/docs/helm/helm_template/
    - https://helm.sh/docs/chart_template_guide/debugging/
    """
    yield from document.problems_with("HL102")
