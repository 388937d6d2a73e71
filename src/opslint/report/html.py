"""The HTML reporter: one self-contained page, for a CI artifact or a person on a laptop.

The page has two parts. The summary is written here as markup: counts, bar charts by
severity, kind and rule (inline SVG whose bars link to the matching filter), the files
with the most findings, and what `opslint fix` would change. The findings, grouped by
file with their source excerpts, related locations, rule docs and fix diffs, are data
that the page's script (`html.js`, styled by `html.css`, both inlined) renders on demand:
a file's findings when its section is opened, a hundred files at a time.

The data is compact JSON, gzip-compressed and base64-encoded in an inert `<script>`
element; the script decompresses it with the browser's `DecompressionStream`. This keeps
a run of a few thousand findings, excerpts and diffs included, near a tenth of its JSON
size, and nothing read from the scanned files can reach the markup as markup: base64 has
no `<`, the script writes every text as text (`textContent`, never `innerHTML`), and the
markup written here is escaped. The page's Content-Security-Policy allows no network
access and runs its own script only (by hash): no inline event handler would run either.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
from collections import Counter
from dataclasses import replace
from html import escape
from importlib.resources import files
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, Any

from opslint import __version__
from opslint.model.base import Applicability, Edit, Finding, Span
from opslint.report import Report, format_hooks
from opslint.safety.redact import MASK, moved
from opslint.severity import Severity

if TYPE_CHECKING:
    from collections.abc import Sequence

    from opslint.model.lines import LineBreaks

CONTEXT_LINES = 2
"""Lines shown above and below a finding's span."""
DIFF_CONTEXT = 3
"""Lines of context of a unified diff (`difflib.unified_diff`'s, which the fixer's diffs use)."""
SPAN_LINES = 8
"""Lines of a longer span shown (its first ones)."""
CHART_ROWS = 12
"""Rows of the by-rule and by-kind charts; the last one sums the rest, without a bar (it
would dwarf the others)."""
TOP_FILES = 10
OTHER_KIND = "other"
"""The kind shown for a file of no kind (one a fix would create, one read for a rule)."""
SEVERITIES = sorted(Severity, reverse=True)
COLUMNS = ("f", "l", "c", "el", "ec", "r", "s", "m", "x", "h", "o", "rel", "fix", "sup")
"""The findings' fields; the page holds one list of each (null where a finding has none),
which compresses better than one object per finding."""


def write_html(report: Report, stream: IO[str]) -> None:
    """Write the HTML format."""
    stream.write(render_html(report))


def render_html(report: Report) -> str:
    """The whole page of `report`."""
    data = PageData(report)
    assets = files("opslint.report")
    style = assets.joinpath("html.css").read_text(encoding="utf-8")
    script = "\n" + assets.joinpath("html.js").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="color-scheme" content="light dark">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        f"style-src 'unsafe-inline'; script-src 'sha256-{digest}'\">\n"
        f"<title>opslint report: {escape(_findings_phrase(len(report.findings)))}</title>\n"
        f"<style>\n{style}</style>\n</head>\n<body>\n"
        f"{_header(report)}<main>\n{_summary(report, data)}{_findings_section(report)}</main>\n"
        f'<script type="application/x-opslint-gzip-base64" id="report-data">'
        f"{encode_data(data.json())}</script>\n"
        f"<script>{script}</script>\n</body>\n</html>\n"
    )


