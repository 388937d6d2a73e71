"""Trust the user grants a project's config, recorded outside every scanned tree.

A config that opslint finds by walking up from a scanned path may only change what is
checked. What makes opslint import code (`rule-paths`) or read files outside the config's
own folder needs trust: `opslint trust PATH` records the config's location and the SHA-256
of its content in ``$XDG_CONFIG_HOME/opslint/trusted.json`` (default ``~/.config``), as
`direnv allow` does; an edited config must be trusted again.
"""

from __future__ import annotations

import json
import os
import tempfile
from enum import Enum
from pathlib import Path

from opslint.config import ConfigError, sha256

STORE_NAME = "trusted.json"


class TrustState(Enum):
    """How the store regards one config file."""

    TRUSTED = "trusted"
    CHANGED = "changed"
    """Trusted once, with other content than it has now."""
    UNTRUSTED = "untrusted"


def store_path() -> Path:
    """The trust store: under ``$XDG_CONFIG_HOME`` when set to an absolute path, else ~/.config."""
    base = os.environ.get("XDG_CONFIG_HOME", "")
    folder = Path(base) if Path(base).is_absolute() else Path.home() / ".config"
    return folder / "opslint" / STORE_NAME


def location(config_file: Path) -> Path:
    """The key of a config file: its folder resolved, its own name kept.

    A config's settings are relative to the folder it sits in, so a symbolic link to a
    trusted config placed in another folder is another config, untrusted.
    """
    return config_file.absolute().parent.resolve() / config_file.name


def entries() -> dict[Path, str]:
    """Every trusted config location and the digest it was trusted with."""
    path = store_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ConfigError(f"cannot read the trust store {path}: {error}") from None
    configs = data.get("configs") if isinstance(data, dict) else None
    if not isinstance(configs, dict) or not all(isinstance(v, str) for v in configs.values()):
        raise ConfigError(f"the trust store {path} is not one opslint wrote; remove it")
    return {Path(key): value for key, value in configs.items()}


def state(config_file: Path, content_digest: str) -> TrustState:
    """Whether the config at `config_file`, whose content has `content_digest`, is trusted."""
    recorded = entries().get(location(config_file))
    if recorded is None:
        return TrustState.UNTRUSTED
    return TrustState.TRUSTED if recorded == content_digest else TrustState.CHANGED


def grant(config_file: Path, content_digest: str) -> Path:
    """Record `config_file` with its content's digest; return the location recorded."""
    key = location(config_file)
    _save({**entries(), key: content_digest})
    return key


def revoke(config_file: Path) -> bool:
    """Forget `config_file`; False when it was not trusted."""
    known = entries()
    key = location(config_file)
    if key not in known:
        return False
    del known[key]
    _save(known)
    return True


def listing() -> list[tuple[Path, str]]:
    """Each trusted location and its state now: trusted, changed or missing."""
    result: list[tuple[Path, str]] = []
    for path, recorded in sorted(entries().items()):
        try:
            now = sha256(path.read_bytes())
        except OSError:
            result.append((path, "missing"))
            continue
        result.append((path, "trusted" if now == recorded else "changed"))
    return result


def _save(configs: dict[Path, str]) -> None:
    """Replace the store atomically, readable by its owner only."""
    path = store_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as error:
        raise ConfigError(f"cannot write the trust store {path}: {error.strerror}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            data = {"configs": {str(key): value for key, value in sorted(configs.items())}}
            json.dump(data, stream, indent=2)
            stream.write("\n")
        Path(temporary).replace(path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise ConfigError(f"cannot write the trust store {path}: {error.strerror}") from None
