"""Configuration: ``[tool.opslint]`` in pyproject.toml or ``.opslint.toml``, then CLI flags."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from opslint.budget import DEFAULT_FILE_TIME_BUDGET
from opslint.model.base import Severity

CONFIG_FILES = (".opslint.toml", "opslint.toml", "pyproject.toml")
DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024


class ConfigError(Exception):
    """Configuration that cannot be used; the CLI exits with status 2."""


HELM_RENDERERS = ("auto", "sdk", "binary", "none")
PEER_TOOLS = ("hadolint", "checkov", "kube-linter", "tflint", "zizmor")
"""Linters whose suppression comments and annotations are honoured."""


@dataclass(frozen=True)
class HelmSettings:
    """How Helm charts are rendered."""

    values: tuple[tuple[Path, ...], ...] = ()
    """Extra renders: each is values.yaml overlaid with these files, in order."""
    set: tuple[str, ...] = ()
    """`key=value` settings applied to every render (Helm's `--set` syntax)."""
    release: str = "release-name"
    namespace: str = "default"
    renderer: str = "auto"
    """`auto` (the SDK, else a `helm` binary on PATH), `sdk`, `binary` or `none`."""


@dataclass(frozen=True)
class Config:
    """The effective settings of one run."""

    root: Path = field(default_factory=Path.cwd)
    """The folder the config file sits in (globs are relative to it)."""
    source: Path | None = None
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    severity: dict[str, Severity] = field(default_factory=dict)
    fail_on: Severity = Severity.INFO
    exclude: tuple[str, ...] = ()
    extend_exclude: tuple[str, ...] = ()
    respect_gitignore: bool = True
    rule_paths: tuple[Path, ...] = ()
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    """Glob to kind: forces the kind of matching files."""
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    file_time_budget: float = DEFAULT_FILE_TIME_BUDGET
    """Seconds one file may take to read and check; 0 for no limit."""
    disable_plugins: tuple[str, ...] = ()
    defaults: dict[str, Any] = field(default_factory=dict)
    pins: dict[str, str] = field(default_factory=dict)
    helm: HelmSettings = field(default_factory=HelmSettings)
    peer_suppressions: tuple[str, ...] = PEER_TOOLS
    """The peers whose suppressions count (`peer-suppressions` in config)."""
    generator_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    """`[tool.opslint.new.<generator>]`: options of `opslint new <generator>`."""
    terraform_var_files: tuple[Path, ...] = ()
    """`.tfvars` files whose values every Terraform module of the run takes."""

    def with_overrides(self, **changes: Any) -> Config:
        """A copy with the given fields replaced (CLI flags win over the file)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def _strings(key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"`{key}` must be a list of strings")
    return tuple(value)


def _table(key: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"`{key}` must be a table")
    return value


def _severity(key: str, value: Any) -> Severity:
    try:
        return Severity.parse(str(value))
    except ValueError as error:
        raise ConfigError(f"`{key}`: {error}") from None


def from_mapping(data: dict[str, Any], root: Path, source: Path | None) -> Config:
    """Build a `Config` from the ``[tool.opslint]`` table; raise `ConfigError` on any bad key."""
    values: dict[str, Any] = {"root": root, "source": source}
    for key, value in data.items():
        match key:
            case "select" | "extend-select" | "ignore" | "exclude" | "extend-exclude":
                values[key.replace("-", "_")] = _strings(key, value)
            case "disable-plugins":
                values["disable_plugins"] = _strings(key, value)
            case "rule-paths":
                values["rule_paths"] = tuple(root / item for item in _strings(key, value))
            case "per-file-ignores":
                values["per_file_ignores"] = {
                    glob: _strings(f"per-file-ignores.{glob}", codes)
                    for glob, codes in _table(key, value).items()
                }
            case "severity":
                values["severity"] = {
                    code: _severity(f"severity.{code}", level)
                    for code, level in _table(key, value).items()
                }
            case "fail-on":
                values["fail_on"] = _severity(key, value)
            case "respect-gitignore":
                if not isinstance(value, bool):
                    raise ConfigError("`respect-gitignore` must be true or false")
                values["respect_gitignore"] = value
            case "max-file-size":
                if not isinstance(value, int) or value <= 0:
                    raise ConfigError("`max-file-size` must be a positive number of bytes")
                values["max_file_size"] = value
            case "file-time-budget":
                values["file_time_budget"] = file_time_budget(value)
            case "rules":
                values["rule_options"] = {
                    code: _table(f"rules.{code}", options)
                    for code, options in _table(key, value).items()
                }
            case "kinds":
                values["kinds"] = {glob: str(kind) for glob, kind in _table(key, value).items()}
            case "defaults":
                from opslint.defaults import DEFAULT_KEYS

                defaults = _table(key, value)
                unknown = sorted(set(defaults) - set(DEFAULT_KEYS))
                if unknown:
                    raise ConfigError(
                        f"unknown key(s) in `defaults`: {', '.join(unknown)} "
                        f"(known: {', '.join(DEFAULT_KEYS)})"
                    )
                values["defaults"] = defaults
            case "peer-suppressions":
                values["peer_suppressions"] = _peer_tools(value)
            case "new":
                values["generator_options"] = {
                    name: _table(f"new.{name}", options)
                    for name, options in _table(key, value).items()
                }
            case "helm":
                values["helm"] = _helm(_table(key, value), root)
            case "terraform":
                values["terraform_var_files"] = _terraform(_table(key, value), root)
            case "pins":
                pins = _table(key, value)
                if not all(isinstance(v, str) for v in pins.values()):
                    raise ConfigError("`pins` maps references to strings")
                values["pins"] = pins
            case _:
                raise ConfigError(f"unknown configuration key `{key}`")
    return Config(**values)


def file_time_budget(value: object) -> float:
    """A `file-time-budget` from config or the command line: seconds, 0 for no limit."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 1e6:
        raise ConfigError("`file-time-budget` must be a number of seconds (0: no limit)")
    return float(value)


def _peer_tools(value: Any) -> tuple[str, ...]:
    if value is True:
        return PEER_TOOLS
    if value is False:
        return ()
    tools = _strings("peer-suppressions", value)
    unknown = [tool for tool in tools if tool not in PEER_TOOLS]
    if unknown:
        raise ConfigError(
            f"`peer-suppressions`: unknown tool(s) {', '.join(unknown)} "
            f"(known: {', '.join(PEER_TOOLS)})"
        )
    return tools


def helm_values_option(text: str, base: Path) -> tuple[Path, ...]:
    """One `--helm-values` entry: files to overlay in order, comma-separated."""
    return tuple(base / part.strip() for part in text.split(",") if part.strip())


def _helm(table: dict[str, Any], root: Path) -> HelmSettings:
    settings: dict[str, Any] = {}
    for key, value in table.items():
        match key:
            case "values":
                settings["values"] = tuple(
                    helm_values_option(item, root) for item in _strings("helm.values", value)
                )
            case "set":
                settings["set"] = _strings("helm.set", value)
            case "release" | "namespace":
                if not isinstance(value, str) or not value:
                    raise ConfigError(f"`helm.{key}` must be a non-empty string")
                settings[key] = value
            case "renderer":
                if value not in HELM_RENDERERS:
                    raise ConfigError(f"`helm.renderer` must be one of {', '.join(HELM_RENDERERS)}")
                settings["renderer"] = value
            case _:
                raise ConfigError(f"unknown configuration key `helm.{key}`")
    return HelmSettings(**settings)


def _terraform(table: dict[str, Any], root: Path) -> tuple[Path, ...]:
    for key in table:
        if key != "var-files":
            raise ConfigError(f"unknown configuration key `terraform.{key}`")
    return tuple(
        root / item for item in _strings("terraform.var-files", table.get("var-files", []))
    )


def read_file(path: Path) -> Config | None:
    """The config in `path`, or None when it is a pyproject.toml without ``[tool.opslint]``."""
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: {error}") from None
    except OSError as error:
        raise ConfigError(f"{path}: {error.strerror}") from None
    if path.name == "pyproject.toml":
        table = document.get("tool", {}).get("opslint")
        if table is None:
            return None
    else:
        table = document.get("tool", {}).get("opslint", document)
    try:
        return from_mapping(_table("tool.opslint", table), path.parent.resolve(), path)
    except ConfigError as error:
        raise ConfigError(f"{path}: {error}") from None


def discover(start: Path) -> Config:
    """The config found walking up from `start` (a file or folder); defaults when none."""
    folder = start.resolve()
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        for name in CONFIG_FILES:
            path = candidate / name
            if path.is_file():
                config = read_file(path)
                if config is not None:
                    return config
    return Config(root=Path.cwd().resolve())
