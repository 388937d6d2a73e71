"""Small readers several rule families share: whether a key holds a value."""

from __future__ import annotations

from opslint.model.yamltree import YMap, YScalar


def has_value(mapping: YMap | None, key: str) -> bool:
    """True when `mapping` gives `key` a scalar that is neither null nor blank."""
    value = mapping.get(key) if mapping is not None else None
    return isinstance(value, YScalar) and value.value is not None and value.text.strip() != ""
