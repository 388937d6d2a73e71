"""The builtin generators for `opslint new`: every generator module below this package."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from typing import Any

from opslint.plugins import hookimpl


@hookimpl
def opslint_collect_generators() -> list[Callable[..., Any]]:
    """Import each generator module and hand over its `@generator` functions."""
    found: list[Callable[..., Any]] = []
    for module_info in pkgutil.walk_packages(__path__, prefix=f"{__name__}."):
        if module_info.ispkg or module_info.name.rsplit(".", 1)[-1].startswith("_"):
            continue
        module = importlib.import_module(module_info.name)
        for _, function in inspect.getmembers(module, inspect.isfunction):
            if (
                hasattr(function, "__opslint_generator__")
                and function.__module__ == module.__name__
            ):
                found.append(function)
    return found
