"""A Terraform parser that keeps every location.

`.tf` and `.tfvars` files go through the tree-sitter HCL grammar, whose tree records the
position of every node; this module walks that tree, so each block header, attribute name,
value and object key gets its exact span. A file the grammar cannot read whole is one
OP001 problem at the first place it could not read. `.tf.json` files are read with the
located YAML loader (JSON is YAML) and mapped onto the same model. State files are never
read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

from opslint.model.base import Finding, Span
from opslint.model.facets import EnvVar
from opslint.model.source import SourceFile
from opslint.model.terraform import (
    Attribute,
    Block,
    DataSource,
    Expression,
    Literal,
    Locals,
    Module,
    Output,
    Provider,
    Resource,
    Term,
    TerraformFile,
    TerraformSettings,
    TerraformStateFile,
    TerraformVarsFile,
    TypedBlock,
    Variable,
)
from opslint.parsers.bulk import collector_paused
from opslint.severity import Severity

if TYPE_CHECKING:
    from tree_sitter import Node, Parser

    from opslint.model.yamltree import YMap, YNode

BLOCK_TYPES: dict[str, type[Block]] = {
    "resource": Resource,
    "data": DataSource,
    "module": Module,
    "variable": Variable,
    "output": Output,
    "locals": Locals,
    "provider": Provider,
    "terraform": TerraformSettings,
}
LABELS = {"resource": 2, "data": 2, "module": 1, "variable": 1, "output": 1, "provider": 1}
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_ESCAPED_TEMPLATE = re.compile(r"\$\$\{[^}]*\}|%%\{[^}]*\}")
"""`$${...}` and `%%{...}`: a literal `${...}` or `%{...}` in a string."""
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
"""An HCL number (the grammar also reads forms such as `0x1f`)."""


def parse_terraform_state(source: SourceFile) -> TerraformStateFile:
    """A state file's document; its content is never read (it holds secrets).

    The document gets a source whose text is empty, so that nothing downstream (inline
    suppressions, report excerpts) reads the file either.
    """
    blank = SourceFile(source.path, source.display, text="")
    blank.kind = source.kind
    return TerraformStateFile(blank)


def parse_terraform(source: SourceFile) -> TerraformFile:
    """Parse `source` (`.tf` or `.tf.json`); parse errors become OP001 problems."""
    if source.display.endswith(".json"):
        return parse_terraform_json(source)
    with collector_paused():
        return _parse_hcl(source)


def _parse_hcl(source: SourceFile) -> TerraformFile:
    document = TerraformFile(source)
    try:
        document.blocks = _top_level(source)[0]
    except ParseError as error:
        document.problems.append(_op001(source, error.message, error.line, error.column))
        return document
    document.env_vars = list(env_vars_of(document.blocks))
    return document


def _top_level(source: SourceFile) -> tuple[list[Block], list[Attribute]]:
    """The top-level blocks and attributes of a `.tf` or `.tfvars` file, read by
    tree-sitter; where it finds a syntax error, or reads a form HCL does not have (`0x1`),
    python-hcl2 (the reference for HCL semantics) reads the file or raises `ParseError` at
    its first error."""
    builder = _Builder(source.display, source.text)
    if not builder.root.has_error:
        try:
            return builder.top_level()
        except _NotHcl:
            pass
    from opslint.parsers.terraform_hcl2 import hcl2_top_level

    return hcl2_top_level(source.display, source.text)


def parse_terraform_vars(source: SourceFile) -> TerraformVarsFile:
    """Parse a `.tfvars` (HCL attributes) or `.tfvars.json` file into values by name."""
    with collector_paused():
        return _parse_vars(source)


def _parse_vars(source: SourceFile) -> TerraformVarsFile:
    document = TerraformVarsFile(source)
    if source.display.endswith(".json"):
        from opslint.model.yamltree import YMap
        from opslint.parsers.yamlload import YamlError, yaml_of

        try:
            loaded = yaml_of(source)
        except YamlError as error:
            document.problems.append(_op001(source, error.message, error.line, error.column))
            return document
        roots = [d.root for d in loaded.documents if isinstance(d.root, YMap)]
        for name, node in roots[0].items() if roots else ():
            document.values[name] = _json_attribute(roots[0], name, node, f"var.{name}")
    else:
        try:
            attributes = _top_level(source)[1]
        except ParseError as error:
            document.problems.append(_op001(source, error.message, error.line, error.column))
            return document
        for attribute in attributes:
            attribute.logical = f"var.{attribute.name}"
            document.values.setdefault(attribute.name, attribute)
    document.env_vars = [
        EnvVar(
            name,
            attribute.value,
            attribute.span,
            attribute.value_span,
            "terraform variable value",
            logical=attribute.logical,
        )
        for name, attribute in document.values.items()
        if isinstance(attribute.value, str)
    ]
    return document


def _op001(source: SourceFile, message: str, line: int, column: int) -> Finding:
    span = Span(source.display, line, column, line, column)
    return Finding(span, message, code="OP001", name="parse-error", severity=Severity.ERROR)


class ParseError(Exception):
    """HCL that cannot be read, at a 1-based line and column."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class _NotHcl(Exception):
    """A form the tree-sitter grammar reads and HCL does not have (`0x1`)."""


