"""The results cache: what each unit found, kept between runs, as ruff keeps its own.

An entry is keyed by everything its findings depend on: the content of every file of the
unit (a Helm chart's templates and values included), the opslint version, the effective
config (rule selection, options, severities, Helm and Terraform settings), the rules the
run chose (which follow the kinds of the whole run), the installed plugins with their
versions and the content of the project's rule files. An entry also records the files
the unit read beside its own (a module's var files, a skaffold.yaml, a `.dockerignore`)
with their digests, and the names in the folders of its files and of those (a view that
lists a folder, as a Terraform module does, sees a file added there that the walk did not
pass); it is used only while all of them are unchanged.

The cache lives in `.opslint_cache/` under the project root (the folder of the config
file, else the working directory), or where `cache-dir` / `--cache-dir` say; it writes
its own `.gitignore` (`*`). A `cache-dir` from a config found in the scanned tree must
resolve inside the project root unless the user trusted that config (`config.confine`),
and a cache folder that is, or lies through, a symbolic link leading elsewhere is not
used: a scanned tree cannot make opslint write outside it.

Entries are JSON, never pickle: a cache folder can come with the tree (a planted
`.opslint_cache/` in a pull request), and loading one must not run code. Each entry is
signed with a key of the user's own (HMAC-SHA256, the key kept under
`$XDG_CONFIG_HOME/opslint/`), so a planted entry cannot hide findings either: an entry
that fails the check, cannot be read or is malformed counts as absent and is rewritten.
Writes go to a temporary file beside the entry, then `os.replace`: two runs at once each
write whole entries, and a reader sees an old entry or a new one, never half of one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import stat
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from opslint import __version__
from opslint.model.base import (
    Anchor,
    Applicability,
    Edit,
    Finding,
    Fix,
    RelatedLocation,
    Span,
)
from opslint.safety.redact import Secrets
from opslint.severity import Severity

FORMAT = 2
"""The layout of entries; a new layout ignores the old entries."""


def digest(data: bytes) -> str:
    """The content digest files are keyed by."""
    return hashlib.blake2b(data, digest_size=20).hexdigest()


LARGEST_READ = 64 * 1024 * 1024
"""Files larger than this are keyed by size and time of change, not read."""


def file_digest(path: Path) -> str | None:
    """The digest of the regular file at `path`; None when it is none or cannot be read (a
    FIFO or a device is never opened)."""
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):
            return None
        if status.st_size > LARGEST_READ:
            return f"large:{status.st_size}:{status.st_mtime_ns}"
        with path.open("rb") as handle:
            return digest(handle.read())
    except OSError:
        return None


RACY_NS = 2_000_000_000
"""A file changed this recently (ns) may change again within its clock's resolution
without its stat changing: its digest is not remembered."""


class FileDigests:
    """The content digests of files, remembered between runs with the size, times and
    inode they were read at (as ruff does): a file whose stat is unchanged is not read
    again; any change of stat reads and hashes it, and the content decides. Without a
    cache nothing keys on a digest: files are only measured, and every digest is None."""

    def __init__(self, cache: Cache | None, racy_ns: int = RACY_NS) -> None:
        self.cache = cache
        self.racy_ns = racy_ns
        stored = cache.get("digests", "files") if cache is not None else None
        self.known: dict[str, list[Any]] = stored if isinstance(stored, dict) else {}
        self.seen: dict[str, list[Any]] = {}
        self.here = str(Path.cwd()).rstrip(os.sep) + os.sep
        self.sizes: dict[Path, int] = {}
        """The size of every file digested, by the path it was asked for."""

    def digest(self, path: Path) -> str | None:
        """`file_digest(path)`, from the remembered digest while its stat is unchanged."""
        name = str(path) if path.is_absolute() else self.here + str(path)
        try:
            status = path.stat()
        except OSError:
            return None
        if not stat.S_ISREG(status.st_mode):
            return None
        self.sizes[path] = status.st_size
        if self.cache is None:
            return None
        signature = [status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino]
        entry = self.known.get(name)
        if isinstance(entry, list) and len(entry) == 5 and entry[:4] == signature:
            found: str | None = str(entry[4])
        else:
            found = file_digest(path)
        changed = max(status.st_mtime_ns, status.st_ctime_ns)
        if found is not None and time.time_ns() - changed > self.racy_ns:
            self.seen[name] = [*signature, found]
        return found

    def save(self) -> None:
        """Remember the digests read (with those of files this run did not see)."""
        table = {**self.known, **self.seen}
        if self.cache is not None and table != self.known:
            self.cache.put("digests", "files", table)


def listing_digest(folder: Path) -> str | None:
    """The digest of the names in `folder` (a file added or removed there changes it); None
    when it is no folder or cannot be listed."""
    try:
        names = sorted(child.name for child in folder.iterdir())
    except OSError:
        return None
    return digest("\0".join(names).encode("utf-8", "surrogateescape"))


def _user_key() -> bytes:
    """The user's signing key, created on first use (a fresh one per run when it cannot be
    stored: the cache then never hits, which is safe)."""
    from opslint.safety.trust import store_path

    path = store_path().parent / "cache-key"
    try:
        key = path.read_bytes()
        if len(key) >= 32:
            return key
    except OSError:
        pass
    key = secrets.token_bytes(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".cache-key.")
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(key)
        Path(temporary).replace(path)
    except OSError:
        pass
    return key


class Cache:
    """The entries below one cache folder (see the module)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._key: bytes | None = None
        self.usable = self._prepare()

    def _prepare(self) -> bool:
        """Create the folder and its `.gitignore`; False when it cannot be used safely."""
        try:
            inside = Path(os.path.realpath(self.folder.parent)) / self.folder.name
            if self.folder.is_symlink() or Path(os.path.realpath(self.folder)) != inside:
                return False
            self.folder.mkdir(parents=True, exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.is_file() or ignore.is_symlink():
                self._write(ignore, b"# written by opslint\n*\n")
            return True
        except OSError:
            return False

    def _path(self, kind: str, key: str) -> Path:
        return self.folder / f"{kind}-{key}.json"

    def _write(self, path: Path, data: bytes) -> None:
        descriptor, temporary = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
            Path(temporary).replace(path)
        except OSError:
            Path(temporary).unlink(missing_ok=True)
            raise

    def _signature(self, body: bytes) -> str:
        if self._key is None:
            self._key = _user_key()
        return hmac.new(self._key, body, hashlib.sha256).hexdigest()

    def get(self, kind: str, key: str) -> Any | None:
        """The value stored under `key`, or None (absent, unreadable, forged or corrupt)."""
        if not self.usable:
            return None
        try:
            data = self._path(kind, key).read_bytes()
            signature, _, body = data.partition(b"\n")
            if not hmac.compare_digest(signature.decode("ascii"), self._signature(body)):
                return None
            return json.loads(body)
        except (OSError, ValueError, UnicodeDecodeError):
            return None

    def put(self, kind: str, key: str, value: object) -> None:
        """Store `value` under `key` (a write that fails leaves the cache as it was)."""
        if not self.usable:
            return
        body = json.dumps(value, separators=(",", ":")).encode()
        try:
            self._write(self._path(kind, key), self._signature(body).encode() + b"\n" + body)
        except OSError:
            return


def base_key(*parts: object) -> str:
    """The part of every key the run shares: the version and what is given."""
    text = repr((FORMAT, __version__, sys.version_info[:2], *parts))
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def key_of(base: str, files: Iterable[tuple[str, str | None]]) -> str:
    """The key of a unit: `base` and the (reported path, digest) of each of its files."""
    text = repr((base, sorted(files, key=lambda item: item[0])))
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def _span(span: Span) -> list[object]:
    return [span.path, span.line, span.column, span.end_line, span.end_column]


def _unspan(data: list[Any]) -> Span:
    return Span(str(data[0]), int(data[1]), int(data[2]), int(data[3]), int(data[4]))


def finding_data(finding: Finding) -> dict[str, object]:
    """A finding as JSON data."""
    data: dict[str, object] = {
        "span": _span(finding.span),
        "message": finding.message,
        "code": finding.code,
        "name": finding.name,
        "severity": finding.severity.value,
    }
    if finding.fix is not None:
        data["fix"] = [
            finding.fix.title,
            finding.fix.applicability.value,
            [
                [
                    _span(edit.span),
                    edit.text,
                    None if edit.anchor is None else [_span(edit.anchor.span), edit.anchor.text],
                ]
                for edit in finding.fix.edits
            ],
        ]
    if finding.related:
        data["related"] = [[_span(item.span), item.message] for item in finding.related]
    if finding.logical:
        data["logical"] = finding.logical
    if finding.level is not None:
        data["level"] = finding.level.value
    if finding.suppressed:
        data["suppressed"] = list(finding.suppressed)
    if finding.help is not None:
        data["help"] = finding.help
    return data


def finding_of(data: dict[str, Any]) -> Finding:
    """The finding `finding_data` stored (raises on malformed data)."""
    fix = None
    if "fix" in data:
        title, applicability, edits = data["fix"]
        fix = Fix(
            str(title),
            tuple(
                Edit(
                    _unspan(span),
                    str(text),
                    None if anchor is None else Anchor(_unspan(anchor[0]), str(anchor[1])),
                )
                for span, text, anchor in edits
            ),
            Applicability(applicability),
        )
    level = data.get("level")
    return Finding(
        _unspan(data["span"]),
        str(data["message"]),
        fix,
        tuple(RelatedLocation(_unspan(span), str(text)) for span, text in data.get("related", ())),
        str(data.get("logical", "")),
        None if level is None else Severity(level),
        str(data["code"]),
        str(data["name"]),
        Severity(data["severity"]),
        tuple(str(item) for item in data.get("suppressed", ())),
        help=None if data.get("help") is None else str(data["help"]),
    )


def secrets_data(found: Secrets) -> list[object]:
    """What `Secrets` knows, as JSON data."""
    return [
        [path, [_span(span) for span in spans], sorted(found.values.get(path, ()))]
        for path, spans in found.spans.items()
    ]


def secrets_of(data: list[Any]) -> Secrets:
    """The `Secrets` `secrets_data` stored."""
    found = Secrets()
    for path, spans, values in data:
        found.spans[str(path)].extend(_unspan(span) for span in spans)
        found.values[str(path)].update(str(value) for value in values)
    return found