def encode_data(data: dict[str, Any]) -> str:
    """`data` as the page embeds it: compact JSON, gzip (fixed timestamp), base64."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return base64.b64encode(gzip.compress(text.encode("utf-8"), 9, mtime=0)).decode("ascii")


def decode_data(page: str) -> dict[str, Any]:
    """The data a page written by `render_html` embeds (for tests and tools)."""
    start = page.index(">", page.index('id="report-data"')) + 1
    payload = page[start : page.index("</script>", start)]
    data: dict[str, Any] = json.loads(gzip.decompress(base64.b64decode(payload)))
    return data


# --- the data the script renders ---------------------------------------------------------


class PageData:
    """The files, rules, source lines and findings of a report, as the page's script reads
    them, and the fix statistics of the summary."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.paths: dict[str, int] = {}
        self.kinds: list[str] = []
        self._kinds: dict[str, str] = {}
        self.lines: dict[int, dict[int, str]] = {}
        self.masks: dict[tuple[int, int], list[tuple[int, int]]] = {}
        self.rules: dict[str, dict[str, str]] = {}
        self.fixable = Fixable(report)
        self.rows = [self.finding(finding) for finding in report.findings]
        self.rows += [self.finding(finding) for finding in report.suppressed]

    def kind(self, path: str) -> str:
        """The kind of the file at `path` as the page groups it: its source's kind;
        `helm-chart` for a chart's other files (templates, values), which are read as
        parts of their chart; `other` for a file that was not read."""
        if path not in self._kinds:
            source = self.report.sources.get(path)
            kind = source.kind if source is not None else None
            if kind is None and source is not None:
                for folder in PurePosixPath(path).parents:
                    chart = self.report.sources.get((folder / "Chart.yaml").as_posix())
                    if chart is not None and chart.kind == "helm-chart":
                        kind = chart.kind
                        break
            self._kinds[path] = kind or OTHER_KIND
        return self._kinds[path]

    def file(self, path: str) -> int:
        """The index of `path` in the page's file table."""
        if path not in self.paths:
            self.paths[path] = len(self.paths)
            self.kinds.append(self.kind(path))
        return self.paths[path]

    def keep_lines(self, path: str, first: int, last: int) -> int:
        """Keep lines `first` to `last` of `path` (those that exist) for the page; the file's
        index."""
        index = self.file(path)
        source = self.report.sources.get(path)
        if source is None:
            return index
        try:
            count = len(source.lines)
        except Exception:  # the file vanished or became unreadable after parsing
            return index
        kept = self.lines.setdefault(index, {})
        for number in range(max(1, first), min(count, last) + 1):
            if number in kept:
                continue
            excerpt = self.report.excerpt(path, number)
            if excerpt is not None:
                kept[number], self.masks[index, number] = excerpt
        return index

    def marked(self, index: int, line: int, column: int, end: bool) -> int:
        """A 1-based `column` of `line` as a 0-based column of the line shown (secret values
        masked); a span ending inside a mask covers all of it."""
        masked = self.masks.get((index, line), [])
        shown = moved(max(0, column - 1), masked)
        if end and any(begin < column - 1 < until for begin, until in masked):
            shown += len(MASK)
        return shown

    def rule(self, finding: Finding) -> None:
        """Keep the doc of `finding`'s rule for the page, once per rule."""
        if finding.code in self.rules:
            return
        from opslint.docs import help_uri

        rule = self.report.rule(finding.code)
        entry = {"name": finding.name}
        if rule is not None:
            entry["summary"] = rule.summary
            entry["url"] = help_uri(rule)
        self.rules[finding.code] = entry

    def finding(self, finding: Finding) -> dict[str, Any]:
        """One finding as the page's script reads it (keys short: a report may hold
        thousands)."""
        span = finding.span
        shown_end = min(span.end_line, span.line + SPAN_LINES - 1)
        index = self.keep_lines(span.path, span.line - CONTEXT_LINES, shown_end + CONTEXT_LINES)
        self.rule(finding)
        row: dict[str, Any] = {
            "f": index,
            "l": span.line,
            "c": span.column,
            "el": span.end_line,
            "ec": span.end_column,
            "r": finding.code,
            "s": str(finding.severity),
            "m": finding.message,
        }
        marks = [self.marked(index, span.line, span.column, False)]
        marks.append(self.marked(index, span.end_line, span.end_column, True))
        if marks != [span.column - 1, span.end_column - 1]:
            row["x"] = marks
        if finding.help:
            row["h"] = finding.help
        if finding.logical:
            row["o"] = finding.logical
        if finding.related:
            row["rel"] = [
                [
                    self.keep_lines(item.span.path, item.span.line, item.span.line),
                    item.span.line,
                    item.span.column,
                    item.message,
                ]
                for item in finding.related
            ]
        if finding.fix is not None and finding.fix.edits:
            row["fix"] = {
                "t": finding.fix.title,
                "a": finding.fix.applicability.value,
                "d": self.fixable.diff(finding),
            }
        if finding.suppressed:
            reason, origin = (*finding.suppressed, "", "")[:2]
            row["sup"] = [reason, origin]
        return row

    def json(self) -> dict[str, Any]:
        """Everything the script renders."""
        return {
            "files": list(self.paths),
            "kinds": self.kinds,
            "lines": {str(index): lines for index, lines in self.lines.items()},
            "rules": self.rules,
            "findings": {key: [row.get(key) for row in self.rows] for key in COLUMNS},
            "suppressedShown": self.report.show_suppressed,
        }


