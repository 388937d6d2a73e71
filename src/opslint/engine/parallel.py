"""`opslint check` over units, in worker processes, cached and sharded.

The parent walks the tree; kind detection (and the build links of Compose files) runs in
the workers; the parent then splits the documents into units (`opslint.engine.units`),
a worker picks the rules from the kinds of the whole run (the choice is cached too), and
each unit is checked on its own, in a worker, or taken from the cache. Each unit hands
back only its findings, notes, the kinds and reported paths of its documents and the
secrets they hold: the documents themselves are dropped there. Every note and finding
carries the position one run would have said it at (phase, walk order of its document),
so the parent puts them back in that order: the report is the one `--jobs 1` gives, byte
for byte.

Workers are forked from the parent when the first tasks come (a run served from the
cache starts none) and import the rules they need themselves, the parent only for a
report that lists the rules (SARIF, JUnit); each starts without the parent's Helm render
process (it starts its own when a chart needs one) and applies the run's boundary
itself. A small run is checked in process: starting workers costs more than it saves
below `MIN_PARALLEL_FILES` files (`opslint.engine.options`). `opslint fix` always runs
in process.
"""

from __future__ import annotations

import copy
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, SupportsIndex, TextIO, TypeVar, overload

from opslint.engine.cache import (
    Cache,
    FileDigests,
    base_key,
    file_digest,
    finding_data,
    finding_of,
    key_of,
    listing_digest,
    secrets_data,
    secrets_of,
)
from opslint.engine.options import MIN_PARALLEL_FILES, Options
from opslint.engine.runner import COLLECT, Position, kinds_of
from opslint.engine.units import COMPOSE, KUBERNETES, Target, Unit, partition, shard
from opslint.model.base import Finding
from opslint.report import Report
from opslint.rule import Rule
from opslint.run import Run
from opslint.safety.boundary import Boundary
from opslint.safety.budget import BudgetExceeded, time_budget
from opslint.safety.redact import Secrets

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from opslint.engine.runner import Session

DETECT_BATCH = 64
T = TypeVar("T")
R = TypeVar("R")


@dataclass
class UnitResult:
    """What checking one unit leaves: all the report needs of it, no document."""

    findings: list[tuple[Position, Finding]] = field(default_factory=list)
    notes: list[tuple[Position, str]] = field(default_factory=list)
    run_notes: list[tuple[Position, str]] = field(default_factory=list)
    kinds: frozenset[str] = frozenset()
    sources: list[tuple[Position, str, str, str | None]] = field(default_factory=list)
    """(position, reported path, path, kind) of each document."""
    documents: int = 0
    secrets: Secrets = field(default_factory=Secrets)
    reads: dict[str, str | None] = field(default_factory=dict)
    """Files read beside the unit's own, with their digests (None: absent)."""
    listings: dict[str, str | None] = field(default_factory=dict)
    """The folders of the unit's files and of those it read, with the digests of their
    listings: a view that lists a folder (a Terraform module's `.tf` files, a workflow's
    siblings) finds a file added there even when the walk did not pass it."""
    misread: list[str] = field(default_factory=list)
    """Files whose provisional detection the check did not confirm (see `check_unit`):
    never cached, and the run is checked again from exact detection."""

    def data(self) -> dict[str, object]:
        """As JSON data, for the cache."""
        return {
            "findings": [[list(p), finding_data(f)] for p, f in self.findings],
            "notes": [[list(p), text] for p, text in self.notes],
            "run_notes": [[list(p), text] for p, text in self.run_notes],
            "kinds": sorted(self.kinds),
            "sources": [[list(p), d, path, kind] for p, d, path, kind in self.sources],
            "documents": self.documents,
            "secrets": secrets_data(self.secrets),
            "reads": self.reads,
            "listings": self.listings,
        }

    @classmethod
    def of(cls, data: Any) -> UnitResult:
        """What `data` stored (raises on malformed data)."""
        return cls(
            [(tuple(p), finding_of(f)) for p, f in data["findings"]],
            [(tuple(p), str(text)) for p, text in data["notes"]],
            [(tuple(p), str(text)) for p, text in data["run_notes"]],
            frozenset(str(kind) for kind in data["kinds"]),
            [(tuple(p), str(d), str(path), kind) for p, d, path, kind in data["sources"]],
            int(data["documents"]),
            secrets_of(data["secrets"]),
            {str(path): value for path, value in data["reads"].items()},
            {str(path): value for path, value in data["listings"].items()},
        )