@lru_cache(maxsize=1)
def _parser() -> Parser:
    import tree_sitter
    import tree_sitter_hcl

    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language()))


def decode_string(text: str) -> str:
    """The value of the characters between the quotes of an HCL string (escapes applied)."""
    if "\\" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        code = match.group(1) or match.group(2)
        if code:
            try:
                return chr(int(code, 16))
            except ValueError:
                return match.group(0)
        return _SIMPLE_ESCAPES.get(match.group(3), match.group(0))

    return _ESCAPE.sub(replace, text)


def string_value(literal: str) -> str:
    """The value of a string's characters: escapes applied, `$${` and `%%{` kept as
    `${` and `%{` with what they enclose taken as written."""
    if "$${" not in literal and "%%{" not in literal:
        return decode_string(literal)
    parts: list[str] = []
    position = 0
    for match in _ESCAPED_TEMPLATE.finditer(literal):
        parts.append(decode_string(literal[position : match.start()]))
        parts.append(match.group(0)[1:])
        position = match.end()
    parts.append(decode_string(literal[position:]))
    return "".join(parts)


def heredoc_value(raw: str, trim: bool) -> str | None:
    """The value of a heredoc written as `raw` (`<<EOT` to the closing marker), or None
    when its body holds an interpolation or a directive."""
    _, _, rest = raw.partition("\n")
    body_lines = rest.rstrip("\n").split("\n")[:-1]
    if any(("${" in line or "%{" in line) for line in body_lines):
        return None
    if trim:
        indents = [len(x) - len(x.lstrip()) for x in body_lines if x.strip()]
        cut = min(indents, default=0)
        body_lines = [x[cut:] for x in body_lines]
    body = "\n".join(line.rstrip("\r") for line in body_lines)
    return body + "\n" if body_lines else ""


