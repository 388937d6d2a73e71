"""The plugin manager: builtin plugins first, then the ``opslint`` entry-point group."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

import pluggy

from opslint import hookspec

if TYPE_CHECKING:
    from importlib.metadata import Distribution, EntryPoint

    from opslint.report import Report
    from opslint.rule import RuleFamily

hookimpl = pluggy.HookimplMarker("opslint")

BUILTIN_PLUGINS = (
    "opslint.builtin.parsers",
    "opslint.builtin.helm_values",
    "opslint.builtin.suppressions",
    "opslint.report.text",
    "opslint.report.json",
    "opslint.report.sarif",
    "opslint.report.annotations",
    "opslint.report.junit",
    "opslint.report.summary",
    "opslint.report.html",
    "opslint.rules",
    "opslint.generators",
)
"""Builtin plugins, registered by module name exactly like third-party ones."""

LAZY_REPORTS: dict[str, tuple[str, ...]] = {
    "opslint.report.sarif": ("sarif",),
    "opslint.report.annotations": ("github", "gitlab"),
    "opslint.report.junit": ("junit",),
    "opslint.report.summary": ("github-summary",),
    "opslint.report.html": ("html",),
}
"""Builtin report plugins and the formats each writes: a stand-in is registered under the
plugin's name, and the module (with XML, hashing, the rule docs it needs) is imported only
when a run writes one of its formats."""


class LazyReport:
    """The stand-in of a builtin report plugin of `LAZY_REPORTS`."""

    def __init__(self, module: str) -> None:
        self.module = module
        self.formats = LAZY_REPORTS[module]

    @hookimpl
    def opslint_report_formats(self) -> list[str]:
        """The formats of the plugin."""
        return list(self.formats)

    @hookimpl
    def opslint_report(self, report: Report, format: str, stream: IO[str]) -> bool | None:
        """Write `report` with the plugin when it writes `format`."""
        if format not in self.formats:
            return None
        plugin = importlib.import_module(self.module)
        written: bool | None = plugin.opslint_report(report=report, format=format, stream=stream)
        return written


def builtin_plugin(name: str) -> object:
    """The builtin plugin `name`: its module, or the stand-in of a lazy report plugin."""
    return LazyReport(name) if name in LAZY_REPORTS else importlib.import_module(name)


ENTRY_POINT_GROUP = "opslint"
_GROUP_HEADER = f"[{ENTRY_POINT_GROUP}]".encode()
"""What an `entry_points.txt` declaring the group holds (a section header)."""


class PluginManager(pluggy.PluginManager):
    """pluggy's manager with typed wrappers around the hook calls the engine makes."""

    def __init__(self) -> None:
        super().__init__("opslint")
        self.add_hookspecs(hookspec)

    def load(self, disabled: Iterable[str] = (), autoload: bool = True) -> None:
        """Register the builtins and, unless disabled, the installed plugins."""
        blocked = set(disabled)
        for name in blocked:
            self.set_blocked(name)
        for name in BUILTIN_PLUGINS:
            if name not in blocked:
                self.register(builtin_plugin(name), name=name)
        if autoload and not os.environ.get("OPSLINT_DISABLE_PLUGIN_AUTOLOAD"):
            self.load_entry_points()
        self.check_pending()

    def load_entry_points(self) -> None:
        """Register the plugins of the ``opslint`` entry-point group, in `sys.path` order
        (the first of a name wins), as pluggy's `load_setuptools_entrypoints` does, but
        reading only the distributions that declare the group."""
        for distribution, entry_point in plugin_entry_points():
            if self.has_plugin(entry_point.name) or self.is_blocked(entry_point.name):
                continue
            plugin = entry_point.load()
            self.register(plugin, name=entry_point.name)
            self._plugin_distinfo.append((plugin, distribution))

    def kinds(self) -> list[str]:
        """Every kind some plugin parses."""
        names: list[list[str]] = self.hook.opslint_kinds()
        return sorted({kind for group in names for kind in group})

    def rule_functions(
        self, kinds: frozenset[str] | None = None
    ) -> list[tuple[str, Callable[..., Any]]]:
        """(plugin name, function) for every collected rule (those for `kinds`, when given)."""
        result: list[tuple[str, Callable[..., Any]]] = []
        for impl in reversed(self.hook.opslint_collect_rules.get_hookimpls()):
            arguments = {"kinds": kinds} if "kinds" in impl.argnames else {}
            functions = cast(list[Callable[..., Any]], impl.function(**arguments))
            result.extend((impl.plugin_name, function) for function in functions or ())
        return result

    def call_each(self, name: str, **arguments: Any) -> list[tuple[str, Exception]]:
        """Call each implementation of hook `name` on its own, in pluggy's order, so that one
        that raises is named and the others still run; return (plugin, error) of those.

        Wrapper implementations need pluggy's call: with one present, the hook is called as
        a whole and a failure is the hook's.
        """
        caller = getattr(self.hook, name)
        implementations = caller.get_hookimpls()
        if any(impl.wrapper or impl.hookwrapper for impl in implementations):
            try:
                caller(**arguments)
            except Exception as error:
                return [(name, error)]
            return []
        failures: list[tuple[str, Exception]] = []
        for impl in reversed(implementations):
            try:
                impl.function(**{argument: arguments[argument] for argument in impl.argnames})
            except Exception as error:
                failures.append((impl.plugin_name, error))
        return failures

    def rule_index(self) -> dict[str, str]:
        """Codes to names of every rule the plugins declare without importing them."""
        index: dict[str, str] = {}
        for part in self.hook.opslint_rule_index():
            index.update(part)
        return index

    def rule_families(self) -> dict[str, RuleFamily]:
        """Code prefixes to the rule families the plugins declare."""
        families: dict[str, RuleFamily] = {}
        for part in reversed(self.hook.opslint_rule_families()):
            families.update(part)
        return families

    def default_keys(self) -> dict[str, str]:
        """The `[tool.opslint.defaults]` keys the plugins declare, with what each is for."""
        keys: dict[str, str] = {}
        for part in reversed(self.hook.opslint_default_keys()):
            keys.update(part)
        return keys

    def generator_functions(self) -> list[Callable[..., Any]]:
        """Every collected generator."""
        groups: list[list[Callable[..., Any]]] = self.hook.opslint_collect_generators()
        return [function for group in reversed(groups) for function in group]

    def report_formats(self) -> list[str]:
        """Every ``--format`` value some plugin writes."""
        groups: list[list[str]] = self.hook.opslint_report_formats()
        return sorted({name for group in groups for name in group})


