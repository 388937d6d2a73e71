"""Helm charts: find a chart's files, render it for real, and model what each template wrote.

Rendering goes through the Helm SDK (`helm-python-sdk`, the `opslint[helm]` extra) or,
when that is not installed, a `helm` binary on PATH (`helm template`). Either renders
offline, in a child process under a time and a memory limit (`opslint.parsers.helm_render`):
`lookup` returns nothing and no cluster or repository is contacted. A chart with a
symbolic link that leaves the chart, or a values schema that refers to a URL or a file, is
not rendered at all, so rendering never reads files outside the chart nor the network. With
no renderer, `Chart.yaml` and `values.yaml` are still checked.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

from opslint.config import Config, HelmSettings
from opslint.model.base import Finding, Span
from opslint.model.facets import EnvVar, ImageRef
from opslint.model.helm import HelmChart, HelmTemplate, HelmValuesFile
from opslint.model.kubernetes import KubernetesFile
from opslint.model.lines import LineBreaks, LineIndex
from opslint.model.source import Overlaid, Reader, SourceError, SourceFile
from opslint.model.yamltree import YMap, YScalar, YSeq, text_span
from opslint.parsers.errors import parse_failure
from opslint.parsers.helm_layout import CHART_FILE, TEMPLATE_SUFFIXES
from opslint.parsers.helm_render import (
    RenderError,
    RenderFailure,
    RenderRequest,
    render,
    start_worker,
)
from opslint.parsers.helm_schema import outside_reference
from opslint.severity import Severity

NO_RENDERER_NOTE = (
    "Helm charts were checked statically (Chart.yaml and values.yaml only): no renderer "
    "found; install `opslint[helm]` or put `helm` on PATH to check rendered templates"
)


def parse_chart(source: SourceFile, config: Config) -> HelmChart:
    """The chart whose `Chart.yaml` is `source`, rendered when a renderer is available."""
    from opslint.parsers.yamlload import YamlError, yaml_of

    root = source.path.absolute().parent
    prefix = source.display[: -len(CHART_FILE)]
    chart = HelmChart(source, root=root)
    renderer = chosen_renderer(config.helm)
    if renderer is not None:
        with contextlib.suppress(RenderFailure):  # rendering reports it
            start_worker(config.helm.memory)  # it starts up while the chart is read
    try:
        loaded = yaml_of(source)
    except (YamlError, SourceError) as error:
        failure = parse_failure(source, error)
        chart.problems.extend(failure.problems)
        return chart
    roots = [d.root for d in loaded.documents if isinstance(d.root, YMap)]
    chart.metadata = roots[0] if roots else None
    schema_file = root / "values.schema.json"
    # Helm skips an empty schema file, so it validates nothing
    chart.has_schema = schema_file.is_file() and schema_file.stat().st_size > 0
    own_values = [root / "values.yaml", *sorted(root.glob("values-*.yaml"))]
    for path in own_values:
        if path.is_file():
            values = _values_file(path, f"{prefix}{path.name}", source.read)
            if path.name == "values.yaml":
                chart.values = values
            else:
                chart.extra_values.append(values)
    chart.templates = [
        HelmTemplate(
            SourceFile(path, f"{prefix}{path.relative_to(root).as_posix()}", read=source.read)
        )
        for path in _template_files(root)
    ]
    if renderer is None:
        chart.notes.append(NO_RENDERER_NOTE)
        if chart.values is not None:
            chart.values.images = _value_images(chart.values)
        return chart
    escape = _escaping_link(root)
    if escape is not None:
        chart.problems.append(
            _render_problem(
                chart.span,
                f"chart not rendered: `{escape}` links outside the chart, and rendering never "
                "reads files outside it",
            )
        )
        return chart
    reference = outside_reference(root)
    if reference is not None:
        schema, target = reference
        chart.problems.append(
            _render_problem(
                chart.span,
                f"chart not rendered: `{schema}` refers to `{target}`, which Helm would load "
                "to validate values, and rendering never reaches outside the chart",
            )
        )
        return chart
    unreadable = _unreadable_file(chart)
    if unreadable is not None:
        display, problem = unreadable
        span = Span(display, problem.line, problem.column, problem.line, problem.column)
        chart.problems.append(_render_problem(span, f"chart not rendered: {problem.message}"))
        return chart
    chart.renderer = "sdk" if renderer == "sdk" else "binary"
    _render_all(chart, config, renderer)
    return chart


def _unreadable_file(chart: HelmChart) -> tuple[str, SourceError] | None:
    """A template or values file that is not text (Helm's error about it would not be
    either): the chart is not rendered."""
    values = [v for v in (chart.values, *chart.extra_values) if v is not None]
    for document in (*chart.templates, *values):
        try:
            document.source.text  # noqa: B018 - reads and decodes the file
        except SourceError as error:
            return document.path, error
    return None


def _template_files(root: Path) -> list[Path]:
    found: list[Path] = []
    folders = [root / "templates"]
    charts = root / "charts"
    if charts.is_dir():
        folders.extend(sorted(p / "templates" for p in charts.iterdir() if p.is_dir()))
    for folder in folders:
        if folder.is_dir():
            found.extend(
                path
                for path in sorted(folder.rglob("*"))
                if path.is_file() and path.name.endswith(TEMPLATE_SUFFIXES)
            )
    return found


def _values_file(path: Path, display: str, read: Reader) -> HelmValuesFile:
    from opslint.parsers.yamldoc import duplicate_problems
    from opslint.parsers.yamlload import YamlError, yaml_of

    source = SourceFile(path, display, read=read)
    document = HelmValuesFile(source)
    try:
        loaded = yaml_of(source)
    except (YamlError, SourceError) as error:
        document.problems.extend(parse_failure(source, error).problems)
        return document
    document.problems.extend(duplicate_problems(loaded))
    roots = [d.root for d in loaded.documents if isinstance(d.root, YMap)]
    document.root = roots[0] if roots else None
    if document.root is not None:
        document.env_vars = list(_value_secrets(document.root, ()))
    return document


def _value_secrets(node: YMap, path: tuple[str, ...]) -> list[EnvVar]:
    """Every non-empty literal string in the values, named by its key (for SE001)."""
    found: list[EnvVar] = []
    for key, value in node.items():
        if isinstance(value, YMap):
            found.extend(_value_secrets(value, (*path, key)))
        elif isinstance(value, YScalar) and isinstance(value.value, str) and value.value:
            found.append(
                EnvVar(
                    key,
                    value.value,
                    node.entry_span(key),
                    value.span,
                    "helm value",
                    reference="{{" in value.value,
                    logical=".".join((*path, key)),
                )
            )
    return found


def _value_images(values: HelmValuesFile) -> list[ImageRef]:
    """Image references in values: `image: repo:tag` or `image: {repository, tag}`."""
    found: list[ImageRef] = []

    def visit(node: YMap, path: tuple[str, ...]) -> None:
        repository = node.scalar("repository")
        if repository is not None and isinstance(repository.value, str) and repository.value:
            tag = node.scalar("tag")
            digest = node.scalar("digest")
            text = repository.value
            anchor = repository
            if digest is not None and isinstance(digest.value, str) and digest.value:
                text = f"{text}@{digest.value}"
                anchor = digest
            elif tag is not None and tag.value not in (None, ""):
                text = f"{text}:{tag.text}"
                anchor = tag
            if "registry" in node and isinstance(node.string("registry"), str):
                text = f"{node.string('registry')}/{text}"
            logical = ".".join(path) or "image"
            # `written` is the anchor's own text, so a finding covers the whole anchor
            written = anchor.text if anchor is not repository else text
            found.append(ImageRef(text, text_span(anchor), "helm value", logical, written=written))
        for key, value in node.items():
            if isinstance(value, YMap):
                visit(value, (*path, key))
            elif key == "image" and isinstance(value, YScalar) and isinstance(value.value, str):
                logical = ".".join((*path, key))
                text = value.value.strip()
                if text and "{{" not in text:
                    span = text_span(value)
                    found.append(ImageRef(text, span, "helm value", logical, written=text))
            elif isinstance(value, YSeq):
                for item in value.maps():
                    visit(item, (*path, key))

    if values.root is not None:
        visit(values.root, ())
    return found


def chosen_renderer(settings: HelmSettings) -> str | None:
    """`sdk`, or the path of a `helm` binary, or None when there is nothing to render with."""
    wanted = settings.renderer
    if wanted == "none":
        return None
    if wanted in ("auto", "sdk") and _sdk_available():
        return "sdk"
    if wanted in ("auto", "binary"):
        return helm_binary()
    return None


def helm_binary() -> str | None:
    """The `helm` on PATH, looked up in its absolute entries only.

    A relative entry (`.`, or the empty one of `PATH=:/usr/bin`) names a folder of the
    working folder, which may be a scanned tree: a `helm` there is never run.
    """
    entries = os.environ.get("PATH", os.defpath).split(os.pathsep)
    return shutil.which("helm", path=os.pathsep.join(e for e in entries if Path(e).is_absolute()))


def _sdk_available() -> bool:
    """Whether the Helm SDK is installed (it is loaded only by the render worker)."""
    return importlib.util.find_spec("helm_python") is not None


def _escaping_link(root: Path) -> str | None:
    """The first symbolic link below `root` that points outside it."""
    resolved_root = root.resolve()
    for folder, directories, files in os.walk(root):
        for name in (*directories, *files):
            path = Path(folder, name)
            if path.is_symlink():
                target = path.resolve()
                if target != resolved_root and resolved_root not in target.parents:
                    return path.relative_to(root).as_posix()
    return None


def _render_problem(span: Span, message: str) -> Finding:
    return Finding(span, message, code="HL102", name="render-error", severity=Severity.ERROR)


@dataclass(frozen=True)
class _Variant:
    """One render: values.yaml overlaid with `files`, then `--helm-set`."""

    files: tuple[Path, ...]

    def label(self, root: Path) -> str:
        names = ["values.yaml"]
        for path in self.files:
            try:
                names.append(path.absolute().relative_to(root).as_posix())
            except ValueError:
                names.append(path.as_posix())
        return " + ".join(names)


def _render_all(chart: HelmChart, config: Config, renderer: str) -> None:
    variants = [_Variant(())]
    variants.extend(_Variant((values.source.path,)) for values in chart.extra_values)
    variants.extend(_Variant(files) for files in config.helm.values)
    external = [
        _values_file(path, _shown(path), chart.source.read)
        for path in dict.fromkeys(p for files in config.helm.values for p in files)
        if path.is_file()
    ]
    lookups = [v for v in (chart.values, *chart.extra_values, *external) if v is not None]
    by_path = {template.source.path.absolute(): template for template in chart.templates}
    for template in chart.templates:
        template.values_files = lookups
    unsaved = _unsaved_texts(chart)
    for variant in variants:
        try:
            manifests = render(
                RenderRequest(
                    root=str(chart.root),
                    files=tuple(str(path.absolute()) for path in variant.files),
                    set=config.helm.set,
                    release=config.helm.release,
                    namespace=config.helm.namespace,
                    renderer=renderer,
                    timeout=config.helm.timeout,
                    memory=config.helm.memory,
                    texts=unsaved,
                )
            )
        except RenderError as error:
            _report_render_error(chart, by_path, error, variant)
            continue
        except RenderFailure as failure:
            message = f"the chart did not render with {variant.label(chart.root)}: {failure}"
            chart.problems.append(_render_problem(chart.span, message))
            continue
        for key, text in manifests.items():
            path = _template_path(chart.root, key)
            target = by_path.get(path) if path is not None else None
            if target is None or not text.strip() or not target.path.endswith((".yaml", ".yml")):
                continue
            _add_rendering(target, text, variant.label(chart.root), config.helm.namespace)


def _unsaved_texts(chart: HelmChart) -> tuple[tuple[str, str], ...]:
    """The texts an editor overlays on files of the chart (`Overlaid`) that differ from
    the files on disk, by path relative to the chart: the render uses them instead."""
    read = chart.source.read
    if not isinstance(read, Overlaid):
        return ()
    root = chart.root.resolve()
    return tuple(
        (path.relative_to(root).as_posix(), text)
        for path, text in sorted(read.texts.items())
        if path.is_relative_to(root) and text != _disk_text(path)
    )


def _disk_text(path: Path) -> str | None:
    """The text of a file of the chart as saved, or None when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _shown(path: Path) -> str:
    """A values file's path as reports show it: relative to the working folder if inside."""
    try:
        return path.absolute().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


