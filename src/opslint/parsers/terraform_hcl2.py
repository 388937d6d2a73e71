"""Terraform's HCL read by python-hcl2, the reference for HCL semantics.

`opslint.parsers.terraform` reads `.tf` and `.tfvars` files with tree-sitter; a file in
which tree-sitter finds a syntax error comes here. python-hcl2's lark parser either reads
it (HCL the tree-sitter grammar does not know, such as `1e3`) and this module builds the
same model from its tree, or rejects it with the location and message of OP001.
"""

from __future__ import annotations

from typing import TypeGuard

import hcl2
from lark import Token, Tree
from lark.exceptions import (
    LarkError,
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
)

from opslint.model.base import Span
from opslint.model.lines import LineBreaks, LineIndex
from opslint.model.terraform import Attribute, Block, Expression, Provider, Term
from opslint.parsers.errors import construct
from opslint.parsers.terraform import (
    ParseError,
    attribute_of,
    decode_string,
    heredoc_value,
    new_block,
    object_term,
    tuple_term,
)

Node = Tree[Token] | Token
"""A node of the raw parse tree: a rule's subtree, or a token (a `str`)."""


def hcl2_top_level(path: str, text: str) -> tuple[list[Block], list[Attribute]]:
    """The top-level blocks and attributes of `text`, each in order; raise `ParseError`
    where python-hcl2 cannot read it."""
    walker = Walker(path, text)
    body = next((c for c in parse_tree(text).children if is_tree(c, "body")), None)
    children = body.children if body is not None else []
    return (
        [walker.block(c, "") for c in children if is_tree(c, "block")],
        [walker.attribute(c, "") for c in children if is_tree(c, "attribute")],
    )


def parse_tree(text: str) -> Tree[Token]:
    """The raw lark tree for `text`; raise `ParseError` with the parser's location."""
    try:
        return hcl2.parses_to_tree(text)
    except UnexpectedCharacters as error:
        position = error.pos_in_stream or 0
        character = text[position] if 0 <= position < len(text) else ""
        raise ParseError(
            f"HCL syntax error: unexpected character {character!r}", error.line, error.column
        ) from None
    except UnexpectedToken as error:
        token = error.token
        if token.type == "$END":
            line = text.count("\n") + 1
            raise ParseError("HCL syntax error: unexpected end of file", line, 1) from None
        text = str(token).strip()
        shown = f"`{construct(text)}`" if construct(text) else "token" if text else "newline"
        message = f"HCL syntax error: unexpected {shown}"
        raise ParseError(message, error.line, error.column) from None
    except UnexpectedEOF:
        line = text.count("\n") + 1
        raise ParseError("HCL syntax error: unexpected end of file", line, 1) from None
    except UnexpectedInput as error:
        raise ParseError("HCL syntax error", max(1, error.line), max(1, error.column)) from None
    except LarkError as error:
        raise ParseError(f"HCL parser failed: {type(error).__name__}", 1, 1) from None


def is_tree(node: Node, name: str | None = None) -> TypeGuard[Tree[Token]]:
    """True for a subtree (of rule `name`, when given)."""
    return not isinstance(node, str) and (name is None or node.data == name)


def is_token(node: Node, type_: str | None = None) -> TypeGuard[Token]:
    """True for a token (of type `type_`, when given)."""
    return isinstance(node, str) and (type_ is None or node.type == type_)