class Fixable:
    """What the report's fixes would change: each fix as a diff, and the files that
    `opslint fix` would change, from the fixes it would apply in its first pass."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self._files: dict[str, tuple[str, LineBreaks, Sequence[int]]] = {}

    def file(self, path: str) -> tuple[str, LineBreaks, Sequence[int]]:
        """The text of `path` (empty when it was not read, or cannot be any more), how its
        lines break, and where each line starts."""
        if path not in self._files:
            from opslint.model.lines import LineIndex, breaks_for

            source = self.report.sources.get(path)
            breaks = breaks_for(source.kind if source is not None else None)
            try:
                text = source.text if source is not None else ""
            except Exception:  # the file vanished or became unreadable after parsing
                text = ""
            self._files[path] = (text, breaks, LineIndex(text, breaks).starts)
        return self._files[path]

    def diff(self, finding: Finding) -> str:
        """A unified diff of applying `finding`'s fix alone (secret values masked in a
        redacted report), empty when the fix would not apply to the text; without the
        `---`/`+++` header when it changes the finding's own file only."""
        assert finding.fix is not None
        by_path: dict[str, list[Edit]] = {}
        for edit in finding.fix.edits:
            by_path.setdefault(edit.span.path, []).append(edit)
        diffs = [self.file_diff(path, finding, edits) for path, edits in sorted(by_path.items())]
        if list(by_path) == [finding.span.path] and diffs[0]:
            return diffs[0].split("\n", 2)[2]  # the card names the file: no `---`/`+++` lines
        return "".join(diffs)

    def file_diff(self, path: str, finding: Finding, edits: list[Edit]) -> str:
        """The diff of `edits` to `path`, as `opslint fix --diff` would show it alone.

        It is computed on the lines the edits and their anchors span and `DIFF_CONTEXT`
        lines around them, with the hunks' line numbers moved back to the file's, at a
        cost that does not grow with the file (one of thousands of fixable findings).
        Where a change could be aligned in more than one way (an inserted blank line
        beside another), its hunk may differ from the whole file's diff, never in effect."""
        from opslint.engine.fixer import FileChange, apply_edits

        text, breaks, starts = self.file(path)
        spans = [edit.span for edit in edits] + [e.anchor.span for e in edits if e.anchor]
        first = max(1, min(span.line for span in spans) - DIFF_CONTEXT)
        last = max(span.end_line for span in spans) + DIFF_CONTEXT
        begin = starts[first - 1] if first <= len(starts) else len(text)
        window = text[begin : starts[last] if last < len(starts) else len(text)]
        shifted = tuple(_shifted(edit, 1 - first) for edit in edits)
        after, _ = apply_edits(window, [(finding, shifted)], breaks)
        if after == window:
            return ""
        secrets = self.report.secrets if self.report.redacted else None
        diff = FileChange(Path(path), path, window, after, breaks=breaks).diff(secrets)
        return _HUNK.sub(lambda hunk: _hunk_moved(hunk, first - 1), diff) if first > 1 else diff

    def summary(self) -> tuple[int, int, int]:
        """How many files `opslint fix` would change with the safe fixes of one pass, how
        many findings have a safe fix, and how many an unsafe one only."""
        from opslint.engine.fixer import NOT_FIXABLE_KINDS, apply_edits

        safe: dict[str, list[tuple[Finding, tuple[Edit, ...]]]] = {}
        safe_count = unsafe_count = 0
        for finding in self.report.findings:
            fix = finding.fix
            if fix is None or not fix.edits:
                continue
            if fix.applicability is not Applicability.SAFE:
                unsafe_count += 1
                continue
            safe_count += 1
            targets = {edit.span.path for edit in fix.edits}
            source = self.report.sources.get(next(iter(targets)))
            if len(targets) == 1 and (source is None or source.kind not in NOT_FIXABLE_KINDS):
                safe.setdefault(targets.pop(), []).append((finding, fix.edits))
        files = 0
        for path, edits in safe.items():
            text, breaks, _ = self.file(path)
            if apply_edits(text, edits, breaks)[0] != text:
                files += 1
        return files, safe_count, unsafe_count


_HUNK = re.compile(r"^@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@", flags=re.MULTILINE)


