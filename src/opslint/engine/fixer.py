"""`opslint fix`: apply the rules' edits, pass after pass, and write files atomically.

Rules attach a `Fix` (text edits on exact spans) to their findings; this module applies
them without ever re-serialising a file:

- every pass runs the rules on the current texts (kept in memory until the end), applies
  the edits of each file in span order and skips a fix that overlaps one already taken
  (it is tried again on the next pass, against the new text); passes repeat until nothing
  changes, at most `MAX_PASSES` times;
- a file whose fixed text no longer parses (a new OP001) keeps its previous text and the
  fixes are reported as dropped;
- a fix may create a file (a `.dockerignore`, a PodDisruptionBudget): one insertion at
  line 1, column 1 of a path that does not exist; it is never written over a file;
- at the end each changed file is written once: to a temporary file in its folder, flushed
  and fsynced, then renamed over the original with its mode kept; a file that changed on
  disk since it was read, or that lies outside the given paths, is not written; temporary
  files a killed run left behind are removed once stale (`opslint.edits.leftovers`).
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from opslint.edits.atomicwrite import write_atomically
from opslint.edits.leftovers import is_stale
from opslint.engine.runner import Session
from opslint.model.base import Applicability, Edit, Finding
from opslint.model.lines import LineBreaks, LineIndex, breaks_for
from opslint.model.source import SourceError
from opslint.report import Report
from opslint.safety.boundary import Boundary
from opslint.safety.budget import BudgetExceeded, time_budget
from opslint.safety.redact import Secrets

MAX_PASSES = 16
NOT_FIXABLE_KINDS = frozenset({"helm-template", "helm-chart", "helm-values", "terraform-state"})
"""Kinds whose findings are never edited in place (rendered Helm objects, state files)."""


@dataclass
class FileChange:
    """One file's text before and after fixing, and the fixes that made the difference."""

    path: Path
    display: str
    original: str
    text: str
    applied: list[Finding] = field(default_factory=list)
    steps: list[tuple[str, str, list[tuple[int, int]]]] = field(default_factory=list)
    """Each pass's text before and after, and the lines (first, last) its edits spanned."""
    breaks: LineBreaks = LineBreaks.YAML
    """Where the file's lines break (its format's definition)."""

    def pieces(self, text: str) -> list[str]:
        """The lines of `text` with their breaks, as the file's format breaks them."""
        return LineIndex(text, self.breaks).pieces()

    def lines_outside_edits(self) -> list[int]:
        """Lines a pass changed that none of its edits spanned (there should be none)."""
        stray: list[int] = []
        for before, after, spans in self.steps:
            matcher = difflib.SequenceMatcher(None, self.pieces(before), self.pieces(after), False)
            for tag, first, last, _, _ in matcher.get_opcodes():
                if tag == "equal":
                    continue
                touched = range(first + 1, max(last, first + 1) + 1) if tag != "insert" else []
                stray.extend(
                    line
                    for line in touched
                    if not any(start <= line <= end for start, end in spans)
                )
        return stray

    def diff(self, secrets: Secrets | None = None) -> str:
        """A unified diff of the change (paths as reports show them), with the secret
        values `secrets` knows of masked in its lines (a log is no place for them)."""
        lines = difflib.unified_diff(
            self.pieces(self.original),
            self.pieces(self.text),
            fromfile=f"a/{self.display}",
            tofile=f"b/{self.display}",
        )
        if secrets is None:
            return "".join(lines)
        return "".join(
            line
            if index < 2 or line.startswith("@@")
            else secrets.text(line, self.display, prose=False)
            for index, line in enumerate(lines)
        )


@dataclass
class FixResult:
    """What `opslint fix` did: changed files, dropped fixes, and the findings left."""

    changes: dict[Path, FileChange] = field(default_factory=dict)
    dropped: list[tuple[Finding, str]] = field(default_factory=list)
    not_written: list[tuple[str, str]] = field(default_factory=list)
    passes: int = 0
    remaining: Report | None = None
    secrets: Secrets = field(default_factory=Secrets)
    """The secret values of the files, as every pass found them (before and after fixes)."""
    leftovers: list[Path] = field(default_factory=list)
    """Temporary files of interrupted runs found beside the files (`opslint.edits.leftovers`)."""
    removed: list[Path] = field(default_factory=list)
    """The stale ones among them that `write_changes` removed."""

    @property
    def fixed(self) -> list[Finding]:
        """Every finding whose fix was applied."""
        return [finding for change in self.changes.values() for finding in change.applied]