class Walker:
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
        """Where a node starts and ends; a binary operation ends at its last operand,
        though the grammar hands it the line breaks and comments that follow."""
        if isinstance(node, str):  # a token
            return node.start_pos or 0, node.end_pos or 0
        meta = node.meta
        if getattr(meta, "empty", True):
            return 0, 0
        children = node.children
        if len(children) > 1 and is_tree(children[-1], "new_line_or_comment"):
            return int(meta.start_pos), Walker.bounds(children[-2])[1]
        return int(meta.start_pos), int(meta.end_pos)

    def node_span(self, node: Node) -> Span:
        start, end = self.bounds(node)
        return self.span(start, end)

    def source_text(self, node: Node) -> str:
        start, end = self.bounds(node)
        return self.text[start:end].strip()

    # blocks and attributes -------------------------------------------------------------

    def block(self, node: Tree[Token], owner: str) -> Block:
        names: list[Tree[Token]] = []
        brace: Token | None = None
        body: Tree[Token] | None = None
        end_brace: Token | None = None
        for child in node.children:
            if is_token(child, "LBRACE"):
                brace = child
            elif is_token(child, "RBRACE"):
                end_brace = child
            elif is_tree(child, "body"):
                body = child
            elif brace is None and is_tree(child) and child.data != "new_line_or_comment":
                names.append(child)
        type_name = self.name_of(names[0]) if names else ""
        labels = tuple(self.label_of(n) for n in names[1:])
        label_spans = tuple(self.node_span(n) for n in names[1:])
        start, _ = self.bounds(node)
        header_end = self.bounds(brace)[1] if brace is not None else self.bounds(node)[1]
        body_end = self.bounds(end_brace)[1] if end_brace is not None else self.bounds(node)[1]
        header, whole = self.span(start, header_end), self.span(start, body_end)
        block = new_block(type_name, labels, header, whole, label_spans, owner)
        if body is not None:
            for child in body.children:
                if is_tree(child, "attribute"):
                    attribute = self.attribute(child, block.logical)
                    block.attributes.setdefault(attribute.name, attribute)
                elif is_tree(child, "block"):
                    block.blocks.append(self.block(child, block.logical))
        if isinstance(block, Provider) and block.alias:
            block.logical = f"{block.logical}.{block.alias}"
        return block

    def name_of(self, node: Node) -> str:
        """An identifier, keyword or literal keyword used as a name."""
        if isinstance(node, str):  # a token
            return str(node)
        if is_tree(node, "string"):
            return self.label_of(node)
        tokens = [c for c in node.children if is_token(c)]
        return str(tokens[0]) if tokens else self.source_text(node)

    def label_of(self, node: Tree[Token]) -> str:
        if is_tree(node, "string"):
            value = self.string(node)
            return value if isinstance(value, str) else self.source_text(node)
        return self.name_of(node)

    def attribute(self, node: Tree[Token], owner: str) -> Attribute:
        name_node = node.children[0]
        value_node = node.children[-1]
        name = self.name_of(name_node)
        return attribute_of(name, self.term(value_node), self.node_span(name_node), owner)

    # expressions -----------------------------------------------------------------------

    def expression(
        self, node: Node, function: str | None = None, arguments: tuple[Term, ...] = ()
    ) -> Expression:
        return Expression(self.source_text(node), self.node_span(node), function, arguments)

    def term(self, node: Node) -> Term:
        span = self.node_span(node)
        if is_tree(node, "expr_term"):
            inner = [c for c in node.children if not is_tree(c, "new_line_or_comment")]
            if len(inner) == 1 and is_tree(inner[0]):
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
            if is_tree(child) and child.data != "new_line_or_comment"
        ]
        return tuple_term(items, span, lambda: self.expression(node))

    def object(self, node: Tree[Token], span: Span) -> Term:
        entries: dict[str, Term] = {}
        key_spans: dict[str, Span] = {}
        static = True
        for element in node.children:
            if not is_tree(element, "object_elem"):
                continue
            key_node = element.children[0]
            value = self.term(element.children[-1])
            key = self.object_key(key_node)
            if key is None:
                static = False
                continue
            entries.setdefault(key, value)
            key_spans.setdefault(key, self.node_span(key_node))
        return object_term(entries, key_spans, static, span, lambda: self.expression(node))

    def object_key(self, node: Node) -> str | None:
        """A static key: a bare identifier or keyword, or a literal string."""
        inner = node.children[0] if is_tree(node, "object_elem_key") else node
        while is_tree(inner, "expr_term") and len(inner.children) == 1:
            inner = inner.children[0]
        if is_tree(inner, "identifier") or is_tree(inner, "keyword"):
            return self.name_of(inner)
        if is_tree(inner, "string"):
            return self.string(inner)
        if is_tree(inner, "int_lit") or is_tree(inner, "literal_value"):
            return str(inner.children[0])
        return None

    def call(self, node: Tree[Token], span: Span) -> Term:
        name = self.name_of(node.children[0])
        names = [c for c in node.children if is_tree(c, "identifier")]
        if len(names) == 3:  # provider::namespace::function
            name = "::".join(self.name_of(n) for n in names)
        arguments: list[Term] = []
        for child in node.children:
            if is_tree(child, "arguments"):
                arguments = [
                    self.term(a)
                    for a in child.children
                    if is_tree(a) and a.data != "new_line_or_comment"
                ]
        return Term(self.expression(node, function=name, arguments=tuple(arguments)), span)

    def string(self, node: Tree[Token]) -> str | None:
        """The value of a quoted string, or None when it holds interpolations or directives."""
        parts: list[str] = []
        for child in node.children:
            if not is_tree(child, "string_part"):
                continue
            for piece in child.children:
                if is_token(piece, "STRING_CHARS"):
                    parts.append(decode_string(str(piece)))
                elif is_token(piece, "ESCAPED_INTERPOLATION") or is_token(
                    piece, "ESCAPED_DIRECTIVE"
                ):
                    parts.append(str(piece)[1:])
                else:
                    return None
        return "".join(parts)

    def heredoc(self, node: Tree[Token], span: Span, trim: bool) -> Term:
        value = heredoc_value(str(node.children[0]), trim)
        return Term(self.expression(node) if value is None else value, span)