class _Builder:
    """Builds model blocks from the tree-sitter HCL tree of one file.

    Spans are 1-based lines and character columns; tree-sitter counts bytes, so on a line
    that holds a non-ASCII character the columns are counted again in characters. Text is
    sliced from the decoded file by byte offsets when the file is ASCII (offsets are then
    character offsets), else from its bytes and decoded.

    This runs for every value of every file: each node's offsets and points are read once,
    a value's wrapper nodes are skipped in one call, and spans are built inline.
    """

    __slots__ = ("ascii", "data", "path", "root", "text", "wide_rows")

    defers_arguments = True
    """Whether a function call's arguments are left to `call_arguments` (see `call`)."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.data = text.encode()
        self.ascii = len(self.data) == len(text)
        self.wide_rows = (
            frozenset()
            if self.ascii
            else frozenset(row for row, line in enumerate(text.split("\n")) if not line.isascii())
        )
        """The 0-based rows that hold a non-ASCII character (where bytes are not columns)."""
        self.root: Node = _parser().parse(self.data).root_node

    # positions and text ----------------------------------------------------------------

    def span(self, node: Node) -> Span:
        row, column = node.start_point
        end_row, end_column = node.end_point
        if self.ascii:
            return Span(self.path, row + 1, column + 1, end_row + 1, end_column + 1)
        return self.wide_span(row, column, node.start_byte, end_row, end_column, node.end_byte)

    def wide_span(
        self, row: int, column: int, offset: int, end_row: int, end_column: int, end_offset: int
    ) -> Span:
        """The span between two points of a non-ASCII file, columns counted in characters."""
        wide = self.wide_rows
        if row in wide:
            column = len(self.data[offset - column : offset].decode())
        if end_row in wide:
            end_column = len(self.data[end_offset - end_column : end_offset].decode())
        return Span(self.path, row + 1, column + 1, end_row + 1, end_column + 1)

    def slice(self, start: int, end: int) -> str:
        """The text between two byte offsets."""
        if self.ascii:
            return self.text[start:end]
        return self.data[start:end].decode()

    def string(self, start: int, end: int) -> str:
        """The value of the quoted string from byte `start` to `end`, without
        interpolations or directives (the tree has no error, so both quotes are there)."""
        if self.ascii:
            literal = self.text[start + 1 : end - 1]
            if "\\" in literal or "$${" in literal or "%%{" in literal:
                return string_value(literal)
            return literal
        return string_value(self.data[start + 1 : end - 1].decode("utf-8", "surrogatepass"))

    # blocks and attributes -------------------------------------------------------------

    def top_level(self) -> tuple[list[Block], list[Attribute]]:
        """The blocks and the attributes of the file's body, each in order."""
        blocks: list[Block] = []
        attributes: list[Attribute] = []
        attribute, block = self.attribute, self.block
        for body in self.root.children:
            if body.type == "body":
                for child in body.children:
                    kind = child.type
                    if kind == "attribute":
                        attributes.append(attribute(child, ""))
                    elif kind == "block":
                        blocks.append(block(child, ""))
        return blocks, attributes

    def block(self, node: Node, owner: str) -> Block:
        children = node.children
        start = node.start_byte
        type_name = self.slice(start, children[0].end_byte)
        labels: list[str] = []
        label_spans: list[Span] = []
        brace = body = node
        for child in children[1:]:
            kind = child.type
            if kind == "string_lit":
                labels.append(self.string(child.start_byte, child.end_byte))
                label_spans.append(self.span(child))
            elif kind == "identifier":
                labels.append(self.slice(child.start_byte, child.end_byte))
                label_spans.append(self.span(child))
            elif kind == "block_start":
                brace = child
            elif kind == "body":
                body = child
        row, column = node.start_point
        end_row, end_column = node.end_point
        brace_row, brace_column = brace.end_point
        if self.ascii:
            path = self.path
            header = Span(path, row + 1, column + 1, brace_row + 1, brace_column + 1)
            whole = Span(path, row + 1, column + 1, end_row + 1, end_column + 1)
        else:
            end = node.end_byte
            header = self.wide_span(row, column, start, brace_row, brace_column, brace.end_byte)
            whole = self.wide_span(row, column, start, end_row, end_column, end)
        block = new_block(type_name, tuple(labels), header, whole, tuple(label_spans), owner)
        if body is not node:
            logical = block.logical
            attributes = block.attributes
            nested = block.blocks
            attribute = self.attribute
            for child in body.children:
                kind = child.type
                if kind == "attribute":
                    built = attribute(child, logical)
                    if built.name not in attributes:
                        attributes[built.name] = built
                elif kind == "block":
                    nested.append(self.block(child, logical))
        if isinstance(block, Provider) and block.alias:
            block.logical = f"{block.logical}.{block.alias}"
        return block

    def attribute(self, node: Node, owner: str) -> Attribute:
        """`name = value`: the name is the node's first child, the value its last (or,
        after a comment inside the attribute, its last expression)."""
        children = node.children
        value_node = children[-1]
        if value_node.type != "expression":
            value_node = next(c for c in reversed(children) if c.type == "expression")
        if self.ascii:
            row, column = node.start_point
            name = self.text[node.start_byte : children[0].end_byte]
            line, column = row + 1, column + 1
            name_span = Span(self.path, line, column, line, column + len(name))
        else:
            name = self.slice(node.start_byte, children[0].end_byte)
            name_span = self.span(children[0])
        term = self.term(value_node)
        return Attribute(name, term, name_span, f"{owner}/{name}" if owner else name)

    # expressions -----------------------------------------------------------------------

    def term(self, node: Node) -> Term:
        """The value an `expression` node writes. Its wrappers (`expression`,
        `literal_value`, `collection_value`, `template_expr`, `operation`, each around one
        node) are skipped in one call: the innermost named node that spans all of it."""
        row, column = node.start_point
        end_row, end_column = node.end_point
        start, end = node.start_byte, node.end_byte
        if self.ascii:
            span = Span(self.path, row + 1, column + 1, end_row + 1, end_column + 1)
        else:
            span = self.wide_span(row, column, start, end_row, end_column, end)
        inner = node.named_descendant_for_byte_range(start, end) or node
        kind = inner.type
        if kind == "string_lit":
            return Term(self.string(start, end), span)
        if kind == "function_call":
            return self.call(inner, start, end, span)
        if kind == "bool_lit":
            return Term(end - start == 4, span)  # `true`, else `false`
        if kind == "null_lit":
            return Term(None, span)
        if kind == "numeric_lit":
            return Term(self.number(start, end), span)
        if kind == "object":
            return self.object_value(inner, start, end, span)
        if kind == "tuple":
            return self.tuple_value(inner, start, end, span)
        if kind == "unary_operation":
            return self.unary(inner, start, end, span)
        text = self.slice(start, end)
        if kind == "heredoc_template":
            opening = inner.child(0)
            trim = opening is not None and opening.end_byte - opening.start_byte == 3  # `<<-`
            value = heredoc_value(text, trim)
            if value is not None:
                return Term(value, span)
        return Term(Expression(text, span), span)

    def number(self, start: int, end: int) -> int | float:
        text = self.slice(start, end)
        if text.isdigit():
            return int(text)
        if _NUMBER.fullmatch(text) is None:
            raise _NotHcl(text)
        return float(text)

    def unary(self, operation: Node, start: int, end: int, span: Span) -> Term:
        """`-1` is a number; any other unary operation an expression."""
        operator, operand = operation.children[0], operation.children[-1]
        if operator.type == "-":
            operand_start, operand_end = operand.start_byte, operand.end_byte
            inner = operand.named_descendant_for_byte_range(operand_start, operand_end)
            if inner is not None and inner.type == "numeric_lit":
                return Term(-self.number(operand_start, operand_end), span)
        return Term(Expression(self.slice(start, end), span), span)

    def tuple_value(self, inner: Node, start: int, end: int, span: Span) -> Term:
        term = self.term
        items = [term(child) for child in inner.children if child.type == "expression"]
        return tuple_term(items, span, lambda: Expression(self.slice(start, end), span))

    def object_value(self, inner: Node, start: int, end: int, span: Span) -> Term:
        entries: dict[str, Term] = {}
        key_spans: dict[str, Span] = {}
        static = True
        term, object_key = self.term, self.object_key
        for element in inner.children:
            if element.type != "object_elem":
                continue
            parts = element.children
            if len(parts) == 3:  # key, `=` or `:`, value
                key_node, value_node = parts[0], parts[2]
            else:  # with a comment
                key_node, value_node = (c for c in parts if c.type == "expression")
            value = term(value_node)
            key = object_key(key_node)
            if key is None:
                static = False
            elif key not in entries:
                entries[key] = value
                key_spans[key] = self.span(key_node)
        return object_term(
            entries, key_spans, static, span, lambda: Expression(self.slice(start, end), span)
        )

    def object_key(self, node: Node) -> str | None:
        """A static key: a bare identifier or keyword, a literal string, an integer,
        `true`, `false` or `null`."""
        start, end = node.start_byte, node.end_byte
        kind = (node.named_descendant_for_byte_range(start, end) or node).type
        if kind == "string_lit":
            return self.string(start, end)
        if kind in ("identifier", "bool_lit", "null_lit"):
            return self.slice(start, end)
        if kind == "numeric_lit":
            text = self.slice(start, end)
            return text if text.isdigit() else None
        return None

    def call(self, inner: Node, start: int, end: int, span: Span) -> Term:
        """A function call. Its arguments are left to `call_arguments`, read when a rule
        asks for them, unless the call has none or holds `0x` (a form HCL does not have,
        which must send the whole file to python-hcl2 now), or this reads a call again."""
        children = inner.children
        name = self.slice(start, children[0].end_byte)
        if not name.isidentifier():  # `provider::p::f`, or written with spaces or comments
            name = "".join(name.split())
        text = self.slice(start, end)
        arguments: tuple[Term, ...] | Callable[[Expression], tuple[Term, ...]] = call_arguments
        if not self.defers_arguments or len(children) <= 3 or "0x" in text:
            arguments = self.arguments(children)
        return Term(Expression(text, span, name, arguments), span)

    def arguments(self, call: list[Node]) -> tuple[Term, ...]:
        """The arguments of the function call whose children are `call`."""
        listed = call[2] if len(call) > 3 else None  # `name ( arguments )`
        if listed is not None and listed.type != "function_arguments":  # a comment
            listed = next((c for c in call if c.type == "function_arguments"), None)
        if listed is None:
            return ()
        term = self.term
        return tuple([term(a) for a in listed.children if a.type == "expression"])