def misplaced(index: LineIndex, edit: Edit) -> str | None:
    """Why `edit` would not land where it was computed (its span lies outside the text, or
    its anchor's text is not there), or None when it is in place."""
    span = edit.span
    for line, column in ((span.line, span.column), (span.end_line, span.end_column)):
        if not index.within(line, column):
            return f"{line}:{column} lies outside the file's text"
    anchor = edit.anchor
    if anchor is None:
        return None
    if not (
        index.within(anchor.span.line, anchor.span.column)
        and index.within(anchor.span.end_line, anchor.span.end_column)
    ):
        return f"{anchor.span.line}:{anchor.span.column} lies outside the file's text"
    begin = index.offset(anchor.span.line, anchor.span.column)
    found = index.text[begin : index.offset(anchor.span.end_line, anchor.span.end_column)]
    if found != anchor.text:
        where = f"{anchor.span.line}:{anchor.span.column}"
        return f"the file holds {found!r} at {where}, not the {anchor.text!r} it was computed for"
    return None


def apply_edits(
    text: str,
    fixes: list[tuple[Finding, tuple[Edit, ...]]],
    breaks: LineBreaks = LineBreaks.YAML,
    refused: list[tuple[Finding, str]] | None = None,
) -> tuple[str, list[Finding]]:
    """Apply whole fixes in span order, skipping any that overlaps one already taken.

    Lines break as `breaks` defines (the file's format). A fix with an edit that would not
    land where it was computed (see `misplaced`) is not applied; it goes to `refused` with
    the reason.
    """
    index = LineIndex(text, breaks)
    newline = "\r\n" if "\r\n" in text else index.common_break()
    taken: list[tuple[int, int]] = []
    chosen: list[tuple[int, int, str, int]] = []
    applied: list[Finding] = []

    def position(edit: Edit) -> tuple[int, int]:
        begin = index.offset(edit.span.line, edit.span.column)
        end = index.offset(edit.span.end_line, edit.span.end_column)
        return begin, max(begin, end)

    placed: list[tuple[Finding, tuple[Edit, ...]]] = []
    for finding, edits in fixes:
        reason = next(filter(None, (misplaced(index, edit) for edit in edits)), None)
        if reason is None:
            placed.append((finding, edits))
        elif refused is not None:
            refused.append((finding, f"not applied: {reason}"))
    ordered = sorted(
        placed, key=lambda item: (min(position(e) for e in item[1]), item[0].code, item[0].message)
    )
    for order, (finding, edits) in enumerate(ordered):
        ranges = [position(edit) for edit in edits]
        clash = any(
            (b < e2 and b2 < e) or (b == e == b2 == e2) or (b == e and b2 < b < e2)
            for b, e in ranges
            for b2, e2 in taken
        )
        if clash:
            continue
        taken.extend(ranges)
        for (begin, end), edit in zip(ranges, edits, strict=True):
            chosen.append(
                (
                    begin,
                    end,
                    edit.text.replace("\n", newline) if newline != "\n" else edit.text,
                    order,
                )
            )
        applied.append(finding)
    result = text
    for begin, end, replacement, _ in sorted(
        chosen, key=lambda c: (c[0], c[1], c[3]), reverse=True
    ):
        result = result[:begin] + replacement + result[end:]
    return result, applied