def _template_path(root: Path, key: str) -> Path | None:
    """The file a rendered key names (`<chart>/templates/x.yaml`, subcharts included)."""
    parts = key.split("/")
    if len(parts) < 2 or ".." in parts:
        return None
    return (root.joinpath(*parts[1:])).absolute()


def _add_rendering(template: HelmTemplate, text: str, label: str, namespace: str) -> None:
    from opslint.parsers.helmmap import SpanMapper
    from opslint.parsers.kubernetes import parse_kubernetes
    from opslint.parsers.yamlload import YamlError

    source = template.source
    try:
        template_text = source.text
    except SourceError:
        return
    mapper = SpanMapper(template_text, text, source.display)
    rendered = SourceFile(
        source.path, source.display, text=template_text, yaml_text=text, span_map=mapper
    )
    try:
        manifest = parse_kubernetes(rendered)
    except YamlError as error:
        line, column = mapper.position(error.line, error.column)
        span = Span(source.display, line, column, line, column)
        message = f"the template renders invalid YAML ({label}): {error.message}"
        if not any(p.message == message and p.span == span for p in template.problems):
            template.problems.append(_render_problem(span, message))
        return
    manifest.render = label
    _freeze_written_images(manifest, template_text)
    _place_in_namespace(manifest, namespace)
    for problem in manifest.problems:
        if problem not in template.problems:
            template.problems.append(problem)
    manifest.problems = []
    template.rendered.append(manifest)


