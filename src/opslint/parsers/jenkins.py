"""Jenkinsfiles (Groovy) into the CI model, through the tree-sitter Groovy grammar.

Declarative pipelines (`pipeline { ... }`) map their directives: `agent`, `environment`,
`options`, `stages` (nested `stages`, `parallel` and `matrix` included), `when`, `input`,
`steps` and `post`. Scripted pipelines give their `stage` blocks and the steps inside.

The grammar misreads a few valid Groovy forms: a closure with parameters
(`{ c -> sh 'x' }`) and `try`/`catch`/`finally` blocks holding command calls. The parser
feeds it a copy of the text in which those forms, `switch`/`case` and slashy regular
expressions, dollar-slashy strings and the operators `?.`, `?:`, `=~`, `==~` are rewritten
with the same byte lengths (parameters and case labels blanked, keywords turned into plain
calls, regular expressions into quoted strings, operators into ones the grammar knows), so
every position
stays that of the file; all text is read from the file itself. A lone CR ends a line in
Groovy but not for the grammar, so the grammar reads an LF in its place. Where the grammar still
reports an error, it is a syntax error (OP001) only when the file's brackets or strings
are really unbalanced: other constructs it does not know are valid Groovy, and what the
parser understood around them is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from opslint.model.base import Finding, Span
from opslint.model.facets import EnvVar, ImageRef, ShellCommand
from opslint.model.jenkins import SHELL_STEPS, JenkinsPipeline, JenkinsStage, JenkinsStep
from opslint.model.source import SourceFile
from opslint.model.yamltree import YMap
from opslint.severity import Severity

if TYPE_CHECKING:
    from tree_sitter import Node, Parser, Point

_CALLS = ("method_invocation", "juxt_function_call")
_STRINGS = ("character_literal", "string_literal")
_NUMBERS = ("decimal_integer_literal", "decimal_floating_point_literal")
_COMMENTS = ("line_comment", "block_comment")
_LONE_CR = re.compile(rb"\r(?!\n)")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "s": " ", "0": "\0"}
_INTERPOLATION = re.compile(r"\$[{A-Za-z_]")

_CLOSURE_PARAMETERS = re.compile(rb"\{([\s\w.,<>\[\]]*?)->")
_TRY = re.compile(rb"\btry(\s*\{)")
_CATCH = re.compile(rb"(\}\s*)catch(\s*\()([^()'\"]*)(\))")
_FINALLY = re.compile(rb"(\}\s*)finally(\s*\{)")
_SWITCH = re.compile(rb"\bswitch(\s*\()")
_CASE = re.compile(rb"(?m)^[ \t]*(?:case[ \t]+(?:'[^'\n]*'|\"[^\"\n]*\"|[\w.]+)|default)[ \t]*:")
_SLASHY = re.compile(rb"((?:=~|==~|~)\s*)/((?:[^/\n'\\]|\\[^\n])+)/")
_DOLLAR_SLASHY = re.compile(rb"\$/((?:(?!/\$)[^'\n])*)/\$")
_OPERATORS = ((b"?.", b" ."), (b"?:", b"||"), (b"==~", b"== "), (b"=~", b"=="))
"""Operators the grammar does not know, each as one it does of the same length."""


@lru_cache(maxsize=1)
def _parser() -> Parser:
    import tree_sitter
    import tree_sitter_groovy

    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_groovy.language()))


def _blank(text: bytes) -> bytes:
    return bytes(c if c in b"\r\n" else 0x20 for c in text)


def normalise(data: bytes) -> bytes:
    """The text the grammar reads: forms it misreads rewritten, every byte offset kept."""
    data = _CLOSURE_PARAMETERS.sub(lambda m: b"{" + _blank(m.group(0)[1:]), data)
    data = _TRY.sub(lambda m: b";ry" + m.group(1), data)
    data = _CATCH.sub(
        lambda m: m.group(1) + b";atch" + m.group(2) + _blank(m.group(3)) + m.group(4), data
    )
    data = _FINALLY.sub(lambda m: m.group(1) + b";inally" + m.group(2), data)
    data = _SWITCH.sub(lambda m: b";witch" + m.group(1), data)
    data = _CASE.sub(lambda m: _blank(m.group(0)), data)
    data = _SLASHY.sub(lambda m: m.group(1) + b"'" + m.group(2).replace(b"\\", b"_") + b"'", data)
    data = _DOLLAR_SLASHY.sub(lambda m: b" '" + m.group(1).replace(b"\\", b"_") + b"' ", data)
    for operator, replacement in _OPERATORS:
        data = data.replace(operator, replacement)
    return data


def _skip_string(text: str, start: int, quote: str) -> int:
    """The index after the string opened at `start` by `quote`, or -1 when unterminated."""
    position = start + len(quote)
    size = len(text)
    while position < size:
        char = text[position]
        if char == "\\":
            position += 2
            continue
        if len(quote) == 1 and char == "\n":
            return -1
        if text.startswith(quote, position):
            return position + len(quote)
        if quote[0] == '"' and text.startswith("${", position):
            position = _skip_interpolation(text, position + 2)
            if position < 0:
                return -1
            continue
        position += 1
    return -1


def _skip_interpolation(text: str, position: int) -> int:
    depth = 1
    size = len(text)
    while position < size:
        char = text[position]
        if char in "'\"":
            position = _skip_string(text, position, char)
            if position < 0:
                return -1
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return position + 1
        position += 1
    return -1


def _where(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


_SPANNING = {"/*": ("*/", "comment"), "$/": ("/$", "string")}
"""Openers of a comment or string that may span lines: their closer, and what they open."""


def delimiter_problem(text: str) -> tuple[int, int, str] | None:
    """The first unbalanced bracket or unterminated string or comment, if any."""
    closers = {")": "(", "]": "[", "}": "{"}
    stack: list[tuple[str, int]] = []
    position = text.find("\n") + 1 if text.startswith("#!") else 0
    size = len(text)
    while position < size:
        char = text[position]
        if text.startswith("//", position):
            newline = text.find("\n", position)
            position = size if newline < 0 else newline
            continue
        opener = text[position : position + 2]
        if opener in _SPANNING:
            closer, what = _SPANNING[opener]
            end = text.find(closer, position + 2)
            if end < 0:
                return (*_where(text, position), f"{what} `{opener}` is never closed")
            position = end + 2
            continue
        if char in "'\"":
            quote = char * 3 if text.startswith(char * 3, position) else char
            end = _skip_string(text, position, quote)
            if end < 0:
                return (*_where(text, position), f"string `{quote}` is never closed")
            position = end
            continue
        if char in "([{":
            stack.append((char, position))
        elif char in closers:
            if not stack or stack[-1][0] != closers[char]:
                return (*_where(text, position), f"unexpected `{char}`")
            stack.pop()
        position += 1
    if stack:
        opener, where = stack[-1]
        return (*_where(text, where), f"`{opener}` is never closed")
    return None


@dataclass(frozen=True, slots=True)
class _Literal:
    """A string literal's value, with where its content stands in the file."""

    value: str
    span: Span
    """The content, quotes excluded."""
    node_span: Span
    segments: tuple[tuple[int, int, int], ...]
    interpolated: bool
    verbatim: bool