_CALL_PREFIX = "a=("
"""What `_CallReader` writes before a call's text, so that it reads as an HCL body."""


class _CallReader(_Builder):
    """Reads the text of one function call again, each span moved back to its place in
    the call's file (the call's first line is read after `_CALL_PREFIX`); the calls in
    its arguments are read whole meanwhile."""

    __slots__ = ("line", "shift")

    defers_arguments = False

    def __init__(self, expression: Expression) -> None:
        super().__init__(expression.span.path, f"{_CALL_PREFIX}{expression.text})\n")
        self.ascii = False  # so that every span is made by `wide_span`, which moves it
        self.line = expression.span.line - 1
        self.shift = expression.span.column - 1 - len(_CALL_PREFIX)

    def wide_span(
        self, row: int, column: int, offset: int, end_row: int, end_column: int, end_offset: int
    ) -> Span:
        read = super().wide_span(row, column, offset, end_row, end_column, end_offset)
        line, shift = self.line, self.shift
        return Span(
            read.path,
            read.line + line,
            read.column + shift if row == 0 else read.column,
            read.end_line + line,
            read.end_column + shift if end_row == 0 else read.end_column,
        )

    def call_arguments(self) -> tuple[Term, ...]:
        """The arguments of the call (none if its text no longer reads as one)."""
        call = self.root.named_descendant_for_byte_range(len(_CALL_PREFIX), len(self.data) - 2)
        if self.root.has_error or call is None or call.type != "function_call":
            return ()
        return self.arguments(call.children)