class TracedRun(Run):
    """A run that records the files its rules read beside the checked ones."""

    def __init__(self, *arguments: Any) -> None:
        super().__init__(*arguments)
        self.read_paths: set[Path] = set()

    def exists(self, path: Path) -> bool:
        self.read_paths.add(path.absolute())
        return super().exists(path)

    def text(self, path: Path) -> str | None:
        self.read_paths.add(path.absolute())
        return super().text(path)


_SESSION: Session | None = None
"""The session workers inherit from the parent."""


def _start_worker() -> None:
    """A forked worker starts without the parent's Helm render process. What it inherits
    is frozen out of the cycle collector's reach (its pages stay shared with the parent);
    the collector stays paused, as `opslint check` paused it, and `check_unit` collects
    what each unit leaves."""
    import gc

    if "opslint.parsers.helm_render" in sys.modules:
        from opslint.parsers.helm_render import forget_worker

        forget_worker()
    gc.freeze()


def _session() -> Session:
    assert _SESSION is not None
    return _SESSION


def _tagging(session: Session) -> None:
    session.notes = []
    session.tagged = []
    session.tagged_run_notes = []
    session.positions = {}
    session.spent = {}


def detect(
    boundary: Boundary, files: list[tuple[int, Path, str]], provisional: bool
) -> tuple[list[Target], list[tuple[Position, str]]]:
    """The documents of `files` (walk order, path, reported path) and the notes detection
    left; `provisional` lets plugins answer without loading a file (`opslint.hookspec`)."""
    session = _session()
    _tagging(session)
    found: list[Target] = []
    with boundary.applied():
        for order, path, display in files:
            session.where = (COLLECT, order)
            started = time.perf_counter()
            try:
                with time_budget(session.config.file_time_budget):
                    resolved = session.resolve(session.source(path, display), provisional)
                    seconds = time.perf_counter() - started
                    builds = _builds(session, *resolved) if resolved is not None else ()
                    standalone = resolved is not None and _standalone(*resolved, provisional)
            except (Exception, BudgetExceeded):  # the unit detects it again and reports why
                found.append(Target(order, path, display, None))
                continue
            if resolved is not None:
                source, kind = resolved
                found.append(
                    Target(order, source.path, source.display, kind, seconds, builds, standalone)
                )
    assert session.tagged is not None
    return found, session.tagged


def _builds(session: Session, source: Any, kind: str) -> tuple[str, ...]:
    """The Dockerfiles a Compose file's services build (resolved paths)."""
    if kind != COMPOSE:
        return ()
    from opslint.model.compose import ComposeFile

    try:
        document = session.parse(source, kind)
        if not isinstance(document, ComposeFile):
            return ()
        paths = (s.dockerfile_path for s in document.services if s.build is not None)
        return tuple(sorted({path.resolve().as_posix() for path in paths if path is not None}))
    except Exception:  # the unit parses it again and reports it
        return ()


def _standalone(source: Any, kind: str, provisional: bool = False) -> bool:
    """True for a manifest file whose objects no cross-object view joins (see
    `opslint.engine.units`)."""
    if kind != KUBERNETES:
        return False
    from opslint.indexes.kubernetes import stands_alone

    return stands_alone(source, provisional)


def _confirmed(session: Session, source: Any, target: Target) -> bool:
    """True when exact detection of a file the unit has read gives what provisional
    detection gave: its kind, and for a manifest whether it stands alone."""
    try:
        if session.kind_for(source) != target.kind:
            return False
    except Exception:  # a detector that fails now does not confirm
        return False
    return target.kind != KUBERNETES or _standalone(source, KUBERNETES) == target.standalone


