"""Configuration: ``[tool.opslint]`` in pyproject.toml or ``.opslint.toml``, then CLI flags."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from opslint.safety.budget import DEFAULT_FILE_TIME_BUDGET
from opslint.severity import Severity

T = TypeVar("T")

CONFIG_FILES = (".opslint.toml", "opslint.toml", "pyproject.toml")
DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024


class ConfigError(Exception):
    """Configuration that cannot be used; the CLI exits with status 2."""


HELM_RENDERERS = ("auto", "sdk", "binary", "none")
DEFAULT_HELM_TIMEOUT = 20.0
DEFAULT_HELM_MEMORY = 1024
PEER_TOOLS = ("hadolint", "checkov", "kube-linter", "tflint", "zizmor")
"""Linters whose suppression comments and annotations are honoured."""


DEFAULT_EXCLUDE = (
    "testdata/",
    "fixtures/",
    "__fixtures__/",
    "test-cases/",
    "test_cases/",
    "testcases/",
)
"""Folders of test inputs: configs written to exercise a tool (deliberately broken or
minimal), not ones a project deploys. Go's `testdata` convention, and the usual names of
fixture trees."""


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
    timeout: float = DEFAULT_HELM_TIMEOUT
    """Seconds one render may take before it is stopped and reported."""
    memory: int = DEFAULT_HELM_MEMORY
    """Megabytes of memory the renderer may use before it is stopped and reported."""


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
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    """Folders and files never walked into; a config's `exclude` replaces these."""
    extend_exclude: tuple[str, ...] = ()
    respect_gitignore: bool = True
    rule_paths: tuple[Path, ...] = ()
    rule_options: dict[str, dict[str, object]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    """Glob to kind: forces the kind of matching files."""
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    file_time_budget: float = DEFAULT_FILE_TIME_BUDGET
    """Seconds one file may take to read and check; 0 for no limit."""
    disable_plugins: tuple[str, ...] = ()
    defaults: dict[str, object] = field(default_factory=dict)
    pins: dict[str, str] = field(default_factory=dict)
    helm: HelmSettings = field(default_factory=HelmSettings)
    peer_suppressions: tuple[str, ...] = PEER_TOOLS
    """The peers whose suppressions count (`peer-suppressions` in config)."""
    generator_options: dict[str, dict[str, object]] = field(default_factory=dict)
    """`[tool.opslint.new.<generator>]`: options of `opslint new <generator>`."""
    terraform_var_files: tuple[Path, ...] = ()
    """`.tfvars` files whose values every Terraform module of the run takes."""
    notes: tuple[str, ...] = ()
    """What was left out of an untrusted config, for the run's notes."""
    unloaded_codes: frozenset[str] = frozenset()
    """Rule codes and names an untrusted config names, which the rule paths left out may
    define: naming them is no error."""
    jobs: int | None = None
    """Worker processes for `opslint check` (None: one per core; 1: in process)."""
    cache_dir: Path | None = None
    """Where `opslint check` keeps its results cache (None: `.opslint_cache` in `root`)."""

    def with_overrides(self, **changes: Any) -> Config:
        """A copy with the given fields replaced (CLI flags win over the file)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def _strings(key: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"`{key}` must be a list of strings")
    return tuple(value)


def _table(key: str, value: object) -> dict[str, object]:
    if not isinstance(value, dict):
        raise ConfigError(f"`{key}` must be a table")
    return value


def _entries(key: str, value: object, read: Callable[[str, object], T]) -> dict[str, T]:
    """Table `key`, each entry's value read by `read`, which names it `key.entry`."""
    return {name: read(f"{key}.{name}", item) for name, item in _table(key, value).items()}


def _severity(key: str, value: object) -> Severity:
    try:
        return Severity.parse(str(value))
    except ValueError as error:
        raise ConfigError(f"`{key}`: {error}") from None


def from_mapping(data: dict[str, object], root: Path, source: Path | None) -> Config:
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
                values["per_file_ignores"] = _entries(key, value, _strings)
            case "severity":
                values["severity"] = _entries(key, value, _severity)
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
                values["rule_options"] = _entries(key, value, _table)
            case "kinds":
                values["kinds"] = {glob: str(kind) for glob, kind in _table(key, value).items()}
            case "defaults":
                values["defaults"] = _table(key, value)
            case "peer-suppressions":
                values["peer_suppressions"] = _peer_tools(value)
            case "new":
                values["generator_options"] = _entries(key, value, _table)
            case "helm":
                values["helm"] = _helm(_table(key, value), root)
            case "terraform":
                values["terraform_var_files"] = _terraform(_table(key, value), root)
            case "jobs":
                values["jobs"] = jobs(value)
            case "cache-dir":
                if not isinstance(value, str) or not value:
                    raise ConfigError("`cache-dir` must be a folder path")
                values["cache_dir"] = root / value
            case "pins":
                pins = _table(key, value)
                if not all(isinstance(v, str) for v in pins.values()):
                    raise ConfigError("`pins` maps references to strings")
                values["pins"] = pins
            case _:
                raise ConfigError(f"unknown configuration key `{key}`")
    return Config(**values)


def check_defaults(config: Config, known: Mapping[str, str]) -> None:
    """Raise `ConfigError` for a `[tool.opslint.defaults]` key that no plugin declares.

    `known` maps the keys the plugins' rules read to what each is for.
    """
    unknown = sorted(set(config.defaults) - set(known))
    if unknown:
        where = f"{config.source}: " if config.source is not None else ""
        raise ConfigError(
            f"{where}unknown key(s) in `defaults`: {', '.join(unknown)} (known: {', '.join(known)})"
        )


def file_time_budget(value: object) -> float:
    """A `file-time-budget` from config or the command line: seconds, 0 for no limit."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 1e6:
        raise ConfigError("`file-time-budget` must be a number of seconds (0: no limit)")
    return float(value)


def jobs(value: object) -> int:
    """A `jobs` setting from config or the command line: a positive number of processes."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= 1024:
        raise ConfigError("`jobs` must be a positive number of processes")
    return value


def _peer_tools(value: object) -> tuple[str, ...]:
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


def _helm(table: dict[str, object], root: Path) -> HelmSettings:
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
            case "timeout":
                settings["timeout"] = helm_timeout(value)
            case "memory":
                settings["memory"] = helm_memory(value)
            case _:
                raise ConfigError(f"unknown configuration key `helm.{key}`")
    return HelmSettings(**settings)


def helm_timeout(value: object) -> float:
    """`helm.timeout`: a positive number of seconds."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1e9:
        raise ConfigError("`helm.timeout` must be a positive number of seconds")
    return float(value)


def helm_memory(value: object) -> int:
    """`helm.memory`: a positive whole number of megabytes."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 1 << 30:
        raise ConfigError("`helm.memory` must be a positive whole number of megabytes")
    return value


def _terraform(table: dict[str, object], root: Path) -> tuple[Path, ...]:
    for key in table:
        if key != "var-files":
            raise ConfigError(f"unknown configuration key `terraform.{key}`")
    return tuple(
        root / item for item in _strings("terraform.var-files", table.get("var-files", []))
    )


def load_file(path: Path) -> tuple[Config | None, str]:
    """The config in `path` (None for a pyproject.toml without ``[tool.opslint]``) and the
    SHA-256 of the bytes it was read from."""
    import tomllib  # only a run that finds a config file pays for the TOML parser

    try:
        content = path.read_bytes()
        document = tomllib.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: {error}") from None
    except OSError as error:
        raise ConfigError(f"{path}: {error.strerror}") from None
    content_digest = sha256(content)
    if path.name == "pyproject.toml":
        table = document.get("tool", {}).get("opslint")
        if table is None:
            return None, content_digest
    else:
        table = document.get("tool", {}).get("opslint", document)
    try:
        config = from_mapping(_table("tool.opslint", table), path.parent.resolve(), path)
    except ConfigError as error:
        raise ConfigError(f"{path}: {error}") from None
    return config, content_digest


def sha256(content: bytes) -> str:
    """The SHA-256 of a config file's content, in hex: what trust is granted to."""
    import hashlib  # loads OpenSSL: only when a config file is read

    return hashlib.sha256(content).hexdigest()


def rule_files(rule_path: Path) -> list[Path]:
    """The files a rule path imports: the file itself, or every ``*.py`` below the folder."""
    return [rule_path] if rule_path.is_file() else sorted(rule_path.rglob("*.py"))


def read_file(path: Path) -> Config | None:
    """The config in `path`, or None when it is a pyproject.toml without ``[tool.opslint]``."""
    return load_file(path)[0]


def find(start: Path) -> tuple[Path, Config, str] | None:
    """The config file found walking up from `start` (a file or folder), what it says, and
    its content's digest."""
    folder = start.resolve()
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        for name in CONFIG_FILES:
            path = candidate / name
            if path.is_file():
                config, content_digest = load_file(path)
                if config is not None:
                    return path, config, content_digest
    return None


def discover(start: Path) -> Config:
    """The config found walking up from `start` (a file or folder); defaults when none.

    The scanned tree may hold that config, so unless the user trusted it (`opslint trust`)
    it loads no code and reads no file outside its own folder: see `confine`.
    """
    found = find(start)
    if found is None:
        return Config(root=Path.cwd().resolve())
    return guarded(*found)


def guarded(path: Path, config: Config, content_digest: str) -> Config:
    """`config`, read from `path` with content `content_digest`, as a config the user did
    not name: confined (`confine`) unless the user trusted it, with a note saying how to."""
    confined, left_out = confine(config)
    if not left_out:
        return config
    import shlex

    from opslint.safety.trust import TrustState, location, state

    trust = state(path, config, content_digest)
    if trust is TrustState.TRUSTED:
        return config
    shown = location(path)
    subject = {
        TrustState.CONFIG_CHANGED: f"{shown} changed since it was trusted",
        TrustState.RULE_FILES_CHANGED: f"the rule files of {shown} changed since it was trusted",
    }.get(trust, f"{shown} is not trusted")
    note = (
        f"{subject}, so opslint left out {'; '.join(left_out)}. "
        f"If you trust this project, run: opslint trust {shlex.quote(str(shown))}"
    )
    return replace(confined, notes=(*confined.notes, note))


def confine(config: Config) -> tuple[Config, list[str]]:
    """`config` without what only a trusted config may use, and what that was.

    `rule-paths` import code; `helm.values` and `terraform.var-files` that resolve outside
    the config's folder would make opslint read (and report on) files beyond the project,
    and a `cache-dir` there would make it write beyond the project.
    """
    root = config.root

    def shown(paths: tuple[Path, ...]) -> str:
        return ", ".join(_shown(path, root) for path in paths)

    left_out = [f"rule-paths {shown(config.rule_paths)}"] if config.rule_paths else []
    values = tuple(files for files in config.helm.values if all(_inside(p, root) for p in files))
    left_out.extend(
        f"helm.values {shown(files)} (outside {root})"
        for files in config.helm.values
        if files not in values
    )
    var_files = tuple(path for path in config.terraform_var_files if _inside(path, root))
    left_out.extend(
        f"terraform.var-files {shown((path,))} (outside {root})"
        for path in config.terraform_var_files
        if path not in var_files
    )
    cache_dir = config.cache_dir
    if cache_dir is not None and not _inside(cache_dir, root):
        left_out.append(f"cache-dir {_shown(cache_dir, root)} (outside {root})")
        cache_dir = None
    if not left_out:
        return config, []
    named = (
        *(config.select or ()),
        *config.extend_select,
        *config.ignore,
        *config.severity,
        *config.rule_options,
    )
    confined = replace(
        config,
        rule_paths=(),
        unloaded_codes=frozenset(named) if config.rule_paths else frozenset(),
        helm=replace(config.helm, values=values),
        terraform_var_files=var_files,
        cache_dir=cache_dir,
    )
    return confined, left_out


def _inside(path: Path, folder: Path) -> bool:
    resolved = path.resolve()
    return resolved == folder or folder in resolved.parents


def _shown(path: Path, root: Path) -> str:
    """A configured path as written: relative to the config's folder when it was."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