def _hunk_moved(hunk: re.Match[str], lines: int) -> str:
    """A unified diff's hunk header with its line numbers `lines` further down."""
    old, old_count, new, new_count = hunk.groups()
    return f"@@ -{int(old) + lines}{old_count or ''} +{int(new) + lines}{new_count or ''} @@"


def _shifted(edit: Edit, lines: int) -> Edit:
    """`edit`, and its anchor, moved `lines` lines down (up when negative)."""

    def moved(span: Span) -> Span:
        return replace(span, line=span.line + lines, end_line=span.end_line + lines)

    anchor = edit.anchor
    return replace(
        edit,
        span=moved(edit.span),
        anchor=replace(anchor, span=moved(anchor.span)) if anchor is not None else None,
    )


# --- the markup written here -------------------------------------------------------------


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _findings_phrase(count: int) -> str:
    return _plural(count, "finding")


def _header(report: Report) -> str:
    meta = [
        f"opslint {escape(__version__)}",
        _plural(report.files_checked, "file") + " checked",
        f"{report.seconds:.2f} s",
    ]
    return (
        '<header class="top">\n<h1>opslint report</h1>\n'
        f'<p class="meta">{" · ".join(meta)}</p>\n</header>\n'
    )


def _summary(report: Report, data: PageData) -> str:
    counts = report.counts()
    totals = [
        f'<li class="total"><span class="number" id="total-findings">{len(report.findings):,}'
        f"</span> {'finding' if len(report.findings) == 1 else 'findings'}</li>"
    ]
    for level in SEVERITIES:
        totals.append(
            f'<li class="sev-{level}"><span class="number" id="total-{level}">'
            f"{counts[level]:,}</span> {level}</li>"
        )
    totals.append(
        f'<li><span class="number" id="total-suppressed">{len(report.suppressed):,}</span> '
        "suppressed</li>"
    )
    if report.baselined:
        totals.append(
            f'<li><span class="number" id="total-baselined">{report.baselined:,}</span> '
            "in baseline</li>"
        )
    by_kind = Counter(data.kind(finding.span.path) for finding in report.findings)
    by_rule = Counter(finding.code for finding in report.findings)
    names = {finding.code: finding.name for finding in report.findings}
    severity_rows = [
        (str(level), counts[level], f"sev={level}", f"sev-{level}") for level in SEVERITIES
    ]
    kind_rows = [(kind, n, f"kind={kind}", "bar") for kind, n in _ranked(by_kind)]
    rule_rows = [
        (f"{code} {names[code]}", n, f"rule={code}", "bar") for code, n in _ranked(by_rule)
    ]
    charts = "".join(
        _chart(title, ident, rows)
        for title, ident, rows in (
            ("By severity", "chart-severity", severity_rows),
            ("By kind", "chart-kind", _folded(kind_rows, "kinds")),
            ("By rule", "chart-rule", _folded(rule_rows, "rules")),
        )
    )
    return (
        '<section id="summary" aria-labelledby="summary-title">\n'
        '<h2 id="summary-title">Summary</h2>\n'
        f'<ul class="totals">{"".join(totals)}</ul>\n'
        f'<div class="charts">{charts}</div>\n'
        f'<div class="columns">{_top_files(report)}{_fixes(data)}</div>\n'
        f"{_notes(report)}</section>\n"
    )


def _ranked(counts: Counter[str]) -> list[tuple[str, int]]:
    """Most first, then by name."""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


Row = tuple[str, int, str, str]
"""A chart's bar: label, count, the fragment it links to (empty: none), CSS class."""


def _folded(rows: list[Row], noun: str) -> list[Row]:
    """The first `CHART_ROWS` rows, and one for the rest."""
    if len(rows) <= CHART_ROWS:
        return rows
    rest = rows[CHART_ROWS - 1 :]
    label = f"{len(rest)} other {noun}"
    return [*rows[: CHART_ROWS - 1], (label, sum(row[1] for row in rest), "", "")]