class _Builder:
    def __init__(self, source: SourceFile, data: bytes, read: bytes) -> None:
        self.source = source
        self.read = read
        """The normalised text the grammar read."""
        self.path = source.display
        self.data = data
        self.ascii = data.isascii()
        self.byte_lines = _LONE_CR.sub(b"\n", data).split(b"\n")
        self.pipeline = JenkinsPipeline(source)
        self.declarative = False

    # positions and text

    def text(self, node: Node) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def position(self, point: Point) -> tuple[int, int]:
        row, column = point.row, point.column
        if self.ascii or row >= len(self.byte_lines):
            return row + 1, column + 1
        return row + 1, len(self.byte_lines[row][:column].decode("utf-8", "replace")) + 1

    def span(self, node: Node) -> Span:
        line, column = self.position(node.start_point)
        end_line, end_column = self.position(node.end_point)
        return Span(self.path, line, column, end_line, end_column)

    def head(self, node: Node, end: Node | None = None) -> Span:
        """From `node`'s start to `end`'s end (else its own) when on one line, else to
        the end of the first line."""
        span = self.span(node)
        if end is not None:
            last = self.span(end)
            span = Span(self.path, span.line, span.column, last.end_line, last.end_column)
        if span.end_line == span.line:
            return span
        return span.start().to_line_end(self.source.lines)

    # syntax

    def call_name(self, node: Node) -> str | None:
        if node.type not in _CALLS or node.child_by_field_name("object") is not None:
            return None
        name = node.child_by_field_name("name")
        if name is None or name.type != "identifier":
            return None
        start = name.start_byte
        if start and self.read[start - 1] == 0x3B and self.data[start - 1] != 0x3B:
            return None  # a keyword `normalise` turned into a call
        return self.text(name)

    @staticmethod
    def arguments(node: Node) -> Node | None:
        return node.child_by_field_name("arguments") or node.child_by_field_name("args")

    @staticmethod
    def body(node: Node) -> Node | None:
        body = node.child_by_field_name("body")
        return body if body is not None and body.type == "closure" else None

    def positional(self, node: Node) -> list[Node]:
        arguments = self.arguments(node)
        if arguments is None:
            return []
        return [
            child
            for child in arguments.named_children
            if child.type != "map_item" and child.type not in _COMMENTS
        ]

    def named(self, node: Node) -> dict[str, Node]:
        arguments = self.arguments(node)
        result: dict[str, Node] = {}
        if arguments is None:
            return result
        for item in arguments.named_children:
            if item.type != "map_item":
                continue
            key = item.child_by_field_name("key")
            value = item.child_by_field_name("value")
            if key is None or value is None:
                continue
            literal = self.string(key)
            result[literal.value if literal else self.text(key)] = value
        return result

    @staticmethod
    def statements(block: Node | None) -> Iterator[Node]:
        if block is None:
            return
        for child in block.named_children:
            if child.type == "expression_statement":
                yield from (c for c in child.named_children if c.type not in _COMMENTS)
            elif child.type not in _COMMENTS:
                yield child

    def string(self, node: Node | None) -> _Literal | None:
        """The value of a string literal, with segments mapping it back to the file."""
        if node is None or node.type not in _STRINGS:
            return None
        raw = self.text(node)
        for quote in ('"""', "'''", '"', "'"):
            if len(raw) >= 2 * len(quote) and raw.startswith(quote) and raw.endswith(quote):
                break
        else:
            return None
        double = quote[0] == '"'
        content = raw[len(quote) : len(raw) - len(quote)]
        line, column = self.position(node.start_point)
        column += len(quote)
        first = (line, column)
        value: list[str] = []
        size = 0
        segments = [(0, line, column)]
        interpolated = False
        verbatim = True
        index = 0
        while index < len(content):
            char = content[index]
            if char == "\\" and index + 1 < len(content):
                following = content[index + 1]
                if following in "\r\n":  # a line continuation
                    index += 3 if content.startswith("\r\n", index + 1) else 2
                    line, column = line + 1, 1
                else:
                    text = _ESCAPES.get(following, following)
                    value.append(text)
                    size += len(text)
                    index += 2
                    column += 2
                verbatim = False
                segments.append((size, line, column))
                continue
            if char == "$" and double and _INTERPOLATION.match(content, index):
                interpolated = True
            if char == "\r" and content.startswith("\r\n", index):
                index += 1
                continue
            value.append(char)
            size += 1
            index += 1
            if char == "\n":
                line, column = line + 1, 1
                segments.append((size, line, column))
            else:
                column += 1
        node_span = self.span(node)
        span = Span(self.path, first[0], first[1], line, column)
        return _Literal("".join(value), span, node_span, tuple(segments), interpolated, verbatim)

    def literal_text(self, node: Node | None) -> str | None:
        literal = self.string(node)
        return literal.value if literal is not None else None

    # declarative structure

    def build(self, root: Node) -> JenkinsPipeline:
        for statement in self.statements(root):
            if self.call_name(statement) == "pipeline" and self.body(statement) is not None:
                self.declarative_pipeline(statement)
                break
        else:
            self.walk(root, None, post=False, in_arguments=False)
        self.pipeline.stages = [job for job in self.pipeline.stage_list if job.parent is None]
        return self.pipeline

    def declarative_pipeline(self, call: Node) -> None:
        pipeline = self.pipeline
        self.declarative = pipeline.declarative = True
        body = self.body(call)
        name = call.child_by_field_name("name")
        opening = body.child(0) if body is not None else None
        pipeline.pipeline_span = self.head(name or call, opening)
        for statement in self.statements(body):
            directive = self.call_name(statement)
            if directive == "agent":
                self.agent(statement, None)
            elif directive == "environment":
                for env in self.environment(statement, "pipeline"):
                    if env.value is not None:
                        pipeline.env_names[env.name] = env.value
            elif directive == "options":
                pipeline.timeout = self.options_timeout(statement)
            elif directive == "stages":
                self.stage_block(statement, None)
            elif directive == "post":
                self.walk(self.body(statement), None, post=True, in_arguments=False)

    def stage_block(self, block: Node, parent: JenkinsStage | None) -> None:
        for statement in self.statements(self.body(block)):
            if self.call_name(statement) == "stage":
                self.stage(statement, parent)

    def stage(self, call: Node, parent: JenkinsStage | None) -> JenkinsStage:
        arguments = self.positional(call)
        name = ""
        if arguments:
            name = self.literal_text(arguments[0]) or self.text(arguments[0])
        name = self.literal_text(self.named(call).get("name")) or name
        header = self.head(call, self.arguments(call))
        logical = f"{parent.logical}/stage:{name}" if parent else f"stage:{name}"
        stage = JenkinsStage(name, header, logical, YMap(header), name=name, parent=parent)
        self.pipeline.jobs.append(stage)
        if parent is not None:
            parent.children.append(stage)
        body = self.body(call)
        if not self.declarative:
            self.walk(body, stage, post=False, in_arguments=False)
            return stage
        for statement in self.statements(body):
            self.stage_directive(statement, stage)
        return stage

    def stage_directive(self, statement: Node, stage: JenkinsStage) -> None:
        directive = self.call_name(statement)
        if directive == "agent":
            self.agent(statement, stage)
        elif directive == "environment":
            stage.env.extend(self.environment(statement, stage.logical))
        elif directive == "options":
            stage.timeout = stage.timeout or self.options_timeout(statement)
        elif directive == "input":
            stage.input = self.head(statement)
        elif directive == "when":
            self.when(statement, stage)
        elif directive == "steps":
            body = self.body(statement)
            wrappers = list(self.statements(body))
            if wrappers and all(self.call_name(w) == "timeout" for w in wrappers):
                stage.timeout = stage.timeout or self.head(wrappers[0])
            self.walk(body, stage, post=False, in_arguments=False)
        elif directive in ("stages", "parallel"):
            self.stage_block(statement, stage)
        elif directive == "matrix":
            for inner in self.statements(self.body(statement)):
                if self.call_name(inner) == "stages":
                    self.stage_block(inner, stage)
                elif self.call_name(inner) in ("agent", "environment", "options", "when"):
                    self.stage_directive(inner, stage)
        elif directive == "post":
            self.walk(self.body(statement), stage, post=True, in_arguments=False)

    def options_timeout(self, options: Node) -> Span | None:
        for statement in self.statements(self.body(options)):
            if self.call_name(statement) == "timeout":
                return self.head(statement)
        return None

    def when(self, when: Node, stage: JenkinsStage) -> None:
        def visit(node: Node) -> None:
            literal = self.string(node)
            if literal is not None:
                stage.when_strings.append(literal.value)
                return
            if self.call_name(node) == "branch":
                arguments = self.positional(node)
                pattern = self.named(node).get("pattern")
                branch = self.literal_text(pattern or (arguments[0] if arguments else None))
                if branch is not None:
                    stage.when_branches.append(branch)
            for child in node.named_children:
                visit(child)

        body = self.body(when)
        if body is not None:
            visit(body)

    def agent(self, agent: Node, stage: JenkinsStage | None) -> None:
        logical = stage.logical if stage else "pipeline"
        for statement in self.statements(self.body(agent)):
            if self.call_name(statement) != "docker":
                continue
            arguments = self.positional(statement)
            image = self.named(statement).get("image") or (arguments[0] if arguments else None)
            for inner in self.statements(self.body(statement)):
                if self.call_name(inner) == "image":
                    found = self.positional(inner)
                    image = found[0] if found else image
            self.image(image, "jenkins agent", logical, stage)

    def image(
        self, node: Node | None, origin: str, logical: str, stage: JenkinsStage | None
    ) -> None:
        literal = self.string(node)
        if literal is None or not literal.value.strip():
            return
        written = literal.value
        image = ImageRef(
            literal.value,
            literal.span,
            origin,
            logical=logical,
            written=written if literal.verbatim else "",
            dynamic=literal.interpolated,
        )
        self.pipeline.images.append(image)
        if stage is not None:
            stage.images.append(image)

    def environment(self, block: Node, logical: str) -> list[EnvVar]:
        result: list[EnvVar] = []
        for statement in self.statements(self.body(block)):
            if statement.type != "assignment_expression":
                continue
            left = statement.child_by_field_name("left")
            right = statement.child_by_field_name("right")
            if left is None or right is None or left.type != "identifier":
                continue
            name = self.text(left)
            literal = self.string(right)
            origin = "jenkins environment"
            if literal is not None:
                env = EnvVar(
                    name,
                    literal.value,
                    self.span(left),
                    literal.span,
                    origin,
                    reference=literal.interpolated,
                    logical=logical,
                )
            elif right.type in _NUMBERS:
                value = self.text(right)
                env = EnvVar(
                    name, value, self.span(left), self.span(right), origin, logical=logical
                )
            else:  # credentials('id'), a method call, a variable
                env = EnvVar(
                    name,
                    None,
                    self.span(left),
                    self.span(right),
                    origin,
                    reference=True,
                    logical=logical,
                )
            result.append(env)
        self.pipeline.env_vars.extend(result)
        return result

    # steps (declarative `steps`, `post`, `script` and scripted code)

    def walk(
        self, node: Node | None, stage: JenkinsStage | None, *, post: bool, in_arguments: bool
    ) -> None:
        if node is None:
            return
        for child in node.named_children:
            self.visit(child, stage, post=post, in_arguments=in_arguments)

    def visit(
        self, node: Node, stage: JenkinsStage | None, *, post: bool, in_arguments: bool
    ) -> None:
        if node.type in _CALLS:
            name = self.call_name(node)
            if name == "stage" and not self.declarative and self.body(node) is not None:
                self.stage(node, stage)
                return
            if name is not None and not in_arguments:
                self.step(node, name, stage, post)
            elif self.is_docker_image(node):
                logical = stage.logical if stage else "pipeline"
                arguments = self.positional(node)
                self.image(
                    arguments[0] if arguments else None, "jenkins docker.image", logical, stage
                )
        if node.type == "closure":
            in_arguments = False
        elif node.type == "argument_list":
            in_arguments = True
        self.walk(node, stage, post=post, in_arguments=in_arguments)

    def is_docker_image(self, node: Node) -> bool:
        owner = node.child_by_field_name("object")
        name = node.child_by_field_name("name")
        return (
            node.type == "method_invocation"
            and owner is not None
            and owner.type == "identifier"
            and owner.text == b"docker"
            and name is not None
            and name.text == b"image"
        )

    def step(self, call: Node, name: str, stage: JenkinsStage | None, post: bool) -> None:
        steps = stage.steps if stage is not None else self.pipeline.steps
        index = len(steps)
        logical = f"{stage.logical if stage else 'pipeline'}/step:{index}"
        span = self.head(call)
        arguments = self.positional(call)
        named = self.named(call)
        strings = [
            literal.value
            for node in (*arguments, *named.values())
            if (literal := self.string(node)) is not None
        ]
        step = JenkinsStep(
            index,
            span,
            logical,
            YMap(span),
            kind=name,
            strings=strings,
            block=self.body(call) is not None,
            post=post,
        )
        if name in SHELL_STEPS:
            literal = self.string(named.get("script") or (arguments[0] if arguments else None))
            if literal is not None:
                step.run = ShellCommand(
                    literal.value, literal.node_span, f"jenkins {name}", literal.segments, logical
                )
                self.pipeline.shell_commands.append(step.run)
        steps.append(step)


