"""The rule decorator and the engine's view of a rule.

A rule is a plain function. `@rule(...)` attaches a frozen `RuleSpec` and registers nothing;
a rule pack plugin hands its functions to the engine through `opslint_collect_rules`. The
engine reads the function's annotations: one parameter names the model type it inspects
(called once per matching object), `options` receives the rule's options dataclass filled
from config, and every parameter annotated with a view class (`opslint.views`: `SourceText`,
`Defaults`, `Files`, `Notes`, the indexes of `opslint.indexes`, or `Run` itself) receives
that view of the run for the object.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from opslint.severity import Severity

if TYPE_CHECKING:
    from opslint.views import View

FixKind = Literal["safe", "unsafe", "gen", "-"]
YieldScope = Literal["span", "start", "object"]
"""What a yielding rule's finding shares with its owner's: overlapping text, the same start
position, or the same object."""
F = TypeVar("F", bound=Callable[..., Any])

DOC_SECTIONS = (
    "What it does",
    "Why it matters",
    "Example",
    "Use instead",
    "Fix",
    "References",
)
"""The sections every rule docstring has, in this order ("Options" may follow "Fix", and
"Variants" may come before "References")."""


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """What a rule is: identity, default severity, default state, fix availability, peers."""

    code: str
    name: str
    severity: Severity
    default_enabled: bool = True
    fix: FixKind = "-"
    tags: tuple[str, ...] = ()
    peers: tuple[str, ...] = ()
    security_severity: float | None = None
    defaults: tuple[tuple[str, str], ...] = ()
    """The `[tool.opslint.defaults]` keys its fix reads, each with what it is for."""
    yields_to: tuple[str, ...] = ()
    """The rules that own a problem this rule also sees: where one of them reports the same
    thing (`yields_within`), this rule's finding is dropped."""
    yields_within: YieldScope = "span"
    """"span": the owner's finding overlaps this one's text in the same file; "start": it
    starts at the same position (the same anchor, whatever each span's extent); "object":
    it is about the same object (the same `logical` path; overlapping text when either has
    none)."""


@dataclass(frozen=True, slots=True)
class RuleFamily:
    """The rules whose codes share a prefix: their catalog section and the kinds they apply to."""

    title: str
    kinds: tuple[str, ...]
    """The file kinds the family's rules apply to; "*" for every kind."""


def rule(
    code: str,
    name: str,
    severity: Severity,
    *,
    default_enabled: bool = True,
    fix: FixKind = "-",
    tags: Iterable[str] = (),
    peers: Iterable[str] = (),
    security_severity: float | None = None,
    defaults: Mapping[str, str] | None = None,
    yields_to: Iterable[str] = (),
    yields_within: YieldScope = "span",
) -> Callable[[F], F]:
    """Attach a `RuleSpec` to a rule function; the function itself is returned unchanged.

    `defaults` names the `[tool.opslint.defaults]` keys the rule reads, each with what it is for.
    `yields_to` names the rules that own a problem this one also reports: when one of them is
    enabled and reports an overlapping span (`yields_within="span"`), a span starting at
    the same position (`"start"`) or the same object (`"object"`) in the same file, this
    rule's finding is dropped.
    """
    spec = RuleSpec(
        code,
        name,
        severity,
        default_enabled,
        fix,
        tuple(tags),
        tuple(peers),
        security_severity,
        tuple((defaults or {}).items()),
        tuple(yields_to),
        yields_within,
    )

    def decorate(function: F) -> F:
        function.__opslint_rule__ = spec  # type: ignore[attr-defined]
        return function

    return decorate


def spec_of(function: Callable[..., Any]) -> RuleSpec | None:
    """The spec attached by `@rule`, if any."""
    spec = getattr(function, "__opslint_rule__", None)
    return spec if isinstance(spec, RuleSpec) else None


