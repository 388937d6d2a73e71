"""Read a Compose file into the `ComposeFile` model.

Only the first YAML document is a Compose file. Anything of an unexpected type (a list
where a mapping belongs, a number for a name, a null service) is skipped, never raised on.
"""

from __future__ import annotations

import re
from pathlib import Path

from opslint.model.base import Span
from opslint.model.compose import (
    SHORT_FORM_CONDITION,
    Build,
    ComposeFile,
    ComposeService,
    DependsOn,
)
from opslint.model.facets import EnvVar, sub_span
from opslint.model.source import SourceFile
from opslint.model.yamltree import YMap, YScalar, YSeq, text_span
from opslint.parsers.yamldoc import duplicate_problems, image_ref
from opslint.parsers.yamlload import yaml_of

_VARIABLE = re.compile(r"\$(?:\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*)")


def parse_compose(source: SourceFile) -> ComposeFile:
    """Parse `source` into a `ComposeFile`; raises `YamlError` only when it is not YAML."""
    loaded = yaml_of(source)
    result = ComposeFile(source)
    result.problems.extend(duplicate_problems(loaded))
    root = next((d.root for d in loaded.documents if d.root is not None), None)
    if not isinstance(root, YMap):
        return result
    result.root = root
    if "version" in root:
        result.version_span = root.key_span("version")
    services = root.map("services")
    if services is None:
        return result
    for name, node in services.items():
        if name.startswith("x-") or not isinstance(node, YMap):
            continue
        service = _service(name, services.key_span(name), node, source)
        result.services.append(service)
        if service.image is not None and service.build is None:
            # with `build`, `image` names the image the build produces: nothing is pulled
            result.images.append(service.image)
        result.env_vars.extend(service.environment)
    completed = result.completed_dependencies()
    for service in result.services:
        service.one_shot = service.name in completed
        service.dockerfile_path = _dockerfile_path(service.build, source)
    return result


def _dockerfile_path(build: Build | None, source: SourceFile) -> Path | None:
    if build is None or build.remote or build.inline is not None:
        return None
    context = build.context or "."
    dockerfile = build.dockerfile or "Dockerfile"
    if "$" in context or "$" in dockerfile:
        return None
    return source.path.parent / context / dockerfile


def is_reference(value: str) -> bool:
    """True when `value` is only variable references (`${VAR}`, `$VAR`, `${VAR:-x}`)."""
    stripped = value.strip()
    return bool(stripped) and not _VARIABLE.sub("", stripped).strip()


def _has_variable(text: str) -> bool:
    return "$" in text and bool(_VARIABLE.search(text))


def _service(name: str, key_span: Span, node: YMap, source: SourceFile) -> ComposeService:
    logical = f"service:{name}"
    service = ComposeService(name, key_span, node, logical)
    image = node.scalar("image")
    if image is not None and image.value is not None:
        service.image = image_ref(image, "compose image", logical, _has_variable)
    service.build = _build(node)
    service.healthcheck = node.map("healthcheck")
    service.depends_on = _depends_on(node, logical)
    restart = node.scalar("restart")
    service.restart = restart if restart is not None and restart.value is not None else None
    service.deploy = node.map("deploy")
    service.logging = node.map("logging")
    service.environment = _environment(node, logical)
    return service


def _build(node: YMap) -> Build | None:
    value = node.get("build")
    if isinstance(value, YScalar) and value.value is not None:
        return Build(value.span, context=value.text)
    if not isinstance(value, YMap):
        return None
    return Build(
        node.key_span("build"),
        context=value.string("context"),
        dockerfile=value.string("dockerfile"),
        target=value.string("target"),
        inline=value.string("dockerfile_inline"),
    )


def _depends_on(node: YMap, logical: str) -> list[DependsOn]:
    value = node.get("depends_on")
    entries: list[DependsOn] = []
    if isinstance(value, YSeq):
        for item in value.scalars():
            if item.value is None:
                continue
            entries.append(
                DependsOn(
                    item.text,
                    SHORT_FORM_CONDITION,
                    text_span(item),
                    f"{logical}/depends_on:{item.text}",
                    short_form=True,
                )
            )
    elif isinstance(value, YMap):
        for name, entry in value.items():
            condition_node = entry.scalar("condition") if isinstance(entry, YMap) else None
            condition = SHORT_FORM_CONDITION
            condition_span = None
            if condition_node is not None and condition_node.value is not None:
                condition = condition_node.text
                condition_span = text_span(condition_node)
            entries.append(
                DependsOn(
                    name,
                    condition,
                    value.key_span(name),
                    f"{logical}/depends_on:{name}",
                    condition_span=condition_span,
                )
            )
    return entries


def _environment(node: YMap, logical: str) -> list[EnvVar]:
    value = node.get("environment")
    origin = "compose environment"
    found: list[EnvVar] = []
    if isinstance(value, YMap):
        for name, entry in value.items():
            key_span = value.key_span(name)
            if isinstance(entry, YScalar) and entry.value is not None:
                found.append(
                    EnvVar(
                        name,
                        entry.text,
                        key_span,
                        text_span(entry),
                        origin,
                        reference=is_reference(entry.text),
                        logical=logical,
                    )
                )
            else:  # `KEY:` alone takes the value from the shell running compose
                found.append(EnvVar(name, None, key_span, entry.span, origin, logical=logical))
    elif isinstance(value, YSeq):
        for item in value.scalars():
            if item.value is None:
                continue
            text = item.text
            span = text_span(item)
            single = span.line == span.end_line and item.style in ("", "'", '"')
            name, equals, literal = text.partition("=")
            name_span = sub_span(span, 0, len(name)) if single else span
            if not equals:
                found.append(EnvVar(name, None, name_span, name_span, origin, logical=logical))
                continue
            value_span = sub_span(span, len(name) + 1, len(literal)) if single else span
            found.append(
                EnvVar(
                    name,
                    literal,
                    name_span,
                    value_span,
                    origin,
                    reference=is_reference(literal),
                    logical=logical,
                )
            )
    return found
