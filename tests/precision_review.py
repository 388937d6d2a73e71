"""Reviewed findings over the shared corpus: keys, verdicts, sampling, sheets, matching.

Shared by `benchmarks/precision.py` (draws a sample, writes a review sheet, records
verdicts, scores precision) and `tests/test_precision_verdicts.py` (fails when a finding
judged wrong comes back).

A finding is known by its key: code, corpus-relative path, line, column and a short hash
of its source line, so that a finding whose line moved (lines added above it) is still
recognised, while one whose line changed is not.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from conftest import ROOT, SHARED, run_engine

from opslint.config import Config
from opslint.model.base import Finding

CORPUS = SHARED / "corpus"
VERDICTS = ROOT / "tests" / "data" / "precision" / "verdicts.jsonl"
VERDICT_WORDS = ("right", "wrong", "debatable")

CONTEXT = 3
"""Lines of source shown either side of a finding on the review sheet."""
_KEY_LINE = re.compile(r"^key: `(?P<label>[^`]+)`\s*$")
_VERDICT_LINE = re.compile(
    r"^verdict:\s*(?P<verdict>[a-z]+)?\s*(?:-\s*(?P<reason>.*?))?\s*$", re.IGNORECASE
)


@dataclass(frozen=True, order=True)
class FindingKey:
    """Where a finding is, stably enough to recognise it in a later run."""

    path: str
    line: int
    column: int
    code: str
    line_hash: str

    def label(self) -> str:
        """`CODE path:line:col#hash`, as the review sheet shows it."""
        return f"{self.code} {self.path}:{self.line}:{self.column}#{self.line_hash}"

    @classmethod
    def parse(cls, label: str) -> FindingKey:
        """The key a `label()` names."""
        code, _, rest = label.strip().partition(" ")
        place, _, line_hash = rest.rpartition("#")
        path, line, column = place.rsplit(":", 2)
        return cls(path, int(line), int(column), code, line_hash)


@dataclass(frozen=True)
class Verdict:
    """A reviewer's judgement of one finding."""

    key: FindingKey
    verdict: str
    reason: str
    open: bool = False
    """For a wrong finding: still reported, its fix not yet made."""

    def to_json(self) -> str:
        """One line of the verdict file (`open` written only when set)."""
        data = {**asdict(self.key), "verdict": self.verdict, "reason": self.reason}
        return json.dumps({**data, "open": True} if self.open else data)

    @classmethod
    def from_json(cls, text: str) -> Verdict:
        """A verdict from one line of the verdict file."""
        data = json.loads(text)
        key = FindingKey(
            data["path"], data["line"], data["column"], data["code"], data["line_hash"]
        )
        if data["verdict"] not in VERDICT_WORDS:
            raise ValueError(f"{key.label()}: verdict {data['verdict']!r} not in {VERDICT_WORDS}")
        return cls(key, data["verdict"], data["reason"], data.get("open", False))


@dataclass(frozen=True)
class Located:
    """A finding of a corpus run with its key and the lines of its file."""

    key: FindingKey
    finding: Finding
    lines: Sequence[str]


def line_hash(text: str) -> str:
    """A short hash of a source line, blind to its indentation and trailing blanks."""
    return hashlib.sha1(text.strip().encode("utf-8")).hexdigest()[:8]


def corpus_findings(
    corpus: Path, folders: Iterable[str] | None = None, *, every_rule: bool = True
) -> list[Located]:
    """Every finding over the corpus (or some of its folders).

    `every_rule` runs `--select ALL`; without it, the rules enabled by default run, as a
    user who selects nothing sees them.
    """
    corpus = corpus.resolve()
    paths = [corpus / name for name in sorted(set(folders))] if folders is not None else [corpus]
    select = ("ALL",) if every_rule else None
    report = run_engine(paths, select=select, config=Config(root=corpus))
    files: dict[Path, list[str]] = {}
    located = []
    for finding in report.findings:
        path = Path(finding.span.path).resolve()
        if path not in files:
            raw = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
            files[path] = raw.splitlines()
        lines = files[path]
        text = lines[finding.span.line - 1] if 0 < finding.span.line <= len(lines) else ""
        relative = path.relative_to(corpus).as_posix()
        key = FindingKey(
            relative, finding.span.line, finding.span.column, finding.code, line_hash(text)
        )
        located.append(Located(key, finding, lines))
    return sorted(located, key=lambda item: item.key)


