"""Temporary files of `opslint fix` that a killed run left behind, and when to remove one.

A fix writes `.NAME.XXXXXXXX.PID.opslint` beside `NAME` (random part from `mkstemp`, PID
of the writing process), flushes it and renames it over `NAME`; a run killed in between
leaves it behind, the original intact. The walk never reports such a file, and the next
`opslint fix` that walks its folder removes it once it is stale (`opslint check` never
deletes anything):

- older than `STALE_AFTER` (an hour): a live write holds its file for milliseconds, so
  only a write stalled for an hour could lose it, and then its rename fails and the
  original stays as it was; or
- its writer is not running on this machine and it is older than `WRITER_GRACE`: on one
  machine a live writer is always a running process, so another run never removes it;
  the grace covers a writer in another PID namespace sharing the folder (a container),
  whose process this run cannot see.

Files in the older format without a PID (`.NAME.XXXXXXXX.opslint`) go by age alone.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import time
from pathlib import Path

SUFFIX = ".opslint"
STALE_AFTER = 3600.0
WRITER_GRACE = 60.0

_NAME = re.compile(r"\.(?P<name>.+)\.[a-z0-9_]{8}(?:\.(?P<pid>[0-9]+))?\.opslint")


def create_temporary(target: Path) -> tuple[int, str]:
    """A new temporary file beside `target` for this process to write (`mkstemp`)."""
    return tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=f".{os.getpid()}{SUFFIX}", dir=target.parent
    )


def is_temporary(name: str) -> bool:
    """True when `name` is shaped as a temporary file of `opslint fix`."""
    return _NAME.fullmatch(name) is not None


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, and belongs to someone else
        return True
    return True


def is_stale(path: Path, now: float | None = None) -> bool:
    """True when `path` is a temporary file of `opslint fix` that no live write holds."""
    match = _NAME.fullmatch(path.name)
    if match is None:
        return False
    try:
        info = path.lstat()
    except OSError:
        return False
    if not stat.S_ISREG(info.st_mode):
        return False  # `mkstemp` makes regular files; a link or folder is not ours
    age = (time.time() if now is None else now) - info.st_mtime
    if age > STALE_AFTER:
        return True
    pid = match.group("pid")
    return pid is not None and age > WRITER_GRACE and not _running(int(pid))
