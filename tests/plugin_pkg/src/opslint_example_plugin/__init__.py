"""An example opslint plugin: a new file kind (`.env.example` files) and a rule for it.

It uses only the public plugin surface: the hooks `opslint_kinds`, `opslint_detect_kind`,
`opslint_parse` and `opslint_collect_rules`, the model base classes and facets, and the
`@rule` decorator. It is registered through the `opslint` entry-point group as `example`,
so `-p no:example` turns it off.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from opslint import Finding, Severity, Span, hookimpl, rule
from opslint.model.facets import EnvVar
from opslint.model.source import Document, SourceFile

KIND = "dotenv"
_ASSIGNMENT = re.compile(
    r"^(?P<lead>\s*(?:export\s+)?)(?P<name>[A-Za-z_][A-Za-z0-9_]*)=(?P<value>.*)$"
)
_SECRET_NAME = re.compile(r"(PASSWORD|PASSWD|SECRET|TOKEN|API_KEY|PRIVATE_KEY)", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"^(|changeme|change-me|xxx+|<[^>]*>|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?)$")


@dataclass(eq=False)
class DotEnv(Document):
    """A parsed `.env.example` file: one `EnvVar` per assignment."""

    kind = KIND

    env_vars: list[EnvVar] = field(default_factory=list)

    def objects(self) -> Iterator[object]:
        yield self
        yield from self.env_vars


def parse_dotenv(source: SourceFile) -> DotEnv:
    """Read `NAME=value` lines; comments and blank lines are skipped."""
    document = DotEnv(source)
    for number, text in enumerate(source.lines, start=1):
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        match = _ASSIGNMENT.match(text)
        if match is None:
            span = Span(source.display, number, 1, number, len(text) + 1)
            document.problems.append(
                Finding(
                    span,
                    f"not a NAME=value line: {text.strip()!r}",
                    code="OP001",
                    name="parse-error",
                    severity=Severity.ERROR,
                )
            )
            continue
        name, raw = match.group("name"), match.group("value")
        name_column = match.start("name") + 1
        value_column = match.start("value") + 1
        value = raw.strip().strip("\"'")
        document.env_vars.append(
            EnvVar(
                name=name,
                value=value,
                span=Span(source.display, number, name_column, number, name_column + len(name)),
                value_span=Span(
                    source.display, number, value_column, number, value_column + len(raw)
                ),
                origin="dotenv",
                reference=value.startswith("$"),
                logical=f"env:{name}",
            )
        )
    return document


@hookimpl
def opslint_kinds() -> list[str]:
    """The kind this plugin parses."""
    return [KIND]


@hookimpl
def opslint_detect_kind(source: SourceFile) -> str | None:
    """`.env.example` files (and `*.env.example`), by name alone."""
    name = PurePosixPath(source.display).name
    return KIND if name == ".env.example" or name.endswith(".env.example") else None


@hookimpl
def opslint_parse(source: SourceFile, kind: str) -> Document | None:
    """Parse the files of this plugin's kind."""
    return parse_dotenv(source) if kind == KIND else None


@rule("XP001", "example-secret-value", Severity.ERROR, tags=("security",))
def example_secret_value(dotenv: DotEnv) -> Iterator[Finding]:
    """An example environment file holds what looks like a real secret.

    ## What it does
    Reports a variable of a `.env.example` file whose name says it is a secret (password,
    token, API key) and whose value is not empty, a placeholder or a variable reference.

    ## Why it matters
    Example files are committed and copied around; a real credential in one is leaked.

    ## Example
    ```
    DB_PASSWORD=hunter2
    ```

    ## Use instead
    ```
    DB_PASSWORD=changeme
    ```

    ## Fix
    None: replace the value with a placeholder and rotate the credential.

    ## References
    - https://12factor.net/config
    """
    for variable in dotenv.env_vars:
        value = variable.value or ""
        if _SECRET_NAME.search(variable.name) and not _PLACEHOLDER.match(value):
            yield Finding(
                variable.value_span,
                f"`{variable.name}` holds a value that looks real: use a placeholder",
                logical=variable.logical,
            )


@hookimpl
def opslint_collect_rules() -> list[Callable[..., Any]]:
    """The rules of this plugin."""
    return [example_secret_value]