def read_verdicts(path: Path) -> list[Verdict]:
    """The verdicts of a verdict file (none when it does not exist)."""
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [Verdict.from_json(line) for line in lines if line.strip()]


def write_verdicts(path: Path, verdicts: Iterable[Verdict]) -> None:
    """Write verdicts sorted by key, one JSON object a line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    ordered = sorted(verdicts, key=lambda v: v.key)
    path.write_text("".join(v.to_json() + "\n" for v in ordered), encoding="utf-8")


Texts = Mapping[str, Sequence[str]]
"""The current lines of the corpus's files, by path."""


def texts_of(located: Iterable[Located]) -> dict[str, Sequence[str]]:
    """The lines of the files of `located` findings, by path."""
    return {item.key.path: item.lines for item in located}


def match(
    verdicts: Sequence[Verdict], keys: Sequence[FindingKey], texts: Texts | None = None
) -> dict[Verdict, FindingKey]:
    """The finding each verdict is about, for those whose finding is still reported.

    A verdict matches a finding of the same code, path, column and line hash: the one on
    the same line, else the nearest one (its line moved). Each finding matches once. With
    `texts`, a verdict whose line still holds the text it was given on cannot have moved,
    so only its own line matches: a twin on another line (two Deployments' `spec:`) is
    another finding.
    """
    by_place: dict[tuple[str, str, int, str], list[FindingKey]] = defaultdict(list)
    for key in keys:
        by_place[(key.code, key.path, key.column, key.line_hash)].append(key)

    def may_have_moved(k: FindingKey) -> bool:
        lines = texts.get(k.path) if texts is not None else None
        return lines is None or not (
            0 < k.line <= len(lines) and line_hash(lines[k.line - 1]) == k.line_hash
        )

    matched: dict[Verdict, FindingKey] = {}
    taken: set[FindingKey] = set()
    # exact lines first, so that a moved twin never takes another verdict's finding
    for exact in (True, False):
        for verdict in verdicts:
            if verdict in matched:
                continue
            k = verdict.key
            if not exact and not may_have_moved(k):
                continue
            candidates = [
                c
                for c in by_place[(k.code, k.path, k.column, k.line_hash)]
                if c not in taken and (c.line == k.line or not exact)
            ]
            if candidates:
                best = min(candidates, key=lambda c: (abs(c.line - k.line), c.line))
                matched[verdict] = best
                taken.add(best)
    return matched


def judged_in(
    verdicts: Sequence[Verdict],
    keys: Sequence[FindingKey],
    chosen: Iterable[FindingKey],
    texts: Texts | None = None,
) -> dict[FindingKey, Verdict]:
    """The verdict about each of the `chosen` findings, matched over a whole run's `keys`.

    Matching over the whole run, not over the chosen findings alone, keeps a verdict about
    a finding left out of the choice from claiming a twin on an identical line nearby.
    A verdict whose finding is no longer reported still judges a chosen finding of
    exactly its key.
    """
    chosen = set(chosen)
    matched = match(verdicts, keys, texts)
    judged = {key: v for v, key in matched.items() if key in chosen}
    for verdict in verdicts:
        if verdict not in matched and verdict.key in chosen:
            judged.setdefault(verdict.key, verdict)
    return judged


def returning_wrong(
    verdicts: Sequence[Verdict], keys: Sequence[FindingKey], texts: Texts | None = None
) -> list[tuple[Verdict, FindingKey]]:
    """The findings judged wrong, and since fixed, that a run reports again."""
    matched = match(verdicts, keys, texts)
    return [
        (v, matched[v]) for v in verdicts if v.verdict == "wrong" and not v.open and v in matched
    ]


