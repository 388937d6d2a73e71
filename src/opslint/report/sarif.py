"""The SARIF 2.1.0 reporter, shaped for GitHub code scanning.

The log is built from `sarif_om` objects (imported only when this format is written) and
serialised by walking them: each attrs field is written under its schema property name,
and fields left at None or at their default are dropped. One run holds every result;
rule metadata comes from the rule docstrings, as `opslint rule CODE` prints them. A
finding's help line is the result's `properties.help` (SARIF has no per-result help, and
`message.markdown` must say what `message.text` says).

Columns are counted in UTF-16 code units (`columnKind: utf16CodeUnits`), and every result
carries `partialFingerprints.primaryLocationLineHash`, computed the way GitHub's
upload-sarif action computes it, so alerts keep their identity when lines move.
"""

from __future__ import annotations

import os.path
from pathlib import Path
from typing import IO, TYPE_CHECKING
from urllib.parse import quote

from opslint import __version__
from opslint.docs import help_uri, rule_markdown
from opslint.jsondata import Json
from opslint.model.base import Finding, Span
from opslint.report import Report, dump_json, format_hooks
from opslint.rule import Rule
from opslint.severity import Severity

if TYPE_CHECKING:
    import sarif_om as om

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/opslint/opslint"
AUTOMATION_ID = "opslint/"
SOURCE_ROOT = "%SRCROOT%"
MAX_DESCRIPTION = 1024
MAX_NAME = 255
MAX_TAGS = 10

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
PROBLEM_SEVERITY = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "recommendation",
}

_KEEP_DEFAULTS = frozenset({"level"})
"""Properties written even at their schema default, so a reader never has to infer them."""

# --- the line hash of GitHub's upload-sarif -----------------------------------------------

_WINDOW = 100
_BASE = 37
_MASK = (1 << 64) - 1
_END_OF_FILE = 0xFFFF
_BASE_POWER = pow(_BASE, _WINDOW, 1 << 64)


def _utf16_units(text: str) -> list[int]:
    """The UTF-16 code units of `text` (a character outside the BMP gives a surrogate pair)."""
    data = text.encode("utf-16-le", "surrogatepass")
    return [data[i] | (data[i + 1] << 8) for i in range(0, len(data), 2)]


def line_hashes(text: str) -> dict[int, str]:
    """`primaryLocationLineHash` of every line of `text` (1-based line number to value).

    The hash of a line is a polynomial hash, base 37 modulo 2**64, of the 100 characters
    that follow the start of the line once spaces and tabs are dropped; line ends count
    as one LF whether written LF, CRLF or CR, and the end of the file as U+FFFF followed
    by zeros. Indentation therefore never changes a hash, and lines further than 100
    characters below never do either. The value is the hash in lower-case hexadecimal,
    a colon, and how many times that hash has been seen so far in the file (1 for the
    first), which tells identical lines apart.
    """
    stream: list[int] = []
    starts: list[tuple[int, int]] = []
    at_line_start = True
    after_cr = False
    line = 0
    for unit in (*_utf16_units(text), _END_OF_FILE):
        if unit in (0x20, 0x09) or (after_cr and unit == 0x0A):
            after_cr = False
            continue
        after_cr = unit == 0x0D
        if after_cr:
            unit = 0x0A
        if at_line_start:
            at_line_start = False
            line += 1
            starts.append((line, len(stream)))
        if unit == 0x0A:
            at_line_start = True
        stream.append(unit)
    stream.extend([0] * _WINDOW)
    window_hash: list[int] = []
    value = 0
    for position, unit in enumerate(stream):
        leaving = stream[position - _WINDOW] if position >= _WINDOW else 0
        value = (value * _BASE + unit - _BASE_POWER * leaving) & _MASK
        if position >= _WINDOW - 1:
            window_hash.append(value)
    seen: dict[str, int] = {}
    result: dict[int, str] = {}
    for number, start in starts:
        digest = format(window_hash[start], "x")
        seen[digest] = seen.get(digest, 0) + 1
        result[number] = f"{digest}:{seen[digest]}"
    return result