def check_unit(boundary: Boundary, unit: Unit, kinds: frozenset[str], confirm: bool) -> UnitResult:
    """Check one unit, as one run over it with the rules of `kinds` would. `confirm`: its
    files were detected provisionally; each is detected again, exactly, once read.

    The unit's documents hold reference cycles, and the collector is paused (a collection
    while a large unit grows walks all of it again and again): once the unit is checked,
    one collection of the youngest generation, which holds everything the unit made,
    frees them."""
    import gc

    result = _checked_unit(boundary, unit, kinds, confirm)
    gc.collect(0)
    return result


def _checked_unit(
    boundary: Boundary, unit: Unit, kinds: frozenset[str], confirm: bool
) -> UnitResult:
    session = _session()
    _tagging(session)
    misread: list[str] = []
    with boundary.applied():
        run = TracedRun(session.config, session.load)
        seen: set[Path] = set()
        for target in unit.targets:
            session.where = (COLLECT, target.order)
            source = session.source(target.path, target.display)
            detected = ((source, target.kind), target.seconds) if target.kind else None
            document = session.read(source, seen, detected)
            if document is not None:
                session.add_document(run, document, target.order)
            if confirm and detected and document and not _confirmed(session, source, target):
                misread.append(target.display)
        every, rules = _rules(session, kinds)
        findings = session.evaluate(run, every, rules)
        assert session.tagged is not None
        checked = {Path(source.path).absolute() for source in run.sources.values()}
        folders = {path.parent for path in chain(checked, run.read_paths)}
        return UnitResult(
            findings,
            session.tagged,
            session.tagged_run_notes,
            kinds_of(run.documents),
            [
                (session.positions.get(display, ()), display, source.path.as_posix(), source.kind)
                for display, source in run.sources.items()
            ],
            len(run.documents),
            Secrets.of(run.documents),
            {path.as_posix(): file_digest(path) for path in sorted(run.read_paths - checked)},
            {folder.as_posix(): listing_digest(folder) for folder in sorted(folders)},
            misread,
        )


_RULES: dict[frozenset[str], tuple[list[Rule], list[Rule]]] = {}
"""The rules of each set of kinds, chosen once per process."""


def _rules(session: Session, kinds: frozenset[str]) -> tuple[list[Rule], list[Rule]]:
    if kinds not in _RULES:
        _RULES[kinds] = session.rules(kinds)
    return _RULES[kinds]


class Executor:
    """Runs tasks in worker processes, or in this one."""

    def __init__(self, session: Session, jobs: int) -> None:
        self.pool: ProcessPoolExecutor | None = None
        self.jobs = jobs
        global _SESSION
        _SESSION = copy.copy(session)  # units say their notes apart from the run's

    def _start(self) -> ProcessPoolExecutor | None:
        """The worker pool, made on the first tasks: a run whose detection and units all
        come from the cache imports no multiprocessing (None: checked in process)."""
        if self.pool is not None or self.jobs <= 1:
            return self.pool
        import multiprocessing  # a run in process does without
        from concurrent.futures import ProcessPoolExecutor

        if "fork" in multiprocessing.get_all_start_methods():
            self.pool = ProcessPoolExecutor(
                self.jobs,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_start_worker,
            )
        else:
            self.jobs = 1
        return self.pool

    def map(
        self, function: Callable[..., R], tasks: list[tuple[Any, ...]]
    ) -> Iterator[tuple[int, R]]:
        """(task position, result) as each task finishes."""
        pool = self._start() if tasks else None
        if pool is None:
            for position, task in enumerate(tasks):
                yield position, function(*task)
            return
        from concurrent.futures import as_completed

        futures: dict[Future[R], int] = {
            pool.submit(function, *task): position for position, task in enumerate(tasks)
        }
        for future in as_completed(futures):
            yield futures[future], future.result()

    def close(self) -> None:
        global _SESSION
        _SESSION = None
        _RULES.clear()
        if self.pool is not None:
            self.pool.shutdown()


REDRAW_SECONDS = 0.1
"""The progress line is drawn again at most this often (a large tree finishes thousands of
units a second; a terminal over SSH or a CI log would take every line)."""


