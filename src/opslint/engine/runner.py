"""The engine: find files, detect kinds, parse, run rules, apply suppressions."""

from __future__ import annotations

import importlib.util
import inspect
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

from opslint.config import Config, ConfigError, rule_files
from opslint.engine import discovery
from opslint.model.base import Finding, Span
from opslint.model.source import Document, Overlaid, Reader, SourceError, SourceFile
from opslint.model.suppression import Suppression
from opslint.parsers.errors import describe, parse_failure
from opslint.plugins import PluginManager
from opslint.report import Report
from opslint.rule import Rule, RuleDefinitionError, make_rule, spec_of
from opslint.run import Run
from opslint.safety.boundary import Boundary, active
from opslint.safety.budget import BudgetExceeded, time_budget
from opslint.safety.redact import Secrets

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

    from opslint.engine.options import Options

Position = tuple[int, ...]
"""Where in a run something was said: (phase, walk order of the document, part), so that
what units checked apart can be put back in the order one run says it (see `parallel`)."""
COLLECT, PRE, ADJUST, POST = range(4)


def load_rule_paths(paths: Iterable[Path]) -> list[tuple[str, Callable[..., Any]]]:
    """Import the project's own rule modules (``*.py`` below each path), like pytest test files.

    Only paths the user named are imported: `--rule-path`, the `rule-paths` of a config given
    with `--config`, or those of a config the user trusted (`opslint trust`). A config found
    in a scanned tree loses its `rule-paths` without that trust (`config.discover`), so a
    scanned tree's code is never executed on its own.
    """
    found: list[tuple[str, Callable[..., Any]]] = []
    for base in paths:
        if not base.exists():
            raise ConfigError(f"rule path {base} does not exist")
        for file in rule_files(base):
            name = f"opslint_local_rules.{'_'.join(file.with_suffix('').parts[-3:])}"
            spec = importlib.util.spec_from_file_location(name, file)
            if spec is None or spec.loader is None:
                continue
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            try:
                spec.loader.exec_module(module)
            except Exception as error:
                raise ConfigError(f"cannot import rule file {file}: {error}") from None
            for _, function in inspect.getmembers(module, inspect.isfunction):
                if spec_of(function) is not None and function.__module__ == name:
                    found.append((str(file), function))
    return found


def _matches(selector: str, rule: Rule) -> bool:
    return selector == "ALL" or rule.code.startswith(selector) or selector == rule.spec.name


def _exact(selector: str, rule: Rule) -> bool:
    return selector in (rule.code, rule.spec.name)


def select_rules(rules: list[Rule], config: Config, declared: Iterable[str] = ()) -> list[Rule]:
    """The rules a run uses: ruff's select / extend-select / ignore, by code, prefix or name.

    A prefix turns on the rules of that family that are on by default; rules that are off
    by default need `ALL` or their exact code or name. A selector that names no rule is a
    configuration error, unless it may name a rule of rule paths an untrusted config lost.
    """
    names = {*declared, *config.unloaded_codes}
    for selector in (*(config.select or ()), *config.extend_select, *config.ignore):
        if selector in names or any(name.startswith(selector) for name in names):
            continue
        if not any(_matches(selector, rule) for rule in rules):
            raise ConfigError(f"unknown rule code or name `{selector}`")

    def chosen(selectors: Iterable[str], rule: Rule) -> bool:
        return any(
            _exact(s, rule) or (_matches(s, rule) and (s == "ALL" or rule.spec.default_enabled))
            for s in selectors
        )

    enabled = []
    for rule in rules:
        on = rule.spec.default_enabled if config.select is None else chosen(config.select, rule)
        on = on or chosen(config.extend_select, rule)
        if on and not any(_matches(s, rule) for s in config.ignore):
            enabled.append(rule)
    return enabled


def peer_index(rules: Iterable[Rule]) -> dict[tuple[str, str], tuple[str, ...]]:
    """(tool, check) to opslint codes, from the rules' `peers` ("hadolint DL3008 (partial)")."""
    index: dict[tuple[str, str], list[str]] = defaultdict(list)
    for rule in rules:
        for peer in rule.spec.peers:
            parts = peer.split()
            if len(parts) >= 2:
                index[(parts[0], parts[1])].append(rule.code)
    return {key: tuple(codes) for key, codes in index.items()}


