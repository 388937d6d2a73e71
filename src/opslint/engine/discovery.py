"""Walk the paths given on the command line (.gitignore, excludes, symlinks, loops), and
read the files found under the run's policy."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from opslint.edits.leftovers import is_temporary
from opslint.model.source import Reader, SourceError, decode
from opslint.safety.boundary import OUTSIDE, Boundary, refusal

if TYPE_CHECKING:
    import pathspec

ALWAYS_SKIPPED = frozenset({".git", ".hg", ".svn", ".terraform", "__pycache__"})


@dataclass
class Walk:
    """Files to check, and notes about what could not be walked."""

    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    leftovers: list[Path] = field(default_factory=list)
    """Temporary files an interrupted `opslint fix` left (never checked; see `leftovers`)."""


class Matcher(Protocol):
    """What the walk asks of compiled exclude patterns."""

    def match_file(self, file: str) -> bool: ...


_FOLDER_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*/")
"""A pattern that names a folder and nothing else (`testdata/`): no wildcard, no slash
before the last, no negation."""


@dataclass(frozen=True)
class FolderNames:
    """Patterns that each name a folder, matched as .gitignore matches them (a folder of
    that name at any depth, and everything below it) without importing pathspec: the
    default excludes are all of this form."""

    names: frozenset[str]

    def match_file(self, file: str) -> bool:
        """Whether `file` (relative, POSIX, a folder ending with `/`) is, or lies in, a
        folder of one of the names."""
        folders = file.split("/")[:-1]
        return any(folder in self.names for folder in folders)


def _spec(patterns: tuple[str, ...]) -> Matcher | None:
    if not patterns:
        return None
    if all(_FOLDER_NAME.fullmatch(pattern) for pattern in patterns):
        return FolderNames(frozenset(pattern[:-1] for pattern in patterns))
    import pathspec  # only a walk into folders, or --force-exclude, needs the patterns

    return pathspec.GitIgnoreSpec.from_lines(patterns)


def _relative(path: Path | str, root: Path | str) -> str | None:
    """`path` relative to `root` as `Path.relative_to` gives it (both absolute, compared
    part by part as written), in POSIX form; None when it is not below `root`."""
    text, base = os.fspath(path), os.fspath(root)
    if text == base:
        return "."
    prefix = base if base.endswith(os.sep) else base + os.sep
    if not text.startswith(prefix):
        return None
    relative = text[len(prefix) :]
    return relative if os.sep == "/" else relative.replace(os.sep, "/")


def _identity(folder: Path) -> tuple[int, int] | str:
    """What tells a folder from every other however it is reached: its device and inode
    (its real path when it cannot be read)."""
    try:
        status = folder.stat()
    except OSError:
        return os.path.realpath(folder)
    return (status.st_dev, status.st_ino)


class Walker:
    """Collects files below the given paths, honouring ignore files and excludes."""

    def __init__(
        self,
        root: Path,
        exclude: tuple[str, ...],
        respect_gitignore: bool = True,
        force_exclude: bool = False,
        boundary: Boundary | None = None,
    ) -> None:
        self.root = root
        self.boundary = boundary
        self.patterns = exclude
        self.respect_gitignore = respect_gitignore
        self.force_exclude = force_exclude
        self.result = Walk()
        self.seen_dirs: set[tuple[int, int] | str] = set()
        self.base = root
        """The folder given on the command line that the walk is in."""

    @cached_property
    def exclude(self) -> Matcher | None:
        """The `exclude` patterns, compiled the first time a path is matched."""
        return _spec(self.patterns)

    def excluded(self, path: Path | str, is_dir: bool) -> bool:
        """Whether the exclude patterns match `path` (a path string is absolute)."""
        if self.exclude is None:
            return False
        absolute = path if isinstance(path, str) else str(path.absolute())
        # out of the root, patterns match from the folder given: `testdata/` still does
        relative = _relative(absolute, self.root) or _relative(absolute, self.base)
        if relative is None:
            return False
        return bool(self.exclude.match_file(relative + ("/" if is_dir else "")))

    def leaves(self, path: Path) -> bool:
        """True for a link whose target lies outside the boundary (with a note saying so)."""
        if self.boundary is None or self.boundary.contains(path):
            return False
        self.result.notes.append(f"{path}: {OUTSIDE}")
        return True

    def walk(self, paths: list[Path]) -> Walk:
        for path in paths:
            if path.is_symlink() and not path.exists():
                self.result.notes.append(f"{path}: broken or looping symlink; skipped")
            elif path.is_symlink() and self.leaves(path):
                continue
            elif path.is_dir():
                self.base = path.absolute()
                self.walk_dir(path, self.gitignores_above(path))
            elif path.exists():
                if not (self.force_exclude and self.excluded(path, False)):
                    self.result.files.append(path)
            else:
                self.result.notes.append(f"{path}: no such file or directory")
        return self.result

    def gitignores_above(self, folder: Path) -> list[tuple[Path, pathspec.GitIgnoreSpec]]:
        """The .gitignore files of the folders above `folder`, up to the repository root."""
        if not self.respect_gitignore or (folder / ".git").exists():
            return []  # a repository root: ignore files above it do not apply
        found: list[tuple[Path, pathspec.GitIgnoreSpec]] = []
        for parent in folder.absolute().parents:
            spec = self.read_gitignore(parent)
            if spec is not None:
                found.append((parent, spec))
            if (parent / ".git").exists():
                break
        return list(reversed(found))

    def read_gitignore(self, folder: Path) -> pathspec.GitIgnoreSpec | None:
        path = folder / ".gitignore"
        if path.is_symlink() and self.boundary is not None and not self.boundary.contains(path):
            return None
        import pathspec

        try:
            with path.open(encoding="utf-8", errors="replace") as handle:
                return pathspec.GitIgnoreSpec.from_lines(handle)
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as error:
            self.result.notes.append(f"{path}: cannot read: {error.strerror}")
            return None

    @staticmethod
    def ignored(
        absolute: str, is_dir: bool, specs: list[tuple[Path, pathspec.GitIgnoreSpec]]
    ) -> bool:
        """Whether a .gitignore of `specs` ignores the file or folder at `absolute`."""
        for base, spec in specs:
            relative = _relative(absolute, base)
            if relative is not None and spec.match_file(relative + ("/" if is_dir else "")):
                return True
        return False

    def walk_dir(self, folder: Path, specs: list[tuple[Path, pathspec.GitIgnoreSpec]]) -> None:
        identity = _identity(folder)
        if identity in self.seen_dirs:
            self.result.notes.append(f"{folder}: symlink loop or repeated folder; skipped")
            return
        self.seen_dirs.add(identity)
        if self.respect_gitignore:
            own = self.read_gitignore(folder)
            if own is not None:
                specs = [*specs, (folder.absolute(), own)]
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as error:
            self.result.notes.append(f"{folder}: cannot list: {error.strerror}")
            return
        within = str(folder.absolute())
        within = within if within.endswith(os.sep) else within + os.sep
        for entry in entries:
            path = folder / entry.name
            absolute = within + entry.name
            try:
                is_dir = entry.is_dir()
                is_file = entry.is_file()
            except OSError:
                is_dir = is_file = False
            if entry.is_symlink() and not (is_dir or is_file):
                self.result.notes.append(f"{path}: broken or looping symlink; skipped")
                continue
            if entry.is_symlink() and self.leaves(path):
                continue
            if is_dir and entry.name in ALWAYS_SKIPPED:
                continue
            if self.excluded(absolute, is_dir) or self.ignored(absolute, is_dir, specs):
                continue
            if is_dir:
                self.walk_dir(path, specs)
            elif is_file and is_temporary(entry.name):
                self.result.leftovers.append(path)
            elif is_file:
                self.result.files.append(path)


def walk(
    paths: list[Path],
    root: Path,
    exclude: tuple[str, ...],
    respect_gitignore: bool = True,
    force_exclude: bool = False,
    boundary: Boundary | None = None,
) -> Walk:
    """The files below `paths` to consider, in a stable order, with notes on skipped ones.

    With a `boundary`, links that resolve outside it are skipped with a note.
    """
    return Walker(root, exclude, respect_gitignore, force_exclude, boundary).walk(paths)


def iter_relative(files: list[Path], base: Path) -> Iterator[tuple[Path, str]]:
    """Each file with the path reports show: relative to `base` when below it, else as given."""
    here, within = str(Path.cwd()), str(base.absolute())
    here = here if here.endswith(os.sep) else here + os.sep
    for path in files:
        relative = _relative(path if path.is_absolute() else here + str(path), within)
        yield path, relative if relative is not None else path.as_posix()


def reader(boundary: Boundary | None, max_bytes: int = 0) -> Reader:
    """Read a file as a run may: never through a link out of `boundary` (kept for reads
    after the run, such as a report's excerpt), nothing larger than `max_bytes` (0: no
    limit), only regular files, as UTF-8; each refusal is a `SourceError` saying why."""

    def read(path: Path) -> str:
        if boundary is not None and not boundary.readable(path):
            raise SourceError(refusal(path))
        try:
            if not path.is_file():  # a folder, FIFO or device would block or fail
                raise SourceError("not a regular file; not checked")
            with path.open("rb") as handle:
                data = handle.read(max_bytes + 1) if max_bytes else handle.read()
        except OSError as error:
            raise SourceError(f"cannot read: {error.strerror or error}") from None
        if max_bytes and len(data) > max_bytes:
            raise SourceError(f"larger than max-file-size ({max_bytes:,} bytes); not checked")
        return decode(data)

    return read