def plugin_entry_points(
    paths: Iterable[str] | None = None,
) -> Iterator[tuple[Distribution, EntryPoint]]:
    """(distribution, entry point) of every installed ``opslint`` plugin on `paths`
    (default `sys.path`).

    `importlib.metadata.entry_points()` parses the metadata of every installed
    distribution, and importing it costs as much again: a large share of a one-file run.
    Here a folder on the path is listed, each `*.dist-info` / `*.egg-info` folder's
    `entry_points.txt` read as bytes, and only one naming the group is handed to
    `importlib.metadata` to parse. A zip archive on the path goes to `importlib.metadata`
    whole.
    """
    for entry in sys.path if paths is None else paths:
        folder = Path(entry or ".")
        if folder.is_file():
            yield from _declared(_distributions(entry))
            continue
        try:
            names = sorted(child.name for child in folder.iterdir())
        except OSError:
            continue
        for name in names:
            if not name.endswith((".dist-info", ".egg-info")):
                continue
            try:
                declared = (folder / name / "entry_points.txt").read_bytes()
            except OSError:
                continue
            if _GROUP_HEADER in declared:
                yield from _declared(_distributions(entry, name))


def _distributions(entry: str, name: str = "") -> list[Distribution]:
    """The distributions of one `sys.path` entry (a zip archive), or the one in its
    metadata folder `name`."""
    import importlib.metadata

    if name:
        return [importlib.metadata.PathDistribution(Path(entry or ".") / name)]
    return list(importlib.metadata.distributions(path=[entry]))


def _declared(
    distributions: Iterable[Distribution],
) -> Iterator[tuple[Distribution, EntryPoint]]:
    """The entry points of the ``opslint`` group of `distributions`, with their own."""
    for distribution in distributions:
        for entry_point in distribution.entry_points:
            if entry_point.group == ENTRY_POINT_GROUP:
                yield distribution, entry_point
