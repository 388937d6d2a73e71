"""opslint: a policy and linting engine for delivery configs.

The public façade for rule and plugin authors: the `rule` decorator, `hookimpl`, and the
value types a rule yields. Model types live in `opslint.model`.
"""

from opslint.model.base import Anchor, Applicability, Edit, Finding, Fix, RelatedLocation, Span
from opslint.plugins import hookimpl
from opslint.rule import rule
from opslint.severity import Severity

__version__ = "0.1.0"

__all__ = [
    "Anchor",
    "Applicability",
    "Edit",
    "Finding",
    "Fix",
    "RelatedLocation",
    "Severity",
    "Span",
    "__version__",
    "hookimpl",
    "rule",
]
