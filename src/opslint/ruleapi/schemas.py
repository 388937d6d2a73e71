"""JSON-schema validation of YAML documents, each error located on its YAML node.

The schemas come from maintained packages of the `schemas` extra, never from this
repository: check-jsonschema vendors the GitHub workflow and action, GitLab CI, CircleCI
and Compose Specification schemas; kubernetes-validate ships the Kubernetes OpenAPI
schemas of each release. Nothing is fetched: a `$ref` resolves inside the bundled files,
and one that does not becomes a run note. A document is first decided by the precheck of
`schema_precheck`; jsonschema is imported only for one it cannot prove valid, and explains
its errors.
"""

from __future__ import annotations

import difflib
import functools
import importlib.util
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn, Protocol

from opslint.jsondata import Json
from opslint.model.base import Finding, Span
from opslint.model.yamltree import YMap, YNode, YScalar, YSeq

VENDOR_PACKAGE = "check_jsonschema"
"""Vendors the CI and Compose schemas (`builtin_schemas/vendor/<name>.json`)."""
KUBERNETES_PACKAGE = "kubernetes_validate"
"""Ships `kubernetes-json-schema/v<version>-local-strict/` for each Kubernetes release."""
INSTALL_HINT = "pip install 'opslint[schemas]'"

PathPart = str | int


class SchemaError(Protocol):
    """What this module reads of a jsonschema `ValidationError`."""

    @property
    def message(self) -> str: ...
    @property
    def validator(self) -> str: ...
    @property
    def validator_value(self) -> Json: ...
    @property
    def instance(self) -> Json: ...
    @property
    def schema(self) -> Json: ...
    @property
    def context(self) -> Sequence[SchemaError]: ...
    @property
    def absolute_path(self) -> Sequence[PathPart]: ...
    @property
    def relative_path(self) -> Sequence[PathPart]: ...
    @property
    def relative_schema_path(self) -> Sequence[PathPart]: ...


class Validator(Protocol):
    """What this module uses of a jsonschema validator."""

    @property
    def schema(self) -> Json: ...
    def iter_errors(self, instance: Json) -> Iterator[SchemaError]: ...
    def descend(
        self, instance: Json, schema: Json, path: PathPart, schema_path: PathPart
    ) -> Iterator[SchemaError]: ...


Tolerate = Callable[[tuple[PathPart, ...], SchemaError, YNode], bool]
"""Says whether a validation error (`path`, jsonschema error, node) is one the real tool
accepts though the schema does not; for a missing key the path ends with that key."""


@dataclass(frozen=True, slots=True)
class SchemaProblem:
    """One validation error: where, what, and the instance path it concerns."""

    span: Span
    message: str
    path: tuple[PathPart, ...]


class SchemaUnavailable(Exception):
    """The schema cannot be used in this environment (package missing, `$ref` unresolvable)."""


def missing_note(code: str, name: str, package: str) -> str:
    """The run note of a schema rule whose package is not installed."""
    dist = package.replace("_", "-")
    return f"{code} {name}: not checked: {dist} is not installed ({INSTALL_HINT})"


@functools.cache
def package_dir(package: str) -> Path | None:
    """Where an installed package lives, found without importing it (looked up once)."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


# --------------------------------------------------------------------------- validators


def _refuse_remote(uri: str) -> NoReturn:
    """The registry's retriever: nothing is ever downloaded."""
    raise LookupError(f"{uri} is not bundled (never fetched)")


@functools.cache
def _pattern(pattern: str) -> Callable[[str], bool] | None:
    """A schema's pattern as a search: Python's `re` where it reads the pattern, else
    regress, as check-jsonschema reads ECMA-262 patterns (`\\p{Cc}` needs Unicode mode);
    None when neither can read it."""
    try:
        compiled = re.compile(pattern)
    except re.error:
        pass
    else:
        return lambda text: compiled.search(text) is not None
    try:
        import regress  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return None
    try:
        ecma = regress.Regex(pattern, flags="u")
    except regress.RegressError:
        return None
    return lambda text: ecma.find(text) is not None


def _matches(pattern: str, text: str) -> bool:
    """True when `text` matches the schema's `pattern`, or the pattern cannot be read."""
    search = _pattern(pattern)
    return search is None or search(text)


