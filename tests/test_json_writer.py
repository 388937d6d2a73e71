"""The reports' JSON writer gives exactly the text `json.dumps(..., indent=2)` gives."""

from __future__ import annotations

import io
import json
import random

import pytest

from opslint.jsondata import Json
from opslint.report import dump_json

CASES: list[object] = [
    {},
    [],
    {"a": [], "b": {}},
    [1, 2.5, -0.0, 1e300, float("inf"), float("-inf"), True, False, None, "x"],
    {"é": 'ü\u2028\x00"\\\t', "k": [{"x": 1}], "": "\U0001f600"},
    {1: "a", 2.5: "b", False: "c", None: "d"},
    (1, (2, [3])),
    "just a string",
    [[[]], [{}]],
]


def written(data: object, ascii_only: bool) -> str:
    stream = io.StringIO()
    dump_json(data, stream, ascii_only)
    return stream.getvalue()


@pytest.mark.parametrize("ascii_only", [True, False])
@pytest.mark.parametrize("data", CASES)
def test_the_text_json_writes(data: object, ascii_only: bool) -> None:
    assert written(data, ascii_only) == json.dumps(data, indent=2, ensure_ascii=ascii_only) + "\n"


def _value(rng: random.Random, depth: int) -> Json:
    roll = rng.random()
    if depth > 4 or roll < 0.4:
        return rng.choice(
            [rng.randint(-(10**9), 10**9), rng.random() * 1e5, 't\u00e9\n"q"', True, None, ""]
        )
    if roll < 0.7:
        return {f"k\u00e7{index}": _value(rng, depth + 1) for index in range(rng.randint(0, 4))}
    return [_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]


def test_random_documents() -> None:
    rng = random.Random(20261205)
    for _ in range(2000):
        data = _value(rng, 0)
        for ascii_only in (True, False):
            expected = json.dumps(data, indent=2, ensure_ascii=ascii_only) + "\n"
            assert written(data, ascii_only) == expected


def test_what_json_refuses_is_refused() -> None:
    with pytest.raises(TypeError):
        written({"a": object()}, True)
    with pytest.raises(TypeError):
        written({(1, 2): "tuple key"}, True)
