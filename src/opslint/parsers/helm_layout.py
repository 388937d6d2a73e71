"""Where a Helm chart's files are: cheap to import, since kind detection asks it of every
YAML file (the renderer and the chart model load only with a chart to parse)."""

from __future__ import annotations

from pathlib import Path

from opslint.model.source import SourceFile

CHART_FILE = "Chart.yaml"
TEMPLATE_SUFFIXES = (".yaml", ".yml", ".tpl", ".txt", ".json")
"""Names of the files of a chart's `templates/` Helm reads."""


def chart_root(folder: Path) -> Path | None:
    """The outermost chart holding `folder` (a subchart in `charts/` belongs to its parent)."""
    found: Path | None = None
    for candidate in (folder, *folder.parents):
        if (candidate / CHART_FILE).is_file():
            found = candidate
            parent = candidate.parent
            if not (parent.name == "charts" and (parent.parent / CHART_FILE).is_file()):
                break
        elif found is not None and not (candidate.name == "charts" and candidate == found.parent):
            break
    return found


def is_chart_member(path: Path) -> Path | None:
    """The chart root when `path` is a file Helm reads: Chart.yaml, values, templates."""
    absolute = path.absolute()
    root = chart_root(absolute.parent)
    if root is None:
        return None
    relative = absolute.relative_to(root)
    parts = relative.parts
    if len(parts) == 1:
        name = parts[0]
        is_values = name.startswith("values") and name.endswith((".yaml", ".yml"))
        return root if name == CHART_FILE or is_values else None
    if parts[0] in ("templates", "charts") and absolute.name.endswith(TEMPLATE_SUFFIXES):
        return root
    return None


def chart_source(source: SourceFile, root: Path) -> SourceFile:
    """The `Chart.yaml` source standing for a member file of the chart at `root`."""
    relative = source.path.absolute().relative_to(root).as_posix()
    prefix = source.display[: -len(relative)] if source.display.endswith(relative) else ""
    return SourceFile(root / CHART_FILE, f"{prefix}{CHART_FILE}", read=source.read)
