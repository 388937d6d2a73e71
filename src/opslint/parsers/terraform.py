"""A Terraform parser that keeps every location.

`.tf` files go through the HCL grammar of python-hcl2, whose lark parser records the
position of every token and rule; this module walks that raw parse tree itself, so each
block header, attribute name, value and object key gets its exact span. `.tf.json` files
are read with the located YAML loader (JSON is YAML) and mapped onto the same model.
State files are never read.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, TypeGuard

from opslint.model.base import Finding, Span
from opslint.model.facets import EnvVar
from opslint.model.lines import LineBreaks, LineIndex
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
    Variable,
)
from opslint.parsers.bulk import collector_paused
from opslint.parsers.errors import construct
from opslint.severity import Severity

if TYPE_CHECKING:
    from lark import Token, Tree

    from opslint.model.yamltree import YMap, YNode

    Node = Tree[Token] | Token
    """A node of the raw parse tree: a rule's subtree, or a token (a `str`)."""

if TYPE_CHECKING:
    from opslint.model.yamltree import YMap, YNode

_BLOCK_TYPES: dict[str, type[Block]] = {
    "resource": Resource,
    "data": DataSource,
    "module": Module,
    "variable": Variable,
    "output": Output,
    "locals": Locals,
    "provider": Provider,
    "terraform": TerraformSettings,
}
_LABELS = {"resource": 2, "data": 2, "module": 1, "variable": 1, "output": 1, "provider": 1}
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


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
    text = source.text
    try:
        tree = _parse_tree(text)
    except _ParseError as error:
        span = Span(source.display, error.line, error.column, error.line, error.column)
        document.problems.append(
            Finding(span, error.message, code="OP001", name="parse-error", severity=Severity.ERROR)
        )
        return document
    walker = _Walker(source.display, text)
    body = next((c for c in tree.children if _is_tree(c, "body")), None)
    if body is not None:
        document.blocks = walker.body_blocks(body, "")
    document.env_vars = list(env_vars_of(document.blocks))
    return document


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
            tree = _parse_tree(source.text)
        except _ParseError as error:
            document.problems.append(_op001(source, error.message, error.line, error.column))
            return document
        walker = _Walker(source.display, source.text)
        body = next((c for c in tree.children if _is_tree(c, "body")), None)
        for child in body.children if body is not None else ():
            if _is_tree(child, "attribute"):
                attribute = walker.attribute(child, "")
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


class _ParseError(Exception):
    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def _parse_tree(text: str) -> Tree[Token]:
    """The raw lark tree for `text`; raise `_ParseError` with the parser's location."""
    import hcl2
    from lark.exceptions import (
        LarkError,
        UnexpectedCharacters,
        UnexpectedEOF,
        UnexpectedInput,
        UnexpectedToken,
    )

    try:
        return hcl2.parses_to_tree(text)
    except UnexpectedCharacters as error:
        position = error.pos_in_stream or 0
        character = text[position] if 0 <= position < len(text) else ""
        raise _ParseError(
            f"HCL syntax error: unexpected character {character!r}", error.line, error.column
        ) from None
    except UnexpectedToken as error:
        token = error.token
        if token.type == "$END":
            line = text.count("\n") + 1
            raise _ParseError("HCL syntax error: unexpected end of file", line, 1) from None
        text = str(token).strip()
        shown = f"`{construct(text)}`" if construct(text) else "token" if text else "newline"
        message = f"HCL syntax error: unexpected {shown}"
        raise _ParseError(message, error.line, error.column) from None
    except UnexpectedEOF:
        line = text.count("\n") + 1
        raise _ParseError("HCL syntax error: unexpected end of file", line, 1) from None
    except UnexpectedInput as error:
        raise _ParseError("HCL syntax error", max(1, error.line), max(1, error.column)) from None
    except LarkError as error:
        raise _ParseError(f"HCL parser failed: {type(error).__name__}", 1, 1) from None