def call_arguments(expression: Expression) -> tuple[Term, ...]:
    """The arguments of the function call `expression`, read again from its text.

    The builder leaves every call's arguments to this: no rule of a default run looks
    inside a call but for `merge(...)` in tags, and the arguments were a fifth of the
    time it took to build a file's model."""
    return _CallReader(expression).call_arguments()


def new_block(
    type_name: str,
    labels: tuple[str, ...],
    header: Span,
    whole: Span,
    label_spans: tuple[Span, ...],
    owner: str,
) -> Block:
    """A block without its body, of the model class its type and labels make it (a
    top-level one only), with its logical path under `owner`."""
    cls: type[Block] = Block
    if not owner and type_name in BLOCK_TYPES and len(labels) >= LABELS.get(type_name, 0):
        cls = BLOCK_TYPES[type_name]
    block = cls(type_name, labels, header, whole, label_spans)
    block.logical = logical_of(block, owner)
    return block


def tuple_term(items: list[Term], span: Span, expression: Callable[[], Expression]) -> Term:
    """A tuple constructor of `items`: a list when they are all literals, else `expression()`."""
    if all(item.is_literal for item in items):
        values: list[Literal] = [item.value for item in items]  # type: ignore[misc]
        return Term(values, span, items=items, is_tuple=True)
    return Term(expression(), span, items=items, is_tuple=True)