class Progress:
    """Units done of all, files, elapsed time, on one line of a terminal: drawn at the
    first unit, then at most every `REDRAW_SECONDS`, and at the last."""

    def __init__(self, stream: TextIO | None, units: int, files: int) -> None:
        self.stream = stream
        self.units, self.files = units, files
        self.done_units = self.done_files = 0
        self.started = time.perf_counter()
        self.drawn: float | None = None

    def advance(self, files: int) -> None:
        self.done_units += 1
        self.done_files += files
        if self.stream is None:
            return
        now = time.perf_counter()
        last = self.done_units == self.units
        if self.drawn is not None and now - self.drawn < REDRAW_SECONDS and not last:
            return
        self.drawn = now
        self.stream.write(
            f"\ropslint: {self.done_units}/{self.units} units, "
            f"{self.done_files}/{self.files} files, {now - self.started:.1f}s"
        )
        self.stream.flush()

    def close(self) -> None:
        if self.stream is not None and self.done_units:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def check(
    session: Session, files: list[tuple[Path, str]], boundary: Boundary, started: float
) -> Report:
    """The report of `session` over the walked `files` (see the module)."""
    options = session.parallel
    assert options is not None
    in_process = len(files) < MIN_PARALLEL_FILES or options.jobs <= 1
    executor = Executor(session, 1 if in_process else options.jobs)
    try:
        return _check(session, executor, options, files, boundary, started)
    finally:
        executor.close()


def _check(
    session: Session,
    executor: Executor,
    options: Options,
    files: list[tuple[Path, str]],
    boundary: Boundary,
    started: float,
) -> Report:
    cache = Cache(options.cache) if options.cache is not None else None
    if cache is not None and not cache.usable:
        session.note(f"{options.cache}: cannot be used as the cache folder; results not cached")
        cache = None
    digests = FileDigests(cache)
    contents = [digests.digest(path) for path, _ in files]
    digests.save()
    base = base_key(
        session.config, session.forced_kind, session.force_exclude, _plugin_set(session)
    )
    walked = (files, contents, digests.sizes)
    checked = _units(session, executor, options, *walked, boundary, cache, base, True)
    if checked is None:  # a unit did not confirm a provisional kind: detect exactly
        checked = _units(session, executor, options, *walked, boundary, cache, base, False)
        assert checked is not None  # exact detection leaves nothing to confirm
    if isinstance(checked, Whole):
        return session.checked_files(files, started)
    kinds, detection_notes, results = checked
    return _merge(session, LazyRules(session, kinds), detection_notes, results, started)


class Whole:
    """A run that a rule of the whole run checks as one unit."""


def _units(
    session: Session,
    executor: Executor,
    options: Options,
    files: list[tuple[Path, str]],
    contents: list[str | None],
    sizes: dict[Path, int],
    boundary: Boundary,
    cache: Cache | None,
    base: str,
    provisional: bool,
) -> tuple[frozenset[str], list[tuple[Position, str]], list[UnitResult]] | Whole | None:
    """The kinds, detection notes and unit results of the run; `Whole` when a chosen rule
    checks the whole run; None when detection was `provisional` and a unit found a file's
    kind or standing other than detection said."""
    targets, detection_notes = _detect(
        executor, boundary, files, contents, cache, base, provisional
    )
    covered = _covered(files, contents, targets) if cache is not None else {}
    units = partition(targets)
    if options.shard is not None:
        units = shard(units, *options.shard)
    kinds = frozenset(t.kind for t in targets if t.kind is not None)
    weights = [_weight(unit, sizes) for unit in units]
    checking = (executor, options, units, weights, covered, cache, base, boundary, provisional)
    checked = _results(session, kinds, _stored_choice(session, kinds, cache, base), *checking)
    if checked is None:
        return Whole()
    choice, results = checked
    actual = frozenset(chain.from_iterable(result.kinds for result in results))
    if actual != kinds:
        again = _choice(session, executor, actual, cache, base)
        if again.whole_run:
            return Whole()
        if again.codes != choice.codes:
            kinds = actual
            checked = _results(session, kinds, again, *checking)
            assert checked is not None  # a choice given is not made again
            results = checked[1]
    if any(result.misread for result in results):
        return None
    return kinds, detection_notes, results


@dataclass(frozen=True)
class Choice:
    """What the rules of a set of kinds are to a run over units: the codes of every rule
    installed for them, and whether a chosen one checks the whole run at once."""

    codes: tuple[str, ...]
    whole_run: bool


