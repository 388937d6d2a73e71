"""Baselines: accept today's findings, report only new ones.

An entry names a finding by its file (relative to the baseline's folder), its rule and the
logical path of the object it is about (a resource address, `Deployment/ns/name/container:x`,
`service:web`, `job:build/step:2`, `stage:builder`), never by line, so edits elsewhere in a
file do not bring baselined findings back. Several findings of one rule on one object are
counted; a finding without a logical path is named by its message.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

from opslint.config import ConfigError
from opslint.model.base import Finding

FORMAT_VERSION = 1

Key = tuple[str, str, str]


def key_of(finding: Finding, base: Path) -> Key:
    """The line-free identity of a finding, with paths relative to `base`."""
    path = Path(finding.span.path).absolute()
    try:
        shown = path.relative_to(base).as_posix()
    except ValueError:
        shown = Path(os.path.relpath(path, base)).as_posix()
    return shown, finding.code, finding.logical or finding.message


def write_baseline(findings: list[Finding], path: Path) -> int:
    """Write the baseline of `findings` to `path` atomically; return its entry count."""
    base = path.absolute().parent
    counts: Counter[Key] = Counter(key_of(finding, base) for finding in findings)
    messages: dict[Key, str] = {}
    for finding in findings:
        messages.setdefault(key_of(finding, base), finding.message)
    entries = [
        {"path": p, "code": c, "object": o, "count": n, "message": messages[(p, c, o)]}
        for (p, c, o), n in sorted(counts.items())
    ]
    document = {"version": FORMAT_VERSION, "tool": "opslint", "findings": entries}
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    temporary = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise ConfigError(f"cannot write baseline {path}: {error.strerror or error}") from None
    return len(entries)


def read_baseline(path: Path) -> Counter[Key]:
    """The entries of a baseline file; a missing or malformed file is a usage error."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"cannot read baseline {path}: {error.strerror or error}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"baseline {path} is not JSON: {error}") from None
    if not isinstance(document, dict) or document.get("version") != FORMAT_VERSION:
        raise ConfigError(f"baseline {path} is not an opslint baseline (version {FORMAT_VERSION})")
    counts: Counter[Key] = Counter()
    for entry in document.get("findings", []):
        try:
            key = (str(entry["path"]), str(entry["code"]), str(entry["object"]))
            counts[key] += int(entry.get("count", 1))
        except (KeyError, TypeError, ValueError):
            raise ConfigError(f"baseline {path} has a malformed entry: {entry!r}") from None
    return counts


def apply_baseline(findings: list[Finding], path: Path) -> tuple[list[Finding], int]:
    """The findings the baseline at `path` does not hold, and how many it held."""
    remaining = read_baseline(path)
    base = path.absolute().parent
    kept: list[Finding] = []
    accepted = 0
    for finding in findings:
        key = key_of(finding, base)
        if remaining[key] > 0:
            remaining[key] -= 1
            accepted += 1
        else:
            kept.append(finding)
    return kept, accepted
