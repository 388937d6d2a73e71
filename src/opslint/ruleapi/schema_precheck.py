"""A quick decision of whether a document satisfies a JSON schema, as jsonschema decides it.

Most documents are valid, and building jsonschema's errors to find there are none costs
far more than walking the document once. `Precheck.decide` walks it with the keywords of
draft 7 and draft 2020-12 that the bundled schemas use, exactly as the validator
`schemas._validator` builds would apply them (the same `pattern` reading, no `format`
assertion, `$ref` resolved only inside the given documents), and answers True (valid),
False (invalid) or None (it cannot tell: a keyword or a reference it does not read).
Only a True answer is used to skip jsonschema; False is needed inside `not`, `oneOf` and
`if`, where an invalid branch makes the whole valid, so it too is given only when sure.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import TypeGuard
from urllib.parse import urljoin

from opslint.jsondata import Json

Verdict = bool | None
"""True: valid; False: invalid; None: cannot tell."""

DRAFT7 = "draft7"
DRAFT202012 = "draft2020-12"
_DRAFTS = {
    "http://json-schema.org/draft-07/schema": DRAFT7,
    "https://json-schema.org/draft/2020-12/schema": DRAFT202012,
}

_COMMON = (
    "$ref additionalProperties allOf anyOf const contains enum exclusiveMaximum "
    "exclusiveMinimum format if items maxItems maxLength maxProperties maximum minItems "
    "minLength minProperties minimum multipleOf not oneOf pattern patternProperties "
    "properties propertyNames required type uniqueItems"
)
_VALIDATED = {
    DRAFT7: frozenset(f"{_COMMON} additionalItems dependencies".split()),
    DRAFT202012: frozenset(
        f"{_COMMON} $dynamicRef dependentRequired dependentSchemas prefixItems "
        "unevaluatedItems unevaluatedProperties".split()
    ),
}
"""The keywords jsonschema's validator of each draft checks; it passes over any other."""

_DEPTH = 96
"""Schemas deeper than this (a `$ref` cycle that consumes nothing) are not decided."""

Check = Callable[[Json, Json, dict[str, Json], str, int], Verdict]
"""One keyword's check: (instance, the keyword's value, its schema, base URI, depth)."""
Plan = tuple[tuple[tuple[Check, Json], ...] | None, Verdict]
"""A schema's checks with the verdict when all hold; no checks: nothing can be decided."""

Search = Callable[[str, str], bool]
"""Whether a schema pattern (first) matches a text (second), as the full validator reads it."""


def draft_of(schema: Json) -> str | None:
    """The draft jsonschema validates `schema` by (draft 7 when it names none); None for
    any draft this module does not decide."""
    declared = schema.get("$schema") if isinstance(schema, dict) else None
    if declared is None:
        return DRAFT7
    return _DRAFTS.get(declared.rstrip("#")) if isinstance(declared, str) else None


