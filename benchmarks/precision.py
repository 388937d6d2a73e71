"""Precision of opslint's findings over a corpus, judged finding by finding.

Usage:
    python benchmarks/precision.py sample [--corpus DIR] [--size 320] [--seed 12] [--sheet FILE]
                                          [--default-rules]
    python benchmarks/precision.py record [--corpus DIR] [--sheet FILE]
    python benchmarks/precision.py score [--corpus DIR] [--default-rules]
    python benchmarks/precision.py close [--corpus DIR]

`sample` runs `opslint check --select ALL` (with `--default-rules`: the rules enabled by
default, what a user sees) over the corpus (default ../shared/corpus), draws a stratified
sample (every rule, every top-level folder, a fixed seed) and writes a Markdown review
sheet: each finding with its code, message, place and source excerpt, and a `verdict:`
line, filled in where the verdict file already judges that finding. Edit the verdict
lines (`verdict: right|wrong|debatable - one-line reason`), then `record` adds them to
the verdict file (tests/data/precision/verdicts.jsonl; a new verdict for a finding
replaces its old one; a wrong one is recorded `open`: still reported, not yet fixed).
Both match verdicts to findings over a whole run, so that a verdict about a finding
left out of the sample never claims a twin on an identical line nearby.
`close` clears `open` from the wrong verdicts whose finding a fresh run no longer
reports, so that tests/test_precision_verdicts.py fails if one comes back. `score`
matches the verdict file against a fresh run and prints, per rule and overall, precision
= right / (right + wrong) and right / judged (debatable counted against), the verdicts
whose finding is no longer reported (listing the right ones: a finding that moved, or a
true one lost), and the overall figure weighted by each rule's share of the run's
findings (the sample over-represents small rules on purpose).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from precision_review import (
    CORPUS,
    VERDICTS,
    corpus_findings,
    gone_open,
    judged_in,
    match,
    parse_sheet,
    read_verdicts,
    sheet,
    stratified_sample,
    texts_of,
    write_verdicts,
)

DEFAULT_SHEET = Path("precision-sheet.md")


def sample_command(args: argparse.Namespace) -> int:
    located = corpus_findings(args.corpus, every_rule=not args.default_rules)
    sample = stratified_sample(located, args.size, args.seed)
    verdicts = read_verdicts(args.verdicts)
    judged = judged_in(
        verdicts, [i.key for i in located], [i.key for i in sample], texts_of(located)
    )
    rules = len({i.key.code for i in located})
    header = (
        f"# Precision review: {len(sample)} of {len(located)} findings, seed {args.seed}\n\n"
        f"Corpus `{args.corpus}`, {rules} rules "
        f"({'enabled by default' if args.default_rules else 'every rule, --select ALL'}). "
        "For each finding write\n"
        "`verdict: right|wrong|debatable - one-line reason` as the file's careful owner\n"
        "would judge it (`opslint rule CODE` gives the rule's doc), then run\n"
        f"`python benchmarks/precision.py record --sheet {args.sheet}`.\n"
    )
    args.sheet.write_text(sheet(sample, judged, header), encoding="utf-8")
    print(f"{args.sheet}: {len(sample)} findings, {len(judged)} already judged")
    return 0


def record_command(args: argparse.Namespace) -> int:
    verdicts, problems = parse_sheet(args.sheet.read_text(encoding="utf-8"))
    for problem in problems:
        print(f"{args.sheet}: {problem}", file=sys.stderr)
    if problems:
        return 1
    old = read_verdicts(args.verdicts)
    located = corpus_findings(args.corpus)
    run = [i.key for i in located]
    replaced = set(judged_in(old, run, [v.key for v in verdicts], texts_of(located)).values())
    kept = [v for v in old if v not in replaced] + verdicts
    write_verdicts(args.verdicts, kept)
    print(f"{args.verdicts}: {len(verdicts)} verdicts recorded, {len(kept)} in all")
    return 0


def close_command(args: argparse.Namespace) -> int:
    verdicts = read_verdicts(args.verdicts)
    located = corpus_findings(args.corpus)
    fixed = set(gone_open(verdicts, [i.key for i in located], texts_of(located)))
    write_verdicts(args.verdicts, [replace(v, open=False) if v in fixed else v for v in verdicts])
    for verdict in sorted(fixed, key=lambda v: v.key):
        print(f"closed {verdict.key.label()}: {verdict.reason}")
    print(f"{args.verdicts}: {len(fixed)} wrong findings no longer reported, now closed")
    return 0


def ratio(part: int, whole: int) -> str:
    return f"{part / whole:.3f}" if whole else "-"


def score_command(args: argparse.Namespace) -> int:
    located = corpus_findings(args.corpus, every_rule=not args.default_rules)
    verdicts = read_verdicts(args.verdicts)
    matched = match(verdicts, [i.key for i in located], texts_of(located))
    per_rule: dict[str, Counter[str]] = {}
    for verdict in verdicts:
        outcome = verdict.verdict if verdict in matched else "gone"
        per_rule.setdefault(verdict.key.code, Counter())[outcome] += 1
    reported = Counter(i.key.code for i in located)
    print(f"{'rule':<7}{'found':>7}{'right':>7}{'wrong':>7}{'debat':>7}{'gone':>6}"
          f"{'precision':>11}{'strict':>8}")  # fmt: skip
    total: Counter[str] = Counter()
    weighted = 0.0
    for code in sorted(per_rule):
        c = per_rule[code]
        total.update(c)
        judged = c["right"] + c["wrong"]
        if judged:
            weighted += reported[code] * c["right"] / judged
        print(
            f"{code:<7}{reported[code]:>7}{c['right']:>7}{c['wrong']:>7}{c['debatable']:>7}"
            f"{c['gone']:>6}{ratio(c['right'], judged):>11}"
            f"{ratio(c['right'], judged + c['debatable']):>8}"
        )
    judged = total["right"] + total["wrong"]
    print(
        f"{'all':<7}{len(located):>7}{total['right']:>7}{total['wrong']:>7}"
        f"{total['debatable']:>7}{total['gone']:>6}{ratio(total['right'], judged):>11}"
        f"{ratio(total['right'], judged + total['debatable']):>8}"
    )
    covered = sum(reported[code] for code, c in per_rule.items() if c["right"] + c["wrong"])
    print(
        f"\n{len(matched)} of {len(verdicts)} judged findings reported again; precision "
        f"{ratio(total['right'], judged)}, {ratio(total['right'], judged + total['debatable'])}"
        " with debatable counted against.\nWeighted by each rule's findings in this run: "
        f"{weighted / covered:.3f} over the {covered} findings of the rules judged."
        if covered
        else "\nno verdict matches a finding of this run"
    )
    for verdict in (v for v in verdicts if v.verdict == "right" and v not in matched):
        print(f"right, no longer reported (moved, or a true finding lost): {verdict.key.label()}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verdicts", type=Path, default=VERDICTS, help="the verdict file")
    commands = parser.add_subparsers(dest="command", required=True)
    sample = commands.add_parser("sample", help="draw a sample and write a review sheet")
    sample.add_argument("--size", type=int, default=320)
    sample.add_argument("--seed", type=int, default=12)
    record = commands.add_parser("record", help="add the verdicts of an edited sheet")
    score = commands.add_parser("score", help="precision of the verdicts against a fresh run")
    close = commands.add_parser("close", help="mark wrong findings no longer reported as fixed")
    for command in (sample, record, score, close):
        command.add_argument("--corpus", type=Path, default=CORPUS)
    for command in (sample, score):
        command.add_argument(
            "--default-rules",
            action="store_true",
            help="run the rules enabled by default (what a user sees), not --select ALL",
        )
    for command in (sample, record):
        command.add_argument("--sheet", type=Path, default=DEFAULT_SHEET)
    args = parser.parse_args(argv)
    handlers = {
        "sample": sample_command,
        "record": record_command,
        "score": score_command,
        "close": close_command,
    }
    return handlers[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