class LineHasher:
    """Line hashes of the report's files, computed once per file (over the masked text
    when the report is redacted, so a secret's rotation keeps the alerts' identity)."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self._cache: dict[str, dict[int, str] | None] = {}

    def __call__(self, path: str, line: int) -> str | None:
        """The hash of `line` of `path`, or None when the file's text is not at hand."""
        if path not in self._cache:
            source = self.report.sources.get(path)
            hashes: dict[int, str] | None = None
            if source is not None:
                try:
                    text = source.text
                    if self.report.redacted:  # a hash of a short secret can be reversed
                        text = self.report.secrets.file_text(path, text)
                    hashes = line_hashes(text)
                except Exception:  # the file vanished or became unreadable after parsing
                    hashes = None
            self._cache[path] = hashes
        hashes = self._cache[path]
        return hashes.get(line) if hashes is not None else None


# --- paths and columns ----------------------------------------------------------------


def artifact_uri(path: str, base: Path | None = None) -> tuple[str, str | None]:
    """The artifact URI of a report path, and its `uriBaseId`.

    Paths below the working directory become relative POSIX URIs against `%SRCROOT%`;
    anything else keeps an absolute `file://` URI.
    """
    root = (base or Path.cwd()).absolute()
    candidate = Path(path)
    absolute = candidate if candidate.is_absolute() else root / candidate
    try:
        relative = Path(_normalise(absolute)).relative_to(_normalise(root))
    except ValueError:
        return Path(_normalise(absolute)).as_uri(), None
    return quote(relative.as_posix(), safe="/"), SOURCE_ROOT


def _normalise(path: Path) -> str:
    """`path` with `.` and `..` folded, without touching the disk."""
    return os.path.normpath(path)


def utf16_column(line_text: str, column: int) -> int:
    """A 1-based code-point column of `line_text` as a 1-based UTF-16 code-unit column."""
    before = line_text[: max(0, column - 1)]
    beyond = max(0, column - 1 - len(before))
    return 1 + sum(2 if ord(char) > 0xFFFF else 1 for char in before) + beyond


# --- rule metadata --------------------------------------------------------------------