class Precheck:
    """Decides documents against `schema`, whose `$ref`s may point into `resources` (each
    a schema document with its `$id`); `search` reads `pattern` and `patternProperties`."""

    def __init__(self, schema: dict[str, Json], resources: Iterable[Json], search: Search):
        self._search = search
        self._draft = draft_of(schema)
        self._base = _id(schema)
        self._root = schema
        self._documents: dict[str, Json] = {self._base: schema}
        for resource in resources:
            if isinstance(resource, dict) and _id(resource):
                self._documents.setdefault(_id(resource), resource)
        self._targets: dict[tuple[str, str], tuple[str, Json] | None] = {}
        self._plans: dict[tuple[int, str], Plan] = {}
        self._checks: dict[str, Check] = {
            "$ref": self._reference,
            "additionalProperties": self._additional,
            "allOf": self._all_of,
            "anyOf": self._any_of,
            "const": _const,
            "dependencies": self._dependencies,
            "enum": _enum,
            "exclusiveMaximum": _bound(lambda value, limit: value < limit),
            "exclusiveMinimum": _bound(lambda value, limit: value > limit),
            "format": _passes,
            "if": self._if,
            "items": self._items,
            "maxItems": _length(list, lambda size, limit: size <= limit),
            "maxLength": _length(str, lambda size, limit: size <= limit),
            "maxProperties": _length(dict, lambda size, limit: size <= limit),
            "maximum": _bound(lambda value, limit: value <= limit),
            "minItems": _length(list, lambda size, limit: size >= limit),
            "minLength": _length(str, lambda size, limit: size >= limit),
            "minProperties": _length(dict, lambda size, limit: size >= limit),
            "minimum": _bound(lambda value, limit: value >= limit),
            "not": self._not,
            "oneOf": self._one_of,
            "pattern": self._pattern,
            "patternProperties": self._pattern_properties,
            "prefixItems": self._prefix_items,
            "properties": self._properties,
            "propertyNames": self._property_names,
            "required": _required,
            "type": _type,
            "unevaluatedProperties": self._unevaluated,
            "uniqueItems": _unique,
        }

    def decide(self, instance: Json) -> Verdict:
        """Whether `instance` satisfies the schema: True, False, or None when unsure."""
        if self._draft is None:
            return None
        return self._decide(instance, self._root, self._base, 0)

    def _decide(self, instance: Json, schema: Json, base: str, depth: int) -> Verdict:
        if isinstance(schema, bool):
            return schema
        if not isinstance(schema, dict) or depth > _DEPTH:
            return None
        key = (id(schema), base)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._plan(schema, base)
        checks, verdict = plan
        if checks is None:
            return None
        for check, value in checks:
            found = check(instance, value, schema, base, depth + 1)
            if found is False:
                return False
            if found is None:
                verdict = None
        return verdict

    def _plan(self, schema: dict[str, Json], base: str) -> Plan:
        """The checks `schema` (met at `base`) applies, and True, or None when one of its
        keywords is not read here (checks None: none of it can be decided)."""
        if "$id" in schema and schema is not self._documents.get(base):
            return None, None  # a nested base URI: references below it resolve elsewhere
        keywords: Iterable[str] = schema
        if self._draft == DRAFT7 and "$ref" in schema:
            keywords = ("$ref",)  # draft 7 ignores the siblings of a `$ref`
        validated = _VALIDATED[self._draft or DRAFT7]
        checks: list[tuple[Check, Json]] = []
        verdict: Verdict = True
        for keyword in keywords:
            if keyword not in validated:
                continue  # an annotation, or a keyword of another draft
            check = self._checks.get(keyword)
            if check is None:
                verdict = None
            else:
                checks.append((check, schema[keyword]))
        return tuple(checks), verdict

    # ------------------------------------------------------------------ references

    def _target(self, base: str, reference: str) -> tuple[str, Json] | None:
        """The document URI and subschema a `$ref` names from `base`; None when it points
        outside the given documents or is not a plain JSON pointer."""
        key = (base, reference)
        if key not in self._targets:
            self._targets[key] = self._resolve(base, reference)
        return self._targets[key]

    def _resolve(self, base: str, reference: str) -> tuple[str, Json] | None:
        document, _, fragment = urljoin(base, reference).partition("#")
        node = self._documents.get(document)
        if node is None or (fragment and not fragment.startswith("/")) or "%" in fragment:
            return None
        for part in fragment.split("/")[1:]:
            part = part.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return None
        return document, node

    def _reference(
        self, instance: Json, reference: Json, _: Json, base: str, depth: int
    ) -> Verdict:
        target = self._target(base, reference) if isinstance(reference, str) else None
        if target is None:
            return None
        document, schema = target
        return self._decide(instance, schema, document, depth)

    # ------------------------------------------------------------------ combinators

    def _branches(self, instance: Json, branches: Json, base: str, depth: int) -> Iterator[Verdict]:
        """The verdict of each branch of a combinator, lazily; None for a malformed one."""
        if not isinstance(branches, list):
            yield None
            return
        for branch in branches:
            yield self._decide(instance, branch, base, depth)

    def _all_of(self, instance: Json, branches: Json, _: Json, base: str, depth: int) -> Verdict:
        return _conjunction(self._branches(instance, branches, base, depth))

    def _any_of(self, instance: Json, branches: Json, _: Json, base: str, depth: int) -> Verdict:
        unsure = False
        for verdict in self._branches(instance, branches, base, depth):
            if verdict:
                return True
            unsure = unsure or verdict is None
        return None if unsure else False

    def _one_of(self, instance: Json, branches: Json, _: Json, base: str, depth: int) -> Verdict:
        verdicts = list(self._branches(instance, branches, base, depth))
        holding = verdicts.count(True)
        if holding > 1:
            return False
        if None in verdicts:
            return None
        return holding == 1

    def _not(self, instance: Json, negated: Json, _: Json, base: str, depth: int) -> Verdict:
        verdict = self._decide(instance, negated, base, depth)
        return None if verdict is None else not verdict

    def _if(
        self, instance: Json, condition: Json, schema: dict[str, Json], base: str, depth: int
    ) -> Verdict:
        holds = self._decide(instance, condition, base, depth)
        if holds is None:
            return None
        branch = "then" if holds else "else"
        return self._decide(instance, schema[branch], base, depth) if branch in schema else True

    # ------------------------------------------------------------------ objects

    def _properties(
        self, instance: Json, properties: Json, _: Json, base: str, depth: int
    ) -> Verdict:
        if not isinstance(instance, dict):
            return True
        if not isinstance(properties, dict):
            return None
        verdict: Verdict = True
        for key, value in instance.items():
            if key in properties:
                found = self._decide(value, properties[key], base, depth)
                if found is False:
                    return False
                if found is None:
                    verdict = None
        return verdict

    def _pattern_properties(
        self, instance: Json, patterns: Json, _: Json, base: str, depth: int
    ) -> Verdict:
        if not isinstance(instance, dict):
            return True
        if not isinstance(patterns, dict):
            return None
        return _conjunction(
            self._decide(value, subschema, base, depth)
            for pattern, subschema in patterns.items()
            for key, value in instance.items()
            if self._search(pattern, key)
        )

    def _additional(
        self, instance: Json, additional: Json, schema: dict[str, Json], base: str, depth: int
    ) -> Verdict:
        if not isinstance(instance, dict):
            return True
        extras = _additional_keys(instance, schema)
        if extras is None:
            return None
        if isinstance(additional, dict):
            return _conjunction(
                self._decide(instance[key], additional, base, depth) for key in extras
            )
        return bool(additional) or not extras

    def _property_names(
        self, instance: Json, names: Json, _: Json, base: str, depth: int
    ) -> Verdict:
        if not isinstance(instance, dict):
            return True
        return _conjunction(self._decide(key, names, base, depth) for key in instance)

    def _dependencies(
        self, instance: Json, dependencies: Json, _: Json, base: str, depth: int
    ) -> Verdict:
        """`dependencies` (draft 7): a list names the keys a present key needs, a schema
        is applied to the whole object."""
        if not isinstance(instance, dict):
            return True
        if not isinstance(dependencies, dict):
            return None
        verdicts: list[Verdict] = []
        for key, dependency in dependencies.items():
            if key not in instance:
                continue
            if isinstance(dependency, list):
                verdicts.append(all(needed in instance for needed in dependency))
            else:
                verdicts.append(self._decide(instance, dependency, base, depth))
        return _conjunction(verdicts)

    def _unevaluated(
        self, instance: Json, unevaluated: Json, schema: dict[str, Json], base: str, depth: int
    ) -> Verdict:
        """Valid when every key no keyword surely evaluates satisfies `unevaluated`.
        jsonschema may count more keys as evaluated, so a failure here is only None."""
        if not isinstance(instance, dict):
            return True
        evaluated = self._evaluated(instance, schema, base, depth, top=True)
        if evaluated is None:
            return None
        rest = [key for key in instance if key not in evaluated]
        verdict = _conjunction(
            self._decide(instance[key], unevaluated, base, depth) for key in rest
        )
        return True if verdict else None

    def _evaluated(
        self, instance: dict[str, Json], schema: Json, base: str, depth: int, top: bool = False
    ) -> set[str] | None:
        """Keys of `instance` that jsonschema surely counts as evaluated by `schema` (the
        one holding `unevaluatedProperties` when `top`, else a `$ref` or `allOf` part of it)
        when the whole holds; some it counts may be missing. None when it cannot tell."""
        if isinstance(schema, bool):
            return set()
        if not isinstance(schema, dict) or depth > _DEPTH:
            return None
        if "additionalProperties" in schema or ("unevaluatedProperties" in schema and not top):
            # a part that holds: its other keys are extras valid under it, which count too
            return set(instance)
        found: set[str] = set()
        properties = schema.get("properties")
        if isinstance(properties, dict):
            found.update(key for key in instance if key in properties)
        if "patternProperties" in schema:
            patterns = schema["patternProperties"]
            if not isinstance(patterns, dict):
                return None
            for pattern in patterns:
                try:
                    found.update(key for key in instance if re.search(pattern, key))
                except re.error:
                    return None
        reference = schema.get("$ref")
        if isinstance(reference, str):
            target = self._target(base, reference)
            if target is None:
                return None
            more = self._evaluated(instance, target[1], target[0], depth + 1)
            if more is None:
                return None
            found |= more
        for branch in _listed(schema.get("allOf")):
            more = self._evaluated(instance, branch, base, depth + 1)
            if more is None:
                return None
            found |= more
        return found

    # ------------------------------------------------------------------ strings, arrays

    def _pattern(self, instance: Json, pattern: Json, _: Json, __: str, ___: int) -> Verdict:
        if not isinstance(instance, str):
            return True
        return self._search(pattern, instance) if isinstance(pattern, str) else None

    def _items(
        self, instance: Json, items: Json, schema: dict[str, Json], base: str, depth: int
    ) -> Verdict:
        if not isinstance(instance, list):
            return True
        if isinstance(items, list):
            if self._draft != DRAFT7:
                return None
            return _conjunction(
                self._decide(item, subschema, base, depth)
                for item, subschema in zip(instance, items, strict=False)
            )
        start = len(_listed(schema.get("prefixItems"))) if self._draft == DRAFT202012 else 0
        return _conjunction(self._decide(item, items, base, depth) for item in instance[start:])

    def _prefix_items(
        self, instance: Json, prefix: Json, _: Json, base: str, depth: int
    ) -> Verdict:
        if not isinstance(instance, list):
            return True
        if not isinstance(prefix, list):
            return None
        return _conjunction(
            self._decide(item, subschema, base, depth)
            for item, subschema in zip(instance, prefix, strict=False)
        )