def _chart(title: str, ident: str, rows: list[Row]) -> str:
    """A horizontal bar chart in inline SVG; each bar links to its filter."""
    heading = f'<figure class="chart" id="{ident}"><figcaption>{escape(title)}</figcaption>'
    if not any(count for _, count, _, _ in rows):
        return f'{heading}<p class="empty">No findings.</p></figure>'
    row_height, label_width, bar_width, width = 22, 175, 130, 360
    top = max(count for _, count, fragment, _ in rows if fragment)
    parts = []
    for position, (label, count, fragment, css) in enumerate(rows):
        y = position * row_height
        length = 0 if count == 0 or not fragment else max(2, round(bar_width * count / top))
        shown = label if len(label) <= 28 else label[:27] + "…"
        body = (
            f'<rect x="0" y="{y}" width="{width}" height="{row_height}" class="row"/>'
            f'<text x="0" y="{y + 15}" class="label">{escape(shown)}</text>'
            f'<rect x="{label_width}" y="{y + 4}" width="{length}" height="14" '
            f'class="{css}" rx="2"/>'
            f'<text x="{label_width + length + 6}" y="{y + 15}" class="count">{count:,}</text>'
        )
        if fragment and count:
            tip = f"{label}: {_findings_phrase(count)}; show only these"
            body = (
                f'<a href="#{escape(_fragment(fragment))}" aria-label="{escape(tip)}">'
                f"<title>{escape(tip)}</title>{body}</a>"
            )
        else:
            body = f"<g><title>{escape(label)}: {_findings_phrase(count)}</title>{body}</g>"
        parts.append(body)
    height = row_height * len(rows)
    return (
        f'{heading}<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="group" aria-label="{escape(title)}">{"".join(parts)}</svg></figure>'
    )


def _fragment(pair: str) -> str:
    """`key=value` as a URL fragment the script reads (the value percent-encoded)."""
    from urllib.parse import quote

    key, _, value = pair.partition("=")
    return f"{key}={quote(value, safe='')}"


def _top_files(report: Report) -> str:
    ranked = _ranked(Counter(finding.span.path for finding in report.findings))[:TOP_FILES]
    items = "".join(
        f'<li><a href="#{escape(_fragment("open=" + path))}">{escape(path)}</a> '
        f'<span class="count">{count:,}</span></li>'
        for path, count in ranked
    )
    listing = f"<ol>{items}</ol>" if ranked else "<p>None.</p>"
    return f'<section class="top-files"><h3>Files with the most findings</h3>{listing}</section>'


def _fixes(data: PageData) -> str:
    files, safe, unsafe = data.fixable.summary()
    lines = [
        f'<p id="fix-files"><code>opslint fix</code> would change <strong>'
        f"{_plural(files, 'file')}</strong>.</p>",
        f"<p>{_plural(safe, 'finding')} with a safe fix, {unsafe:,} with an unsafe one "
        "(applied with <code>--unsafe-fixes</code>).</p>",
    ]
    return f'<section class="fixable"><h3>Fixable</h3>{"".join(lines)}</section>'


def _notes(report: Report) -> str:
    if not report.notes:
        return ""
    items = "".join(f"<li>{escape(note)}</li>" for note in report.notes)
    return f'<section class="notes"><h3>Notes</h3><ul>{items}</ul></section>\n'


def _findings_section(report: Report) -> str:
    severity_buttons = "".join(
        f'<button type="button" class="toggle sev-{level}" data-severity="{level}" '
        f'aria-pressed="true">{level}</button>'
        for level in SEVERITIES
    )
    suppressed = len(report.suppressed)
    return (
        '<section id="findings" aria-labelledby="findings-title">\n'
        '<h2 id="findings-title">Findings</h2>\n'
        '<div class="filters" role="search" aria-label="Filter findings">'
        f'<div role="group" aria-label="Severity" class="severities">{severity_buttons}</div>'
        '<label>Kind <select id="filter-kind"><option value="">all</option></select></label>'
        '<label>Rule <select id="filter-rule"><option value="">all</option></select></label>'
        '<label>Text <input type="search" id="filter-text" placeholder="message, path, rule">'
        "</label>"
        '<label class="check"><input type="checkbox" id="filter-suppressed"> '
        f"Show suppressed ({suppressed:,})</label>"
        '<button type="button" id="expand-all">Expand all</button>'
        '<button type="button" id="collapse-all">Collapse all</button>'
        '<button type="button" id="reset">Reset filters</button>'
        "</div>\n"
        '<p id="shown" aria-live="polite">Loading the findings…</p>\n'
        "<noscript><p>The findings list needs JavaScript; the JSON format "
        "(<code>opslint check -f json</code>) holds the same data.</p></noscript>\n"
        '<div id="files"></div>\n</section>\n'
    )


opslint_report_formats, opslint_report = format_hooks({"html": write_html})
