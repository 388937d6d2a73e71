"""Small readers several rule families share: whether a key holds a value, where a
scalar's text is, and the lines of a reported file and their indentation."""

from __future__ import annotations

from opslint.model.source import SourceError
from opslint.model.yamltree import YMap, YScalar
from opslint.run import Run
from opslint.yamledit import Style, detect_style, document_style


def has_value(mapping: YMap | None, key: str) -> bool:
    """True when `mapping` gives `key` a scalar that is neither null nor blank."""
    value = mapping.get(key) if mapping is not None else None
    return isinstance(value, YScalar) and value.value is not None and value.text.strip() != ""


def source_lines(run: Run, path: str) -> list[str]:
    """The lines of the checked file at `path` (empty when unknown or unreadable)."""
    source = run.sources.get(path)
    if source is None:
        return []
    try:
        return source.lines
    except SourceError:
        return []


def source_style(run: Run, path: str) -> Style:
    """The indentation the checked YAML file at `path` mostly uses, read once per run."""
    source = run.sources.get(path)
    document = run.load(source.path) if source is not None else None
    if document is None or document.source is not source:
        return detect_style(source_lines(run, path))
    return document_style(document)
