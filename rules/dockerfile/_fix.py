"""Building the text edits of Dockerfile fixes: exact spans, new instruction lines."""

from __future__ import annotations

from opslint.model.base import Anchor, Edit, Fix, Span
from opslint.model.dockerfile import Dockerfile, Instruction, Stage
from opslint.model.facets import ShellCommand
from opslint.ruleapi.shell import Command, Word

BUILD_STEPS = frozenset({"RUN", "COPY", "ADD", "WORKDIR"})
"""Instructions whose work at build time depends on the USER in force."""


def written(dockerfile: Dockerfile, span: Span) -> str | None:
    """The file's text under a single-line `span`, or None for a span over several lines."""
    if span.line != span.end_line:
        return None
    return dockerfile.source.line(span.line)[span.column - 1 : span.end_column - 1]


def keyword_anchor(dockerfile: Dockerfile, instruction: Instruction) -> Anchor | None:
    """The instruction's keyword as the file writes it, for an edit made for it."""
    keyword = written(dockerfile, instruction.keyword_span)
    return Anchor(instruction.keyword_span, keyword) if keyword else None


def word_span(dockerfile: Dockerfile, script: ShellCommand, word: Word) -> Span | None:
    """Where `word` stands in the file, when its source text stands there on one line."""
    span = script.locate(word.start, word.end - word.start)
    if span == script.span or written(dockerfile, span) != script.text[word.start : word.end]:
        return None
    return span


def after_word(dockerfile: Dockerfile, script: ShellCommand, word: Word, text: str) -> Edit | None:
    """An insertion of `text` right after `word`, when the word stands on one line."""
    span = word_span(dockerfile, script, word)
    if span is None:
        return None
    end = Span(span.path, span.end_line, span.end_column, span.end_line, span.end_column)
    return Edit(end, text, Anchor(span, script.text[word.start : word.end]))


def flag_fix(dockerfile: Dockerfile, command: Command, word: Word, flag: str) -> Fix | None:
    """The fix that writes the option `flag` right after `word` of `command`."""
    edit = after_word(dockerfile, command.script, word, f" {flag}")
    return Fix(f"add `{flag}`", (edit,)) if edit is not None else None


def keyword_like(written_keyword: str, keyword: str) -> str:
    """`keyword` in the letter case the file writes its keywords in (`add` gives `copy`)."""
    return keyword.lower() if written_keyword.islower() else keyword


def _first_line(dockerfile: Dockerfile, instruction: Instruction, floor: int) -> int:
    """The first line of `instruction` with the comment lines directly above it."""
    line = instruction.span.line
    while line - 1 > floor and dockerfile.source.line(line - 1).lstrip().startswith("#"):
        line -= 1
    return line


def insert_line(
    dockerfile: Dockerfile, stage: Stage, text: str, before: frozenset[str]
) -> Edit | None:
    """An edit adding the instruction `text` on a line of its own to the end of `stage`.

    It goes above the first instruction of `before` (with the comments directly above it)
    that follows the stage's last build step (RUN, COPY, ADD, WORKDIR), or after the
    stage's last instruction when none does.
    """
    instructions = stage.instructions
    last_build = -1
    for index, instruction in enumerate(instructions):
        if instruction.keyword in BUILD_STEPS:
            last_build = index
    path = stage.span.path
    for index in range(last_build + 1, len(instructions)):
        instruction = instructions[index]
        if instruction.keyword not in before:
            continue
        previous = instructions[index - 1] if index else stage.from_instruction
        line = _first_line(dockerfile, instruction, previous.span.end_line)
        indent = dockerfile.source.line(line)
        indent = indent[: len(indent) - len(indent.lstrip())]
        anchor = keyword_anchor(dockerfile, instruction)
        return Edit(Span(path, line, 1, line, 1), f"{indent}{text}\n", anchor)
    last = instructions[-1] if instructions else stage.from_instruction
    end = last.span
    at_end = Span(path, end.end_line, end.end_column, end.end_line, end.end_column)
    return Edit(at_end, f"\n{text}", keyword_anchor(dockerfile, last))
