"""The values fixes may write, from `[tool.opslint.defaults]` and `[tool.opslint.pins]`.

Fixes that need a value (resource requests, probe paths, log sizes, a health command, an
image or action pin) take it from here. Where the setting is absent the rule offers no edit
and its help line names the setting that would enable one: opslint never invents numbers or
versions.
"""

from __future__ import annotations

from typing import Any


def default(config_defaults: dict[str, Any], key: str, builtin: Any = None) -> Any:
    """The configured value of `key`, else `builtin` (a policy, never a number or version).

    Each rule declares the keys it reads (`@rule(defaults=...)`); the config is checked
    against the keys the plugins declare.
    """
    return config_defaults.get(key, builtin)


def missing(*keys: str) -> str:
    """The help line naming the settings that would let `opslint fix` write a fix."""
    named = " and ".join(f"`{key}`" for key in keys)
    what = "it" if len(keys) == 1 else "them"
    return f"set {named} in [tool.opslint.defaults] to let `opslint fix` add {what}"


def pin(pins: dict[str, str], reference: str, name: str) -> str | None:
    """The pinned replacement for an image or action reference.

    `[tool.opslint.pins]` maps either the exact reference as written (`nginx:latest`,
    `actions/checkout@v4`) or its name alone (`nginx`, `actions/checkout`) to the full
    reference to write instead (`nginx:1.27.3`, `actions/checkout@<40-hex sha> # v4.2.2`).
    The exact reference wins.
    """
    return pins.get(reference) or pins.get(name)
