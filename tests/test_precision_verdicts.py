"""Findings judged wrong in the precision review stay gone once fixed.

`tests/data/precision/verdicts.jsonl` holds the reviewed findings of the shared corpus
(`benchmarks/precision.py`). A wrong verdict is `open` while its finding is still
reported; once a fix makes it go, `python benchmarks/precision.py close` closes it, and
from then on its return fails this test. An open verdict whose finding is gone fails too,
so that no fix is left unguarded.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest
from precision_review import (
    CORPUS,
    VERDICTS,
    FindingKey,
    Located,
    Texts,
    Verdict,
    corpus_findings,
    gone_open,
    judged_in,
    line_hash,
    match,
    parse_sheet,
    read_verdicts,
    returning_wrong,
    sheet,
    stratified_sample,
    texts_of,
)

from opslint.model.base import Finding, Span


@pytest.fixture(scope="module")
def reviewed() -> tuple[list[Verdict], list[FindingKey], Texts]:
    """The verdicts, the findings of a fresh run over the folders they name, and the
    lines of their files."""
    if not CORPUS.is_dir():
        pytest.skip(f"{CORPUS} (the shared corpus the verdicts judge) is not next to this checkout")
    verdicts = read_verdicts(VERDICTS)
    folders = {v.key.path.split("/", 1)[0] for v in verdicts if v.verdict == "wrong"}
    located = corpus_findings(CORPUS, folders)
    return verdicts, [item.key for item in located], texts_of(located)


@pytest.mark.slow
def test_no_fixed_wrong_finding_comes_back(
    reviewed: tuple[list[Verdict], list[FindingKey], Texts],
) -> None:
    back = returning_wrong(*reviewed)
    assert back == [], "findings judged wrong are reported again:\n" + "\n".join(
        f"{key.label()}: {verdict.reason}" for verdict, key in back
    )


@pytest.mark.slow
def test_open_wrong_findings_are_still_reported(
    reviewed: tuple[list[Verdict], list[FindingKey], Texts],
) -> None:
    gone = gone_open(*reviewed)
    assert gone == [], (
        "wrong findings no longer reported: run `python benchmarks/precision.py close`\n"
        + "\n".join(v.key.label() for v in gone)
    )


def key(line: int, column: int = 5, text: str = "image: app", code: str = "IM001") -> FindingKey:
    return FindingKey("repo/k8s.yaml", line, column, code, line_hash(text))


def test_a_fixed_wrong_finding_that_returns_is_named_with_its_reason() -> None:
    fixed = Verdict(key(10), "wrong", "skaffold placeholder")
    assert returning_wrong([fixed], [key(10), key(12, text="image: other")]) == [(fixed, key(10))]


def test_a_finding_whose_line_moved_is_still_recognised() -> None:
    fixed = Verdict(key(10), "wrong", "skaffold placeholder")
    assert returning_wrong([fixed], [key(14)]) == [(fixed, key(14))]


def test_a_changed_line_another_column_or_code_is_another_finding() -> None:
    fixed = Verdict(key(10), "wrong", "skaffold placeholder")
    others = [key(10, text="image: app:1.2"), key(10, column=7), key(10, code="IM002")]
    assert returning_wrong([fixed], others) == []


def test_right_debatable_and_open_verdicts_never_fail() -> None:
    verdicts = [
        Verdict(key(10), "right", "no tag"),
        Verdict(key(20), "debatable", "test fixture"),
        Verdict(key(30), "wrong", "placeholder", open=True),
    ]
    assert returning_wrong(verdicts, [key(10), key(20), key(30)]) == []


def test_twins_on_identical_lines_each_match_their_own_finding() -> None:
    first, second = Verdict(key(10), "wrong", "a"), Verdict(key(20), "right", "b")
    assert match([first, second], [key(21), key(10)]) == {first: key(10), second: key(21)}


def test_a_verdict_about_a_finding_left_out_never_judges_its_twin() -> None:
    left_out, moved = Verdict(key(15), "right", "a"), Verdict(key(60), "wrong", "b", True)
    run = [key(15), key(41), key(62)]
    assert judged_in([left_out, moved], run, [key(41), key(62)]) == {key(62): moved}
    assert match([left_out], [key(41)]) == {left_out: key(41)}


def test_a_verdict_whose_finding_is_gone_still_judges_its_own_key() -> None:
    closed = Verdict(key(10), "wrong", "placeholder")
    assert judged_in([closed], [key(12, text="image: other")], [key(10)]) == {key(10): closed}


def test_an_open_verdict_whose_finding_is_gone_is_reported_for_closing() -> None:
    still, fixed = Verdict(key(10), "wrong", "a", open=True), Verdict(key(20), "wrong", "b", True)
    assert gone_open([still, fixed], [key(10)]) == [fixed]


def test_a_verdict_whose_line_is_unchanged_never_takes_a_twin_elsewhere() -> None:
    """Two Deployments' `spec:` lines hash alike: once the first one's finding is gone,
    its verdict does not move to the second's while its own line still reads `spec:`."""
    gone = Verdict(key(95, 1, "spec:", "K8114"), "wrong", "redis-cart is single by design")
    twin = key(21, 1, "spec:", "K8114")
    unchanged = {"repo/k8s.yaml": ["x"] * 20 + ["spec:"] + ["x"] * 73 + ["spec:"]}
    assert match([gone], [twin], unchanged) == {}
    assert gone_open([replace(gone, open=True)], [twin], unchanged) == [replace(gone, open=True)]
    shifted = {"repo/k8s.yaml": ["x"] * 20 + ["spec:"] + ["x"] * 80}
    assert match([gone], [twin], shifted) == {gone: twin}


