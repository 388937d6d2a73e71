"""Terraform parse throughput and Helm chart render time, with checkov on the same trees.

Usage: python benchmarks/bench_iac.py [--runs N] [--terraform DIR]... [--chart DIR]...
                                      [--checkov PATH]

Terraform: every `*.tf` file of the whole corpus and of each module tree is parsed
in-process, into the same model, by the runtime parser (tree-sitter), by it with every
function call's arguments read (it leaves them until a rule asks for them), by the
grammar alone with no model (the ceiling of any model built from it) and by python-hcl2
(the previous one, kept as the reference): only the parse is timed, the text
is read beforehand. Each row's note adds the rate in CPU time of this process, which
other work on a shared machine does not inflate, and the rate of one more pass under
cProfile, the way a profile of a whole run sees a parser: the profiler slows every Python
call and no time spent inside C. The tree-sitter rows give their speed-up by all three.
Then, for each module tree, `opslint check --select TF,SE001` (cold: `--no-cache`) and
`checkov --framework terraform` run on the whole tree as subprocesses. Helm: each chart is
rendered in-process by the Helm SDK alone, parsed in-process by opslint (render included),
checked by `opslint check` as a subprocess and, when `helm` is on PATH, rendered by
`helm template`. The default trees and chart come from ../shared/corpus next to this
checkout; `--terraform` and `--chart` add more. Times are medians of N runs (default 3);
the first in-process call is shown apart as "cold". Trees that do not exist are listed as
absent and tools that are not installed as such; the script always exits 0.
"""

from __future__ import annotations

import argparse
import gc
import json
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CORPUS = (HERE.parent.parent / "shared" / "corpus").resolve()
DEFAULT_TREES = (CORPUS / "terraform-aws-vpc", CORPUS / "microservices-demo" / "terraform")
PARSERS = ("tree-sitter", "tree-sitter, calls read", "tree-sitter-hcl alone", "python-hcl2")
"""The runtime parser; the same with every function call's arguments read, which it
leaves until a rule asks for them; the grammar's own parse with no model built (the
ceiling of any model read from it); then the previous one (the reference for HCL
semantics), which reads them all."""
DEFAULT_CHARTS = (CORPUS / "microservices-demo" / "helm-chart",)
RELEASE, NAMESPACE = "release-name", "default"
TIMEOUT = 900
SLOWEST = 3
CHECK = ("check", "-f", "json", "--exit-zero", "-q", "--no-cache")
"""`opslint check` runs cold: from the results cache a repeat run would be a lookup."""
RANKED_KIB = 1.0
"""Files below this size are left out of the slowest files: a fixed cost per call rules them."""


@dataclass
class Row:
    measure: str
    target: str
    files: int | str = "-"
    kib: float | None = None
    cold: float | None = None
    seconds: float | None = None
    rate: float | None = None
    findings: int | str = "-"
    note: str = ""


@dataclass
class FileTime:
    display: str
    kib: float
    seconds: float

    @property
    def rate(self) -> float:
        return self.kib / self.seconds if self.seconds > 0 else float("inf")


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    slowest: list[tuple[str, list[FileTime]]] = field(default_factory=list)


def label(path: Path) -> str:
    """The path relative to the shared corpus when it lies there, else as given."""
    if path == CORPUS:
        return "corpus (every .tf)"
    try:
        return path.relative_to(CORPUS).as_posix()
    except ValueError:
        return str(path)


def find_tool(name: str, given: str | None) -> str | None:
    if given:
        return given
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.is_file() else shutil.which(name)


def last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:100] if lines else ""


@dataclass
class Timed:
    """Median wall time of a command, the stdout of its last run, or why it did not run."""

    seconds: float | None
    out: str
    error: str = ""


def timed(command: list[str], runs: int) -> Timed:
    times = []
    out = ""
    for _ in range(runs):
        started = time.perf_counter()
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=TIMEOUT, check=False
            )
        except subprocess.TimeoutExpired:
            return Timed(None, "", f"timed out after {TIMEOUT} s")
        except OSError as error:
            return Timed(None, "", f"cannot run: {error.strerror or error}")
        times.append(time.perf_counter() - started)
        out = done.stdout
        if not out.strip() and done.returncode not in (0, 1):
            return Timed(None, "", f"exit {done.returncode}: {last_line(done.stderr)}")
    return Timed(statistics.median(times), out)


def in_process(call: Callable[[], Any], runs: int) -> tuple[float, float, Any]:
    """(first call, median of the next `runs` calls, last result)."""
    started = time.perf_counter()
    result = call()
    cold = time.perf_counter() - started
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - started)
    return cold, statistics.median(times), result


# Terraform


