"""The state of one run: its documents, sources, notes and codes, and the views built from them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from opslint.config import Config
from opslint.model.base import Derived
from opslint.model.source import Document, SourceFile
from opslint.safety.boundary import outside, refusal

D = TypeVar("D", bound=Document)


class Run(Derived):
    """One run of the engine: every document it checks, on-demand parsing of files it did
    not name, the notes rules leave and the codes installed. Views and indexes built from it
    (`opslint.indexes`) are memoised on it (`derived`), so nothing outlives the run.

    A Compose service's build context names a Dockerfile that pre-commit may not have
    passed; `run.load(path)` parses it once.
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

    @classmethod
    def for_subject(cls, run: Run, subject: object) -> Run:
        """The whole run, for the few rules that need it (a parameter annotated `Run`)."""
        return run

    def add(self, document: Document) -> None:
        """Record a checked document."""
        self.documents.append(document)
        self.sources[document.path] = document.source
        self._loaded[document.source.path.resolve()] = document

    def of_type(self, kind: type[D]) -> Iterator[D]:
        """The checked documents of one model type."""
        return (doc for doc in self.documents if isinstance(doc, kind))

    def exists(self, path: Path) -> bool:
        """True when `path` is a file, on disk (not through a link out of the run's
        boundary) or created by a fix in this run."""
        try:
            if self.overlay and path.resolve() in self.overlay:
                return True
            return path.is_file() and not outside(path)
        except OSError:  # a path a scanned file names may be too long for any file system
            return False

    def text(self, path: Path) -> str | None:
        """The text of a file beside the checked ones (as a fix of this run left it), or
        None when it does not exist, cannot be read, or a link places it out of bounds."""
        try:
            text = self.overlay.get(path.resolve()) if self.overlay else None
        except OSError:
            return None
        if text is not None:
            return text
        if outside(path):
            return None
        try:
            return path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None

    def load(self, path: Path) -> Document | None:
        """The parsed document at `path` (checked or not), or None when it is not one."""
        try:
            key = path.resolve()
            present = key not in self._loaded and path.exists()
        except OSError:  # a path a scanned file names may be too long for any file system
            return None
        if present and outside(path):
            self.notes.append(f"{path.as_posix()}: {refusal(path)}")
            self._loaded[key] = None
        if key not in self._loaded:
            self._loaded[key] = self._loader(path) if self.exists(path) else None
        return self._loaded[key]