def _place_in_namespace(manifest: KubernetesFile, namespace: str) -> None:
    """Objects that name no namespace are installed in the release's: say so in `logical`."""
    moved = [obj for obj in manifest.manifests if obj.namespace is None]
    if namespace == "default" or not moved:
        return
    renamed: dict[str, str] = {}
    for obj in moved:
        before = obj.logical
        obj.namespace = namespace
        renamed[before] = obj.logical

    def rename(logical: str) -> str:
        for before, after in renamed.items():
            if logical == before or logical.startswith(f"{before}/"):
                return after + logical[len(before) :]
        return logical

    images = {id(image): replace(image, logical=rename(image.logical)) for image in manifest.images}
    variables = {id(var): replace(var, logical=rename(var.logical)) for var in manifest.env_vars}
    for container in manifest.containers():
        container.logical = rename(container.logical)
        if container.image is not None and id(container.image) in images:
            container.image = images[id(container.image)]
        container.env = [variables.get(id(var), var) for var in container.env]
    manifest.images = list(images.values())
    manifest.env_vars = list(variables.values())


def _freeze_written_images(manifest: KubernetesFile, template_text: str) -> None:
    """Give rendered images the template text they stand at, so columns stay honest."""
    lines = LineIndex(template_text, LineBreaks.YAML).split()
    replaced: dict[int, ImageRef] = {}
    for index, image in enumerate(manifest.images):
        span = image.span
        line = lines[span.line - 1] if 0 < span.line <= len(lines) else ""
        written = line[span.column - 1 : span.end_column - 1] if span.line == span.end_line else ""
        new = replace(image, written=written.strip('"'))
        replaced[id(image)] = new
        manifest.images[index] = new
    for pod in manifest.pod_specs():
        for container in pod.all_containers():
            if container.image is not None and id(container.image) in replaced:
                container.image = replaced[id(container.image)]