def _is_tree(node: Node, name: str | None = None) -> TypeGuard[Tree[Token]]:
    """True for a subtree (of rule `name`, when given)."""
    return not isinstance(node, str) and (name is None or node.data == name)


def _is_token(node: Node, type_: str | None = None) -> TypeGuard[Token]:
    """True for a token (of type `type_`, when given)."""
    return isinstance(node, str) and (type_ is None or node.type == type_)


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


class _Walker:
    """Turns the raw parse tree into model blocks, computing spans from offsets."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.index = LineIndex(text, LineBreaks.LF)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset (HCL's lines end at LF)."""
        return self.index.position(offset)

    def span(self, start: int, end: int) -> Span:
        """The span of text[start:end], trailing whitespace trimmed."""
        while end > start and self.text[end - 1 : end] in (" ", "\t", "\r", "\n"):
            end -= 1
        line, column = self.position(start)
        end_line, end_column = self.position(end)
        return Span(self.path, line, column, end_line, end_column)

    @staticmethod
    def bounds(node: Node) -> tuple[int, int]:
        if isinstance(node, str):  # a token
            return node.start_pos or 0, node.end_pos or 0
        meta = node.meta
        if getattr(meta, "empty", True):
            return 0, 0
        return int(meta.start_pos), int(meta.end_pos)

    def node_span(self, node: Node) -> Span:
        start, end = self.bounds(node)
        return self.span(start, end)

    def source_text(self, node: Node) -> str:
        start, end = self.bounds(node)
        return self.text[start:end].strip()

    # blocks and attributes -------------------------------------------------------------

    def body_blocks(self, body: Tree[Token], owner: str) -> list[Block]:
        return [self.block(child, owner) for child in body.children if _is_tree(child, "block")]

    def block(self, node: Tree[Token], owner: str) -> Block:
        names: list[Tree[Token]] = []
        brace: Token | None = None
        body: Tree[Token] | None = None
        end_brace: Token | None = None
        for child in node.children:
            if _is_token(child, "LBRACE"):
                brace = child
            elif _is_token(child, "RBRACE"):
                end_brace = child
            elif _is_tree(child, "body"):
                body = child
            elif brace is None and _is_tree(child) and child.data != "new_line_or_comment":
                names.append(child)
        type_name = self.name_of(names[0]) if names else ""
        labels = tuple(self.label_of(n) for n in names[1:])
        label_spans = tuple(self.node_span(n) for n in names[1:])
        start, _ = self.bounds(node)
        header_end = self.bounds(brace)[1] if brace is not None else self.bounds(node)[1]
        body_end = self.bounds(end_brace)[1] if end_brace is not None else self.bounds(node)[1]
        cls: type[Block] = Block
        if not owner and type_name in _BLOCK_TYPES:
            wanted = _LABELS.get(type_name, 0)
            if len(labels) >= wanted:
                cls = _BLOCK_TYPES[type_name]
        block = cls(
            type=type_name,
            labels=labels,
            span=self.span(start, header_end),
            body_span=self.span(start, body_end),
            label_spans=label_spans,
        )
        block.logical = logical_of(block, owner)
        if body is not None:
            for child in body.children:
                if _is_tree(child, "attribute"):
                    attribute = self.attribute(child, block.logical)
                    block.attributes.setdefault(attribute.name, attribute)
                elif _is_tree(child, "block"):
                    block.blocks.append(self.block(child, block.logical))
        if isinstance(block, Provider) and block.alias:
            block.logical = f"{block.logical}.{block.alias}"
        return block

    def name_of(self, node: Node) -> str:
        """An identifier, keyword or literal keyword used as a name."""
        if isinstance(node, str):  # a token
            return str(node)
        if _is_tree(node, "string"):
            return self.label_of(node)
        tokens = [c for c in node.children if _is_token(c)]
        return str(tokens[0]) if tokens else self.source_text(node)

    def label_of(self, node: Tree[Token]) -> str:
        if _is_tree(node, "string"):
            value = self.string(node)
            return value if isinstance(value, str) else self.source_text(node)
        return self.name_of(node)

    def attribute(self, node: Tree[Token], owner: str) -> Attribute:
        name_node = node.children[0]
        value_node = node.children[-1]
        name = self.name_of(name_node)
        term = self.term(value_node)
        name_span = self.node_span(name_node)
        span = Span(
            self.path, name_span.line, name_span.column, term.span.end_line, term.span.end_column
        )
        return Attribute(name, term, span, name_span, f"{owner}/{name}" if owner else name)

    # expressions -----------------------------------------------------------------------

    def expression(
        self, node: Node, function: str | None = None, arguments: tuple[Term, ...] = ()
    ) -> Expression:
        return Expression(self.source_text(node), self.node_span(node), function, arguments)

    def term(self, node: Node) -> Term:
        span = self.node_span(node)
        if _is_tree(node, "expr_term"):
            inner = [c for c in node.children if not _is_tree(c, "new_line_or_comment")]
            if len(inner) == 1 and _is_tree(inner[0]):
                return self.term(inner[0])
            return Term(self.expression(node), span)
        if isinstance(node, str):  # a token
            return Term(self.expression(node), span)
        data = node.data
        if data == "string":
            value = self.string(node)
            if value is None:
                return Term(self.expression(node), span)
            return Term(value, span)
        if data == "int_lit":
            return Term(int(str(node.children[0])), span)
        if data == "float_lit":
            return Term(float(str(node.children[0])), span)
        if data == "literal_value":
            word = str(node.children[0])
            return Term({"true": True, "false": False}.get(word), span)
        if data == "unary_op":
            return self.unary(node, span)
        if data == "tuple":
            return self.tuple(node, span)
        if data == "object":
            return self.object(node, span)
        if data == "function_call":
            return self.call(node, span)
        if data in ("heredoc_template", "heredoc_template_trim"):
            return self.heredoc(node, span, data.endswith("trim"))
        return Term(self.expression(node), span)

    def unary(self, node: Tree[Token], span: Span) -> Term:
        operator = str(node.children[0])
        operand = self.term(node.children[-1])
        value = operand.value
        if operator == "-" and isinstance(value, int | float) and not isinstance(value, bool):
            return Term(-value, span)
        return Term(self.expression(node), span)

    def tuple(self, node: Tree[Token], span: Span) -> Term:
        items = [
            self.term(child)
            for child in node.children
            if _is_tree(child) and child.data != "new_line_or_comment"
        ]
        if all(item.is_literal for item in items):
            values: list[Literal] = [item.value for item in items]  # type: ignore[misc]
            return Term(values, span, items=items, is_tuple=True)
        return Term(self.expression(node), span, items=items, is_tuple=True)

    def object(self, node: Tree[Token], span: Span) -> Term:
        entries: dict[str, Term] = {}
        key_spans: dict[str, Span] = {}
        static = True
        for element in node.children:
            if not _is_tree(element, "object_elem"):
                continue
            key_node = element.children[0]
            value = self.term(element.children[-1])
            key = self.object_key(key_node)
            if key is None:
                static = False
                continue
            entries.setdefault(key, value)
            key_spans.setdefault(key, self.node_span(key_node))
        literal = static and all(term.is_literal for term in entries.values())
        if literal:
            values: dict[str, Literal] = {k: t.value for k, t in entries.items()}  # type: ignore[misc]
            return Term(values, span, entries=entries, key_spans=key_spans, is_object=True)
        return Term(
            self.expression(node),
            span,
            entries=entries,
            key_spans=key_spans,
            is_object=True,
            dynamic_keys=not static,
        )

    def object_key(self, node: Node) -> str | None:
        """A static key: a bare identifier or keyword, or a literal string."""
        inner = node.children[0] if _is_tree(node, "object_elem_key") else node
        while _is_tree(inner, "expr_term") and len(inner.children) == 1:
            inner = inner.children[0]
        if _is_tree(inner, "identifier") or _is_tree(inner, "keyword"):
            return self.name_of(inner)
        if _is_tree(inner, "string"):
            return self.string(inner)
        if _is_tree(inner, "int_lit") or _is_tree(inner, "literal_value"):
            return str(inner.children[0])
        return None

    def call(self, node: Tree[Token], span: Span) -> Term:
        name = self.name_of(node.children[0])
        names = [c for c in node.children if _is_tree(c, "identifier")]
        if len(names) == 3:  # provider::namespace::function
            name = "::".join(self.name_of(n) for n in names)
        arguments: list[Term] = []
        for child in node.children:
            if _is_tree(child, "arguments"):
                arguments = [
                    self.term(a)
                    for a in child.children
                    if _is_tree(a) and a.data != "new_line_or_comment"
                ]
        return Term(self.expression(node, function=name, arguments=tuple(arguments)), span)

    def string(self, node: Tree[Token]) -> str | None:
        """The value of a quoted string, or None when it holds interpolations or directives."""
        parts: list[str] = []
        for child in node.children:
            if not _is_tree(child, "string_part"):
                continue
            for piece in child.children:
                if _is_token(piece, "STRING_CHARS"):
                    parts.append(decode_string(str(piece)))
                elif _is_token(piece, "ESCAPED_INTERPOLATION") or _is_token(
                    piece, "ESCAPED_DIRECTIVE"
                ):
                    parts.append(str(piece)[1:])
                else:
                    return None
        return "".join(parts)

    def heredoc(self, node: Tree[Token], span: Span, trim: bool) -> Term:
        raw = str(node.children[0])
        _, _, rest = raw.partition("\n")
        lines = rest.rstrip("\n").split("\n")
        body_lines = lines[:-1]
        if any(("${" in line or "%{" in line) for line in body_lines):
            return Term(self.expression(node), span)
        if trim:
            indents = [len(x) - len(x.lstrip()) for x in body_lines if x.strip()]
            cut = min(indents, default=0)
            body_lines = [x[cut:] for x in body_lines]
        body = "\n".join(line.rstrip("\r") for line in body_lines)
        return Term(body + "\n" if body_lines else "", span)


