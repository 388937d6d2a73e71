"""A plugin, model or rule that raises costs its own file or rule, never the run.

Each case registers a plugin whose hook raises for one file, as a buggy third-party plugin
would, next to a valid Dockerfile whose DF101 finding (line 2) must still be reported.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from opslint import Finding, Severity, rule
from opslint.config import Config
from opslint.engine.runner import Session
from opslint.model.source import Document, SourceFile
from opslint.model.suppression import Suppression
from opslint.plugins import PluginManager, hookimpl
from opslint.report import Report
from opslint.run import Run
from opslint.safety.budget import BudgetExceeded, paused, time_budget

VALID = "FROM alpine:3.20\nUSER root\n"
"""A Dockerfile with one DF101 finding (line 2)."""
KEPT = "FROM alpine:3.20\n# opslint: ignore[DF101] root on purpose\nUSER root\n"
"""A Dockerfile whose DF101 finding (line 3) is suppressed."""
NEIGHBOUR = ("DF101", "Dockerfile", 2, 6)


def check(
    folder: Path, monkeypatch: pytest.MonkeyPatch, *plugins: object, select: str = ""
) -> Report:
    """Check `folder` with the builtin plugins and `plugins`, as `opslint check` does,
    with DF101, OP001, OP002 and the rules of `select`."""
    (folder / "Dockerfile").write_text(VALID, encoding="utf-8")
    (folder / "kept").mkdir()
    (folder / "kept" / "Dockerfile").write_text(KEPT, encoding="utf-8")
    monkeypatch.chdir(folder)
    manager = PluginManager()
    manager.load(autoload=False)
    for plugin in plugins:
        manager.register(plugin, name=type(plugin).__name__)
    config = Config(
        root=folder,
        select=("DF101", "OP001", "OP002", *filter(None, select.split(","))),
        exclude=("elsewhere/",),
    )
    report = Session(config, manager).run([Path()])
    assert NEIGHBOUR in codes(report)
    assert ("DF101", "kept/Dockerfile", 3, 6) in codes(report, suppressed=True)
    return report


def codes(report: Report, *, suppressed: bool = False) -> list[tuple[str, str, int, int]]:
    found = report.suppressed if suppressed else report.findings
    return [(f.code, f.span.path, f.span.line, f.span.column) for f in found]


def op001(report: Report, path: str) -> str:
    return next(f.message for f in report.findings if (f.code, f.span.path) == ("OP001", path))


class CrashingDetector:
    @hookimpl(tryfirst=True)
    def opslint_detect_kind(self, source: SourceFile) -> str | None:
        if source.path.name == "compose.yaml":
            raise KeyError("boom")
        return None


class CrashingDocumentSource:
    @hookimpl(tryfirst=True)
    def opslint_document_source(self, source: SourceFile) -> SourceFile | None:
        if source.path.name == "compose.yaml":
            raise ValueError("no cover")
        return None


class CrashingParser:
    @hookimpl(tryfirst=True)
    def opslint_parse(self, source: SourceFile) -> Document | None:
        if source.path.name == "compose.yaml":
            raise IndexError("list index out of range")
        return None


@pytest.mark.parametrize(
    ("plugin", "message"),
    [
        (CrashingDetector(), "kind detection failed: KeyError"),
        (CrashingDocumentSource(), "kind detection failed: ValueError"),
        (CrashingParser(), "parser failed: IndexError"),
    ],
)
def test_a_crashing_detector_or_parser_is_op001_on_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, plugin: object, message: str
) -> None:
    (tmp_path / "compose.yaml").write_text("services: {}\n", encoding="utf-8")
    report = check(tmp_path, monkeypatch, plugin)
    assert codes(report) == [NEIGHBOUR, ("OP001", "compose.yaml", 1, 1)]
    assert op001(report, "compose.yaml") == message
    assert report.notes == []


class BrokenDocument(Document):
    """A document whose model walks raise where the plugin's `fail` says."""

    kind = "broken"
    fail: frozenset[str] = frozenset()

    def objects(self) -> Iterator[object]:
        yield self
        if "objects" in self.fail:
            raise RuntimeError("walk broke")

    def companions(self) -> list[Document]:
        if "companions" in self.fail:
            raise RuntimeError("no parts")
        return []

    def scoped_suppressions(self) -> Iterator[Suppression]:
        if "suppressions" in self.fail:
            raise RuntimeError("bad annotation")
        return iter(())


@rule("XC001", "broken-seen", Severity.WARNING)
def broken_seen(document: BrokenDocument) -> Iterator[Finding]:
    """Reports each broken document, to show its rules ran."""
    yield Finding(document.span, "seen")


@rule("XC002", "returns-junk", Severity.WARNING)
def returns_junk(document: BrokenDocument) -> Iterator[object]:
    """Yields something that is not a finding."""
    yield "not a finding"


@rule("XC003", "loads-the-unloadable", Severity.WARNING)
def loads_the_unloadable(document: BrokenDocument, run: Run) -> None:
    """Asks the run for a file the run did not check."""
    run.load(Path("elsewhere/compose.yaml"))


XC = "XC001,XC002,XC003"


