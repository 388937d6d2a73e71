"""What a rule may ask for besides its subject and options, by annotating a parameter.

A *view* is any class with a classmethod `for_subject(run, subject)` that gives the view of
the run for one subject (None for a rule without a subject). The engine calls it for every
parameter annotated with such a class, so a rule asks for exactly what it reads:

    def restart_policy(service: ComposeService, text: SourceText, defaults: Defaults): ...

Views memoise themselves on the run (`Run.derived`): each is built once per run, or once per
file for the views of a file (`SourceText`), and none outlives the run. The cross-document
indexes (`opslint.indexes`) are views too; so is `Run` itself, for the few rules that need
the whole run. A rule pack may define views of its own the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from opslint.defaults import default, pin
from opslint.model.base import Derived, Span
from opslint.model.source import Document, SourceError, SourceFile
from opslint.run import Run

if TYPE_CHECKING:
    from opslint.edits.yaml import Style


class View(Protocol):
    """What the engine needs of a parameter's annotation to serve it."""

    @classmethod
    def for_subject(cls, run: Run, subject: object) -> object:
        """The view of `run` for `subject`."""
        ...


def is_view(annotation: object) -> bool:
    """True for a class the engine can inject: one with a `for_subject` classmethod."""
    return isinstance(annotation, type) and callable(getattr(annotation, "for_subject", None))


def subject_path(subject: object) -> str | None:
    """The reported path of the file a rule's subject was read from, if it has one."""
    if isinstance(subject, Document):
        return subject.path
    try:
        span = getattr(subject, "span", None)
    except Exception:  # a node whose file can no longer be read
        return None
    return span.path if isinstance(span, Span) else None


def view_key(view: type) -> str:
    """The name a view is memoised under on the run."""
    return f"view {view.__module__}.{view.__qualname__}"


class Defaults:
    """The values fixes may write: `[tool.opslint.defaults]` and `[tool.opslint.pins]`."""

    def __init__(self, values: Mapping[str, object], pins: Mapping[str, str]) -> None:
        self._values = dict(values)
        self.pins = dict(pins)

    @classmethod
    def for_subject(cls, run: Run, subject: object) -> Defaults:
        """The run's defaults (one view per run)."""
        return run.derived(view_key(cls), lambda: cls(run.config.defaults, run.config.pins))

    def get(self, key: str, builtin: object = None) -> object:
        """The configured value of `key`, else `builtin` (see `opslint.defaults.default`)."""
        return default(self._values, key, builtin)

    def pin(self, reference: str, name: str) -> str | None:
        """The pinned replacement for an image or action reference (`opslint.defaults.pin`)."""
        return pin(self.pins, reference, name)


class Files:
    """Files beside the checked ones, as this run sees them: the texts fixes of this run
    wrote first, and never through a link out of the run's boundary."""

    def __init__(self, run: Run) -> None:
        self._run = run

    @classmethod
    def for_subject(cls, run: Run, subject: object) -> Files:
        """The run's files (one view per run)."""
        return run.derived(view_key(cls), lambda: cls(run))

    def exists(self, path: Path) -> bool:
        """True when `path` is a file in bounds, or one a fix of this run created."""
        return self._run.exists(path)

    def text(self, path: Path) -> str | None:
        """The text of the file at `path`, or None (see `Run.text`)."""
        return self._run.text(path)

    def load(self, path: Path) -> Document | None:
        """The parsed document at `path`, checked or not, parsed once per run."""
        return self._run.load(path)

    @property
    def pending(self) -> Mapping[Path, str]:
        """Texts of files fixes of this run changed or created, by resolved path."""
        return self._run.overlay

    def checked(self, path: Path) -> SourceFile | None:
        """The checked file at `path` (compared resolved), if the run checks it."""
        target = path.resolve()
        return next((s for s in self._run.sources.values() if s.path.resolve() == target), None)


class Notes:
    """The run's notes: messages for its summary, each said once."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = messages
        """The run's notes so far (helpers that leave notes append to it)."""

    @classmethod
    def for_subject(cls, run: Run, subject: object) -> Notes:
        """The run's notes (one view per run)."""
        return run.derived(view_key(cls), lambda: cls(run.notes))

    def add(self, text: str) -> None:
        """Leave `text` for the run's summary (once, however often it is said)."""
        if text not in self.messages:
            self.messages.append(text)


class SourceText(Derived):
    """The checked file a rule's subject was read from: its lines and indentation."""

    def __init__(self, run: Run, path: str) -> None:
        self.path = path
        self.source: SourceFile | None = run.sources.get(path)
        self._run = run

    @classmethod
    def for_subject(cls, run: Run, subject: object) -> SourceText:
        """The file of `subject` (one view per file and run)."""
        path = subject_path(subject) or ""
        return run.derived((view_key(cls), path), lambda: cls(run, path))

    @cached_property
    def lines(self) -> Sequence[str]:
        """The file's lines (empty when it is not checked or cannot be read)."""
        if self.source is None:
            return []
        try:
            return self.source.lines
        except SourceError:
            return []

    @cached_property
    def style(self) -> Style:
        """The indentation the file mostly uses (a YAML file's, as its document reads it)."""
        from opslint.edits.yaml import detect_style, document_style

        source = self.source
        document = self._run.load(source.path) if source is not None else None
        if document is None or document.source is not source:
            return detect_style(self.lines)
        return document_style(document)

    def style_of(self, first_line: int, last_line: int) -> Style:
        """The indentation of lines `first_line` to `last_line` alone (files that concatenate
        manifests mix styles), detected once per run."""
        from opslint.edits.yaml import detect_style

        return self.derived(
            ("style", first_line, last_line),
            lambda: detect_style(self.lines[first_line - 1 : last_line]),
        )
