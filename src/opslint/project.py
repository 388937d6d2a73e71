"""The set of documents one run checks, for rules that look across files."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from opslint.config import Config
from opslint.model.base import Derived
from opslint.model.source import Document, SourceFile

D = TypeVar("D", bound=Document)


class Project(Derived):
    """Every document of the run, and on-demand parsing of files the run did not name.

    Cross-file rules use it: a Compose service's build context names a Dockerfile that
    pre-commit may not have passed; `project.load(path)` parses it once.
    """

    def __init__(self, config: Config, loader: Callable[[Path], Document | None]) -> None:
        self.config = config
        self.documents: list[Document] = []
        self.sources: dict[str, SourceFile] = {}
        self._loader = loader
        self._loaded: dict[Path, Document | None] = {}
        self.known_codes: set[str] = set()
        """Codes and names of every rule installed."""
        self.enabled_codes: set[str] = set()
        """Codes and names of the rules this run uses."""
        self.notes: list[str] = []
        """Messages rules leave for the run's summary (the engine says each once)."""
        self.overlay: dict[Path, str] = {}
        """Texts of files a fix run changed or created but has not written yet."""
        self.peer_codes: dict[tuple[str, str], tuple[str, ...]] = {}
        """(tool, check) of a peer linter to the opslint codes that stand for it."""

    def add(self, document: Document) -> None:
        """Record a checked document."""
        self.documents.append(document)
        self.sources[document.path] = document.source
        self._loaded[document.source.path.resolve()] = document

    def of_type(self, kind: type[D]) -> Iterator[D]:
        """The checked documents of one model type."""
        return (doc for doc in self.documents if isinstance(doc, kind))

    def exists(self, path: Path) -> bool:
        """True when `path` is a file, on disk or created by a fix in this run."""
        return path.resolve() in self.overlay or path.is_file()

    def load(self, path: Path) -> Document | None:
        """The parsed document at `path` (checked or not), or None when it is not one."""
        key = path.resolve()
        if key not in self._loaded:
            self._loaded[key] = self._loader(path) if self.exists(path) else None
        return self._loaded[key]