def logical_of(block: Block, owner: str) -> str:
    """The logical path of a block: a Terraform address for top-level blocks."""
    if owner:
        label = f":{block.labels[0]}" if block.labels else ""
        return f"{owner}/{block.type}{label}"
    if isinstance(block, Resource | DataSource):
        return block.address
    if isinstance(block, Module):
        return f"module.{block.name}"
    if isinstance(block, Variable):
        return f"var.{block.name}"
    if isinstance(block, Output):
        return f"output.{block.name}"
    if isinstance(block, Provider):
        return f"provider.{block.name}"
    return ".".join((block.type, *block.labels))


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
        if type_name not in _BLOCK_TYPES:
            continue
        wanted = _LABELS.get(type_name, 0)
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
    cls: type[Block] = _BLOCK_TYPES[type_name] if not owner else Block
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
    name_span = mapping.key_span(name)
    term = _json_term(node)
    span = Span(
        name_span.path, name_span.line, name_span.column, term.span.end_line, term.span.end_column
    )
    return Attribute(name, term, span, name_span, logical)


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
        if all(item.is_literal for item in items):
            values: list[Literal] = [item.value for item in items]  # type: ignore[misc]
            return Term(values, node.span, items=items, is_tuple=True)
        return Term(Expression("[...]", node.span), node.span, items=items, is_tuple=True)
    if isinstance(node, YMap):
        entries = {key: _json_term(value) for key, value in node.items()}
        key_spans = {key: node.key_span(key) for key in entries}
        if all(term.is_literal for term in entries.values()):
            mapping: dict[str, Literal] = {k: t.value for k, t in entries.items()}  # type: ignore[misc]
            return Term(mapping, node.span, entries=entries, key_spans=key_spans, is_object=True)
        return Term(
            Expression("{...}", node.span),
            node.span,
            entries=entries,
            key_spans=key_spans,
            is_object=True,
        )
    return Term(None, node.span)