class BrokenKind:
    """Parses `*.broken` files into `BrokenDocument`s failing in `fail`."""

    def __init__(self, *fail: str) -> None:
        self.fail = frozenset(fail)

    @hookimpl
    def opslint_kinds(self) -> list[str]:
        return ["broken"]

    @hookimpl(tryfirst=True)
    def opslint_detect_kind(self, source: SourceFile) -> str | None:
        return "broken" if source.path.suffix == ".broken" else None

    @hookimpl
    def opslint_parse(self, source: SourceFile, kind: str) -> Document | None:
        if kind != "broken":
            return None
        document = BrokenDocument(source)
        document.fail = self.fail
        return document

    @hookimpl
    def opslint_collect_rules(self) -> list[object]:
        return [broken_seen, returns_junk, loads_the_unloadable]


def test_a_failing_walk_over_objects_is_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.broken").write_text("x\n", encoding="utf-8")
    (tmp_path / "b.broken").write_text("# opslint: ignore[XC001] fine\n", encoding="utf-8")
    report = check(tmp_path, monkeypatch, BrokenKind("objects"), select=XC)
    # the rules that ran on the document before the walk broke keep their findings
    assert codes(report) == [NEIGHBOUR, ("XC001", "a.broken", 1, 1)]
    assert report.notes == [
        "rule XC002 failed on a.broken:1:1: TypeError: yielded str, not a Finding",
        "a.broken:1:1: listing its objects failed: RuntimeError: walk broke",
        "rule XC002 failed on b.broken:1:1: TypeError: yielded str, not a Finding",
        "b.broken:1:1: listing its objects failed: RuntimeError: walk broke",
    ]
    assert codes(report, suppressed=True) == [
        ("XC001", "b.broken", 1, 1),
        ("DF101", "kept/Dockerfile", 3, 6),
    ]


def test_failing_companions_and_suppressions_cost_their_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.broken").write_text("# opslint: ignore[XC001] fine\n", encoding="utf-8")
    report = check(tmp_path, monkeypatch, BrokenKind("companions", "suppressions"), select=XC)
    # without its suppressions the file's finding is reported; the Dockerfile's stay
    assert codes(report) == [NEIGHBOUR, ("XC001", "a.broken", 1, 1)]
    assert report.notes == [
        "a.broken:1:1: reading its parts failed: RuntimeError: no parts",
        "rule XC002 failed on a.broken:1:1: TypeError: yielded str, not a Finding",
        "a.broken:1:1: reading its suppressions failed: RuntimeError: bad annotation",
    ]


def test_a_crashing_detector_under_project_load_is_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.broken").write_text("x\n", encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "compose.yaml").write_text("services: {}\n", encoding="utf-8")
    report = check(tmp_path, monkeypatch, BrokenKind(), CrashingDetector(), select=XC)
    assert codes(report) == [NEIGHBOUR, ("XC001", "a.broken", 1, 1)]
    assert report.notes == [
        "rule XC002 failed on a.broken:1:1: TypeError: yielded str, not a Finding",
        "elsewhere/compose.yaml:1:1: kind detection failed: KeyError: 'boom'",
    ]


class CrashingAdjuster:
    @hookimpl(tryfirst=True)
    def opslint_adjust_findings(self, findings: list[Finding]) -> None:
        raise RuntimeError(f"cannot adjust {len(findings)} findings")


def test_a_crashing_adjust_findings_hook_is_a_note_and_the_others_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = check(tmp_path, monkeypatch, CrashingAdjuster())
    assert codes(report) == [NEIGHBOUR]
    assert report.notes == [
        "plugin CrashingAdjuster failed adjusting findings: RuntimeError: cannot adjust 2 findings"
    ]


def _spin(seconds: float) -> None:
    """Pure-Python work for `seconds` (a budget can stop it between two bytecodes)."""
    until = time.perf_counter() + seconds
    while time.perf_counter() < until:
        pass


def test_time_budget_stops_work_and_leaves_no_alarm_behind() -> None:
    started = time.perf_counter()
    with pytest.raises(BudgetExceeded), time_budget(0.1):
        _spin(5)
    assert time.perf_counter() - started < 1
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL
    with time_budget(0.5):
        _spin(0.05)  # done within the budget: nothing is raised, then or later
    _spin(0.6)


def test_an_inner_time_budget_keeps_the_outer_one() -> None:
    started = time.perf_counter()
    with pytest.raises(BudgetExceeded), time_budget(0.1), time_budget(5):
        _spin(5)
    assert time.perf_counter() - started < 1


def test_time_budget_is_no_limit_outside_the_main_thread() -> None:
    outcome: list[str] = []

    def work() -> None:
        with time_budget(0.05):
            _spin(0.2)
        outcome.append("finished")

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert outcome == ["finished"]


def test_time_budget_leaves_someone_elses_alarm_alone() -> None:
    fired: list[int] = []
    previous = signal.signal(signal.SIGALRM, lambda signum, frame: fired.append(signum))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        with time_budget(0.05):
            _spin(0.1)
        assert signal.getsignal(signal.SIGALRM) is not signal.SIG_DFL
        _spin(0.3)
        assert fired == [signal.SIGALRM]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_a_paused_budget_resumes_after_the_pause() -> None:
    started = time.perf_counter()
    with pytest.raises(BudgetExceeded), time_budget(0.2):
        with paused():
            time.sleep(0.4)  # past the budget, but paused: nothing is raised here
        resumed = time.perf_counter()
        _spin(5)
    assert resumed - started >= 0.4
    assert time.perf_counter() - resumed < 1
