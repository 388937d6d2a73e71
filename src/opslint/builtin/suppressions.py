"""The builtin suppression plugin: inline comments and Kubernetes annotations.

Grammar, for every format with comments (``#``; HCL also ``//``)::

    # opslint: ignore[CODE, name, ...] reason   (own line: next line; trailing: its line)
    # opslint: ignore-file[CODE, ...] reason    (the whole file)

Kubernetes objects also take the annotation ``opslint.io/ignore: "CODE,CODE"``, which
survives Helm rendering; documents expose those through `Document.scoped_suppressions`.

The suppressions of the tools teams migrate from are honoured for the opslint rules that
list the suppressed check among their peers (`peer-suppressions` in config turns them
off, wholly or per tool):

    # hadolint ignore=DL3008,DL3009          the next instruction
    # hadolint global ignore=DL3008          the whole file
    # checkov:skip=CKV_K8S_14:reason         the enclosing resource or object (Dockerfile: file)
    # tflint-ignore: rule_a, rule_b          the next line (a block, when above its header)
    # tflint-ignore-file: rule_a             the whole file
    # zizmor: ignore[unpinned-uses]          its line (or the next, on a line of its own)
    ignore-check.kube-linter.io/<check>      (annotation) the object
    checkov.io/skip1: CKV_K8S_20=reason      (annotation) the object
"""

from __future__ import annotations

import heapq
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from opslint.config import Config
from opslint.model.base import Finding, Span
from opslint.model.source import Document, SourceError
from opslint.model.suppression import Suppression
from opslint.parsers.errors import describe
from opslint.plugins import hookimpl
from opslint.run import Run

COMMENT = re.compile(
    r"(?:#|//)\s*opslint:\s*(?P<verb>ignore-file|ignore)\s*(?:\[(?P<codes>[^\]]*)\])?\s*(?P<reason>.*)$"
)
"""An opslint suppression comment: its verb, the codes it names and its reason."""


def split_codes(text: str) -> tuple[str, ...]:
    """Codes from a comma- or space-separated list."""
    return tuple(code for code in re.split(r"[,\s]+", text.strip()) if code)


def comment_suppressions(document: Document) -> list[Suppression]:
    """The suppression comments of one document's source."""
    found: list[Suppression] = []
    source = document.source
    try:
        if "opslint:" not in source.text:
            return found
    except SourceError:  # unreadable: its OP001 problem is all there is to report
        return found
    lines = source.lines
    following: list[int] | None = None
    for index, text in enumerate(lines):
        if "opslint:" not in text:
            continue
        match = COMMENT.search(text)
        if not match:
            continue
        number = index + 1
        span = Span(source.display, number, match.start() + 1, number, len(text.rstrip()) + 1)
        codes = split_codes(match.group("codes") or "")
        reason = match.group("reason").strip()
        if match.group("verb") == "ignore-file":
            found.append(Suppression(span, codes, 1, len(lines), reason, "file"))
            continue
        last = number
        if not text[: match.start()].strip():  # a comment of its own: covers the next line
            following = following or next_code_lines(lines)
            last = following[index + 1] or number
        found.append(Suppression(span, codes, number, document.block_end(last), reason, "line"))
    return found


_PEER_COMMENTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "hadolint",
        re.compile(r"^\s*#\s*hadolint\s+(?P<global>global\s+)?ignore=(?P<codes>[\w\-, ]+)"),
    ),
    ("checkov", re.compile(r"#\s*checkov:skip=(?P<codes>[\w\-]+)(?::(?P<reason>.*))?")),
    (
        "tflint",
        re.compile(
            r"(?:#|//)\s*tflint-ignore(?P<file>-file)?:\s*(?P<codes>[\w\-]+(?:\s*,\s*[\w\-]+)*)(?P<reason>.*)"
        ),
    ),
    ("zizmor", re.compile(r"#\s*zizmor:\s*ignore\[(?P<codes>[^\]]*)\](?P<reason>.*)")),
)
_PEER_MARKERS = ("hadolint", "checkov:skip", "tflint-ignore", "zizmor:")


def peer_comment_suppressions(document: Document, tools: tuple[str, ...]) -> list[Suppression]:
    """The suppression comments of peer tools in one document's source."""
    found: list[Suppression] = []
    try:
        text = document.source.text
    except SourceError:
        return found
    if not tools or not any(marker in text for marker in _PEER_MARKERS):
        return found
    lines = document.source.lines
    following: list[int] = []
    for index, line in enumerate(lines):
        for tool, pattern in _PEER_COMMENTS:
            if tool not in tools:
                continue
            match = pattern.search(line)
            if match is None or not _in_comment(line, match.start()):
                continue
            number = index + 1
            span = Span(document.path, number, match.start() + 1, number, len(line.rstrip()) + 1)
            codes = split_codes(match.group("codes"))
            if tool == "tflint" and codes == ("all",):
                codes = ()
            groups = match.groupdict()
            reason = (groups.get("reason") or "").strip().lstrip("#/ ").strip()
            following = following or next_code_lines(lines)
            first, last, scope = _peer_reach(document, tool, match, lines, index, following)
            found.append(Suppression(span, codes, first, last, reason, scope, tool=tool))
    return found