def tf_files(tree: Path) -> list[Path]:
    """The `.tf` files of a module tree, leaving out `.terraform` and other hidden folders."""
    return sorted(
        path
        for path in tree.rglob("*.tf")
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(tree).parts)
    )


def parse_with(parser: str) -> Callable[[Any], Any]:
    """A function from a source to its Terraform model, by `parser` (one of `PARSERS`)."""
    from opslint.model.terraform import TerraformFile
    from opslint.parsers.terraform import env_vars_of, parse_terraform
    from opslint.parsers.terraform_hcl2 import hcl2_top_level

    if parser == "tree-sitter":
        return parse_terraform
    if parser == "tree-sitter-hcl alone":
        import tree_sitter
        import tree_sitter_hcl

        grammar = tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language()))
        return lambda source: grammar.parse(source.text.encode())
    if parser == "tree-sitter, calls read":

        def calls_read(source: Any) -> Any:
            document = parse_terraform(source)
            read_calls(document.blocks)
            return document

        return calls_read

    def hcl2(source: Any) -> Any:
        document = TerraformFile(source)
        document.blocks = hcl2_top_level(source.display, source.text)[0]
        document.env_vars = env_vars_of(document.blocks)
        return document

    return hcl2


def read_calls(blocks: list[Any]) -> None:
    """Read the arguments of every function call in `blocks`, nested ones included."""
    from opslint.model.terraform import Expression

    terms = [a.term for block in blocks for a in block.attributes.values()]
    while terms:
        term = terms.pop()
        if isinstance(term.value, Expression):
            terms.extend(term.value.arguments)
        terms.extend(term.entries.values())
        terms.extend(term.items)
    for block in blocks:
        read_calls(block.blocks)


def parse_throughput(tree: Path, runs: int, report: Report) -> None:
    """One row per parser (`PARSERS`) over the `.tf` files of `tree`, and its slowest files."""
    from opslint.model.source import SourceError, SourceFile, decode

    texts: list[tuple[Path, str, str]] = []
    unreadable = 0
    for path in tf_files(tree):
        display = path.relative_to(tree).as_posix()
        try:
            texts.append((path, display, decode(path.read_bytes())))
        except (OSError, SourceError):
            unreadable += 1
    sizes = [len(text.encode("utf-8")) / 1024 for _, _, text in texts]
    kib = sum(sizes)
    rates: dict[str, tuple[float, float, float]] = {}  # by parser: KiB/s wall, CPU, profiled
    for parser in PARSERS:
        parse = parse_with(parser)
        per_file: list[list[float]] = [[] for _ in texts]
        totals: list[float] = []
        cpu_totals: list[float] = []
        problems = 0
        failures: list[str] = []
        for run in range(runs + 1):  # run 0 is the cold one: imports, grammar construction
            total = cpu_total = 0.0
            for index, (path, display, text) in enumerate(texts):
                source = SourceFile(path, display, text=text)
                gc.collect()  # so a collection the previous files caused does not land here
                started, cpu_started = time.perf_counter(), time.process_time()
                try:
                    document = parse(source)
                except Exception as error:  # a benchmark reports a crash, it does not stop
                    if run == 0:
                        failures.append(f"{display}: {type(error).__name__}")
                else:
                    if run == 0:
                        found = getattr(document, "problems", ())
                        problems += sum(1 for p in found if p.code == "OP001")
                elapsed = time.perf_counter() - started
                total += elapsed
                cpu_total += time.process_time() - cpu_started
                if run:
                    per_file[index].append(elapsed)
            totals.append(total)
            cpu_totals.append(cpu_total)
        median = statistics.median(totals[1:]) if texts else 0.0
        cpu_median = statistics.median(cpu_totals[1:]) if texts else 0.0
        profiled = profiled_seconds(parse, texts)
        rate = kib / median if median > 0 else None
        notes = [f"{problems} OP001"]
        if rate is not None and cpu_median > 0 and profiled > 0:
            rates[parser] = (rate, kib / cpu_median, kib / profiled)
            notes.append(f"CPU {kib / cpu_median:.0f} KiB/s")
            notes.append(f"profiled {kib / profiled:.0f} KiB/s")
        if unreadable:
            notes.append(f"{unreadable} unreadable")
        if failures:
            notes.append(f"raised in {len(failures)}: {', '.join(failures[:3])}")
        report.rows.append(
            Row(
                f"tf parse, {parser}",
                label(tree),
                len(texts),
                kib,
                totals[0],
                median,
                rate,
                note=", ".join(notes),
            )
        )
        if parser == PARSERS[0]:
            timings = [
                FileTime(display, size, statistics.median(times))
                for (_, display, _), size, times in zip(texts, sizes, per_file, strict=True)
            ]
            ranked = [item for item in timings if item.kib >= RANKED_KIB] or timings
            ranked.sort(key=lambda item: item.rate)
            report.slowest.append((label(tree), ranked[:SLOWEST]))
    if len(rates) == len(PARSERS):  # each tree-sitter row gives its speed-up
        old_wall, old_cpu, old_profiled = rates[PARSERS[-1]]
        for parser, row in zip(PARSERS[:-1], report.rows[-len(PARSERS) : -1], strict=True):
            wall, cpu, profiled = rates[parser]
            row.note += (
                f", {wall / old_wall:.1f}x {PARSERS[-1]} ({cpu / old_cpu:.1f}x by CPU, "
                f"{profiled / old_profiled:.1f}x profiled)"
            )


