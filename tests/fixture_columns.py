"""Write the columns the rules report today into fixture expectations that have none.

Usage: python tests/fixture_columns.py [--dry-run] [--skip FILE:LINE:CODE ...]

For every bad fixture under tests/rules whose test passes, each `# expect: CODE` item
without a column becomes `CODE@COL` (one item per column when the rule reports the code
more than once on that line). Every filled item is printed with its source line and a
caret under the column, for review: a column that is not the place the rule's doc
promises should be left out with `--skip` (FILE relative to tests/rules, LINE the line
the finding is on), and reported, rather than recorded.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

from test_rule_fixtures import (
    _EXPECT,
    FIXTURES,
    describe,
    expected,
    fixed_twin,
    fixture_files,
    fixture_path,
    parse_items,
    run_fixture,
    unmet,
)


def fill(
    path: Path, columns: dict[tuple[int, str], list[int]], skip: set[str]
) -> tuple[str, list[str]]:
    """A fixture file's text with columns filled in, and the review lines of the fills."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    name = path.relative_to(FIXTURES).as_posix()
    review: list[str] = []
    comments: list[int] = []
    for index, text in enumerate(lines):
        if _EXPECT.match(text):
            comments.append(index)
            continue
        target = index + 1
        for comment in comments:
            review += fill_comment(lines, comment, target, columns, skip, name)
        comments = []
    return "".join(lines), review


def fill_comment(
    lines: list[str],
    comment: int,
    target: int,
    columns: dict[tuple[int, str], list[int]],
    skip: set[str],
    name: str,
) -> list[str]:
    """Give the column-less items of one `# expect:` comment line their columns."""
    match = _EXPECT.match(lines[comment])
    assert match
    items, review = [], []
    for item in parse_items(match.group("codes"), target):
        found = columns.get((target, item.code), [])
        if item.column is not None or not found or f"{name}:{target}:{item.code}" in skip:
            items.append(item.item())
            continue
        for column in found:
            items.append(f"{item.code}@{column}")
            source = lines[target - 1].rstrip("\n")
            review.append(
                f"{name}:{target}: {item.code}@{column}\n    {source}\n    {'^':>{column}}"
            )
    start, end = match.span("codes")
    unique = ", ".join(dict.fromkeys(items))
    lines[comment] = lines[comment][:start] + unique + lines[comment][end:]
    return review


def same_edits(path: Path, text: str, twin: Path) -> str:
    """The fixed twin of a fixture with the changed comment lines changed alike, in order."""
    before = path.read_text(encoding="utf-8").splitlines(keepends=True)
    after = text.splitlines(keepends=True)
    edits = [(old, new) for old, new in zip(before, after, strict=True) if old != new]
    lines = twin.read_text(encoding="utf-8").splitlines(keepends=True)
    for index, line in enumerate(lines):
        if edits and line == edits[0][0]:
            lines[index] = edits.pop(0)[1]
    assert not edits, f"{twin}: comment lines of {path.name} not found: {edits}"
    return "".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="print the fills, write nothing")
    parser.add_argument("--skip", nargs="*", default=[], metavar="FILE:LINE:CODE")
    args = parser.parse_args(argv)
    skip = set(args.skip)
    for fixture in fixture_files():
        if not fixture.name.startswith("bad"):
            continue
        code = fixture.parent.name
        found = [f for f in run_fixture(fixture).findings if f.code == code]
        for path in sorted(fixture.rglob("*")) if fixture.is_dir() else [fixture]:
            if not path.is_file():
                continue
            inside = path.relative_to(fixture).as_posix() if fixture.is_dir() else ""
            mine = [f for f in found if not inside or fixture_path(f, fixture) == inside]
            expects = [e for e in expected(path) if e.code == code]
            problem = describe(*unmet(mine, expects))
            if problem:
                print(f"{path}: left alone, its test fails:\n{problem}", file=sys.stderr)
                continue
            columns: dict[tuple[int, str], list[int]] = defaultdict(list)
            for finding in mine:
                at = columns[(finding.span.line, finding.code)]
                if finding.span.column not in at:
                    at.append(finding.span.column)
            text, review = fill(path, {k: sorted(v) for k, v in columns.items()}, skip)
            twin = fixed_twin(path)
            if not args.dry_run:
                if twin.is_file():
                    twin.write_text(same_edits(path, text, twin), encoding="utf-8")
                path.write_text(text, encoding="utf-8")
            if review:
                print("\n".join(review))
    return 0


if __name__ == "__main__":
    sys.exit(main())