def _id(schema: dict[str, Json]) -> str:
    found = schema.get("$id")
    return found.rstrip("#") if isinstance(found, str) else ""


def _listed(value: Json) -> list[Json]:
    return value if isinstance(value, list) else []


def _conjunction(verdicts: Iterable[Verdict]) -> Verdict:
    """All hold: True; one fails: False (as soon as met); else None."""
    result: Verdict = True
    for verdict in verdicts:
        if verdict is False:
            return False
        if verdict is None:
            result = None
    return result


def _additional_keys(instance: dict[str, Json], schema: dict[str, Json]) -> list[str] | None:
    """The keys jsonschema's `additionalProperties` applies to: in no `properties` and
    matching none of the `patternProperties` (joined, by Python's `re`, as it does)."""
    properties = schema.get("properties", {})
    patterns = schema.get("patternProperties", {})
    if not isinstance(properties, dict) or not isinstance(patterns, dict):
        return None
    if not patterns:
        return [key for key in instance if key not in properties]
    joined = "|".join(patterns)
    try:
        return [
            key
            for key in instance
            if key not in properties and not (joined and re.search(joined, key))
        ]
    except re.error:
        return None


def _passes(*_: object) -> Verdict:
    """`format`: jsonschema asserts none without a format checker, and none is given."""
    return True


