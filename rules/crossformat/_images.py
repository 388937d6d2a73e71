"""What the image rules share: telling a real image reference from a placeholder."""

from __future__ import annotations

import re

_REFERENCE = re.compile(r"[A-Za-z0-9][\w.:/@+-]*")
"""The characters an image reference can hold (name, port, tag, digest)."""


def is_image_reference(text: str) -> bool:
    """False for a placeholder such as `<YOUR-CONTAINER>` or `<image_url>` in documentation."""
    return _REFERENCE.fullmatch(text) is not None