def object_term(
    entries: dict[str, Term],
    key_spans: dict[str, Span],
    static: bool,
    span: Span,
    expression: Callable[[], Expression],
) -> Term:
    """An object constructor: a dict when its keys are `static` and its values literals,
    else `expression()`."""
    if static and all(term.is_literal for term in entries.values()):
        values: dict[str, Literal] = {k: t.value for k, t in entries.items()}  # type: ignore[misc]
        return Term(values, span, entries=entries, key_spans=key_spans, is_object=True)
    return Term(
        expression(),
        span,
        entries=entries,
        key_spans=key_spans,
        is_object=True,
        dynamic_keys=not static,
    )


def attribute_of(name: str, term: Term, name_span: Span, owner: str) -> Attribute:
    """`name = term` in a block of logical path `owner`."""
    return Attribute(name, term, name_span, f"{owner}/{name}" if owner else name)


def logical_of(block: Block, owner: str) -> str:
    """The logical path of a block: a Terraform address for top-level blocks."""
    labels = block.labels
    if owner:
        return f"{owner}/{block.type}:{labels[0]}" if labels else f"{owner}/{block.type}"
    prefix = _ADDRESS_PREFIXES.get(type(block))
    if prefix is None:
        return ".".join((block.type, *labels))
    first = labels[0] if labels else ""
    if isinstance(block, TypedBlock):  # a resource or data source: `type.name`
        return f"{prefix}{first}.{labels[1] if len(labels) > 1 else ''}"
    return f"{prefix}{first}"


_ADDRESS_PREFIXES: dict[type[Block], str] = {
    Resource: "",
    DataSource: "data.",
    Module: "module.",
    Variable: "var.",
    Output: "output.",
    Provider: "provider.",
}


def env_vars_of(blocks: list[Block]) -> list[EnvVar]:
    """EnvVar facets: literal variable defaults and the literal string arguments of resources,
    providers and module calls (SE001 judges the names and the values)."""
    found: list[EnvVar] = []
    for block in blocks:
        if isinstance(block, Variable):
            default = block.default
            if default is not None and isinstance(default.value, str):
                found.append(
                    EnvVar(
                        block.name,
                        default.value,
                        default.span,
                        default.value_span,
                        "terraform variable default",
                        logical=block.logical,
                    )
                )
        elif isinstance(block, Resource | Provider | Module):
            found.extend(_secret_arguments(block, block.logical))
    return found


_MODULE_META = frozenset({"source", "version"})
_ORIGINS: dict[type[Block], str] = {Provider: "provider", Resource: "resource", Module: "module"}


def _secret_arguments(block: Block, logical: str) -> list[EnvVar]:
    found: list[EnvVar] = []
    for name, attribute in block.attributes.items():
        if isinstance(attribute.value, str) and not (
            isinstance(block, Module) and name in _MODULE_META
        ):
            origin = f"terraform {_ORIGINS.get(type(block), 'block')} argument"
            found.append(
                EnvVar(
                    name,
                    attribute.value,
                    attribute.span,
                    attribute.value_span,
                    origin,
                    logical=logical,
                )
            )
    for nested in block.blocks:
        found.extend(_secret_arguments(nested, logical))
    return found


# JSON syntax (`*.tf.json`) ----------------------------------------------------------------

_JSON_BLOCKS = frozenset(
    {
        "lifecycle",
        "default_tags",
        "required_providers",
        "backend",
        "cloud",
        "provisioner",
        "connection",
        "dynamic",
        "content",
    }
)
"""Nested block types of the JSON syntax (elsewhere an object value is a map attribute)."""
_JSON_LABELLED = {"backend": 1, "provisioner": 1, "dynamic": 1}


def parse_terraform_json(source: SourceFile) -> TerraformFile:
    """Parse a `.tf.json` file through the located YAML loader."""
    from opslint.model.yamltree import YMap
    from opslint.parsers.yamlload import YamlError, yaml_of

    document = TerraformFile(source)
    try:
        loaded = yaml_of(source)
    except YamlError as error:
        span = Span(source.display, error.line, error.column, error.line, error.column)
        document.problems.append(
            Finding(span, error.message, code="OP001", name="parse-error", severity=Severity.ERROR)
        )
        return document
    roots = [d.root for d in loaded.documents if isinstance(d.root, YMap)]
    if roots:
        document.blocks = _json_top(roots[0])
    document.env_vars = env_vars_of(document.blocks)
    return document