def profiled_seconds(parse: Callable[[Any], Any], texts: list[tuple[Path, str, str]]) -> float:
    """The time `parse` takes over `texts` under cProfile: the way a profile of a whole
    run measures a parser, which charges Python code for every call and C code for none."""
    import cProfile

    from opslint.model.source import SourceFile

    sources = [SourceFile(path, display, text=text) for path, display, text in texts]
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    for source in sources:
        with suppress(Exception):  # a failure is reported by the timed runs
            parse(source)
    profile.disable()
    return time.perf_counter() - started


def opslint_check(measure: str, target: str, runs: int, *arguments: str) -> Row:
    command = [sys.executable, "-m", "opslint", *CHECK]
    result = timed([*command, *arguments], runs)
    if result.seconds is None:
        return Row(measure, target, note=result.error)
    try:
        data = json.loads(result.out)
        summary = data["summary"]
        files, findings = int(summary["files"]), len(data["findings"])
    except (ValueError, KeyError, TypeError):
        return Row(measure, target, seconds=result.seconds, note="unreadable JSON output")
    notes = data.get("notes") or []
    note = f"{len(notes)} notes" if notes else ""
    return Row(measure, target, files, seconds=result.seconds, findings=findings, note=note)


def checkov_count(out: str) -> tuple[int, int]:
    """(failed checks, resources) from checkov's JSON: one report, or a list of reports."""
    data = json.loads(out or "[]")
    reports = data if isinstance(data, list) else [data]
    failed = resources = 0
    for report in reports:
        if not isinstance(report, dict):
            continue
        summary = report.get("summary")
        if isinstance(summary, dict) and "failed" in summary:
            failed += int(summary.get("failed", 0))
            resources += int(summary.get("resource_count", 0))
        else:
            results = report.get("results")
            checks = results.get("failed_checks", []) if isinstance(results, dict) else []
            failed += len(checks)
    return failed, resources


def checkov_row(tool: str | None, tree: Path, runs: int) -> Row:
    measure = "checkov terraform"
    if tool is None:
        return Row(measure, label(tree), note="not installed")
    command = [tool, "-d", str(tree), "--framework", "terraform", "--quiet", "--compact"]
    result = timed([*command, "-o", "json", "--skip-download"], runs)
    if result.seconds is None:
        return Row(measure, label(tree), note=result.error)
    try:
        failed, resources = checkov_count(result.out)
    except (ValueError, TypeError):
        return Row(measure, label(tree), seconds=result.seconds, note="unreadable JSON output")
    note = f"failed checks, {resources} resources"
    return Row(measure, label(tree), seconds=result.seconds, findings=failed, note=note)


def terraform(trees: list[Path], checkov: str | None, runs: int, report: Report) -> None:
    """Parse rates over the whole corpus, then parse rates and whole runs per module tree."""
    if CORPUS.is_dir():
        parse_throughput(CORPUS, runs, report)
    else:
        for parser in PARSERS:
            report.rows.append(Row(f"tf parse, {parser}", label(CORPUS), note="absent"))
    for tree in trees:
        if not tree.is_dir():
            measures = [f"tf parse, {parser}" for parser in PARSERS]
            for measure in (*measures, "opslint check TF,SE001", "checkov terraform"):
                report.rows.append(Row(measure, label(tree), note="absent"))
            continue
        parse_throughput(tree, runs, report)
        report.rows.append(
            opslint_check(
                "opslint check TF,SE001", label(tree), runs, "--select", "TF,SE001", str(tree)
            )
        )
        report.rows.append(checkov_row(checkov, tree, runs))


# Helm


