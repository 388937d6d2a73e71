"""Helpers shared by the YAML-based parsers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Generic, TypeVar

from opslint.model.base import Finding, Span
from opslint.model.facets import EnvVar, ImageRef, ShellCommand, map_script_lines
from opslint.model.source import SourceFile
from opslint.model.yamltree import YMap, YNode, YScalar, YSeq, text_span
from opslint.parsers.yamlload import LoadedYaml, yaml_of
from opslint.severity import Severity

if TYPE_CHECKING:  # the CI model is for the CI parsers: a manifest run never loads it
    from opslint.model.ci import Pipeline

Item = TypeVar("Item")


def duplicate_problems(loaded: LoadedYaml) -> list[Finding]:
    """One OP003 finding per repeated mapping key, naming the line of the first occurrence."""
    return [
        Finding(
            duplicate.span,
            f"duplicate key `{duplicate.key}` (first defined on line {duplicate.first.line}); "
            "the later value wins",
            code="OP003",
            name="duplicate-key",
            severity=Severity.ERROR,
        )
        for duplicate in loaded.duplicates
    ]


def env_vars(
    mapping: YMap | None,
    origin: str,
    logical: str,
    is_reference: Callable[[str], bool],
    *,
    value_key: str = "",
) -> list[EnvVar]:
    """The entries of an environment mapping; a value that is no scalar has no literal.

    `is_reference` tells a literal that only points elsewhere (`$VAR`, `${{ ... }}`);
    with `value_key`, a mapping value stands for its entry of that name (GitLab's
    `{value: ..., description: ...}`).
    """
    if mapping is None:
        return []
    result: list[EnvVar] = []
    for name, value in mapping.items():
        if value_key and isinstance(value, YMap):
            value = value.get(value_key) or value
        key_span = mapping.key_span(name)
        if isinstance(value, YScalar):
            text = value.text
            result.append(
                EnvVar(
                    name,
                    text,
                    key_span,
                    text_span(value),
                    origin,
                    reference=is_reference(text),
                    logical=logical,
                )
            )
        else:
            result.append(EnvVar(name, None, key_span, value.span, origin, logical=logical))
    return result


def read_items(node: YSeq | None, read: Callable[[int, YNode], Item | None]) -> list[Item]:
    """What `read` makes of each item of a sequence, given its index; None is left out."""
    if node is None:
        return []
    return [found for index, item in enumerate(node) if (found := read(index, item)) is not None]


def image_ref(
    node: YScalar, origin: str, logical: str, is_dynamic: Callable[[str], bool]
) -> ImageRef | None:
    """The image reference a scalar writes, at its text; None when it is blank.

    `is_dynamic` tells a reference the format fills in later (`${TAG}`, `{{ .Values }}`).
    """
    text = node.text.strip()
    if not text:
        return None
    return ImageRef(
        text, text_span(node), origin, logical=logical, written=text, dynamic=is_dynamic(text)
    )


def scalar_text(node: YNode | None) -> str | None:
    """A non-null scalar's text; None for mappings, sequences and nulls."""
    if isinstance(node, YScalar) and node.value is not None:
        return node.text
    return None


def script_command(node: YScalar, lines: Sequence[str], origin: str, logical: str) -> ShellCommand:
    """A shell script held by a scalar, mapped back to the file line by line.

    Block scalars (`|`, `>`) start on the line after their indicator; other scalars start
    at their first character (after the quote).
    """
    text = node.text
    if node.style in ("|", ">"):
        segments = map_script_lines(text, lines, node.span.line + 1)
        end_line, end_column = node.span.end_line, node.span.end_column
        while end_column == 1 and end_line > node.span.line:
            # libyaml ends a block scalar at the start of the line after it: trim back
            end_line -= 1
            end_column = len(lines[end_line - 1]) + 1 if end_line <= len(lines) else 1
            if end_line <= len(lines) and lines[end_line - 1].strip():
                break
        span = Span(node.span.path, node.span.line, node.span.column, end_line, end_column)
        return ShellCommand(text, span, origin, segments, logical)
    start = text_span(node)
    if "\n" not in text:
        return ShellCommand(text, start, origin, ((0, start.line, start.column),), logical)
    column = node.span.column + (1 if node.style in ("'", '"') else 0)
    segments = map_script_lines(text, lines, node.span.line, column)
    return ShellCommand(text, node.span, origin, segments, logical)


def has_tag(node: YNode, lines: Sequence[str], tag: str) -> bool:
    """True when the node is written with the explicit `tag` (`!reference [...]`).

    The located tree keeps no tags, but a tagged node's span starts at its tag.
    """
    span = node.span
    text = lines[span.line - 1] if 0 < span.line <= len(lines) else ""
    return text[span.column - 1 :].startswith(tag)


PipelineT = TypeVar("PipelineT", bound="Pipeline")


class PipelineReader(Generic[PipelineT]):
    """What the CI parsers share: the file's lines, the pipeline they fill in, and the test
    that tells a value referring to one set elsewhere (`$VAR`, `${{ ... }}`)."""

    def __init__(
        self, source: SourceFile, pipeline: PipelineT, is_reference: Callable[[str], bool]
    ) -> None:
        self.lines = source.lines
        self.pipeline = pipeline
        self.is_reference = is_reference

    def env_vars(
        self, mapping: YMap | None, origin: str, logical: str, value_key: str = ""
    ) -> list[EnvVar]:
        """The entries of an environment mapping (see `env_vars`), recorded on the pipeline."""
        result = env_vars(mapping, origin, logical, self.is_reference, value_key=value_key)
        self.pipeline.env_vars.extend(result)
        return result

    def image(self, node: YNode | None, origin: str, logical: str) -> ImageRef | None:
        """The image reference a scalar writes, recorded on the pipeline; None for a blank
        scalar and anything else."""
        if not isinstance(node, YScalar):
            return None
        image = image_ref(node, origin, logical, self.is_reference)
        if image is not None:
            self.pipeline.images.append(image)
        return image


def pipeline_root(pipeline: Pipeline, expected: str, header: str = "") -> YMap | None:
    """Read a CI file's top-level mapping into `pipeline.root` and return it, after recording
    its duplicate keys; None when the file holds nothing, and when it holds something else,
    after recording an OP001 saying what was `expected`. With `header`, a first document
    holding that key is a header, and the document after it is read (GitLab's `spec:`)."""
    loaded = yaml_of(pipeline.source)
    pipeline.problems.extend(duplicate_problems(loaded))
    roots = [d.root for d in loaded.documents if d.root is not None]
    if header and len(roots) > 1 and isinstance(roots[0], YMap) and header in roots[0]:
        roots = roots[1:]
    if not roots:
        return None
    root = roots[0]
    if isinstance(root, YMap):
        pipeline.root = root
        return root
    pipeline.problems.append(
        Finding(
            root.span.start(),
            f"expected {expected} at the top level",
            code="OP001",
            name="parse-error",
            severity=Severity.ERROR,
        )
    )
    return None