def gone_open(
    verdicts: Sequence[Verdict], keys: Sequence[FindingKey], texts: Texts | None = None
) -> list[Verdict]:
    """The open wrong verdicts whose finding a run no longer reports: fixed, to be closed."""
    matched = match(verdicts, keys, texts)
    return [v for v in verdicts if v.open and v not in matched]


def stratified_sample(located: Sequence[Located], size: int, seed: int) -> list[Located]:
    """`size` findings covering every rule and every top-level folder, drawn with `seed`.

    One finding of each rule first, then one of each folder not yet drawn; each further
    place goes to the rule with the highest square root of its finding count per finding
    already drawn (so that a rule of 500 findings does not fill the sample), and within a
    rule to a folder not yet drawn for it when there is one. The same findings, size and
    seed always give the same sample.
    """
    rng = random.Random(seed)
    by_rule: dict[str, list[Located]] = defaultdict(list)
    for item in sorted(located, key=lambda i: i.key):
        by_rule[item.key.code].append(item)
    chosen: dict[FindingKey, Located] = {}
    for code in sorted(by_rule):
        item = rng.choice(by_rule[code])
        chosen[item.key] = item
    drawn_folders = {_top_folder(key) for key in chosen}
    for name in sorted({_top_folder(item.key) for item in located} - drawn_folders):
        item = rng.choice([i for i in located if _top_folder(i.key) == name])
        chosen[item.key] = item
    drawn = defaultdict(int, {code: 0 for code in by_rule})
    for key in chosen:
        drawn[key.code] += 1
    while len(chosen) < size:
        open_rules = [c for c in sorted(by_rule) if drawn[c] < len(by_rule[c])]
        if not open_rules:
            break
        code = max(open_rules, key=lambda c: len(by_rule[c]) ** 0.5 / (drawn[c] + 1))
        left = [i for i in by_rule[code] if i.key not in chosen]
        folders = {_top_folder(k) for k in chosen if k.code == code}
        item = rng.choice([i for i in left if _top_folder(i.key) not in folders] or left)
        chosen[item.key] = item
        drawn[code] += 1
    return [chosen[key] for key in sorted(chosen, key=lambda k: (k.code, k))][:size]


def _top_folder(key: FindingKey) -> str:
    return key.path.split("/", 1)[0]


def excerpt(item: Located) -> str:
    """The finding's line and CONTEXT lines either side, the finding's line marked `>`."""
    line = item.key.line
    first, last = max(1, line - CONTEXT), min(len(item.lines), line + CONTEXT)
    width = len(str(last))
    return "\n".join(
        f"{'>' if number == line else ' '} {number:>{width}} | {item.lines[number - 1]}"
        for number in range(first, last + 1)
    )


def sheet(sample: list[Located], judged: dict[FindingKey, Verdict], header: str) -> str:
    """The Markdown review sheet of a sample."""
    parts = [header]
    for number, item in enumerate(sample, start=1):
        key, finding = item.key, item.finding
        known = judged.get(key)
        verdict = f"{known.verdict} - {known.reason}" if known else ""
        parts.append(
            f"## {number}. {key.code} {finding.name} `{key.path}:{key.line}:{key.column}`\n\n"
            f"key: `{key.label()}`\n\n"
            f"message: {finding.message}\n\n"
            f"```\n{excerpt(item)}\n```\n\n"
            f"verdict: {verdict}\n"
        )
    return "\n".join(parts)


def parse_sheet(text: str) -> tuple[list[Verdict], list[str]]:
    """The verdicts an edited sheet gives, and the problems met (blank verdicts are skipped)."""
    verdicts, problems = [], []
    key: FindingKey | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        found = _KEY_LINE.match(line)
        if found:
            key = FindingKey.parse(found.group("label"))
            continue
        given = _VERDICT_LINE.match(line)
        if not given or key is None:
            continue
        word, reason = (given.group("verdict") or "").lower(), given.group("reason") or ""
        if word in VERDICT_WORDS and reason:
            verdicts.append(Verdict(key, word, reason, open=word == "wrong"))
        elif word or reason:
            problems.append(f"line {number}: want `verdict: right|wrong|debatable - reason`")
        key = None
    return verdicts, problems