def _required(instance: Json, required: Json, *_: object) -> Verdict:
    if not isinstance(instance, dict):
        return True
    return all(key in instance for key in required) if isinstance(required, list) else None


_JSON_TYPES: dict[str, Callable[[Json], bool]] = {
    "object": lambda value: isinstance(value, dict),
    "array": lambda value: isinstance(value, list),
    "string": lambda value: isinstance(value, str),
    "integer": lambda value: (
        not isinstance(value, bool)
        and (isinstance(value, int) or (isinstance(value, float) and value.is_integer()))
    ),
    "number": lambda value: isinstance(value, (int, float)) and not isinstance(value, bool),
    "boolean": lambda value: isinstance(value, bool),
    "null": lambda value: value is None,
}


def _type(instance: Json, expected: Json, *_: object) -> Verdict:
    if isinstance(expected, str):
        test = _JSON_TYPES.get(expected)
        return None if test is None else test(instance)
    verdict: Verdict = False
    for name in expected if isinstance(expected, list) else [expected]:
        test = _JSON_TYPES.get(name) if isinstance(name, str) else None
        if test is None:
            return None  # jsonschema raises on a type it does not know
        verdict = verdict or test(instance)
    return verdict


def _number(value: Json) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _bound(holds: Callable[[float, float], bool]) -> Callable[..., Verdict]:
    """`minimum` and its kin: numbers only, others pass."""

    def check(instance: Json, limit: Json, *_: object) -> Verdict:
        if not _number(instance):
            return True
        return holds(instance, limit) if _number(limit) else None

    return check