def _choice(
    session: Session, executor: Executor, kinds: frozenset[str], cache: Cache | None, base: str
) -> Choice:
    """The `Choice` of `kinds`, from the cache when this config and these plugins made it
    before (a warm run then imports no rule), else from the rules, checking the config
    against them: in a worker, which needs them for its units, so that this process
    imports no rule for the text and JSON reports."""
    stored = _stored_choice(session, kinds, cache, base)
    if stored is not None:
        return stored
    [(_, choice)] = executor.map(_chosen, [(kinds,)])
    _store_choice(session, kinds, cache, base, choice)
    return choice


def _choice_key(session: Session, kinds: frozenset[str], base: str) -> str:
    declared = session.plugins.rule_index().items()  # a rule added without a new version
    return key_of(base, [*((kind, None) for kind in kinds), *declared])


def _stored_choice(
    session: Session, kinds: frozenset[str], cache: Cache | None, base: str
) -> Choice | None:
    """The `Choice` of `kinds` a run with this config and these plugins made before."""
    stored = cache.get("rules", _choice_key(session, kinds, base)) if cache else None
    if stored is None:
        return None
    try:
        return Choice(tuple(str(code) for code in stored["codes"]), bool(stored["whole_run"]))
    except (KeyError, TypeError):
        return None


def _store_choice(
    session: Session, kinds: frozenset[str], cache: Cache | None, base: str, choice: Choice
) -> None:
    if cache is not None:
        data = {"codes": list(choice.codes), "whole_run": choice.whole_run}
        cache.put("rules", _choice_key(session, kinds, base), data)


def _chosen(kinds: frozenset[str]) -> Choice:
    """The `Choice` of `kinds`, from the rules of this process."""
    every, rules = _rules(_session(), kinds)
    return Choice(tuple(rule.code for rule in every), any(r.subject is None for r in rules))


class LazyRules(list[Rule]):
    """The rules a run used, chosen when a report first reads them: the text and JSON
    reports do not, so a run whose units all came from the cache imports no rule."""

    def __init__(self, session: Session, kinds: frozenset[str]) -> None:
        super().__init__()
        self._pending: tuple[Session, frozenset[str]] | None = (session, kinds)

    def _load(self) -> None:
        if self._pending is not None:
            session, kinds = self._pending
            self._pending = None
            self.extend(session.rules(kinds)[1])  # after the run: not the run's `_RULES`

    def __iter__(self) -> Iterator[Rule]:
        self._load()
        return super().__iter__()

    def __len__(self) -> int:
        self._load()
        return super().__len__()

    def __contains__(self, item: object) -> bool:
        self._load()
        return super().__contains__(item)

    @overload
    def __getitem__(self, index: SupportsIndex) -> Rule: ...
    @overload
    def __getitem__(self, index: slice) -> list[Rule]: ...
    def __getitem__(self, index: SupportsIndex | slice) -> Rule | list[Rule]:
        self._load()
        return super().__getitem__(index)


def _plugin_set(session: Session) -> list[tuple[str, str]]:
    """The registered plugins with their versions, and the project's rule files."""
    found = sorted(
        (str(name), str(getattr(dist, "version", "")))
        for plugin, dist in session.plugins.list_plugin_distinfo()
        for name in (session.plugins.get_name(plugin),)
    )
    found.extend((name, "") for name, _ in session.plugins.list_name_plugin())
    from opslint.config import rule_files

    for base in session.config.rule_paths:
        for path in rule_files(base) if base.exists() else ():
            found.append((path.as_posix(), file_digest(path) or ""))
    return sorted(set(found))


