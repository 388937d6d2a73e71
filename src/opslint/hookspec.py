"""Every hook of opslint, declared once, typed and documented.

Builtin parsers, rule packs, reporters and generators implement these exactly as
third-party plugins do (entry-point group ``opslint``). Implementations may accept any
subset of a hook's arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from opslint.config import Config
    from opslint.model.base import Finding
    from opslint.model.source import Document, SourceFile
    from opslint.report import Report
    from opslint.rule import RuleFamily
    from opslint.run import Run

hookspec = pluggy.HookspecMarker("opslint")


@hookspec
def opslint_kinds() -> list[str]:  # type: ignore[empty-body]
    """Name the file kinds this plugin can parse (used to validate ``--kind``)."""


@hookspec(firstresult=True)
def opslint_detect_kind(source: SourceFile, config: Config, provisional: bool) -> str | None:
    """Recognise the kind of `source`, by name first and by content where needed.

    Return None when the file is not of a kind this plugin knows. Detection by name must
    not read the file (`source.text` reads it on first use).

    `provisional` is True when a parallel run detects every file before it checks any,
    in another process than the check: a plugin may then answer from a quick look at the
    text rather than load it. The check asks again with `provisional` False once the
    file is parsed, and a run whose answers differ is checked again from exact answers.
    """


@hookspec(firstresult=True)
def opslint_document_source(source: SourceFile, kind: str, config: Config) -> SourceFile | None:
    """The file whose document covers `source`, when several files form one document.

    A Helm chart is one document: each of its files (templates, values) stands for its
    `Chart.yaml`, so a run given several files of one chart parses and renders it once.
    Return None to keep `source`.
    """


@hookspec(firstresult=True)
def opslint_parse(source: SourceFile, kind: str, config: Config) -> Document | None:
    """Parse `source` of `kind` into a model `Document`.

    Raise `opslint.model.source.SourceError` (or the YAML loader's `YamlError`) for input
    that cannot be read at all; problems inside a readable file go to `Document.problems`.
    """


@hookspec
def opslint_collect_rules(kinds: frozenset[str] | None) -> list[Callable[..., Any]]:  # type: ignore[empty-body]
    """Return rule functions (decorated with ``@opslint.rule``).

    `kinds` holds the file kinds of this run; a plugin may leave out rules that apply to
    none of them, so that a Dockerfile run does not import the Terraform rules. None asks
    for every rule (`opslint rules`, the docs).
    """


@hookspec
def opslint_rule_index() -> dict[str, str]:  # type: ignore[empty-body]
    """Codes to names of every rule the plugin provides, known without importing them.

    Config, selectors and suppressions may name a rule a run did not load; this is how
    the engine knows it exists.
    """


@hookspec
def opslint_rule_families() -> dict[str, RuleFamily]:  # type: ignore[empty-body]
    """Code prefixes (`"DF"`) to the rule families the plugin provides.

    A family names the catalog section of its rules and the file kinds they apply to when
    their subject type does not say (a rule on `Container` applies to Kubernetes files).
    """


@hookspec
def opslint_default_keys() -> dict[str, str]:  # type: ignore[empty-body]
    """The `[tool.opslint.defaults]` keys the plugin's rules read, each with what it is for,
    known without importing the rules (the config is checked against them)."""


@hookspec
def opslint_collect_generators() -> list[Callable[..., Any]]:  # type: ignore[empty-body]
    """Return generator functions for ``opslint new``."""


@hookspec
def opslint_adjust_findings(findings: list[Finding], run: Run, config: Config) -> None:
    """Filter or amend `findings` in place (suppressions, baselines) before reporting."""


@hookspec
def opslint_report_formats() -> list[str]:  # type: ignore[empty-body]
    """Name the ``--format`` values this plugin can write."""


@hookspec(firstresult=True)
def opslint_report(report: Report, format: str, stream: IO[str]) -> bool | None:
    """Write `report` in `format` to `stream`; return True when this plugin handled it."""
