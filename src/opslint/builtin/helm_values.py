"""The builtin plugin that names the values behind a finding in a rendered Helm template."""

from __future__ import annotations

import sys
from dataclasses import replace

from opslint.model.base import Finding
from opslint.plugins import hookimpl
from opslint.run import Run


@hookimpl(tryfirst=True)
def opslint_adjust_findings(findings: list[Finding], run: Run) -> None:
    """Add the values.yaml lines a finding's template line reads as related locations."""
    if "opslint.model.helm" not in sys.modules:
        return  # no chart was parsed, so no template to read values from
    from opslint.model.helm import HelmTemplate

    templates = {
        document.path: document
        for document in run.documents
        if isinstance(document, HelmTemplate) and document.rendered
    }
    if not templates:
        return
    for position, finding in enumerate(findings):
        template = templates.get(finding.span.path)
        if template is None:
            continue
        related = template.values_behind(finding.span.line)
        if related:
            findings[position] = replace(finding, related=(*finding.related, *related))