def sdk_row(chart: Path, runs: int) -> Row:
    measure = "helm SDK render"
    started = time.perf_counter()
    try:
        import helm_python
    except Exception as error:  # the package, or its native library, is missing
        reason = f"{type(error).__name__}: {error}"[:80]
        return Row(measure, label(chart), note=f"helm_python not importable ({reason})")
    imported = time.perf_counter() - started

    def render() -> dict[str, str]:
        with helm_python.Chart.load(str(chart)) as loaded:
            rendered: dict[str, str] = loaded.render({}, name=RELEASE, namespace=NAMESPACE)
        return rendered

    try:
        cold, median, rendered = in_process(render, runs)
    except helm_python.HelmError as error:
        return Row(measure, label(chart), note=f"render failed: {last_line(str(error))}")
    note = f"{len(rendered)} manifests, import {imported:.3f} s"
    return Row(measure, label(chart), len(rendered), cold=cold, seconds=median, note=note)


def parse_chart_row(chart: Path, runs: int) -> Row:
    from opslint.config import Config
    from opslint.engine.discovery import reader
    from opslint.model.source import SourceFile
    from opslint.parsers.helm import parse_chart

    measure = "opslint parse_chart"

    def parse() -> Any:
        source = SourceFile(chart / "Chart.yaml", "Chart.yaml", read=reader(None))
        return parse_chart(source, Config())

    try:
        cold, median, parsed = in_process(parse, runs)
    except Exception as error:  # a benchmark reports a crash, it does not stop
        return Row(measure, label(chart), note=f"raised {type(error).__name__}: {error}"[:100])
    problems = len(parsed.problems) + sum(len(t.problems) for t in parsed.templates)
    rendered = sum(len(t.rendered) for t in parsed.templates)
    renderer = parsed.renderer or "none (static)"
    note = f"renderer {renderer}, {rendered} rendered manifests, {problems} problems"
    return Row(measure, label(chart), len(parsed.templates), cold=cold, seconds=median, note=note)


def helm_template_row(chart: Path, runs: int) -> Row:
    measure = "helm template"
    helm = shutil.which("helm")
    if helm is None:
        return Row(measure, label(chart), note="helm not on PATH")
    result = timed([helm, "template", RELEASE, str(chart), "--namespace", NAMESPACE], runs)
    if result.seconds is None:
        return Row(measure, label(chart), note=result.error)
    documents = result.out.count("# Source: ")
    return Row(measure, label(chart), seconds=result.seconds, note=f"{documents} manifests")


def helm(charts: list[Path], runs: int, report: Report) -> None:
    for chart in charts:
        if not (chart / "Chart.yaml").is_file():
            for measure in (
                "helm SDK render",
                "opslint parse_chart",
                "opslint check",
                "helm template",
            ):
                report.rows.append(Row(measure, label(chart), note="absent"))
            continue
        report.rows.append(sdk_row(chart, runs))
        report.rows.append(parse_chart_row(chart, runs))
        report.rows.append(opslint_check("opslint check", label(chart), runs, str(chart)))
        report.rows.append(helm_template_row(chart, runs))


# Output


def number(value: float | None, digits: int) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def print_table(rows: list[Row]) -> None:
    header = ("measure", "target", "files", "KiB", "cold s", "seconds", "KiB/s", "findings")
    cells = [
        (
            row.measure,
            row.target,
            str(row.files),
            number(row.kib, 1),
            number(row.cold, 3),
            number(row.seconds, 3),
            number(row.rate, 0),
            str(row.findings),
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in (header, *cells)) for i in range(len(header))]

    def line(values: tuple[str, ...], note: str) -> str:
        text = [f"{values[0]:<{widths[0]}}", f"{values[1]:<{widths[1]}}"]
        text.extend(
            f"{value:>{width}}" for value, width in zip(values[2:], widths[2:], strict=True)
        )
        return f"{'  '.join(text)}  {note}".rstrip()

    title = line(header, "note")
    print(title)
    print("-" * len(title))
    for row, values in zip(rows, cells, strict=True):
        print(line(values, row.note))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--terraform",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="another Terraform module tree (repeatable)",
    )
    parser.add_argument(
        "--chart",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="another Helm chart (repeatable)",
    )
    parser.add_argument("--checkov")
    args = parser.parse_args()
    runs = max(1, args.runs)
    trees = [path.resolve() for path in (*DEFAULT_TREES, *args.terraform)]
    charts = [path.resolve() for path in (*DEFAULT_CHARTS, *args.chart)]
    report = Report()
    terraform(trees, find_tool("checkov", args.checkov), runs, report)
    helm(charts, runs, report)

    print(f"corpus: {CORPUS}; median of {runs} runs each; cold = the first in-process call")
    print_table(report.rows)
    if report.slowest:
        print()
        print(
            f"slowest Terraform files (lowest KiB/s of those of {RANKED_KIB:g} KiB or more), "
            f"{SLOWEST} per tree:"
        )
        for target, timings in report.slowest:
            for item in timings:
                print(
                    f"  {target}/{item.display}: {item.kib:.1f} KiB in "
                    f"{item.seconds * 1000:.1f} ms, {item.rate:.0f} KiB/s"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