def _clip(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def first_paragraph(text: str) -> str:
    """The first paragraph of a section of a rule docstring, on one line."""
    lines: list[str] = []
    for line in text.split("\n"):
        if not line.strip() or line.startswith("#"):
            break
        lines.append(line.strip())
    return " ".join(lines)


def rule_tags(rule: Rule) -> list[str]:
    """The rule's tags, its `opslint/<kind>` tags, then its peers: at most ten, no repeats."""
    kinds = [f"opslint/{kind if kind != '*' else 'cross-format'}" for kind in rule.kinds]
    tags: list[str] = []
    for tag in (*rule.spec.tags, *kinds, *rule.spec.peers):
        if tag and tag not in tags:
            tags.append(tag)
    return tags[:MAX_TAGS]


def _severity_of(report: Report, rule: Rule) -> Severity:
    configured = report.config.severity
    return configured.get(rule.code) or configured.get(rule.spec.name) or rule.spec.severity


def rule_descriptor(report: Report, rule: Rule) -> om.ReportingDescriptor:
    """The `reportingDescriptor` of one rule."""
    import sarif_om as om

    severity = _severity_of(report, rule)
    summary = rule.summary or f"{rule.code} {rule.spec.name}"
    full = first_paragraph(rule.sections.get("What it does", "")) or summary
    markdown = rule_markdown(rule)
    properties: dict[str, object] = {
        "tags": rule_tags(rule),
        "precision": "medium" if "heuristic" in rule.spec.tags else "high",
        "problem.severity": PROBLEM_SEVERITY[severity],
    }
    if rule.spec.peers:
        # tags stop at ten (code scanning's limit); every peer is listed here
        properties["peers"] = list(rule.spec.peers)
    if rule.spec.security_severity is not None:
        properties["security-severity"] = f"{rule.spec.security_severity:.1f}"
    return om.ReportingDescriptor(
        id=rule.code,
        name=_clip(rule.spec.name, MAX_NAME),
        short_description=om.MultiformatMessageString(text=_clip(summary, MAX_DESCRIPTION)),
        full_description=om.MultiformatMessageString(text=_clip(full, MAX_DESCRIPTION)),
        help=om.MultiformatMessageString(text=markdown, markdown=markdown),
        help_uri=help_uri(rule),
        default_configuration=om.ReportingConfiguration(level=LEVELS[severity]),
        properties=properties,
    )


def _bare_descriptor(finding: Finding) -> om.ReportingDescriptor:
    """A descriptor for a finding whose rule did not run (a parser problem, a plugin's)."""
    import sarif_om as om

    text = f"{finding.code} {finding.name}".strip()
    return om.ReportingDescriptor(
        id=finding.code,
        name=_clip(finding.name or finding.code, MAX_NAME),
        short_description=om.MultiformatMessageString(text=text),
        full_description=om.MultiformatMessageString(text=text),
        help=om.MultiformatMessageString(text=text),
        default_configuration=om.ReportingConfiguration(level=LEVELS[finding.severity]),
        properties={"tags": ["opslint"], "problem.severity": PROBLEM_SEVERITY[finding.severity]},
    )


# --- results --------------------------------------------------------------------------


class _Builder:
    def __init__(self, report: Report) -> None:
        self.report = report
        self.hasher = LineHasher(report)
        self.uris: dict[str, tuple[str, str | None]] = {}

    def artifact(self, path: str) -> om.ArtifactLocation:
        import sarif_om as om

        if path not in self.uris:
            self.uris[path] = artifact_uri(path)
        uri, base = self.uris[path]
        return om.ArtifactLocation(uri=uri, uri_base_id=base)

    def _line(self, path: str, number: int) -> str:
        source = self.report.sources.get(path)
        if source is None:
            return ""
        try:
            return source.line(number)
        except Exception:  # unreadable after parsing: keep code-point columns
            return ""

    def region(self, span: Span) -> om.Region:
        import sarif_om as om

        line = max(1, span.line)
        end_line = max(line, span.end_line)
        column = utf16_column(self._line(span.path, line), max(1, span.column))
        end_column = utf16_column(self._line(span.path, end_line), max(1, span.end_column))
        if end_line == line:
            end_column = max(column, end_column)
        return om.Region(
            start_line=line, start_column=column, end_line=end_line, end_column=end_column
        )

    def location(
        self, span: Span, message: str | None = None, ident: int | None = None
    ) -> om.Location:
        import sarif_om as om

        return om.Location(
            id=ident,
            physical_location=om.PhysicalLocation(
                artifact_location=self.artifact(span.path), region=self.region(span)
            ),
            message=om.Message(text=message) if message else None,
        )

    def fixes(self, finding: Finding) -> list[om.Fix] | None:
        import sarif_om as om

        if finding.fix is None or not finding.fix.edits:
            return None
        by_path: dict[str, list[om.Replacement]] = {}
        for edit in finding.fix.edits:
            by_path.setdefault(edit.span.path, []).append(
                om.Replacement(
                    deleted_region=self.region(edit.span),
                    inserted_content=om.ArtifactContent(text=edit.text),
                )
            )
        changes = [
            om.ArtifactChange(artifact_location=self.artifact(path), replacements=replacements)
            for path, replacements in by_path.items()
        ]
        return [
            om.Fix(
                description=om.Message(text=finding.fix.title),
                artifact_changes=changes,
                properties={"applicability": finding.fix.applicability.value},
            )
        ]

    def result(self, finding: Finding, index: int) -> om.Result:
        import sarif_om as om

        primary = self.location(finding.span)
        if finding.logical:
            primary.logical_locations = [om.LogicalLocation(fully_qualified_name=finding.logical)]
        line_hash = self.hasher(finding.span.path, max(1, finding.span.line))
        suppressions = None
        if finding.suppressed:
            suppressions = [om.Suppression(kind="inSource", justification=finding.suppressed[0])]
        related = [
            self.location(item.span, item.message, number)
            for number, item in enumerate(finding.related, start=1)
        ]
        return om.Result(
            rule_id=finding.code,
            rule_index=index,
            level=LEVELS[finding.severity],
            message=om.Message(text=finding.message or f"{finding.code} {finding.name}"),
            locations=[primary],
            partial_fingerprints={"primaryLocationLineHash": line_hash} if line_hash else None,
            related_locations=related or None,
            fixes=self.fixes(finding),
            suppressions=suppressions,
            properties={"help": finding.help} if finding.help else None,
        )


def build_log(report: Report) -> om.SarifLog:
    """The SARIF log of `report` as `sarif_om` objects."""
    import sarif_om as om

    descriptors = [rule_descriptor(report, rule) for rule in report.rules]
    index = {rule.code: position for position, rule in enumerate(report.rules)}
    builder = _Builder(report)
    results = []
    for finding in sorted([*report.findings, *report.suppressed], key=Finding.sort_key):
        if finding.code not in index:
            index[finding.code] = len(descriptors)
            descriptors.append(_bare_descriptor(finding))
        results.append(builder.result(finding, index[finding.code]))
    notifications = [
        om.Notification(message=om.Message(text=note), level="warning") for note in report.notes
    ]
    driver = om.ToolComponent(
        name="opslint",
        version=__version__,
        semantic_version=__version__,
        information_uri=INFORMATION_URI,
        rules=descriptors,
    )
    run = om.Run(
        tool=om.Tool(driver=driver),
        automation_details=om.RunAutomationDetails(id=AUTOMATION_ID),
        column_kind="utf16CodeUnits",
        invocations=[
            om.Invocation(
                execution_successful=True,
                tool_execution_notifications=notifications or None,
            )
        ],
        results=results,
    )
    return om.SarifLog(runs=[run], version="2.1.0", schema_uri=SCHEMA_URI)


# --- serialisation --------------------------------------------------------------------


# Not `jschema_to_python.to_json`, the same project's serialiser of `sarif_om` objects:
# - it drops a field only when it equals its attrs default, so `Location(id=None)` is written
#   `"id": null`, which the SARIF schema rejects (an integer is required);
# - it drops `level` at its default `warning`, which this log writes on every result and rule;
# - it moves each renamed property after the others and escapes non-ASCII text, so the log
#   differs in key order and bytes even where the data agree;
# - it deep-copies every object: 1.66 s against 0.29 s here for a log of 4,355 results;
# - it brings jsonpickle, which it never calls.
def to_json(value: object) -> Json:
    """Plain JSON data from `sarif_om` objects, lists, dicts and scalars.

    attrs fields are written under their `schema_property_name`; a field that is None, or
    equal to its default, is left out (except the properties in `_KEEP_DEFAULTS`).
    """
    import attr

    if attr.has(type(value)):
        return _attrs_json(value)
    if isinstance(value, dict):
        return {str(key): to_json(item) for key, item in value.items() if item is not None}
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    if isinstance(value, str | int | float | bool | None):
        return value
    raise TypeError(f"{type(value).__name__} is not JSON data")


def _attrs_json(value: object) -> dict[str, Json]:
    """`to_json` of one attrs object (a `sarif_om` object)."""
    import attr

    kind = type(value)
    if not attr.has(kind):
        raise TypeError(f"{kind.__name__} is not an attrs class")
    result: dict[str, Json] = {}
    for field in attr.fields(kind):
        item = getattr(value, field.name)
        if item is None:
            continue
        name = field.metadata.get("schema_property_name", field.name)
        default = field.default
        if isinstance(default, attr.Factory):  # type: ignore[arg-type]
            default = default.factory()
        if default is not attr.NOTHING and item == default and name not in _KEEP_DEFAULTS:
            continue
        result[name] = to_json(item)
    return result


def sarif_json(report: Report) -> dict[str, Json]:
    """The SARIF log of `report` as JSON-ready data."""
    return _attrs_json(build_log(report))


def write_sarif(report: Report, stream: IO[str]) -> None:
    """Write the SARIF format."""
    dump_json(sarif_json(report), stream)


opslint_report_formats, opslint_report = format_hooks({"sarif": write_sarif})
