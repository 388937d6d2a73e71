"""Helpers of the Compose rules: where a service's keys are written, who shares them."""

from __future__ import annotations

from opslint.model.base import Span
from opslint.model.compose import ComposeService


def written_in(service: ComposeService, span: Span) -> bool:
    """True when `span` lies inside the service's own mapping, not in a merged anchor.

    Keys a service receives through `<<: *anchor` keep the span of the anchor's text,
    which several services may share.
    """
    node = service.node.span
    start = (node.line, node.column)
    end = (node.end_line, node.end_column)
    return start <= (span.line, span.column) <= end


def names(services: list[ComposeService]) -> str:
    """`a`, `b` and `c` as a list for a message."""
    quoted = [f"`{service.name}`" for service in services]
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]