class Fixer:
    """Runs the rules and applies their fixes until nothing more changes."""

    def __init__(self, session: Session, *, unsafe: bool = False) -> None:
        self.session = session
        self.unsafe = unsafe
        self._parse_errors: dict[Path, set[str]] = {}
        """The parse errors each file had before this run fixed it, read once per run."""

    def allowed(self, finding: Finding) -> bool:
        """True for a finding whose fix this run may apply."""
        fix = finding.fix
        if fix is None or not fix.edits or finding.suppressed:
            return False
        return fix.applicability is Applicability.SAFE or self.unsafe

    def run(self, paths: list[Path]) -> FixResult:
        """Compute every change in memory; nothing is written here (see `write`)."""
        boundary = self.session.boundary(paths)
        with boundary.applied():
            return self.computed(paths, boundary)

    def computed(self, paths: list[Path], boundary: Boundary) -> FixResult:
        """`run`'s work, with `boundary` applied: only files below its roots change."""
        result = FixResult()
        originals: dict[Path, str] = {}
        created: set[Path] = set()
        unnamable: set[Path] = set()  # files to create whose name the file system refuses
        for number in range(1, MAX_PASSES + 1):
            report = self.session.run(paths)
            result.remaining = report
            result.secrets.update(report.secrets)
            kinds = {path: source.kind for path, source in report.sources.items()}
            by_file: dict[str, list[tuple[Finding, tuple[Edit, ...]]]] = defaultdict(list)
            for finding in report.findings:
                if not self.allowed(finding):
                    continue
                assert finding.fix is not None
                targets = {edit.span.path for edit in finding.fix.edits}
                if len(targets) != 1 or any(kinds.get(t) in NOT_FIXABLE_KINDS for t in targets):
                    continue
                by_file[targets.pop()].append((finding, finding.fix.edits))
            changed = False
            for display, fixes in sorted(by_file.items()):
                source = report.sources.get(display)
                if source is None:
                    path = Path(display).resolve()
                    if not _creates(fixes) or path in created or path in unnamable:
                        continue
                    try:
                        exists = path.exists()
                    except OSError as error:  # a name from the scanned file, too long
                        reason = f"cannot create {display}: {error.strerror or error}"
                        result.dropped.extend((finding, reason) for finding, _ in fixes)
                        unnamable.add(path)
                        continue
                    if exists:
                        result.not_written.append((display, "it exists already"))
                        continue
                    created.add(path)
                    before = ""
                else:
                    path = source.path.resolve()
                    try:
                        before = source.text
                    except SourceError:
                        continue
                if not boundary.contains(path):
                    result.not_written.append((display, "outside the paths given"))
                    continue
                kind = source.kind if source is not None else None
                refused: list[tuple[Finding, str]] = []
                text, applied = apply_edits(before, fixes, breaks_for(kind), refused)
                result.dropped.extend(item for item in refused if item not in result.dropped)
                if text == before:
                    continue
                broken = self.breaks(path, display, text, kind)
                if broken:
                    result.dropped.extend((finding, broken) for finding in applied)
                    continue
                originals.setdefault(path, before)
                change = result.changes.setdefault(
                    path, FileChange(path, display, originals[path], text, breaks=breaks_for(kind))
                )
                spans = [
                    (edit.span.line, edit.span.end_line)
                    for finding, edits in fixes
                    if finding in applied
                    for edit in edits
                ]
                change.steps.append((before, text, spans))
                change.text = text
                change.applied.extend(applied)
                self.session.overlay[path] = text
                changed = True
            result.passes = number
            if not changed:
                break
        result.leftovers = list(self.session.leftovers)
        return result

    def breaks(self, path: Path, display: str, text: str, kind: str | None) -> str | None:
        """Why `text` may not replace the file (a parse error it introduces), or None."""
        if kind is None:
            return None
        from opslint.model.source import SourceFile

        old = self._parse_errors.get(path)
        try:
            with time_budget(self.session.config.file_time_budget):
                if old is None:  # the first pass: the text on disk, or the text given
                    before = self.session.parse(self.session.source(path, display), kind)
                    old = self._parse_errors[path] = {
                        p.message for p in before.problems if p.code == "OP001"
                    }
                after = self.session.parse(SourceFile(path, display, text=text), kind)
        except BudgetExceeded:
            budget = self.session.config.file_time_budget
            return f"the fixed text could not be parsed within {budget:g} s (file-time-budget)"
        new = [p for p in after.problems if p.code == "OP001" and p.message not in old]
        if new:
            where = f"{new[0].span.line}:{new[0].span.column}"
            return f"the fix would break the file ({where}: {new[0].message})"
        return None


def _creates(fixes: list[tuple[Finding, tuple[Edit, ...]]]) -> bool:
    """True when the fixes write a new file: insertions at its very start (when several
    findings ask for the same file, the first in order writes it)."""
    return bool(fixes) and all(
        (e.span.line, e.span.column, e.span.end_line, e.span.end_column) == (1, 1, 1, 1)
        for _, edits in fixes
        for e in edits
    )


def write_changes(result: FixResult) -> None:
    """Write every changed file atomically; skip one that changed on disk meanwhile; then
    remove the stale temporary files interrupted runs left (`opslint.edits.leftovers`)."""
    for path, change in sorted(result.changes.items()):
        if change.original == "" and not path.exists():
            try:
                write_atomically(path, change.text, exclusive=True)
            except OSError as error:
                result.not_written.append((change.display, f"cannot create it: {error}"))
            continue
        try:
            current = path.read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            result.not_written.append((change.display, f"cannot read it again: {error}"))
            continue
        if current != change.original:
            result.not_written.append((change.display, "it changed on disk while being fixed"))
            continue
        try:
            write_atomically(
                path, change.text, keep_bom=path.read_bytes().startswith(b"\xef\xbb\xbf")
            )
        except OSError as error:
            result.not_written.append(
                (change.display, f"cannot write it: {error.strerror or error}")
            )
    for leftover in result.leftovers:
        if not is_stale(leftover):
            continue
        try:
            leftover.unlink()
        except OSError:
            continue  # gone already, or not ours to remove after all
        result.removed.append(leftover)