def next_code_lines(lines: Sequence[str]) -> list[int]:
    """For each 0-based index (and one past the end), the 1-based number of the first line
    from there on that is neither blank nor a comment; 0 when there is none."""
    following = [0] * (len(lines) + 1)
    for index in range(len(lines) - 1, -1, -1):
        text = lines[index]
        code = text.strip() and not text.lstrip().startswith(("#", "//"))
        following[index] = index + 1 if code else following[index + 1]
    return following


def _in_comment(line: str, start: int) -> bool:
    """True when a marker at `start` is inside a comment, not inside a string value."""
    before = line[:start]
    return before.count('"') % 2 == 0 and before.count("'") % 2 == 0


def _peer_reach(
    document: Document,
    tool: str,
    match: re.Match[str],
    lines: Sequence[str],
    index: int,
    following: list[int],
) -> tuple[int, int, str]:
    """First line, last line and scope a peer's comment covers, as that tool reads it."""
    number = index + 1
    groups = match.groupdict()
    whole_file = (1, len(lines), "file")
    if groups.get("global") or groups.get("file"):
        return whole_file
    if tool == "checkov":
        if document.kind == "dockerfile":
            return whole_file
        enclosing = document.enclosing_lines(number)
        if enclosing is not None:
            return (*enclosing, "object")
    own_line = not lines[index][: match.start()].strip()
    if not own_line:
        return number, number, "line"
    return number, document.block_end(following[index + 1] or number), "line"


def translate(suppression: Suppression, peer_codes: dict[tuple[str, str], tuple[str, ...]]) -> None:
    """Give a peer's suppression the opslint codes its checks stand for."""
    if suppression.tool == "opslint":
        return
    if not suppression.codes:  # `tflint-ignore: all`, `ignore-all-checks.kube-linter.io`
        suppression.targets = tuple(
            sorted(
                {
                    c
                    for (tool, _), codes in peer_codes.items()
                    if tool == suppression.tool
                    for c in codes
                }
            )
        )
        return
    suppression.targets = tuple(
        dict.fromkeys(
            code
            for peer in suppression.codes
            for code in peer_codes.get((suppression.tool, peer), ())
        )
    )


def _suppressions(document: Document, tools: tuple[str, ...]) -> list[Suppression]:
    """Every suppression of one document: opslint's and its peers' comments, annotations."""
    scoped = [s for s in document.scoped_suppressions() if s.tool == "opslint" or s.tool in tools]
    return [
        *comment_suppressions(document),
        *peer_comment_suppressions(document, tools),
        *scoped,
    ]


@hookimpl
def opslint_adjust_findings(findings: list[Finding], run: Run, config: Config) -> None:
    """Mark the findings an inline comment or annotation suppresses."""
    tools = config.peer_suppressions
    by_path: dict[str, list[Suppression]] = {}
    for document in run.documents:
        try:
            document.suppressions = _suppressions(document, tools)
        except Exception as error:  # one file's suppressions, not every file's
            run.notes.append(
                f"{document.path}:1:1: reading its suppressions failed: {describe(error)}"
            )
            continue
        for suppression in document.suppressions:
            translate(suppression, run.peer_codes)
        if document.suppressions:
            by_path[document.path] = document.suppressions
    for position, suppression in first_covering(findings, by_path).items():
        finding = findings[position]
        matched = next(c for c in suppression.applies_to if c in (finding.code, finding.name))
        suppression.used.add(matched)
        reason = suppression.reason or f"{suppression.scope} suppression"
        findings[position] = replace(finding, suppressed=(reason, suppression.origin))


def first_covering(
    findings: list[Finding], by_path: dict[str, list[Suppression]]
) -> dict[int, Suppression]:
    """For each finding (by position) that a suppression silences, the first such
    suppression in its file's list: one that covers its line and names its code or name.

    One sweep per file and code over the findings and suppressions in line order, keeping
    the suppressions in reach on a heap by list position: linear in their numbers (times a
    logarithm), where trying every suppression on every finding was quadratic.
    """
    wanted: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for position, finding in enumerate(findings):
        if finding.span.path in by_path:
            for code in dict.fromkeys((finding.code, finding.name)):
                wanted[(finding.span.path, code)].append((finding.span.line, position))
    offered: dict[tuple[str, str], list[tuple[int, int, int]]] = defaultdict(list)
    for path, suppressions in by_path.items():
        for order, suppression in enumerate(suppressions):
            if suppression.span.path != path:
                continue  # it covers lines of another file, which none of these findings is in
            for code in dict.fromkeys(suppression.applies_to):
                offered[(path, code)].append((suppression.first_line, suppression.last_line, order))
    best: dict[int, int] = {}
    for key, lines in wanted.items():
        reach = sorted(offered.get(key, ()))
        if not reach:
            continue
        active: list[tuple[int, int]] = []  # (list position, last line)
        start = 0
        for line, position in sorted(lines):
            while start < len(reach) and reach[start][0] <= line:
                _, last, order = reach[start]
                heapq.heappush(active, (order, last))
                start += 1
            while active and active[0][1] < line:
                heapq.heappop(active)  # ended above this line, so above every later one too
            if active and active[0][0] < best.get(position, len(by_path[key[0]])):
                best[position] = active[0][0]
    return {
        position: by_path[findings[position].span.path][order]
        for position, order in sorted(best.items())
    }