def _length(kind: type, holds: Callable[[float, float], bool]) -> Callable[..., Verdict]:
    """`minLength`, `maxItems` and their kin: the size of a value of `kind`, others pass."""

    def check(instance: Json, limit: Json, *_: object) -> Verdict:
        if not isinstance(instance, kind) or not isinstance(instance, str | list | dict):
            return True
        if not _number(limit):
            return None
        return holds(len(instance), limit)

    return check


def equal(one: Json, two: Json) -> bool:
    """jsonschema's equality: `true` is not `1`, `1` is `1.0`, containers item by item."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return one == two
    if isinstance(one, list) and isinstance(two, list):
        return len(one) == len(two) and all(equal(a, b) for a, b in zip(one, two, strict=True))
    if isinstance(one, dict) and isinstance(two, dict):
        return len(one) == len(two) and all(
            key in two and equal(value, two[key]) for key, value in one.items()
        )
    if isinstance(one, bool) or isinstance(two, bool):
        return False  # `one is two` already held for two equal booleans
    return one == two


def _enum(instance: Json, values: Json, *_: object) -> Verdict:
    if not isinstance(values, list):
        return None
    return any(equal(value, instance) for value in values)


def _const(instance: Json, value: Json, *_: object) -> Verdict:
    return equal(instance, value)


def _unique(instance: Json, unique: Json, *_: object) -> Verdict:
    """jsonschema's `uniq` for arrays of scalars and objects: those it compares pairwise by
    `equal` (objects cannot be sorted); arrays holding arrays or NaN are left to it."""
    if not unique or not isinstance(instance, list):
        return True
    if any(
        isinstance(item, list) or (isinstance(item, float) and item != item) for item in instance
    ):
        return None
    if any(isinstance(item, dict) for item in instance):
        return not any(
            equal(one, two) for index, one in enumerate(instance) for two in instance[index + 1 :]
        )
    return len({(_scalar_kind(item), item) for item in instance}) == len(instance)


def _scalar_kind(item: Json) -> str:
    """What `equal` tells apart: a boolean from a number, not an integer from a float."""
    if isinstance(item, bool):
        return "boolean"
    return "number" if isinstance(item, (int, float)) else type(item).__name__
