"""The Terraform model: the blocks of one configuration file, each with exact spans.

Values stay what the author wrote: a `Term` holds either a literal (string, number, bool,
null, or a list or map of literals) or an `Expression` with its source text, so a rule can
tell `tags = { team = "x" }` from `tags = var.tags`. Object constructors keep their keys and
each key's span whether or not their values are literal, and function calls keep their
arguments, so `merge(local.a, { team = "x" })` can be understood.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any, ClassVar

from opslint.model.base import Span
from opslint.model.facets import EnvVar
from opslint.model.source import Document

Literal = str | int | float | bool | None | list["Literal"] | dict[str, "Literal"]
"""A value written as a literal: no references, calls or templates."""

_TRAVERSAL = re.compile(r"^[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\.\d+|\[[^\]]*\])*$")


class Expression:
    """A value that is not a literal, with its source text (`var.tags`, `"${var.x}-y"`).

    For a function call `function` is its name and `arguments` its arguments. Not changed
    once built (a plain class, not a frozen dataclass, because a parser makes one for
    nearly every value and a frozen dataclass's constructor costs four times as much).
    """

    __slots__ = ("_arguments", "function", "span", "text")

    def __init__(
        self,
        text: str,
        span: Span,
        function: str | None = None,
        arguments: tuple[Term, ...] | Callable[[Expression], tuple[Term, ...]] = (),
    ) -> None:
        self.text = text
        self.span = span
        self.function = function
        self._arguments = arguments
        """The arguments, or the parser's reader of them, which `arguments` calls once: a
        parser may leave them to be read from `text` when first asked for, as few rules
        look inside a call."""

    @property
    def arguments(self) -> tuple[Term, ...]:
        """For a function call: its arguments, in order."""
        arguments = self._arguments
        if not isinstance(arguments, tuple):
            arguments = self._arguments = arguments(self)
        return arguments

    @property
    def is_reference(self) -> bool:
        """True when the text is a plain traversal such as `var.x` or `local.a["b"]`."""
        return _TRAVERSAL.match(self.text) is not None


_NO_ENTRIES: Mapping[str, Any] = MappingProxyType({})


@dataclass(eq=False, slots=True, init=False)
class Term:
    """An expression as written: its value (a literal or an `Expression`) and its spans.

    A term is not changed once built; a term that is not an object or a tuple shares
    empty `entries`, `key_spans` and `items` (a parser makes one for nearly every value).
    """

    value: Literal | Expression
    span: Span
    entries: Mapping[str, Term]
    """For an object constructor with static keys (`{ a = 1 }`): each element by key."""
    key_spans: Mapping[str, Span]
    """For an object constructor: the span of each key as written."""
    items: Sequence[Term]
    """For a tuple constructor (`[a, b]`): its elements."""
    is_object: bool
    is_tuple: bool
    dynamic_keys: bool
    """For an object constructor: True when some key is computed (`(var.k) = 1`)."""

    def __init__(
        self,
        value: Literal | Expression,
        span: Span,
        entries: Mapping[str, Term] = _NO_ENTRIES,
        key_spans: Mapping[str, Span] = _NO_ENTRIES,
        items: Sequence[Term] = (),
        is_object: bool = False,
        is_tuple: bool = False,
        dynamic_keys: bool = False,
    ) -> None:
        self.value = value
        self.span = span
        self.entries = entries
        self.key_spans = key_spans
        self.items = items
        self.is_object = is_object
        self.is_tuple = is_tuple
        self.dynamic_keys = dynamic_keys

    @property
    def is_literal(self) -> bool:
        """True when the value is a literal, not an expression."""
        return not isinstance(self.value, Expression)

    @property
    def expression(self) -> Expression | None:
        """The value when it is an expression."""
        return self.value if isinstance(self.value, Expression) else None


@dataclass(eq=False, slots=True)
class Attribute:
    """`name = value` in a block body."""

    name: str
    term: Term
    name_span: Span
    logical: str = ""

    @property
    def span(self) -> Span:
        """From the name to the end of the value."""
        name, value = self.name_span, self.term.span
        return Span(name.path, name.line, name.column, value.end_line, value.end_column)

    @property
    def value(self) -> Literal | Expression:
        """The value: a literal or an `Expression`."""
        return self.term.value

    @property
    def value_span(self) -> Span:
        """The span of the value."""
        return self.term.span

    @property
    def key_spans(self) -> Mapping[str, Span]:
        """For an object value: the span of each key."""
        return self.term.key_spans


@dataclass(eq=False)
class Block:
    """A block: a type, labels, attributes and nested blocks.

    `span` is the header, from the type to the opening brace (`resource "a" "b" {`);
    `body_span` runs to the closing brace.
    """

    rule_kinds = ("terraform",)

    type: str
    labels: tuple[str, ...]
    span: Span
    body_span: Span
    label_spans: tuple[Span, ...] = ()
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    logical: str = ""

    def attribute(self, name: str) -> Attribute | None:
        """The attribute `name`, if set."""
        return self.attributes.get(name)

    def block(self, type_: str) -> Block | None:
        """The first nested block of type `type_`."""
        return next((b for b in self.blocks if b.type == type_), None)

    def blocks_of(self, type_: str) -> list[Block]:
        """Every nested block of type `type_`, in order."""
        return [b for b in self.blocks if b.type == type_]

    def literal(self, name: str) -> Literal:
        """The literal value of attribute `name` (None when unset or an expression)."""
        attribute = self.attributes.get(name)
        if attribute is None or isinstance(attribute.value, Expression):
            return None
        return attribute.value

    def string(self, name: str) -> str | None:
        """The literal string value of attribute `name`."""
        value = self.literal(name)
        return value if isinstance(value, str) else None


class TypedBlock(Block):
    """A block labelled with a provider type and a name: a resource or a data source."""

    @property
    def resource_type(self) -> str:
        """The resource type (`aws_s3_bucket`)."""
        return self.labels[0] if self.labels else ""

    @property
    def name(self) -> str:
        """The local name (`logs`)."""
        return self.labels[1] if len(self.labels) > 1 else ""

    @property
    def address(self) -> str:
        """The address within its module (`aws_s3_bucket.logs`)."""
        return f"{self.resource_type}.{self.name}"

    @property
    def provider_name(self) -> str:
        """The provider the type belongs to (`aws`), by Terraform's naming convention."""
        return self.resource_type.split("_", 1)[0]

    @property
    def lifecycle(self) -> Block | None:
        """The `lifecycle` block."""
        return self.block("lifecycle")

    @property
    def prevent_destroy(self) -> Attribute | None:
        """`lifecycle { prevent_destroy = ... }`, if set."""
        lifecycle = self.lifecycle
        return lifecycle.attribute("prevent_destroy") if lifecycle is not None else None


class Resource(TypedBlock):
    """`resource "<type>" "<name>" { ... }`."""


class DataSource(TypedBlock):
    """`data "<type>" "<name>" { ... }`."""

    @property
    def address(self) -> str:
        return f"data.{self.resource_type}.{self.name}"


class Module(Block):
    """`module "<name>" { source = ... }`."""

    @property
    def name(self) -> str:
        """The module call's name."""
        return self.labels[0] if self.labels else ""

    @property
    def source(self) -> str | None:
        """The literal `source`."""
        return self.string("source")

    @property
    def version(self) -> str | None:
        """The literal `version` constraint."""
        return self.string("version")


class Variable(Block):
    """`variable "<name>" { type, default, description, sensitive }`."""

    @property
    def name(self) -> str:
        """The variable name."""
        return self.labels[0] if self.labels else ""

    @property
    def default(self) -> Attribute | None:
        """The `default` attribute."""
        return self.attribute("default")

    @property
    def type_expression(self) -> str | None:
        """The `type` constraint as written (`map(string)`)."""
        attribute = self.attribute("type")
        if attribute is None:
            return None
        value = attribute.value
        return value.text if isinstance(value, Expression) else str(value)

    @property
    def description(self) -> str | None:
        """The literal description."""
        return self.string("description")

    @property
    def sensitive(self) -> bool:
        """True when `sensitive = true`."""
        return self.literal("sensitive") is True


class Output(Block):
    """`output "<name>" { value = ... }`."""

    @property
    def name(self) -> str:
        """The output name."""
        return self.labels[0] if self.labels else ""


class Locals(Block):
    """`locals { name = value ... }`."""


class Provider(Block):
    """`provider "<name>" { ... }`, with `default_tags { tags = {...} }` for AWS."""

    @property
    def name(self) -> str:
        """The provider's local name (`aws`)."""
        return self.labels[0] if self.labels else ""

    @property
    def alias(self) -> str | None:
        """The literal `alias`."""
        return self.string("alias")

    @property
    def default_tags(self) -> Attribute | None:
        """`default_tags { tags = ... }`: the `tags` attribute."""
        block = self.block("default_tags")
        return block.attribute("tags") if block is not None else None


@dataclass(eq=False, slots=True)
class Backend:
    """`backend "<type>" { settings }` inside a `terraform` block."""

    type: str
    block: Block
    span: Span
    logical: str = ""

    rule_kinds: ClassVar[tuple[str, ...]] = ("terraform",)

    @property
    def settings(self) -> dict[str, Attribute]:
        """The backend's arguments."""
        return self.block.attributes


class TerraformSettings(Block):
    """The `terraform { ... }` block."""

    @property
    def required_version(self) -> Attribute | None:
        """The `required_version` attribute."""
        return self.attribute("required_version")

    @property
    def required_providers(self) -> dict[str, Attribute]:
        """The entries of `required_providers { name = {...} }`, by local name."""
        result: dict[str, Attribute] = {}
        for block in self.blocks_of("required_providers"):
            result.update(block.attributes)
        return result

    @cached_property
    def backend(self) -> Backend | None:
        """The backend (`backend "s3" {}`, or `cloud {}` as type `cloud`)."""
        for block in self.blocks:
            if block.type == "backend":
                kind = block.labels[0] if block.labels else ""
                return Backend(kind, block, block.span, f"terraform/backend:{kind}")
            if block.type == "cloud":
                return Backend("cloud", block, block.span, "terraform/cloud")
        return None


@dataclass(eq=False)
class TerraformFile(Document):
    """A parsed Terraform configuration file (`*.tf`, `*.tf.json`)."""

    kind = "terraform"

    blocks: list[Block] = field(default_factory=list)
    """Every top-level block, in order."""
    env_vars: list[EnvVar] = field(default_factory=list)

    @property
    def resources(self) -> list[Resource]:
        """`resource` blocks (data sources excluded)."""
        return [b for b in self.blocks if isinstance(b, Resource)]

    @property
    def data_sources(self) -> list[DataSource]:
        """`data` blocks."""
        return [b for b in self.blocks if isinstance(b, DataSource)]

    @property
    def modules(self) -> list[Module]:
        """`module` blocks."""
        return [b for b in self.blocks if isinstance(b, Module)]

    @property
    def variables(self) -> list[Variable]:
        """`variable` blocks."""
        return [b for b in self.blocks if isinstance(b, Variable)]

    @property
    def outputs(self) -> list[Output]:
        """`output` blocks."""
        return [b for b in self.blocks if isinstance(b, Output)]

    @property
    def providers(self) -> list[Provider]:
        """`provider` blocks."""
        return [b for b in self.blocks if isinstance(b, Provider)]

    @property
    def settings(self) -> list[TerraformSettings]:
        """`terraform` blocks."""
        return [b for b in self.blocks if isinstance(b, TerraformSettings)]

    @property
    def locals(self) -> dict[str, Attribute]:
        """Every local value of the file's `locals` blocks, by name."""
        result: dict[str, Attribute] = {}
        for block in self.blocks:
            if isinstance(block, Locals):
                result.update(block.attributes)
        return result

    def enclosing_lines(self, line: int) -> tuple[int, int] | None:
        for block in self.blocks:
            if block.body_span.line <= line <= block.body_span.end_line:
                return block.body_span.line, block.body_span.end_line
        return None

    def block_end(self, line: int) -> int:
        ends = self._block_ends
        return ends.get(line, line)

    @cached_property
    def _block_ends(self) -> dict[int, int]:
        """Header line to closing line, for every block and nested block."""
        ends: dict[int, int] = {}
        pending = list(self.blocks)
        while pending:
            block = pending.pop()
            ends[block.span.line] = max(ends.get(block.span.line, 0), block.body_span.end_line)
            pending.extend(block.blocks)
        return ends

    def variable(self, name: str) -> Variable | None:
        """The variable `name` declared in this file."""
        return next((v for v in self.variables if v.name == name), None)

    def objects(self) -> Iterator[object]:
        yield self
        yield from self.blocks
        for settings in self.settings:
            backend = settings.backend
            if backend is not None:
                yield backend
        yield from self.env_vars


@dataclass(eq=False)
class TerraformVarsFile(Document):
    """A variable definitions file (`*.tfvars`, `*.tfvars.json`): values by variable name."""

    kind = "terraform-vars"

    values: dict[str, Attribute] = field(default_factory=dict)
    env_vars: list[EnvVar] = field(default_factory=list)

    def objects(self) -> Iterator[object]:
        yield self
        yield from self.env_vars


@dataclass(eq=False)
class TerraformStateFile(Document):
    """A Terraform state file in the tree. Its content is never read: it holds secrets."""

    kind = "terraform-state"

    @property
    def span(self) -> Span:
        """Line 1 of the file, without reading it."""
        return Span(self.source.display, 1, 1, 1, 1)

    @property
    def logical(self) -> str:
        """The file's path."""
        return self.source.display