@dataclass
class Session:
    """One run of the engine over some paths."""

    config: Config
    plugins: PluginManager
    forced_kind: str | None = None
    force_exclude: bool = False
    notes: list[str] = field(default_factory=list)
    overlay: dict[Path, str] = field(default_factory=dict)
    """Texts that stand in for files on disk (fixes computed but not yet written)."""
    leftovers: list[Path] = field(default_factory=list)
    """Temporary files of an interrupted `opslint fix` the walk came across."""

    spent: dict[str, float] = field(default_factory=dict)
    """Seconds each file (by reported path) took to detect and parse, out of its budget."""

    parallel: Options | None = None
    """How `opslint check` spreads the run over processes, caches and shards it (None: in
    process, as one unit)."""
    where: Position = ()
    """The position of what the run is doing now (kept only while `tagged` is on)."""
    tagged: list[tuple[Position, str]] | None = None
    """Notes with their positions, when a unit of a parallel run is checked."""
    tagged_run_notes: list[tuple[Position, str]] = field(default_factory=list)
    positions: dict[str, Position] = field(default_factory=dict)
    """The walk position of each document of a unit, by reported path."""
    made: dict[Callable[..., Any], Rule] = field(default_factory=dict)
    """The rule made of each rule function: choosing the rules of several sets of kinds
    makes each once."""
    local_rules: list[tuple[str, Callable[..., Any]]] | None = None
    """The functions of the config's rule paths, once imported."""

    def __post_init__(self) -> None:
        for note in self.config.notes:
            self.note(note)

    def note(self, text: str) -> None:
        """Add a message for the run's summary, once however often it is said."""
        if text not in self.notes:
            self.notes.append(text)
            if self.tagged is not None:
                self.tagged.append((self.where, text))

    def drain(self, run: Run) -> None:
        """Tag the notes rules left on `run` since the last call with the current position."""
        if self.tagged is not None:
            done = len(self.tagged_run_notes)
            self.tagged_run_notes.extend((self.where, text) for text in run.notes[done:])

    def source(self, path: Path, display: str) -> SourceFile:
        """The file at `path`, or its overlaid text; the files read along with it (a
        chart's) are overlaid too."""
        text = self.overlay.get(path.resolve()) if self.overlay else None
        read: Reader = discovery.reader(active(), self.config.max_file_size)
        if self.overlay:
            read = Overlaid(read, self.overlay)
        return SourceFile(path, display, text=text, read=read)

    def all_rules(self, kinds: frozenset[str] | None = None) -> list[Rule]:
        """Every rule the plugins and rule paths provide (for `kinds`), no code twice."""
        rules: dict[str, Rule] = {}
        if self.local_rules is None:
            self.local_rules = load_rule_paths(self.config.rule_paths)
        functions = self.plugins.rule_functions(kinds) + self.local_rules
        families = self.plugins.rule_families()
        for origin, function in functions:
            rule = self.made.get(function)
            if rule is None:
                try:
                    rule = make_rule(function, origin, families)
                except RuleDefinitionError as error:
                    raise ConfigError(f"invalid rule from {origin}: {error}") from None
                self.made[function] = rule
            if rule.code in rules:
                raise ConfigError(
                    f"rule code {rule.code} is defined twice ({rules[rule.code].origin}, {origin})"
                )
            rules[rule.code] = rule
        return sorted(rules.values(), key=lambda r: r.code)

    def rules(self, kinds: frozenset[str] | None = None) -> tuple[list[Rule], list[Rule]]:
        """The installed rules (those for `kinds`, when given), and those this run uses,
        with config checked against every rule there is."""
        every = self.all_rules(kinds)
        known = {rule.code: rule for rule in every} | {rule.spec.name: rule for rule in every}
        index = self.plugins.rule_index()
        declared = {*index, *index.values(), *known, *self.config.unloaded_codes}
        for key, values in self.config.rule_options.items():
            if key not in declared:
                raise ConfigError(f"options given for unknown rule `{key}`")
            if key not in known:
                continue  # a rule of a kind this run has no file of
            try:
                known[key].make_options(values)
            except ValueError as error:
                raise ConfigError(str(error)) from None
        for code in self.config.severity:
            if code not in declared:
                raise ConfigError(f"severity given for unknown rule `{code}`")
        return every, select_rules(every, self.config, declared)

    def kind_for(self, source: SourceFile, provisional: bool = False) -> str | None:
        """The forced kind, a configured kind glob, or what the plugins detect
        (`provisional`: see `opslint.hookspec.opslint_detect_kind`)."""
        if self.forced_kind:
            return self.forced_kind
        if self.config.kinds:
            import pathspec

            relative = self.config_relative(source.display)
            for glob, configured in self.config.kinds.items():
                if pathspec.GitIgnoreSpec.from_lines([glob]).match_file(relative):
                    return configured
        kind: str | None = self.plugins.hook.opslint_detect_kind(
            source=source, config=self.config, provisional=provisional
        )
        return kind

    def parse(self, source: SourceFile, kind: str) -> Document:
        """Parse `source`; unreadable input becomes a document holding one OP001 problem."""
        source.kind = kind  # the parser reads lines as this kind breaks them
        try:
            document: Document | None = self.plugins.hook.opslint_parse(
                source=source, kind=kind, config=self.config
            )
        except Exception as error:  # the run goes on whatever one parser does
            return parse_failure(source, error)
        if document is None:
            return parse_failure(source, SourceError(f"no plugin parses files of kind {kind!r}"))
        document.source.kind = kind
        return document

    def load(self, path: Path) -> Document | None:
        """Detect and parse a file outside the checked set (for cross-file rules)."""
        source = self.source(path, path.as_posix())
        try:
            kind = self.plugins.hook.opslint_detect_kind(
                source=source, config=self.config, provisional=False
            )
        except SourceError:
            return None
        except Exception as error:  # a detector's crash costs this file, not the rule asking
            self.note(f"{source.display}:1:1: kind detection failed: {describe(error)}")
            return None
        return self.parse(source, kind) if kind else None

    def resolve(
        self, source: SourceFile, provisional: bool = False
    ) -> tuple[SourceFile, str] | None:
        """The kind of a file of the walk and the file whose document covers it (a Helm
        chart's `Chart.yaml` for its templates); None when it has no kind."""
        try:
            kind = self.kind_for(source, provisional)
        except SourceError as error:
            self.note(f"{source.display}:{error.line}:{error.column}: {error.message}")
            return None
        if kind is None:
            return None
        covering: SourceFile | None = self.plugins.hook.opslint_document_source(
            source=source, kind=kind, config=self.config
        )
        if covering is not None:
            covering.read = source.read
            return covering, kind
        return source, kind

    def read(
        self,
        source: SourceFile,
        seen: set[Path],
        detected: tuple[tuple[SourceFile, str], float] | None = None,
    ) -> Document | None:
        """Detect and parse one file of the walk within its time budget; None when it has no
        kind or its document was read already. A failure or an exhausted budget becomes
        the file's OP001. `detected`: its covering file and kind, found already in the
        seconds given (a parallel run detects first)."""
        budget = self.config.file_time_budget
        started = time.perf_counter() - (detected[1] if detected else 0.0)
        target = source
        try:
            with time_budget(budget):
                resolved = detected[0] if detected else self.resolve(source)
                if resolved is None:
                    return None
                target, kind = resolved
                if target.path.absolute() in seen:
                    return None
                seen.add(target.path.absolute())
                document = self.parse(target, kind)
        except BudgetExceeded:
            seen.add(target.path.absolute())
            document = parse_failure(target, SourceError(_stopped(budget, "reading it")))
        except Exception as error:  # detection or a plugin's hook; the parser's are in `parse`
            seen.add(target.path.absolute())
            document = parse_failure(target, error, "kind detection")
        self.spent[document.path] = time.perf_counter() - started
        return document

    def walk(self, paths: list[Path], boundary: Boundary | None = None) -> discovery.Walk:
        """The files below `paths` to check; the walk leaves out links out of `boundary`
        (by default, the paths'), and its notes become the run's."""
        walk = discovery.walk(
            paths,
            self.config.root,
            (*self.config.exclude, *self.config.extend_exclude),
            self.config.respect_gitignore,
            self.force_exclude,
            boundary or self.boundary(paths),
        )
        self.notes.extend(walk.notes)
        self.leftovers.extend(p for p in walk.leftovers if p not in self.leftovers)
        return walk

    def collect(self, paths: list[Path], run: Run, boundary: Boundary | None = None) -> None:
        """Walk, detect and parse; every document lands in `run`."""
        walk = self.walk(paths, boundary)
        self.collect_files(discovery.iter_relative(walk.files, Path.cwd()), run)

    def collect_files(self, files: Iterable[tuple[Path, str]], run: Run) -> None:
        """Detect and parse `files` (path, reported path) into `run`."""
        seen: set[Path] = set()
        for order, (path, display) in enumerate(files):
            document = self.read(self.source(path, display), seen)
            if document is not None:
                self.add_document(run, document, order)

    def add_document(self, run: Run, document: Document, order: int) -> None:
        """Add `document` of the walk's file `order` and those parsed with it to `run`."""
        for part, member in enumerate((document, *self.companions(document))):
            run.add(member)
            self.positions[member.path] = (order, part)
            for text in member.notes:
                self.note(text)

    def companions(self, document: Document) -> list[Document]:
        """The documents parsed along with `document`; none when listing them fails."""
        try:
            return document.companions()
        except Exception as error:
            self.note(f"{document.path}:1:1: reading its parts failed: {describe(error)}")
            return []

    def run(self, paths: list[Path]) -> Report:
        """Check `paths` and return the report; nothing outside them is read."""
        boundary = self.boundary(paths)
        with boundary.applied():
            return self.checked(paths, boundary)

    def boundary(self, paths: list[Path]) -> Boundary:
        """What a run over `paths` may read and write (with the files the config names)."""
        named = [*self.config.terraform_var_files, *(p for f in self.config.helm.values for p in f)]
        return Boundary.of(paths, named)

    def checked(self, paths: list[Path], boundary: Boundary) -> Report:
        """`run`'s work, with `boundary` applied."""
        started = time.perf_counter()
        files = list(discovery.iter_relative(self.walk(paths, boundary).files, Path.cwd()))
        if self.parallel is None or self.parallel.in_process(len(files)) or self.overlay:
            return self.checked_files(files, started)
        from opslint.engine.parallel import check

        return check(self, files, boundary, started)

    def checked_files(self, files: Iterable[tuple[Path, str]], started: float) -> Report:
        """Check the walked `files` (path, reported path) in this process, as one unit."""
        run = Run(self.config, self.load)
        run.overlay = self.overlay
        self.collect_files(files, run)
        every, rules = self.rules(kinds_of(run.documents))
        findings = [finding for _, finding in self.evaluate(run, every, rules)]
        for text in run.notes:
            self.note(text)
        secrets = Secrets.of(run.documents)
        return self.report(findings, rules, run.sources, len(run.documents), secrets, started)

    def evaluate(
        self, run: Run, every: list[Rule], rules: list[Rule]
    ) -> list[tuple[Position, Finding]]:
        """Run `rules` (of the installed `every`) over the documents of `run`; the findings,
        suppressions marked, each with the position it was found at."""
        index = self.plugins.rule_index()
        run.known_codes = {c for r in every for c in (r.code, r.spec.name)}
        run.known_codes.update(index, index.values())
        run.enabled_codes = {c for r in rules for c in (r.code, r.spec.name)}
        run.peer_codes = peer_index(every)
        pre = [rule for rule in rules if rule.subject is not Suppression]
        post = [rule for rule in rules if rule.subject is Suppression]
        # a chart rendered with several values files yields one finding per render
        first: dict[Finding, Position] = {}
        for finding in self.apply_rules(pre, run, PRE):
            first.setdefault(finding, self.where)
        findings = step_back(list(first), pre)
        found_at = [first[finding] for finding in findings]
        first_document = run.documents[0].path if run.documents else ""
        self.where = (ADJUST, *self.positions.get(first_document, ()))
        for plugin, error in self.plugins.call_each(
            "opslint_adjust_findings", findings=findings, run=run, config=self.config
        ):
            self.note(f"plugin {plugin} failed adjusting findings: {describe(error)}")
        self.drain(run)
        for finding in self.apply_rules(post, run, POST):
            findings.append(finding)
            found_at.append(self.where)
        return list(zip(found_at, findings, strict=True))

    def report(
        self,
        findings: Iterable[Finding],
        rules: list[Rule],
        sources: dict[str, SourceFile],
        files_checked: int,
        secrets: Secrets,
        started: float,
    ) -> Report:
        """The report of a run that found `findings` (suppressed ones included)."""
        kept = [f for f in findings if not f.suppressed]
        suppressed = [f for f in findings if f.suppressed]
        return Report(
            findings=sorted(kept, key=Finding.sort_key),
            rules=rules,
            config=self.config,
            sources=sources,
            suppressed=sorted(suppressed, key=Finding.sort_key),
            notes=self.notes,
            files_checked=files_checked,
            secrets=secrets,
            seconds=time.perf_counter() - started,
        )

    def apply_rules(self, rules: list[Rule], run: Run, phase: int = PRE) -> Iterator[Finding]:
        """Run `rules` over every object of `run`, stamping and filtering the findings; the
        run's position is the document's (of `phase`) while its findings are yielded."""
        options = {rule.code: self.options_for(rule) for rule in rules}
        ignores = self.per_file_ignores()
        by_subject: dict[type, list[Rule]] = defaultdict(list)
        for rule in rules:
            if rule.subject is not None:
                by_subject[rule.subject].append(rule)
        stopped = next((rule for rule in rules if rule.code == "OP001"), None)
        for document in run.documents:
            self.where = (phase, *self.positions.get(document.path, ()))
            found: list[Finding] = []
            budget = self.remaining_budget(document)
            try:
                with time_budget(budget):
                    for target in chain(document.objects(), document.suppressions):
                        for kind in type(target).__mro__:
                            for rule in by_subject.get(kind, ()):
                                findings = self.call(rule, target, run, options[rule.code])
                                found.extend(self.finish(rule, findings, ignores))
            except BudgetExceeded:
                message = _stopped(self.config.file_time_budget, "checking its rules")
                span = Span(document.path, 1, 1, 1, 1)
                if stopped is None:
                    self.note(f"{document.path}:1:1: {message}")
                else:
                    found.extend(self.finish(stopped, [Finding(span, message)], ignores))
            except Exception as error:  # the model's walk over its own objects
                self.note(f"{document.path}:1:1: listing its objects failed: {describe(error)}")
            self.drain(run)
            yield from found  # outside the budget: the consumer's work is not this file's
        self.where = (phase, sys.maxsize)  # whole-run rules speak after every document
        for rule in rules:
            if rule.subject is None:
                yield from self.finish(
                    rule, self.call(rule, None, run, options[rule.code]), ignores
                )

    def remaining_budget(self, document: Document) -> float:
        """Seconds left of the file's budget for its rules (0: no limit)."""
        budget = self.config.file_time_budget
        if budget <= 0:
            return 0
        return max(budget - self.spent.get(document.path, 0.0), 0.001)

    def options_for(self, rule: Rule) -> object | None:
        values = self.config.rule_options.get(rule.code) or self.config.rule_options.get(
            rule.spec.name, {}
        )
        return rule.make_options(values)

    def call(self, rule: Rule, target: object, run: Run, options: object | None) -> list[Finding]:
        """Call one rule on one object; an `assert` becomes a finding, a crash a note."""
        arguments: dict[str, object] = {}
        if rule.subject_parameter is not None:
            arguments[rule.subject_parameter] = target
        if rule.options_type is not None:
            arguments["options"] = options
        try:
            for name, view in rule.views:
                arguments[name] = view.for_subject(run, target)
            result = rule.function(**arguments)
            findings = list(result) if result is not None else []
            strays = [item for item in findings if not isinstance(item, Finding)]
            if strays:
                raise TypeError(f"yielded {type(strays[0]).__name__}, not a Finding")
            return findings
        except AssertionError as error:
            span = _span_of(target)
            if span is None:
                return []
            message = str(error) or f"{rule.spec.name} failed"
            return [Finding(span, message, logical=str(getattr(target, "logical", "")))]
        except Exception as error:
            span = _span_of(target)
            where = "the project" if span is None else f"{span.path}:{span.line}:{span.column}"
            self.note(f"rule {rule.code} failed on {where}: {describe(error)}")
            return []

    def config_relative(self, display: str) -> str:
        """A reported path made relative to the config's folder, where globs are anchored."""
        absolute = Path(display).absolute()
        try:
            return absolute.relative_to(self.config.root).as_posix()
        except ValueError:
            return display

    def per_file_ignores(self) -> list[tuple[GitIgnoreSpec, tuple[str, ...]]]:
        if not self.config.per_file_ignores:
            return []
        import pathspec

        return [
            (pathspec.GitIgnoreSpec.from_lines([glob]), codes)
            for glob, codes in self.config.per_file_ignores.items()
        ]

    def finish(
        self,
        rule: Rule,
        findings: list[Finding],
        ignores: list[tuple[GitIgnoreSpec, tuple[str, ...]]],
    ) -> Iterator[Finding]:
        override = self.config.severity.get(rule.code) or self.config.severity.get(rule.spec.name)
        for finding in findings:
            if any(
                spec.match_file(self.config_relative(finding.span.path))
                and any(_matches(code, rule) for code in codes)
                for spec, codes in ignores
            ):
                continue
            yield finding.stamped(rule.code, rule.spec.name, rule.spec.severity, override)


