"""Trust the user grants a project's config, recorded outside every scanned tree.

A config that opslint finds by walking up from a scanned path may only change what is
checked. What makes opslint import code (`rule-paths`) or read files outside the config's
own folder needs trust: `opslint trust PATH` records the config's location, the SHA-256 of
its content and one SHA-256 over the rule files its `rule-paths` import, in
``$XDG_CONFIG_HOME/opslint/trusted.json`` (default ``~/.config``), as `direnv allow` does;
an edited config, or a rule file added, removed or edited, must be trusted again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from opslint.config import Config, ConfigError, load_file, rule_files, sha256

STORE_NAME = "trusted.json"


class TrustState(Enum):
    """How the store regards one config file."""

    TRUSTED = "trusted"
    CONFIG_CHANGED = "changed (the config)"
    """Trusted once, with other content than it has now."""
    RULE_FILES_CHANGED = "changed (its rule files)"
    """Trusted once, and a file its rule paths import was added, removed or edited since."""
    UNTRUSTED = "untrusted"
    MISSING = "missing"
    """Trusted once, and no longer there."""


@dataclass(frozen=True)
class Digests:
    """What a trust grant covers: the config's content and the rule files it imports."""

    config: str
    rule_files: str


def digests(config: Config, content_digest: str) -> Digests:
    """The digests of `config`, whose file's content has `content_digest`.

    The rule files' digest runs over the path (relative to the config's folder) and the
    content of each file `engine.load_rule_paths` would import, in the order it would.
    """
    combined = hashlib.sha256()
    for rule_path in config.rule_paths:
        for file in rule_files(rule_path):
            try:
                name = file.relative_to(config.root).as_posix()
            except ValueError:
                name = file.as_posix()
            try:
                content = file.read_bytes()
            except OSError:
                combined.update(f"{name}\0unreadable\0".encode())
                continue
            combined.update(f"{name}\0{len(content)}\0".encode())
            combined.update(content)
    return Digests(content_digest, combined.hexdigest())


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


def entries() -> dict[Path, Digests]:
    """Every trusted config location and the digests it was trusted with."""
    path = store_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ConfigError(f"cannot read the trust store {path}: {error}") from None
    configs = data.get("configs") if isinstance(data, dict) else None
    if not isinstance(configs, dict) or not all(map(_is_grant, configs.values())):
        raise ConfigError(f"the trust store {path} is not one opslint wrote; remove it")
    return {
        Path(key): Digests(value["config"], value["rule-files"]) for key, value in configs.items()
    }


def _is_grant(value: object) -> bool:
    return (
        isinstance(value, dict)
        and value.keys() == {"config", "rule-files"}
        and all(isinstance(digest, str) for digest in value.values())
    )


def state(config_file: Path, config: Config, content_digest: str) -> TrustState:
    """Whether the config at `config_file`, what it says and its content's digest, is trusted."""
    recorded = entries().get(location(config_file))
    if recorded is None:
        return TrustState.UNTRUSTED
    return _compare(recorded, config, content_digest)


def _compare(recorded: Digests, config: Config, content_digest: str) -> TrustState:
    """The state of a recorded config now.

    The rule files are read only for a config the user trusted as it is now: the rule
    paths of any other config may lead anywhere (``/``).
    """
    if recorded.config != content_digest:
        return TrustState.CONFIG_CHANGED
    if recorded.rule_files != digests(config, content_digest).rule_files:
        return TrustState.RULE_FILES_CHANGED
    return TrustState.TRUSTED


def grant(config_file: Path, now: Digests) -> Path:
    """Record `config_file` with its digests; return the location recorded."""
    key = location(config_file)
    _save({**entries(), key: now})
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


def listing() -> list[tuple[Path, TrustState]]:
    """Each trusted location and its state now: trusted, changed (and what) or missing."""
    result: list[tuple[Path, TrustState]] = []
    for path, recorded in sorted(entries().items()):
        try:
            content_digest = sha256(path.read_bytes())
        except OSError:
            result.append((path, TrustState.MISSING))
            continue
        if content_digest != recorded.config:  # read no further: it may no longer parse
            result.append((path, TrustState.CONFIG_CHANGED))
            continue
        config = load_file(path)[0] or Config(root=path.parent)
        result.append((path, _compare(recorded, config, content_digest)))
    return result


def _save(configs: dict[Path, Digests]) -> None:
    """Replace the store atomically, readable by its owner only."""
    path = store_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as error:
        raise ConfigError(f"cannot write the trust store {path}: {error.strerror}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            data = {
                "configs": {
                    str(key): {"config": value.config, "rule-files": value.rule_files}
                    for key, value in sorted(configs.items())
                }
            }
            json.dump(data, stream, indent=2)
            stream.write("\n")
        Path(temporary).replace(path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise ConfigError(f"cannot write the trust store {path}: {error.strerror}") from None
