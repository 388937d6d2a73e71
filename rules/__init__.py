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
from opslint.rule import spec_of

FAMILY_KINDS: dict[str, frozenset[str]] = {
    "dockerfile": frozenset({"dockerfile"}),
    "compose": frozenset({"compose"}),
    "kubernetes": frozenset({"kubernetes", "helm-chart", "helm-template"}),
    "helm": frozenset({"helm-chart", "helm-template", "helm-values"}),
    "terraform": frozenset({"terraform", "terraform-vars", "terraform-state"}),
    "github": frozenset({"github-workflow", "github-action"}),
    "gitlab": frozenset({"gitlab-ci"}),
    "circleci": frozenset({"circleci"}),
    "jenkins": frozenset({"jenkinsfile"}),
    "prometheus": frozenset({"prometheus"}),
}
"""Family folder to the kinds its rules apply to; other folders apply to every kind."""


def _wanted(family: str, kinds: frozenset[str] | None) -> bool:
    applies = FAMILY_KINDS.get(family)
    return kinds is None or applies is None or bool(applies & kinds)


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
def opslint_rule_index() -> dict[str, str]:
    """Every builtin rule's code and name, from the generated index."""
    from ._index import RULES

    return dict(RULES)
