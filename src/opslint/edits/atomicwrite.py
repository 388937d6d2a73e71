"""Writing a file in one step, for `opslint fix` and `opslint new` alike.

The text goes to a temporary file beside the target, named by
`opslint.edits.leftovers.create_temporary` (with the writer's PID, so that one a killed run
leaves behind is recognised and removed later), is flushed and fsynced, and only then
takes the target's name; the folder is fsynced after. Until that moment the original
stays intact.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from opslint.edits.leftovers import create_temporary


def write_atomically(
    path: Path,
    text: str,
    *,
    keep_bom: bool = False,
    mode: int | None = None,
    exclusive: bool = False,
) -> None:
    """Put `text` (UTF-8, after a byte order mark when `keep_bom`) at `path` in one step.

    Without `mode` the file replaces an existing `path` and keeps its mode and owner; with
    `mode` it gets that mode and replaces whatever is there. `exclusive` writes a new file
    (mode 0o644 unless given) and never replaces one that appeared meanwhile.
    """
    target = path if exclusive else path.resolve()
    kept = None if exclusive or mode is not None else target.stat()
    data = ("\ufeff" + text if keep_bom else text).encode("utf-8")
    handle, temporary = create_temporary(target)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if kept is None:
            Path(temporary).chmod(0o644 if mode is None else mode)
        else:
            Path(temporary).chmod(stat.S_IMODE(kept.st_mode))
            # not ours to give away when not root; the mode is kept all the same
            with contextlib.suppress(PermissionError, AttributeError):
                os.chown(temporary, kept.st_uid, kept.st_gid)
        if exclusive:
            os.link(temporary, target)  # fails when the file exists: nothing is replaced
        else:
            Path(temporary).replace(target)
    finally:
        Path(temporary).unlink(missing_ok=True)
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