def test_verdict_lines_round_trip() -> None:
    verdict = Verdict(key(10), "wrong", "placeholder", open=True)
    assert Verdict.from_json(verdict.to_json()) == verdict
    assert FindingKey.parse(verdict.key.label()) == verdict.key
    with pytest.raises(ValueError, match="verdict 'maybe'"):
        Verdict.from_json(verdict.to_json().replace('"wrong"', '"maybe"'))


def located(path: str, line: int, code: str) -> Located:
    """A finding on `line` of a file of eight lines `line 1` .. `line 8`."""
    lines = [f"line {n}" for n in range(1, 9)]
    finding = Finding(Span(path, line, 1, line, 5), f"{code} message", code=code, name="rule")
    return Located(FindingKey(path, line, 1, code, line_hash(lines[line - 1])), finding, lines)


def test_the_sample_covers_every_rule_and_folder_and_favours_no_big_rule() -> None:
    findings = [located(f"big/f{n}.yaml", 1 + n % 8, "K8101") for n in range(100)]
    findings += [located(f"mid/f{n}.yaml", 2, "DF101") for n in range(4)]
    findings += [located("small/Dockerfile", 3, "IM001"), located("lonely/a.yaml", 4, "K8101")]
    sample = stratified_sample(findings, 12, seed=12)
    assert sample == stratified_sample(findings, 12, seed=12)
    assert {item.key.path.split("/")[0] for item in sample} == {"big", "mid", "small", "lonely"}
    # weights sqrt(101) : sqrt(4) : sqrt(1); IM001 has one finding, and K8101 takes each
    # further place while 10.05 / (drawn + 1) beats DF101's 2 / (1 + 1)
    assert Counter(item.key.code for item in sample) == {"K8101": 10, "DF101": 1, "IM001": 1}
    assert len({item.key for item in sample}) == 12


def test_a_review_sheet_shows_each_finding_and_reads_back_its_verdicts() -> None:
    items = [located("a/Dockerfile", 1, "DF101"), located("a/Dockerfile", 6, "DF102")]
    judged = {items[0].key: Verdict(items[0].key, "right", "runs as root")}
    text = sheet(items, judged, "# header\n")
    assert "## 2. DF102 rule `a/Dockerfile:6:1`\n\nkey: `DF102 a/Dockerfile:6:1#" in text
    assert "```\n  3 | line 3\n  4 | line 4\n  5 | line 5\n> 6 | line 6\n  7 | line 7\n" in text
    assert parse_sheet(text) == ([Verdict(items[0].key, "right", "runs as root")], [])
    edited = text.replace("verdict: \n", "verdict: wrong - a scratch image - no shell\n")
    assert parse_sheet(edited)[0][1] == Verdict(
        items[1].key, "wrong", "a scratch image - no shell", open=True
    )
    broken = text.replace("verdict: \n", "verdict: wrongly\n")
    assert parse_sheet(broken) == (
        [judged[items[0].key]],
        [f"line {broken.splitlines().index('verdict: wrongly') + 1}: "
         "want `verdict: right|wrong|debatable - reason`"],
    )  # fmt: skip


@pytest.mark.slow
def test_a_sample_of_the_default_rules_draws_no_rule_that_is_off_by_default() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"{CORPUS} (the shared corpus) is not next to this checkout")
    every = Counter(item.key.code for item in corpus_findings(CORPUS, ["postgres"]))
    default = Counter(
        item.key.code for item in corpus_findings(CORPUS, ["postgres"], every_rule=False)
    )
    assert every["IM002"] > 0 and every["DF102"] > 0
    assert default == {code: n for code, n in every.items() if code not in ("IM002", "DF102")}