def _detect(
    executor: Executor,
    boundary: Boundary,
    files: list[tuple[Path, str]],
    contents: list[str | None],
    cache: Cache | None,
    base: str,
    provisional: bool,
) -> tuple[list[Target], list[tuple[Position, str]]]:
    """The documents of the walk and the notes their detection left (cached by tree)."""
    key = key_of(
        base_key(base, provisional),
        ((display, content) for (_, display), content in zip(files, contents, strict=True)),
    )
    stored = cache.get("detect", key) if cache is not None else None
    if stored is not None:
        try:
            return (
                [
                    Target(int(o), Path(p), str(d), k, float(s), tuple(b), bool(a))
                    for o, p, d, k, s, b, a in stored["targets"]
                ],
                [(tuple(position), str(text)) for position, text in stored["notes"]],
            )
        except (KeyError, TypeError, ValueError):
            pass
    numbered = [(order, path, display) for order, (path, display) in enumerate(files)]
    batches = [numbered[i : i + DETECT_BATCH] for i in range(0, len(numbered), DETECT_BATCH)]
    parts = sorted(
        executor.map(detect, [(boundary, batch, provisional) for batch in batches]),
        key=itemgetter(0),
    )
    found = [target for _, (targets, _) in parts for target in targets]
    notes = [note for _, (_, notes) in parts for note in notes]
    targets: list[Target] = []
    seen: set[Path] = set()
    for target in found:
        where = target.path.absolute()
        if target.kind is not None and where in seen:
            continue
        seen.add(where)
        targets.append(target)
    if cache is not None:
        cache.put(
            "detect",
            key,
            {
                "targets": [
                    [
                        t.order,
                        t.path.as_posix(),
                        t.display,
                        t.kind,
                        t.seconds,
                        list(t.builds),
                        t.standalone,
                    ]
                    for t in targets
                ],
                "notes": [[list(position), text] for position, text in notes],
            },
        )
    return targets, notes


def _covered(
    files: list[tuple[Path, str]], contents: list[str | None], targets: list[Target]
) -> dict[int, list[tuple[str, str | None]]]:
    """For each target (by order), the walked files it stands for, with their digests:
    itself, and for a Helm chart every file of the walk below the chart."""
    covered: dict[int, list[tuple[str, str | None]]] = {}
    folders = {
        target.path.absolute().parent: target.order
        for target in targets
        if target.kind == "helm-chart"
    }
    by_path = {target.path.absolute(): target.order for target in targets}
    for (path, display), content in zip(files, contents, strict=True):
        absolute = path.absolute()
        order = by_path.get(absolute)
        if order is None:
            order = next(
                (folders[folder] for folder in absolute.parents if folder in folders), None
            )
        if order is not None:
            covered.setdefault(order, []).append((display, content))
    return covered


def _results(
    session: Session,
    kinds: frozenset[str],
    choice: Choice | None,
    executor: Executor,
    options: Options,
    units: list[Unit],
    weights: list[int],
    covered: dict[int, list[tuple[str, str | None]]],
    cache: Cache | None,
    base: str,
    boundary: Boundary,
    confirm: bool,
) -> tuple[Choice, list[UnitResult]] | None:
    """The choice of rules and the result of every unit, from the cache or checked
    (heaviest first, light ones together). A `choice` not known yet is made in a worker
    beside the first units rather than before them (a cold run would wait for it with the
    other workers idle); None when it says that a rule checks the whole run."""
    results: list[UnitResult | None] = [None] * len(units)
    progress = Progress(options.progress, len(units), sum(unit.size for unit in units))
    keys: list[str] | None = None
    if choice is not None:
        keys = _unit_keys(session, kinds, choice, units, covered, base)
        for position, unit in enumerate(units):
            stored = _cached(cache, keys[position])
            if stored is not None:
                results[position] = stored
                progress.advance(unit.size)
    pending = sorted(
        (position for position, result in enumerate(results) if result is None),
        key=lambda position: (-weights[position], position),
    )
    batches = _batches(pending, weights)
    calls: list[tuple[Any, ...]] = [
        (check_units, boundary, [units[position] for position in batch], kinds, confirm)
        for batch in batches
    ]
    if choice is None:
        calls.insert(0, (_chosen, kinds))
    first_batch = len(calls) - len(batches)
    for index, result in executor.map(_call, calls):
        if isinstance(result, Choice):
            choice = result
            _store_choice(session, kinds, cache, base, choice)
            if choice.whole_run:
                return None
            if cache is not None:
                keys = _unit_keys(session, kinds, choice, units, covered, base)
                for position in pending:  # those checked before the choice came
                    _store_result(cache, keys[position], results[position])
            continue
        assert isinstance(result, list)
        for position, checked in zip(batches[index - first_batch], result, strict=True):
            results[position] = checked
            progress.advance(units[position].size)
            if keys is not None:
                _store_result(cache, keys[position], checked)
    progress.close()
    assert choice is not None
    return choice, [result for result in results if result is not None]


