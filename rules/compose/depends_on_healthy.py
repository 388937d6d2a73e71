"""DC105 depends-on-healthy."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from opslint import Edit, Finding, Fix, Severity, rule
from opslint.edits.yaml import (
    Style,
    add_entries,
    document_style,
    is_block,
    scalar_anchor,
)
from opslint.model.base import Span
from opslint.model.compose import BuildHealth, ComposeFile, ComposeService, DependsOn
from opslint.model.yamltree import YMap, YScalar
from opslint.views import Files, SourceText

_NOT_WAITING = frozenset({"service_started"})
_HEALTHY = "service_healthy"


def has_healthcheck(service: ComposeService, files: Files) -> bool:
    """True when the service is health-checked: in the Compose file or its build's Dockerfile."""
    if service.healthcheck is not None:
        return not service.healthcheck_disabled
    return service.build_healthcheck(files.load) is BuildHealth.DECLARED


def _long_form(
    service: ComposeService, healthy: set[str], lines: Sequence[str], style: Style
) -> tuple[Edit, ...] | None:
    """The short-form `depends_on` list rewritten as a mapping, every entry with a condition.

    Dependencies in `healthy` wait for `service_healthy`, the others keep the meaning of
    the list form, written out as `service_started`. Each item line (`- name`) is replaced
    by the entry's two lines, keeping a comment that follows the name; comment and blank
    lines between items stay as they are. Anything else on the list's lines (a flow list,
    a second node on a line, an anchor or tag, a repeated name) gets no edit.
    """
    sequence = service.node.seq("depends_on")
    key = service.node.keys.get("depends_on")
    if sequence is None or key is None or not sequence.items or not is_block(sequence, lines):
        return None
    indent = " " * (key.span.column - 1 + style.step)
    inner = indent + " " * style.step
    edits: list[Edit] = []
    names: set[str] = set()
    previous: int | None = None
    for item in sequence.items:
        if not isinstance(item, YScalar) or item.value is None or item.style not in ("", "'", '"'):
            return None
        span = item.span
        if span.line != span.end_line or not 0 < span.line <= len(lines):
            return None
        text = lines[span.line - 1]
        token = text[span.column - 1 : span.end_column - 1]
        rest = text[span.end_column - 1 :]
        if text[: span.column - 1].strip() != "-" or not _comment_or_blank(rest):
            return None
        if (item.style == "" and token != item.text) or item.text in names:
            return None  # an anchor or tag on the item, or a name listed twice
        if previous is not None and not all(
            _comment_or_blank(line) for line in lines[previous : span.line - 1]
        ):
            return None
        names.add(item.text)
        previous = span.line
        condition = _HEALTHY if item.text in healthy else "service_started"
        whole = Span(span.path, span.line, 1, span.line, len(text) + 1)
        replacement = f"{indent}{token}:{rest}\n{inner}condition: {condition}"
        edits.append(Edit(whole, replacement, scalar_anchor(item)))
    return tuple(edits)


def _comment_or_blank(text: str) -> bool:
    """True for text that holds no YAML node: nothing, or a comment."""
    stripped = text.strip()
    return not stripped or stripped.startswith("#")


def _fix(
    service: ComposeService, entry: DependsOn, healthy: set[str], lines: Sequence[str], style: Style
) -> Fix | None:
    """Make `entry` wait for `service_healthy`, or None where no edit is safe."""
    if not lines:
        return None
    if entry.condition_span is not None:
        return Fix("wait for `service_healthy`", (Edit(entry.condition_span, _HEALTHY),))
    if entry.short_form:
        edits = _long_form(service, healthy, lines, style)
        title = "write `depends_on` in the long form, waiting for `service_healthy`"
        return Fix(title, edits) if edits else None
    dependencies = service.node.map("depends_on")
    options = dependencies.get(entry.name) if dependencies is not None else None
    if not isinstance(options, YMap) or "condition" in options:
        return None
    edit = add_entries(options, {"condition": _HEALTHY}, lines, style)
    return Fix("add `condition: service_healthy`", (edit,)) if edit is not None else None