def _pattern_keyword(
    validator: Validator, pattern: str, instance: Json, schema: Json
) -> Iterator[SchemaError]:
    from jsonschema import ValidationError  # type: ignore[import-untyped]

    if isinstance(instance, str) and not _matches(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties_keyword(
    validator: Validator, properties: dict[str, Json], instance: Json, schema: Json
) -> Iterator[SchemaError]:
    if not isinstance(instance, dict):
        return
    for pattern, subschema in properties.items():
        for key, value in instance.items():
            if _matches(pattern, key):
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


def _validator(schema: dict[str, Json], extra: Iterable[Json] = ()) -> Validator:
    """A validator of the draft the schema declares, resolving `$ref`s offline only, whose
    patterns never fail on syntax Python's `re` lacks."""
    from jsonschema.validators import (  # type: ignore[import-untyped]
        Draft7Validator,
        extend,
        validator_for,
    )
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7

    registry: Registry[Json] = Registry(retrieve=_refuse_remote)  # type: ignore[call-arg]
    for contents in extra:
        resource = Resource.from_contents(contents, default_specification=DRAFT7)
        if resource.id():
            registry = registry.with_resource(resource.id() or "", resource)
    cls: Callable[..., Validator] = extend(
        validator_for(schema, default=Draft7Validator),
        {"pattern": _pattern_keyword, "patternProperties": _pattern_properties_keyword},
    )
    return cls(schema, registry=registry)


@functools.cache
def vendor_validator(name: str) -> Validator:
    """The validator of check-jsonschema's vendored schema `name` (e.g. `gitlab-ci`)."""
    base = package_dir(VENDOR_PACKAGE)
    if base is None:
        raise SchemaUnavailable(f"{VENDOR_PACKAGE.replace('_', '-')} is not installed")
    path = base / "builtin_schemas" / "vendor" / f"{name}.json"
    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SchemaUnavailable(f"cannot read the bundled schema {name}: {error}") from None
    return Prechecked(schema)


def kubernetes_versions() -> list[str]:
    """The Kubernetes versions (`1.33`) the installed kubernetes-validate has schemas for."""
    base = package_dir(KUBERNETES_PACKAGE)
    if base is None:
        return []
    found = []
    for folder in (base / "kubernetes-json-schema").glob("v*-local-strict"):
        match = re.fullmatch(r"v(\d+)\.(\d+)(?:\.\d+)?-local-strict", folder.name)
        if match:
            found.append((int(match.group(1)), int(match.group(2))))
    return [f"{major}.{minor}" for major, minor in sorted(found)]


def _version_key(version: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"v?(\d+)\.(\d+)(?:\.\d+)?", version.strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def kubernetes_version(wanted: str) -> str:
    """The shipped version used for `wanted` (empty: the newest): the newest not after it."""
    versions = kubernetes_versions()
    if not versions:
        raise SchemaUnavailable(f"{KUBERNETES_PACKAGE.replace('_', '-')} is not installed")
    if not wanted.strip():
        return versions[-1]
    key = _version_key(wanted)
    if key is None:
        raise SchemaUnavailable(f"`{wanted}` is not a Kubernetes version (expected e.g. 1.33)")
    usable = [v for v in versions if (_version_key(v) or (0, 0)) <= key]
    if not usable:
        raise SchemaUnavailable(
            f"no schemas for Kubernetes {wanted} (kubernetes-validate ships "
            f"{versions[0]} to {versions[-1]})"
        )
    return usable[-1]


@functools.cache
def _kubernetes_definitions(version: str) -> dict[str, Json]:
    folder = _kubernetes_folder(version)
    loaded: dict[str, Json] = json.loads((folder / "_definitions.json").read_text("utf-8"))
    return loaded


def _kubernetes_folder(version: str) -> Path:
    base = package_dir(KUBERNETES_PACKAGE)
    if base is None:
        raise SchemaUnavailable(f"{KUBERNETES_PACKAGE.replace('_', '-')} is not installed")
    folders = sorted((base / "kubernetes-json-schema").glob(f"v{version}.*-local-strict"))
    if not folders:
        raise SchemaUnavailable(f"no schemas for Kubernetes {version}")
    return folders[-1]


@functools.cache
def kubernetes_validator(version: str, api_version: str, kind: str) -> Validator | None:
    """The validator of one built-in kind at `version`; None for kinds Kubernetes lacks
    (custom resources, or a group/version the release does not serve)."""
    group, _, group_version = api_version.rpartition("/")
    if not kind or not group_version:
        return None
    short = group.split(".", 1)[0]
    name = f"{kind.lower()}-{short}-{group_version}" if group else f"{kind.lower()}-{group_version}"
    path = _kubernetes_folder(version) / f"{name}.json"
    try:
        if not re.fullmatch(r"[a-z0-9.-]+", name) or not path.is_file():
            return None
    except OSError:  # a kind too long for a file name is not one Kubernetes has
        return None
    schema = json.loads(path.read_text(encoding="utf-8"))
    served = schema.get("x-kubernetes-group-version-kind") or []
    # `networking.istio.io/v1` shares the file name of `networking.k8s.io/v1`: match exactly
    if not any(
        isinstance(gvk, dict)
        and gvk.get("group", "") == group
        and gvk.get("version") == group_version
        and gvk.get("kind") == kind
        for gvk in served
    ):
        return None
    from opslint.ruleapi.schema_cache import definitions_for

    definitions = definitions_for(path, schema, lambda: _kubernetes_definitions(version))
    return Prechecked(schema, [definitions])


class Prechecked:
    """A schema checked first by `schema_precheck.Precheck`: a document it proves valid
    never imports jsonschema. Any other document goes to the jsonschema validator (built
    on first use), whose errors are reported exactly as before."""

    def __init__(self, schema: dict[str, Json], resources: Sequence[Json] = ()) -> None:
        from opslint.ruleapi.schema_precheck import Precheck

        self.schema = schema
        self._resources = resources
        self._precheck = Precheck(schema, resources, _matches)
        self._full: Validator | None = None

    def full(self) -> Validator:
        """The jsonschema validator of the schema."""
        if self._full is None:
            self._full = _validator(self.schema, self._resources)
        return self._full

    def iter_errors(self, instance: Json) -> Iterator[SchemaError]:
        """No error when `proves_valid` says so, else jsonschema's errors."""
        if self.proves_valid(instance):
            return iter(())
        return self.full().iter_errors(instance)

    def descend(
        self, instance: Json, schema: Json, path: PathPart, schema_path: PathPart
    ) -> Iterator[SchemaError]:
        return self.full().descend(instance, schema, path=path, schema_path=schema_path)

    def proves_valid(self, instance: Json) -> bool:
        """True only when `instance` satisfies the schema as jsonschema decides it; False
        when it does not or when the precheck cannot tell."""
        return self._precheck.decide(instance) is True


# --------------------------------------------------------------------------- values and nodes


def to_plain(node: YNode | None) -> Json:
    """The plain JSON-like value of a located tree (a recursive alias becomes null)."""
    active: set[int] = set()

    def convert(current: YNode | None) -> Json:
        if isinstance(current, YScalar):  # most nodes: no alias bookkeeping
            return current.value
        if current is None or id(current) in active:
            return None
        active.add(id(current))
        try:
            if isinstance(current, YMap):
                return {key: convert(value) for key, value in current.entries.items()}
            if isinstance(current, YSeq):
                return [convert(item) for item in current.items]
            return None
        finally:
            active.discard(id(current))

    return convert(node)


def node_at(root: YNode, path: Iterable[PathPart]) -> tuple[YNode, YMap | None, PathPart | None]:
    """The deepest node of `path` that exists, its parent mapping and its key there."""
    node: YNode = root
    parent: YMap | None = None
    key: PathPart | None = None
    for part in path:
        if isinstance(node, YMap) and isinstance(part, str) and part in node.entries:
            parent, key = node, part
            node = node.entries[part]
        elif isinstance(node, YSeq) and isinstance(part, int) and 0 <= part < len(node.items):
            node, parent, key = node.items[part], None, part
        else:
            break
    return node, parent, key


def dotted(path: Iterable[PathPart]) -> str:
    """`jobs.build.steps[2].with` for messages."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def allowed_types(error: SchemaError) -> list[str]:
    """The JSON types an error's schema allows at its node (`a string`, `an array`)."""
    return _allowed_types(error)


def _first_line(span: Span, lines: Sequence[str]) -> Span:
    """A block's anchor: its first line from where it starts."""
    return span.start().to_line_end(lines) if lines else span


def _anchor(root: YNode, path: tuple[PathPart, ...], lines: Sequence[str]) -> Span:
    """Where a finding about the node at `path` as a whole starts: its key, or its first line."""
    node, parent, key = node_at(root, path)
    if parent is not None and isinstance(key, str):
        return parent.key_span(key)
    return _first_line(node.span, lines)


def _value_span(root: YNode, path: tuple[PathPart, ...], lines: Sequence[str]) -> Span:
    node, parent, key = node_at(root, path)
    if isinstance(node, YScalar):
        return node.span
    if parent is not None and isinstance(key, str):
        return parent.key_span(key)
    return _first_line(node.span, lines)


# --------------------------------------------------------------------------- errors


_TYPE_NAMES = {
    "array": "an array",
    "object": "an object",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
    "null": "null",
}


def _or(words: list[str]) -> str:
    words = list(dict.fromkeys(words))
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def _types(value: Json) -> list[str]:
    names = value if isinstance(value, list) else [value]
    return [_TYPE_NAMES.get(str(name), str(name)) for name in names]


def _show(value: Json) -> str:
    text = json.dumps(value) if not isinstance(value, str) else value
    return text if len(text) <= 40 else text[:37] + "..."


def _choices(values: list[Json]) -> str:
    shown = ", ".join(f"`{_show(v)}`" for v in values[:8])
    return shown + (", ..." if len(values) > 8 else "")


def _where(path: tuple[PathPart, ...]) -> str:
    return f"`{dotted(path)}`" if path else "the document"


_ROOT_SCHEMA: ContextVar[Json] = ContextVar("opslint_root_schema", default=None)
"""The schema being applied, for local `$ref`s met while listing a mapping's keys."""


def _local(ref: str) -> Json:
    if not ref.startswith("#"):
        return None
    node: Json = _ROOT_SCHEMA.get() or {}
    for part in ref[1:].split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _declared(schema: Json, depth: int = 0) -> tuple[set[str], set[str]]:
    """The property names and patterns a schema declares, through `allOf`/`$ref` and the
    other combinators (what `unevaluatedProperties` counts as evaluated when they pass)."""
    names: set[str] = set()
    patterns: set[str] = set()
    if not isinstance(schema, dict) or depth > 8:
        return names, patterns
    names.update(_keys(schema, "properties"))
    patterns.update(_keys(schema, "patternProperties"))
    parts = [schema.get(k) for k in ("allOf", "anyOf", "oneOf")]
    subs = [sub for part in parts if isinstance(part, list) for sub in part]
    subs += [schema.get(k) for k in ("if", "then", "else")]
    ref = schema.get("$ref")
    if isinstance(ref, str):
        subs.append(_local(ref))
    for sub in subs:
        more_names, more_patterns = _declared(sub, depth + 1)
        names |= more_names
        patterns |= more_patterns
    return names, patterns


def _keys(schema: dict[str, Json], keyword: str) -> list[str]:
    """The names a schema's `properties` or `patternProperties` declares."""
    declared = schema.get(keyword)
    return [str(key) for key in declared] if isinstance(declared, dict) else []


def _extra_keys(error: SchemaError) -> list[str]:
    instance = error.instance
    if not isinstance(instance, dict):
        return []
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "unevaluatedProperties":
        properties, patterns = _declared(schema)
    else:
        properties = set(_keys(schema, "properties"))
        patterns = set(_keys(schema, "patternProperties"))
    return [
        key
        for key in instance
        if key not in properties and not any(_matches(p, key) for p in patterns)
    ]


def _known_keys(error: SchemaError) -> list[str]:
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "unevaluatedProperties":
        return sorted(_declared(schema)[0])
    return _keys(schema, "properties")


def _type_failures(errors: list[SchemaError]) -> bool:
    return all(e.validator == "type" and not e.relative_path for e in errors)


_WEAK = ("oneOf", "anyOf")


def _narrow(error: SchemaError) -> list[SchemaError]:
    """The errors worth reporting for one error: a `oneOf`/`anyOf` is narrowed to the
    alternative that fits the value's shape, and reported as a type error when none does."""
    if error.validator not in ("oneOf", "anyOf") or not error.context:
        return [error]
    alternatives: dict[int, list[SchemaError]] = {}
    for sub in error.context:
        index = sub.relative_schema_path[0] if sub.relative_schema_path else 0
        alternatives.setdefault(int(index), []).append(sub)
    fitting = [errs for errs in alternatives.values() if not _type_failures(errs)]
    if not fitting:
        return [error]  # reported as "must be X or Y" by _message

    # the alternative the author meant: its errors go deepest into the value, it names
    # most of the value's keys, and it has the fewest errors
    def score(errs: list[SchemaError]) -> tuple[int, int, int]:
        unknown = sum(
            len(_extra_keys(e))
            for e in errs
            if e.validator in ("additionalProperties", "unevaluatedProperties")
            and not e.relative_path
        )
        return (max(len(e.relative_path) for e in errs), -unknown, -len(errs))

    best = max(fitting, key=score)
    result: list[SchemaError] = []
    for sub in best:
        result.extend(_narrow(sub))
    return result


def _allowed_types(error: SchemaError) -> list[str]:
    if error.validator == "type":
        return _types(error.validator_value)
    return [
        name
        for sub in error.context or ()
        if sub.validator == "type" and not sub.relative_path
        for name in _types(sub.validator_value)
    ]


def _placeholder(node: YNode, lines: Sequence[str]) -> bool:
    """An unrendered `{{ template }}` placeholder: YAML reads it as an empty mapping."""
    if not isinstance(node, YMap) or node.entries or not lines:
        return False
    span = node.span
    text = lines[span.line - 1] if 0 < span.line <= len(lines) else ""
    return text[span.column - 1 :].startswith("{{")


def _message(error: SchemaError) -> str:
    path = tuple(error.absolute_path)
    where = _where(path)
    validator = error.validator
    value = error.validator_value
    if error.instance is None and validator in ("type", "oneOf", "anyOf"):
        allowed = _allowed_types(error)
        if allowed:
            return f"{where} has no value (expected {_or(allowed)})"
    if validator == "type":
        return f"{where} must be {_or(_types(value))}"
    if validator in ("oneOf", "anyOf"):
        expected: list[str] = []
        for sub in error.context:
            if sub.validator == "type" and not sub.relative_path:
                expected.extend(_types(sub.validator_value))
        if expected:
            return f"{where} must be {_or(expected)}"
        if validator == "oneOf" and not error.context:
            return f"{where} matches more than one of the allowed forms"
        return f"{where} matches none of the allowed forms"
    if validator == "enum" and isinstance(value, list):
        return f"{where} must be one of {_choices(value)} (got `{_show(error.instance)}`)"
    if validator == "const":
        return f"{where} must be `{_show(value)}`"
    if validator in ("minItems", "minProperties"):
        return f"{where} must not be empty" if value == 1 else f"{where} is too short"
    if validator == "pattern":
        if str(value).startswith("^\\$\\{\\{"):
            return f"{where} must be a `${{{{ ... }}}}` expression here"
        return f"{where} does not match the pattern `{value}`"
    if validator == "minLength":
        return f"{where} must not be empty"
    if validator == "not":
        return f"{where} is not allowed here"
    first = str(error.message).splitlines()[0]
    return f"{where}: {first}"


def _problems(
    error: SchemaError, root: YNode, lines: Sequence[str], tolerate: Tolerate | None
) -> Iterator[SchemaProblem]:
    path = tuple(error.absolute_path)
    node, _, _ = node_at(root, path)
    if _placeholder(node, lines):
        return
    if error.validator in ("additionalProperties", "unevaluatedProperties"):
        extras = _extra_keys(error)
        known = _known_keys(error)
        for key in extras:
            if tolerate is not None and tolerate((*path, key), error, node):
                continue
            hint = difflib.get_close_matches(key, known, n=1, cutoff=0.75)
            suggestion = f" (did you mean `{hint[0]}`?)" if hint else ""
            span = node.key_span(key) if isinstance(node, YMap) else _anchor(root, path, lines)
            yield SchemaProblem(
                span, f"`{dotted((*path, key))}` is not allowed here{suggestion}", (*path, key)
            )
        return  # no key of its own: a consequence of an error reported elsewhere
    if error.validator == "required" and isinstance(error.instance, dict):
        required = error.validator_value if isinstance(error.validator_value, list) else []
        missing = [
            p
            for p in required
            if isinstance(p, str)
            and p not in error.instance
            and not (tolerate is not None and tolerate((*path, p), error, node))
        ]
        if not missing:
            return
        names = ", ".join(f"`{p}`" for p in missing) or "a property"
        verb = "is" if len(missing) <= 1 else "are"
        owner = f" in {_where(path)}" if path else ""
        yield SchemaProblem(_anchor(root, path, lines), f"{names} {verb} required{owner}", path)
        return
    if tolerate is not None and tolerate(path, error, node):
        return
    yield SchemaProblem(_value_span(root, path, lines), _message(error), path)


def validate(
    root: YNode, validator: Validator, lines: Sequence[str], tolerate: Tolerate | None = None
) -> list[SchemaProblem]:
    """Every schema error of the document under `root`, one per location, in file order.

    `tolerate` drops the errors the real tool does not make (the schema is stricter).

    Raises `SchemaUnavailable` when the schema refers to something not bundled.
    """
    instance = to_plain(root)
    token = _ROOT_SCHEMA.set(validator.schema if isinstance(validator.schema, dict) else {})
    found: dict[tuple[int, int], SchemaProblem] = {}
    try:
        # specific errors first: at one location they win over a `oneOf` summary
        errors = sorted(validator.iter_errors(instance), key=lambda e: e.validator in _WEAK)
        for error in errors:
            for narrowed in _narrow(error):
                for problem in _problems(narrowed, root, lines, tolerate):
                    found.setdefault((problem.span.line, problem.span.column), problem)
    except Exception as error:
        from referencing.exceptions import Unresolvable

        if isinstance(error, Unresolvable):
            raise SchemaUnavailable(f"unresolvable reference: {error}") from None
        raise
    finally:
        _ROOT_SCHEMA.reset(token)
    return sorted(found.values(), key=lambda p: (p.span.line, p.span.column))


# --------------------------------------------------------------------------- rule entry


def check(
    root: YNode | None,
    validator: Callable[[], Validator | None],
    *,
    package: str,
    notes: list[str],
    rule: tuple[str, str],
    lines: Sequence[str],
    tolerate: Tolerate | None = None,
    installed: bool | None = None,
) -> list[SchemaProblem]:
    """What a schema rule reports for one document: the problems of `root` against the
    schema `validator()` builds (None: no schema applies, nothing to say).

    When `package` is not installed, or the schema cannot be used offline, a note is added
    to `notes` (once) and nothing is reported. `installed` says whether it is, when the
    caller knows (a rule that checks every object asks once per run), else it is looked up.
    """
    code, name = rule
    if root is None:
        return []
    if not (installed if installed is not None else package_dir(package) is not None):
        note = missing_note(code, name, package)
        if note not in notes:
            notes.append(note)
        return []
    try:
        built = validator()
        return [] if built is None else validate(root, built, lines, tolerate)
    except SchemaUnavailable as unavailable:
        note = f"{code} {name}: not checked: {unavailable}"
        if note not in notes:
            notes.append(note)
        return []


Logical = Callable[[tuple[PathPart, ...]], str]
"""Gives the logical path of the object an instance path falls in."""


def schema_findings(
    root: YNode | None,
    validator: Callable[[], Validator | None],
    *,
    rule: tuple[str, str],
    notes: list[str],
    lines: Sequence[str],
    logical: Logical,
    package: str = VENDOR_PACKAGE,
    tolerate: Tolerate | None = None,
    installed: bool | None = None,
) -> Iterator[Finding]:
    """The findings of a schema rule for one document: one per problem `check` finds,
    with the logical path `logical` gives its instance path."""
    problems = check(
        root,
        validator,
        package=package,
        notes=notes,
        rule=rule,
        lines=lines,
        tolerate=tolerate,
        installed=installed,
    )
    for problem in problems:
        yield Finding(problem.span, problem.message, logical=logical(problem.path))


def vendored_schema_findings(
    root: YNode | None,
    lines: Sequence[str],
    schema: str,
    rule: tuple[str, str],
    notes: list[str],
    logical: Logical,
    tolerate: Tolerate | None = None,
) -> Iterator[Finding]:
    """`schema_findings` against the schema `check-jsonschema` vendors as `schema`."""
    return schema_findings(
        root,
        lambda: vendor_validator(schema),
        rule=rule,
        notes=notes,
        lines=lines,
        logical=logical,
        tolerate=tolerate,
    )


def section_logical(sections: dict[str, str], top: str) -> Logical:
    """The logical paths of a document whose top-level sections hold named entries:
    `services.web...` is `service:web` for `sections={"services": "service"}`; another
    top-level key is its own name, the document as a whole is `top`."""

    def logical(path: tuple[PathPart, ...]) -> str:
        if len(path) >= 2 and str(path[0]) in sections:
            return f"{sections[str(path[0])]}:{path[1]}"
        return str(path[0]) if path else top

    return logical