def _first_missing(node: Node) -> Node | None:
    if node.is_missing and node.type in (")", "]", "}", "'", '"', "'''", '"""'):
        return node
    if not node.has_error:
        return None
    for child in node.children:
        found = _first_missing(child)
        if found is not None:
            return found
    return None


def syntax_problem(builder: _Builder, root: Node, text: str) -> Finding | None:
    """OP001 for a file whose brackets or strings do not balance (see the module doc)."""
    if not root.has_error:
        return None
    problem = delimiter_problem(text)
    if problem is None:
        return None
    missing = _first_missing(root)
    if missing is not None:
        line, column = builder.position(missing.start_point)
        message = f"syntax error: missing `{missing.type}`"
    else:
        line, column, detail = problem
        message = f"syntax error: {detail}"
    return Finding(
        Span(builder.path, line, column, line, column + 1),
        message,
        code="OP001",
        name="parse-error",
        severity=Severity.ERROR,
    )


def parse_jenkinsfile(source: SourceFile) -> JenkinsPipeline:
    """Parse a Jenkinsfile; a real syntax error becomes an OP001 problem."""
    text = source.text
    data = text.encode("utf-8")
    # Groovy ends a line at a lone CR too, the grammar only at LF: it reads LF there
    groovy = _LONE_CR.sub(b"\n", data)
    read = normalise(groovy)
    tree = _parser().parse(read)
    builder = _Builder(source, data, read)
    pipeline = builder.build(tree.root_node)
    problem = syntax_problem(builder, tree.root_node, groovy.decode("utf-8"))
    if problem is not None:
        pipeline.problems.append(problem)
    return pipeline