@rule("DC105", "depends-on-healthy", Severity.WARNING, fix="safe", tags=("reliability",))
def depends_on_healthy(compose: ComposeFile, text: SourceText, files: Files) -> Iterator[Finding]:
    """`depends_on` waits for health-checked dependencies to be healthy.

    ## What it does
    Reports a `depends_on` entry that names a service of the same file which has a health
    check (a `healthcheck` block that is not disabled, or a HEALTHCHECK in the Dockerfile
    its `build` names) while the entry only waits for the container to start: the short
    list form (`depends_on: [db]`, which means `service_started`), a long-form entry
    without `condition`, or `condition: service_started`. The finding points at the
    `condition` value when one is written, else at the dependency's name.
    `service_completed_successfully` is a deliberate wait for a one-shot job and passes.

    ## Why it matters
    A started container is not a ready one: the database is still replaying its journal
    when the application connects, fails and exits (or retries in a crash loop). The
    health check is already there; `service_healthy` makes Compose use it.

    ## Example
    ```yaml
    services:
      api:
        image: example/api:1.4.2
        depends_on:
          - db
      db:
        image: postgres:16.4
        healthcheck:
          test: ["CMD-SHELL", "pg_isready -U postgres"]
    ```

    ## Use instead
    ```yaml
    services:
      api:
        image: example/api:1.4.2
        depends_on:
          db:
            condition: service_healthy
      db:
        image: postgres:16.4
        healthcheck:
          test: ["CMD-SHELL", "pg_isready -U postgres"]
    ```

    ## Fix
    Safe; no configuration needed:
    - a written `condition: service_started` becomes `condition: service_healthy`;
    - a long-form entry without `condition` gets `condition: service_healthy` as its
      last key;
    - the short list form is rewritten as a mapping, and the edits replace exactly the
      list's item lines: every listed dependency becomes a key with a `condition`,
      `service_healthy` for those with a health check and `service_started` (what the
      list meant) for the others, so only the reported waits change. Comments (after a
      name, or on lines of their own between items) and blank lines stay:
    ```yaml
        depends_on:
          db:
            condition: service_healthy
          cache:
            condition: service_started
    ```
    The list is left alone when rewriting it could change or lose something: an anchor,
    tag or second node on an item's line, a repeated name, or the flow style
    (`depends_on: [db]`). A long-form entry written in flow style
    (`db: {restart: true}`) or without a value gets no edit either.

    ## Variants
    No linter among opslint's peers checks `depends_on` conditions; the variants are the
    Compose Specification's forms.
    - the short list form (`depends_on: [db]`), a long-form entry without `condition`,
      and `condition: service_started`: covered.
    - a dependency whose health check comes from its Dockerfile's `HEALTHCHECK`: covered.
    - `service_completed_successfully`: covered, it passes.
    - a dependency defined in another Compose file (`include`, `extends`, several `-f`
      files): not covered: its health check is not in view.

    ## References
    - https://docs.docker.com/reference/compose-file/services/#depends_on
    - https://docs.docker.com/compose/how-tos/startup-order/
    """
    checked: dict[str, bool] = {}

    def health_checked(name: str) -> bool:
        target = compose.service(name)
        if target is None:
            return False
        if target.name not in checked:
            checked[target.name] = has_healthcheck(target, files)
        return checked[target.name]

    lines = text.lines
    for service in compose.services:
        healthy = {e.name for e in service.depends_on if e.short_form and health_checked(e.name)}
        for entry in service.depends_on:
            if entry.condition not in _NOT_WAITING or not health_checked(entry.name):
                continue
            message = (
                f"`{service.name}` depends on `{entry.name}`, which has a health check, but "
                "only waits for it to start: use `condition: service_healthy`"
            )
            span = entry.condition_span or entry.span
            fix = _fix(service, entry, healthy, lines, document_style(compose))
            yield Finding(span, message, fix=fix, logical=entry.logical)