class RuleDefinitionError(Exception):
    """A rule function whose signature the engine cannot serve."""


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule as the engine runs it: spec, function and what its parameters ask for."""

    spec: RuleSpec
    function: Callable[..., Any]
    subject: type | None
    """The model type the rule inspects, or None for a rule that takes only views."""
    subject_parameter: str | None
    options_type: type | None
    views: tuple[tuple[str, type[View]], ...]
    """(parameter, view class) for each parameter the engine serves from the run."""
    origin: str
    """Where the rule comes from: the plugin name, or a rule-path file."""
    family: RuleFamily | None
    """The family its plugin declares for the rule's code prefix, if any."""

    @property
    def code(self) -> str:
        """The rule's code."""
        return self.spec.code

    @property
    def doc(self) -> str:
        """The rule's documentation, dedented."""
        return inspect.cleandoc(self.function.__doc__ or "")

    @property
    def sections(self) -> dict[str, str]:
        """The `## Heading` sections of the documentation, in order, each with its text."""
        found: dict[str, str] = {}
        for chunk in re.split(r"^## ", self.doc, flags=re.MULTILINE)[1:]:
            heading, _, text = chunk.partition("\n")
            found[heading.strip()] = text.strip()
        return found

    @property
    def summary(self) -> str:
        """The first line of the documentation."""
        return self.doc.split("\n", 1)[0].strip()

    @property
    def kinds(self) -> tuple[str, ...]:
        """The file kinds the rule applies to: its subject type's, else its family's."""
        kinds = getattr(self.subject, "rule_kinds", None)
        if isinstance(kinds, tuple):
            return kinds
        kind = getattr(self.subject, "kind", None)
        if isinstance(kind, str) and kind != "*":
            return (kind,)
        return self.family.kinds if self.family is not None else ("*",)

    def make_options(self, values: dict[str, Any]) -> object | None:
        """The options dataclass filled from config `values` (keys in kebab or snake case)."""
        if self.options_type is None:
            if values:
                raise ValueError(f"rule {self.code} takes no options")
            return None
        fields = {f.name: f for f in dataclasses.fields(self.options_type)}
        arguments: dict[str, object] = {}
        for key, value in values.items():
            name = key.replace("-", "_")
            if name not in fields:
                known = ", ".join(sorted(n.replace("_", "-") for n in fields))
                raise ValueError(f"rule {self.code} has no option {key!r} (options: {known})")
            default = getattr(self.options_type(), name)
            if isinstance(default, tuple) and isinstance(value, list):
                value = tuple(value)
            if not isinstance(value, type(default)) and not (
                isinstance(default, float) and isinstance(value, int)
            ):
                raise ValueError(
                    f"option {key!r} of rule {self.code} must be {type(default).__name__}"
                )
            arguments[name] = value
        options: object = self.options_type(**arguments)
        return options


def make_rule(
    function: Callable[..., Any], origin: str, families: Mapping[str, RuleFamily]
) -> Rule:
    """Read a rule function's spec and parameters; raise `RuleDefinitionError` when unusable.

    `families` maps code prefixes to the families the plugins declare.
    """
    spec = spec_of(function)
    if spec is None:
        raise RuleDefinitionError(f"{function.__qualname__} has no @rule spec")
    from opslint.views import is_view

    try:
        hints = typing.get_type_hints(function)
    except Exception as error:
        raise RuleDefinitionError(f"{spec.code}: cannot read annotations: {error}") from None
    subject: type | None = None
    subject_parameter: str | None = None
    options_type: type | None = None
    views: list[tuple[str, type[View]]] = []
    for name in inspect.signature(function).parameters:
        annotation = _optional_view(hints.get(name), is_view)
        if not isinstance(annotation, type):
            raise RuleDefinitionError(
                f"{spec.code}: parameter {name!r} needs a class annotation: a model type, "
                "an options dataclass or a view (a class with `for_subject`)"
            )
        if is_view(annotation):
            views.append((name, cast("type[View]", annotation)))
        elif name == "options" and dataclasses.is_dataclass(annotation):
            options_type = annotation
        elif subject is None:
            subject, subject_parameter = annotation, name
        else:
            raise RuleDefinitionError(
                f"{spec.code}: parameter {name!r} asks for {annotation.__qualname__}, which "
                f"the engine cannot serve: the subject is already {subject_parameter!r}, "
                "and a view needs a `for_subject(run, subject)` classmethod"
            )
    if subject is None and not views:
        raise RuleDefinitionError(f"{spec.code}: needs a subject parameter or a view")
    if spec.code in spec.yields_to:
        raise RuleDefinitionError(f"{spec.code}: a rule cannot yield to itself")
    if spec.yields_within not in typing.get_args(YieldScope):
        raise RuleDefinitionError(
            f"{spec.code}: yields_within is {spec.yields_within!r}, not 'span', 'start' or 'object'"
        )
    return Rule(
        spec,
        function,
        subject,
        subject_parameter,
        options_type,
        tuple(views),
        origin,
        families.get(spec.code[:2]),
    )


def _optional_view(annotation: object, is_view: Callable[[object], bool]) -> object:
    """The view class of `View | None` (a view some subjects have none of), else `annotation`."""
    members = typing.get_args(annotation)
    if (
        (isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union)
        and len(members) == 2
        and type(None) in members
    ):
        view = next(m for m in members if m is not type(None))
        if is_view(view):
            return view
    return annotation