FILE_WEIGHT = 2048
"""What reading and checking a file costs beside its bytes, in bytes."""
BATCH_WEIGHT = 64 * 1024
"""Units lighter than this go to a worker together, up to this weight: a task's round trip
costs about as much as checking a small file."""


def _weight(unit: Unit, sizes: dict[Path, int]) -> int:
    """What checking `unit` is likely to cost: its files' bytes and a cost per file."""
    return sum(sizes.get(target.path, 0) + FILE_WEIGHT for target in unit.targets)


def _batches(pending: list[int], weights: list[int]) -> list[list[int]]:
    """`pending` (heaviest first) cut into tasks of at least `BATCH_WEIGHT` where units
    are lighter, keeping the order."""
    batches: list[list[int]] = []
    load = BATCH_WEIGHT
    for position in pending:
        if load >= BATCH_WEIGHT:
            batches.append([])
            load = 0
        batches[-1].append(position)
        load += weights[position]
    return batches


def check_units(
    boundary: Boundary, units: list[Unit], kinds: frozenset[str], confirm: bool
) -> list[UnitResult]:
    """`check_unit` of each of `units`, in one task."""
    return [check_unit(boundary, unit, kinds, confirm) for unit in units]


def _call(function: Callable[..., R], *arguments: Any) -> R:
    """`function(*arguments)`: lets one map run tasks of several functions."""
    return function(*arguments)


def _unit_keys(
    session: Session,
    kinds: frozenset[str],
    choice: Choice,
    units: list[Unit],
    covered: dict[int, list[tuple[str, str | None]]],
    base: str,
) -> list[str]:
    rules_key = base_key(base, choice.codes, sorted(kinds), _helm_renderer(session, kinds))
    return [
        key_of(rules_key, chain.from_iterable(covered.get(t.order, ()) for t in unit.targets))
        for unit in units
    ]


def _store_result(cache: Cache | None, key: str, result: UnitResult | None) -> None:
    if cache is not None and result is not None and not result.misread:
        cache.put("unit", key, result.data())


def _helm_renderer(session: Session, kinds: frozenset[str]) -> str | None:
    """What renders the run's charts (installing Helm changes what a chart finds)."""
    if "helm-chart" not in kinds:
        return None
    from opslint.parsers.helm import chosen_renderer

    return chosen_renderer(session.config.helm)


def _cached(cache: Cache | None, key: str) -> UnitResult | None:
    """The stored result of a unit, if the files it read beside are unchanged."""
    stored = cache.get("unit", key) if cache is not None else None
    if stored is None:
        return None
    try:
        result = UnitResult.of(stored)
    except (KeyError, TypeError, ValueError, IndexError):
        return None
    if any(file_digest(Path(path)) != value for path, value in result.reads.items()):
        return None
    if any(listing_digest(Path(path)) != value for path, value in result.listings.items()):
        return None
    return result


def _merge(
    session: Session,
    rules: list[Rule],
    detection_notes: list[tuple[Position, str]],
    results: list[UnitResult],
    started: float,
) -> Report:
    """One report from the units' results, in the order one run gives."""
    first = itemgetter(0)
    for _, text in sorted(chain(detection_notes, *(r.notes for r in results)), key=first):
        session.note(text)
    for _, text in sorted(chain.from_iterable(r.run_notes for r in results), key=first):
        session.note(text)
    ordered = sorted(chain.from_iterable(r.findings for r in results), key=first)
    findings = list(dict.fromkeys(finding for _, finding in ordered))
    sources = {}
    for _, display, path, kind in sorted(
        chain.from_iterable(r.sources for r in results), key=first
    ):
        source = session.source(Path(path), display)
        source.kind = kind
        sources[display] = source
    secrets = Secrets()
    for result in results:
        secrets.update(result.secrets)
    files = sum(result.documents for result in results)
    return session.report(findings, rules, sources, files, secrets, started)
