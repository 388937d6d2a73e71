"""The part of the file system a run may read and write.

The run checks, and `opslint fix` writes, only below the paths it was given (its roots).
Rules that read files beside the checked ones (a Compose build context's Dockerfile, a
Terraform module's siblings, a `.dockerignore`) may read a little further: anywhere in the
repository holding a given path (the nearest folder above with `.git`; outside any, the
working directory when the path lies below it, else the path's own folder), and the files
the config names (`--tf-var-file`, `--helm-values`). Nothing is read outside that area,
whether a symbolic link leads there or a path written in a scanned file does
(`dockerfile: /etc/passwd`): a scanned tree cannot make opslint read, and publish, a
credentials file.

A path named on the command line that is itself a link is the user's choice only as far as
its own tree goes: file lists often come from the scanned tree (pre-commit passes the
changed files, a script globs), so such a link is followed when it resolves inside the
repository holding it or inside another given path, and its target then becomes a root.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

OUTSIDE = "symbolic link to a location outside the checked paths; not followed"
BEYOND = "outside the checked paths and their repository; not read"


def real(path: Path) -> Path:
    """`path` with every symbolic link resolved (a dangling one as far as it goes)."""
    return Path(os.path.realpath(path))


def _below(path: Path, roots: Iterable[Path]) -> bool:
    return any(path == root or path.is_relative_to(root) for root in roots)


def _home(path: Path) -> Path:
    """The repository that holds `path` (the nearest folder above with `.git`); outside
    any, the working directory when `path` lies below it, else `path`'s own folder."""
    absolute = path.absolute()
    folder = real(absolute if path.is_dir() and not path.is_symlink() else absolute.parent)
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    cwd = real(Path.cwd())
    return cwd if _below(folder, [cwd]) else folder


@dataclass(frozen=True)
class Boundary:
    """The real paths a run checks and writes below (`roots`), and may read below (`area`)."""

    roots: tuple[Path, ...]
    area: tuple[Path, ...]

    @classmethod
    def of(cls, paths: Iterable[Path], named: Iterable[Path] = ()) -> Boundary:
        """The boundary of a run given `paths`, reading also the files the config `named`."""
        given = list(paths)
        roots = [real(path) for path in given if not path.is_symlink()]
        for link in (path for path in given if path.is_symlink() and path.exists()):
            target = real(link)
            if _below(target, (*roots, _home(link))):
                roots.append(target)
        homes = [_home(path) for path in given if not path.is_symlink()]
        area = [*roots, *homes, *(real(path) for path in named)]
        return cls(tuple(dict.fromkeys(roots)), tuple(dict.fromkeys(area)))

    def contains(self, path: Path) -> bool:
        """True when `path`, links resolved, lies below one of the roots."""
        return _below(real(path), self.roots)

    def readable(self, path: Path) -> bool:
        """True when `path`, links resolved, lies in the area a run may read."""
        return _below(real(path), self.area)

    @contextmanager
    def applied(self) -> Iterator[None]:
        """Make this the boundary `outside` consults, for the duration of a run."""
        token = _ACTIVE.set(self)
        try:
            yield
        finally:
            _ACTIVE.reset(token)


_ACTIVE: ContextVar[Boundary | None] = ContextVar("opslint_boundary", default=None)


def refusal(path: Path) -> str:
    """Why a run does not read `path`: the link that leads out, or the path itself."""
    through_link = os.path.normpath(path.absolute()) != str(real(path))
    return OUTSIDE if through_link else BEYOND


def active() -> Boundary | None:
    """The boundary of the run under way, if any."""
    return _ACTIVE.get()


def outside(path: Path) -> bool:
    """True when a run is under way and `path` resolves outside the area it may read."""
    boundary = _ACTIVE.get()
    return boundary is not None and not boundary.readable(path)
