"""The builtin rule pack: every rule module below this package, one rule per module.

Each family folder holds the rules of some file kinds; a run imports only the families of
the kinds it checks (plus the cross-format and engine rules), so a Dockerfile run never
imports the Terraform or Kubernetes rules. `_index.py`, regenerated with the rule pages
(`python -m opslint.docs`), names every rule without importing it.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from typing import Any

from opslint.plugins import hookimpl
from opslint.rule import RuleFamily, spec_of

_KUBERNETES_AND_HELM = "Kubernetes and Helm"

FAMILIES: dict[str, dict[str, RuleFamily]] = {
    "crossformat": {
        "IM": RuleFamily("Cross-format", ("*",)),
        "SE": RuleFamily("Cross-format", ("*",)),
        "SH": RuleFamily("Cross-format", ("*",)),
    },
    "dockerfile": {"DF": RuleFamily("Dockerfile", ("dockerfile",))},
    "compose": {"DC": RuleFamily("Docker Compose", ("compose",))},
    "kubernetes": {"K8": RuleFamily(_KUBERNETES_AND_HELM, ("kubernetes", "helm-chart"))},
    "helm": {"HL": RuleFamily(_KUBERNETES_AND_HELM, ("helm-chart",))},
    "terraform": {
        "TF": RuleFamily("Terraform", ("terraform", "terraform-vars", "terraform-state"))
    },
    "github": {"GH": RuleFamily("GitHub Actions", ("github-workflow", "github-action"))},
    "gitlab": {"GL": RuleFamily("GitLab CI", ("gitlab-ci",))},
    "circleci": {"CC": RuleFamily("CircleCI", ("circleci",))},
    "jenkins": {"JK": RuleFamily("Jenkins", ("jenkinsfile",))},
    "prometheus": {"PR": RuleFamily("Prometheus alerting rules", ("prometheus",))},
    "engine": {"OP": RuleFamily("Engine", ("*",))},
}
"""Family folder to the code prefixes of its rules and their families, in catalog order.

A Helm chart's templates and values are checked within the chart's document, so a run
that has them has the kind `helm-chart` too: that kind brings in the Kubernetes and Helm
rules.
"""


def _wanted(folder: str, kinds: frozenset[str] | None) -> bool:
    families = FAMILIES.get(folder)
    return (
        kinds is None
        or families is None
        or any("*" in family.kinds or kinds & set(family.kinds) for family in families.values())
    )


@hookimpl
def opslint_collect_rules(kinds: frozenset[str] | None) -> list[Callable[..., Any]]:
    """Import the rule modules of the families `kinds` needs; hand over their rules."""
    found: list[Callable[..., Any]] = []
    for family in pkgutil.iter_modules(__path__):
        if not family.ispkg or not _wanted(family.name, kinds):
            continue
        package = importlib.import_module(f"{__name__}.{family.name}")
        for module_info in pkgutil.iter_modules(package.__path__):
            if module_info.ispkg or module_info.name.startswith("_"):
                continue
            module = importlib.import_module(f"{package.__name__}.{module_info.name}")
            for _, function in inspect.getmembers(module, inspect.isfunction):
                if spec_of(function) is not None and function.__module__ == module.__name__:
                    found.append(function)
    return found


@hookimpl
def opslint_rule_families() -> dict[str, RuleFamily]:
    """Every builtin family by code prefix."""
    return {prefix: family for families in FAMILIES.values() for prefix, family in families.items()}


@hookimpl
def opslint_rule_index() -> dict[str, str]:
    """Every builtin rule's code and name, from the generated index."""
    from ._index import RULES

    return dict(RULES)


@hookimpl
def opslint_default_keys() -> dict[str, str]:
    """The `[tool.opslint.defaults]` keys the builtin rules read, from the generated index."""
    from ._index import DEFAULTS

    return dict(DEFAULTS)