def kinds_of(documents: Iterable[Document]) -> frozenset[str]:
    """The kinds of `documents`: what each was detected as and what it was parsed into."""
    return frozenset(
        kind
        for document in documents
        for kind in (document.kind, document.source.kind)
        if kind is not None
    )


def step_back(findings: list[Finding], rules: Iterable[Rule]) -> list[Finding]:
    """`findings` less those of a rule that yields to a rule reporting the same problem.

    A rule's `yields_to` names the rules that own a problem it also sees. Its finding is
    dropped when one of those rules reported, in the same file, a finding whose span
    overlaps it (`yields_within="span"`), one starting at the same position (`"start"`),
    or one about the same object (`"object"`: the same `logical` path, or overlapping
    spans when either finding has none). Only the
    findings of enabled rules are here, after per-file ignores and before inline
    suppressions: an owner that is not selected, ignored or ignored for the file reports
    nothing and the yielding rule's finding stays; an owner's finding silenced by a comment
    still counts, since the comment accepts the problem both findings name.
    """
    yielding = {rule.code: rule.spec for rule in rules if rule.spec.yields_to}
    if not yielding:
        return findings
    owners = {code for spec in yielding.values() for code in spec.yields_to}
    reported: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.code in owners:
            reported[(finding.span.path, finding.code)].append(finding)

    def owned(finding: Finding) -> bool:
        spec = yielding.get(finding.code)
        if spec is None:
            return False
        same = _SAME[spec.yields_within]
        return any(
            same(finding, other)
            for code in spec.yields_to
            for other in reported.get((finding.span.path, code), ())
        )

    return [finding for finding in findings if not owned(finding)]


