"""The builtin rule pack: every rule module below this package, one rule per module."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from typing import Any

from opslint.plugins import hookimpl
from opslint.rule import spec_of


@hookimpl
def opslint_collect_rules() -> list[Callable[..., Any]]:
    """Import each rule module and hand over the functions that carry a rule spec."""
    found: list[Callable[..., Any]] = []
    for module_info in pkgutil.walk_packages(__path__, prefix=f"{__name__}."):
        if module_info.ispkg or module_info.name.rsplit(".", 1)[-1].startswith("_"):
            continue
        module = importlib.import_module(module_info.name)
        for _, function in inspect.getmembers(module, inspect.isfunction):
            if spec_of(function) is not None and function.__module__ == module.__name__:
                found.append(function)
    return found
