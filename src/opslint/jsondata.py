"""The type of JSON data: what `json.loads` gives and `json.dumps` takes."""

from __future__ import annotations

from typing import TypeAlias

Json: TypeAlias = dict[str, "Json"] | list["Json"] | str | int | float | bool | None
"""A JSON value: an object, an array, a string, a number, true or false, or null."""