def _json_bodies(node: YNode) -> list[YMap]:
    """A block body in JSON: an object, or an array of objects (repeated blocks)."""
    from opslint.model.yamltree import YMap, YSeq

    if isinstance(node, YMap):
        return [node]
    if isinstance(node, YSeq):
        return list(node.maps())
    return []


def _json_top(root: YMap) -> list[Block]:
    from opslint.model.yamltree import YMap

    blocks: list[Block] = []
    for type_name, value in root.items():
        if type_name not in BLOCK_TYPES:
            continue
        wanted = LABELS.get(type_name, 0)
        for body in _json_bodies(value):
            if wanted == 0:
                blocks.append(_json_block(type_name, (), root.key_span(type_name), body, ""))
                continue
            for label, inner in body.items():
                if wanted == 1:
                    for item in _json_bodies(inner):
                        blocks.append(
                            _json_block(type_name, (label,), body.key_span(label), item, "")
                        )
                elif isinstance(inner, YMap):
                    for name, second in inner.items():
                        for item in _json_bodies(second):
                            blocks.append(
                                _json_block(
                                    type_name, (label, name), inner.key_span(name), item, ""
                                )
                            )
    return blocks


def _json_block(
    type_name: str, labels: tuple[str, ...], header: Span, body: YMap, owner: str
) -> Block:
    cls: type[Block] = BLOCK_TYPES[type_name] if not owner else Block
    block = cls(type=type_name, labels=labels, span=header, body_span=body.span)
    block.logical = logical_of(block, owner)
    for key, value in body.items():
        if key == "//":
            continue
        if key in _JSON_BLOCKS and not isinstance(value, _scalar_type()):
            labelled = _JSON_LABELLED.get(key, 0)
            for item in _json_bodies(value):
                if labelled:
                    for label, inner in item.items():
                        for part in _json_bodies(inner):
                            block.blocks.append(
                                _json_block(
                                    key, (label,), item.key_span(label), part, block.logical
                                )
                            )
                else:
                    block.blocks.append(
                        _json_block(key, (), body.key_span(key), item, block.logical)
                    )
            continue
        block.attributes.setdefault(
            key, _json_attribute(body, key, value, f"{block.logical}/{key}")
        )
    if isinstance(block, Provider) and block.alias:
        block.logical = f"{block.logical}.{block.alias}"
    return block


def _scalar_type() -> type:
    from opslint.model.yamltree import YScalar

    return YScalar


def _json_attribute(mapping: YMap, name: str, node: YNode, logical: str) -> Attribute:
    """The attribute a JSON key writes: from its name to the end of its value."""
    return Attribute(name, _json_term(node), mapping.key_span(name), logical)


def _json_term(node: YNode) -> Term:
    """A JSON value: strings holding `${...}` or `%{...}` are expressions, the rest literal."""
    from opslint.model.yamltree import YMap, YScalar, YSeq

    if isinstance(node, YScalar):
        value = node.value
        if isinstance(value, str) and ("${" in value or "%{" in value):
            unescaped = value.replace("$${", "").replace("%%{", "")
            if "${" in unescaped or "%{" in unescaped:
                return Term(Expression(value, node.span), node.span)
        if isinstance(value, str):
            value = value.replace("$${", "${").replace("%%{", "%{")
        return Term(value, node.span)
    if isinstance(node, YSeq):
        items = [_json_term(item) for item in node.items]
        return tuple_term(items, node.span, lambda: Expression("[...]", node.span))
    if isinstance(node, YMap):
        entries = {key: _json_term(value) for key, value in node.items()}
        key_spans = {key: node.key_span(key) for key in entries}
        return object_term(
            entries, key_spans, True, node.span, lambda: Expression("{...}", node.span)
        )
    return Term(None, node.span)