def _report_render_error(
    chart: HelmChart, by_path: dict[Path, HelmTemplate], error: RenderError, variant: _Variant
) -> None:
    label = variant.label(chart.root)
    message = f"the chart does not render with {label}: {error.message}"
    template: HelmTemplate | None = None
    if error.template is not None:
        path = _template_path(chart.root, error.template)
        template = by_path.get(path) if path is not None else None
    if template is not None:
        line, column = _error_position(template, error)
        span = Span(template.path, line, column, line, column)
        template.problems.append(_render_problem(span, message))
    else:
        chart.problems.append(_render_problem(chart.span, message))


def _error_position(template: HelmTemplate, error: RenderError) -> tuple[int, int]:
    """Where a parse error belongs: an unclosed action or block where it opens."""
    from opslint.parsers.helmmap import unclosed_block

    try:
        text = template.source.text
    except SourceError:
        return error.line, error.column
    # Go's template parser counts lines at LF; the template's lines are YAML's
    go_lines = LineIndex(text, LineBreaks.LF)
    index = LineIndex(text, LineBreaks.YAML)
    if error.message.startswith("unclosed action") and 0 < error.line <= len(go_lines.lines):
        start = go_lines.offset(error.line, 1)
        opening = text.rfind("{{", start, go_lines.offset(error.line + 1, 1))
        return index.position(opening if opening >= 0 else start + error.column - 1)
    if error.message == "unexpected EOF" or error.line > len(go_lines.lines):
        found = unclosed_block(text)
        if found is not None:
            return found
        return index.position(go_lines.offset(min(error.line, len(go_lines.lines)), error.column))
    return index.position(go_lines.offset(error.line, error.column))