def _same_object(finding: Finding, other: Finding) -> bool:
    """Whether two findings of one file are about one object (by span when one names none)."""
    if finding.logical and other.logical:
        return finding.logical == other.logical
    return _overlap(finding, other)


def _overlap(finding: Finding, other: Finding) -> bool:
    """Whether the spans of two findings of one file share a character or a start."""
    starts = (finding.span.line, finding.span.column), (other.span.line, other.span.column)
    ends = (
        (finding.span.end_line, finding.span.end_column),
        (other.span.end_line, other.span.end_column),
    )
    return max(starts) < min(ends) or starts[0] == starts[1]


def _same_start(finding: Finding, other: Finding) -> bool:
    """Whether two findings of one file start at the same position."""
    return (finding.span.line, finding.span.column) == (other.span.line, other.span.column)


_SAME: dict[str, Callable[[Finding, Finding], bool]] = {
    "span": _overlap,
    "start": _same_start,
    "object": _same_object,
}
"""How each `yields_within` scope compares a yielding rule's finding with its owner's."""


def _span_of(target: object) -> Span | None:
    """The span of a rule's subject, or None (a run, or a file no longer readable)."""
    try:
        span = getattr(target, "span", None)
    except Exception:
        return None
    return span if isinstance(span, Span) else None


def _stopped(budget: float, doing: str) -> str:
    return (
        f"checking stopped after {budget:g} s {doing} (file-time-budget): this file is not "
        "fully checked; raise the budget or exclude the file"
    )
