"""The AWS resource types that take `tags`, read from the generated list shipped beside this
module (`aws_taggable_resources.json`, which names its origin, commit and date)."""

from __future__ import annotations

import json
from importlib.resources import files

DATA_FILE = "aws_taggable_resources.json"


def _load() -> frozenset[str]:
    text = files(__package__).joinpath(DATA_FILE).read_text(encoding="utf-8")
    return frozenset(json.loads(text)["resource_types"])


AWS_TAGGABLE_TYPES = _load()
"""Every AWS resource type whose schema has a `tags` argument."""
