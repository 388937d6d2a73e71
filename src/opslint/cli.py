"""The command line: `opslint check`, `rules`, `rule`, `fix`, `new`, `trust`, `merge`,
`server`.

Exit status: 0 when nothing reached the `fail-on` threshold, 1 when something did, 2 on a
usage or configuration error (never a traceback).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TextIO

from opslint import __version__
from opslint.config import (
    CONFIG_FILES,
    HELM_RENDERERS,
    Config,
    ConfigError,
    HelmSettings,
    check_defaults,
    discover,
    file_time_budget,
    find,
    helm_memory,
    helm_timeout,
    helm_values_option,
    load_file,
    read_file,
)
from opslint.model.base import Finding
from opslint.severity import Severity

if TYPE_CHECKING:
    from opslint.engine.fixer import FixResult
    from opslint.engine.options import Options
    from opslint.engine.runner import Session
    from opslint.generate import Generator
    from opslint.report import Report

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _codes(text: str) -> tuple[str, ...]:
    return tuple(code.strip() for code in text.split(",") if code.strip())


def _add_selection(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--select", type=_codes, help="rules to use (codes, prefixes, names, ALL)")
    parser.add_argument("--extend-select", type=_codes, help="rules to add to the selection")
    parser.add_argument("--ignore", type=_codes, help="rules to leave out")
    parser.add_argument("--config", type=Path, help="config file (default: found walking up)")
    parser.add_argument("--isolated", action="store_true", help="ignore every config file")
    parser.add_argument(
        "--rule-path",
        type=Path,
        action="append",
        default=[],
        help="import a folder or file of your own rules (repeatable)",
    )
    parser.add_argument(
        "-p",
        dest="plugins",
        action="append",
        default=[],
        metavar="no:NAME",
        help="disable a plugin by name",
    )


def _seconds(text: str) -> float:
    try:
        return file_time_budget(float(text))
    except (ValueError, ConfigError):
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None


def _add_render_options(parser: argparse.ArgumentParser) -> None:
    helm = parser.add_argument_group("Helm and Terraform")
    helm.add_argument(
        "--helm-values",
        action="append",
        default=[],
        metavar="FILE[,FILE...]",
        help="render charts once more with these values files over values.yaml (repeatable)",
    )
    helm.add_argument(
        "--helm-set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="set a chart value for every render, as helm --set does (repeatable)",
    )
    helm.add_argument("--helm-release", help="release name for rendering (default release-name)")
    helm.add_argument("--helm-namespace", help="namespace for rendering (default default)")
    helm.add_argument(
        "--helm-renderer",
        choices=HELM_RENDERERS,
        help="auto (default): the Helm SDK, else helm on PATH; none: lint charts statically",
    )
    helm.add_argument(
        "--helm-timeout",
        type=float,
        metavar="SECONDS",
        help="stop a render that takes longer and report it as HL102 (default 20)",
    )
    helm.add_argument(
        "--helm-memory",
        type=int,
        metavar="MB",
        help="stop a render that needs more memory and report it as HL102 (default 1024)",
    )
    helm.add_argument(
        "--tf-var-file",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="a .tfvars file whose values Terraform modules take (repeatable)",
    )
    parser.add_argument(
        "--file-time-budget",
        type=_seconds,
        metavar="SECONDS",
        help="stop checking one file after this long and report it (default 20; 0: no limit)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(
        prog="opslint",
        description="Lint Dockerfiles, Compose, Kubernetes, Helm, Terraform, CI pipelines "
        "and alert rules.",
    )
    parser.add_argument("--version", action="version", version=f"opslint {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="check files and folders (default: .)")
    check.add_argument(
        "--format",
        "-f",
        default=os.environ.get("OPSLINT_FORMAT", "text"),
        help="text (default), json, sarif, github, github-summary, gitlab, junit, html",
    )
    check.add_argument("--output", "-o", type=Path, help="write the report to this file")
    _add_report_options(check)
    check.add_argument(
        "--fail-on",
        type=Severity.parse,
        help="lowest severity that fails the run: info, warning, error",
    )
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    _add_file_options(check, quiet="no summary line or notes")
    _add_engine_options(check)
    check.add_argument(
        "--show-suppressions",
        action="store_true",
        help="also list suppressed findings and what suppressed each",
    )
    check.add_argument(
        "--baseline", type=Path, metavar="FILE", help="report only findings not in this baseline"
    )
    check.add_argument(
        "--write-baseline",
        type=Path,
        metavar="FILE",
        help="write today's findings to a baseline file and exit 0",
    )
    _add_show_secrets(check)
    check.add_argument("--fix", action="store_true", help="apply safe fixes first, then check")
    check.add_argument(
        "--unsafe-fixes", action="store_true", help="with --fix: also apply unsafe fixes"
    )
    _add_render_options(check)
    _add_selection(check)

    rules = commands.add_parser("rules", help="list every rule")
    rules.add_argument("--format", choices=["text", "json"], default="text")
    _add_selection(rules)

    rule = commands.add_parser("rule", help="print one rule's documentation")
    rule.add_argument("code")
    _add_selection(rule)

    new = commands.add_parser(
        "new", help="write a compliant artifact (opslint new --list)", add_help=False
    )
    new.add_argument("generator", nargs="?", help="what to write (see --list)")
    new.add_argument("--list", action="store_true", help="list generators and their options")
    new.add_argument("--help", "-h", action="store_true", help="show this help")
    new.add_argument("--output", "-o", type=Path, help="folder to write into (default: .)")
    new.add_argument("--project", type=Path, help="project to analyse (default: the output)")
    new.add_argument("--force", action="store_true", help="replace files that exist")
    new.add_argument("--dry-run", action="store_true", help="print the files, write nothing")
    new.add_argument("--config", type=Path, help="config file (default: found walking up)")
    new.add_argument("--isolated", action="store_true", help="ignore every config file")

    trust = commands.add_parser(
        "trust", help="let a project's config load its rules and files outside its folder"
    )
    trust.add_argument(
        "path",
        nargs="?",
        type=Path,
        default=Path(),
        help="the config file, or a folder it is found from walking up (default: .)",
    )
    action = trust.add_mutually_exclusive_group()
    action.add_argument(
        "--list", action="store_true", help="list trusted configs: trusted, changed or missing"
    )
    action.add_argument("--revoke", action="store_true", help="withdraw the trust")

    fix = commands.add_parser("fix", help="apply automatic fixes (default: .)")
    _add_fix_options(fix)
    _add_file_options(fix, quiet="print only errors")
    _add_show_secrets(fix)
    _add_render_options(fix)
    _add_selection(fix)
    _add_merge_command(commands)
    commands.add_parser("server", help="speak the Language Server Protocol on stdio (editors)")
    return parser


def _format_file(text: str) -> tuple[str, Path]:
    format_, equals, path = text.partition("=")
    if not equals or not format_ or not path:
        raise argparse.ArgumentTypeError(f"expected FORMAT=FILE, not {text!r}")
    return format_, Path(path)


def _add_report_options(parser: argparse.ArgumentParser) -> None:
    """`--report` and `--statistics`: more reports of the same run, or a count per rule."""
    parser.add_argument(
        "--report",
        type=_format_file,
        action="append",
        default=[],
        metavar="FORMAT=FILE",
        help="also write the report in this format to this file (repeatable)",
    )
    parser.add_argument(
        "--statistics",
        action="store_true",
        help="print one line per rule (count, fixable, name) in place of the findings",
    )


def _check_formats(args: argparse.Namespace, session: Session) -> None:
    known = session.plugins.report_formats()
    for format_ in (args.format, *(format_ for format_, _ in args.report)):
        if format_ not in known:
            raise ConfigError(f"unknown format {format_!r} (known: {', '.join(known)})")


def _write_reports(args: argparse.Namespace, session: Session, report: Report) -> None:
    """The report in `--format` (or the statistics) to `--output`, then each `--report`."""
    with _open_output(args.output) as stream:
        if args.statistics:
            from opslint.report.summary import write_statistics

            write_statistics(report, stream, unsafe=args.unsafe_fixes)
        else:
            session.plugins.hook.opslint_report(report=report, format=args.format, stream=stream)
    for format_, path in args.report:
        with _open_output(path) as stream:
            session.plugins.hook.opslint_report(report=report, format=format_, stream=stream)


def _add_file_options(parser: argparse.ArgumentParser, quiet: str) -> None:
    """Which files `check` and `fix` read and how they read them; `quiet` says what
    `--quiet` leaves out."""
    parser.add_argument("paths", nargs="*", type=Path, default=[])
    parser.add_argument("--kind", help="treat every given file as this kind")
    parser.add_argument(
        "--force-exclude",
        action="store_true",
        help="apply excludes to files named on the command line too",
    )
    parser.add_argument("--no-gitignore", action="store_true", help="do not honour .gitignore")
    parser.add_argument("--quiet", "-q", action="store_true", help=quiet)


def _add_show_secrets(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--show-secrets",
        action="store_true",
        help="show secret values in reports and diffs (masked as *** by default)",
    )


def _add_fix_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--diff", action="store_true", help="print a unified diff and write nothing (exit 1 if any)"
    )
    parser.add_argument(
        "--unsafe-fixes", action="store_true", help="also apply fixes that change behaviour"
    )


def file_config(args: argparse.Namespace, start: Path) -> Config:
    """No config (`--isolated`), the one `--config` names, or the one found from `start`.

    A found config is used without what needs the user's trust (`config.discover`); one the
    user names is trusted as the user's choice.
    """
    if args.isolated:
        return Config(root=Path.cwd().resolve())
    if args.config is not None:
        found = read_file(args.config)
        if found is None:
            raise ConfigError(f"{args.config} has no [tool.opslint] table")
        return found
    return discover(start)


def load_config(args: argparse.Namespace, paths: Sequence[Path]) -> Config:
    """The config file's settings, overridden by flags."""
    config = file_config(args, paths[0] if paths else Path.cwd())
    overrides: dict[str, object] = {
        "select": args.select,
        "extend_select": (*config.extend_select, *args.extend_select)
        if args.extend_select
        else None,
        "ignore": (*config.ignore, *args.ignore) if args.ignore else None,
        "rule_paths": (*config.rule_paths, *args.rule_path) if args.rule_path else None,
        "disable_plugins": (*config.disable_plugins, *_disabled(args.plugins))
        if args.plugins
        else None,
    }
    if getattr(args, "fail_on", None) is not None:
        overrides["fail_on"] = args.fail_on
    if getattr(args, "file_time_budget", None) is not None:
        overrides["file_time_budget"] = args.file_time_budget
    if getattr(args, "no_gitignore", False):
        overrides["respect_gitignore"] = False
    overrides["helm"] = _helm_overrides(args, config.helm)
    if getattr(args, "tf_var_file", None):
        overrides["terraform_var_files"] = (*config.terraform_var_files, *args.tf_var_file)
    result = config.with_overrides(**overrides)
    for path in result.terraform_var_files:
        if not path.is_file():
            raise ConfigError(f"Terraform var file {path} does not exist")
    for files in result.helm.values:
        for path in files:
            if not path.is_file():
                raise ConfigError(f"Helm values file {path} does not exist")
    return result


def _helm_overrides(args: argparse.Namespace, helm: HelmSettings) -> HelmSettings | None:
    changes: dict[str, Any] = {}
    if getattr(args, "helm_values", None):
        extra = tuple(helm_values_option(item, Path.cwd()) for item in args.helm_values)
        changes["values"] = (*helm.values, *extra)
    if getattr(args, "helm_set", None):
        changes["set"] = (*helm.set, *args.helm_set)
    for name in ("release", "namespace", "renderer"):
        value = getattr(args, f"helm_{name}", None)
        if value is not None:
            changes[name] = value
    if getattr(args, "helm_timeout", None) is not None:
        changes["timeout"] = helm_timeout(args.helm_timeout)
    if getattr(args, "helm_memory", None) is not None:
        changes["memory"] = helm_memory(args.helm_memory)
    return replace(helm, **changes) if changes else None


def _disabled(values: list[str]) -> tuple[str, ...]:
    names = []
    for value in values:
        if not value.startswith("no:"):
            raise ConfigError(f"-p takes no:NAME to disable a plugin, not {value!r}")
        names.append(value[3:])
    return tuple(names)


def make_session(config: Config, kind: str | None = None, force_exclude: bool = False) -> Session:
    """A session with the plugins loaded."""
    from opslint.engine.runner import Session
    from opslint.plugins import PluginManager

    plugins = PluginManager()
    plugins.load(disabled=config.disable_plugins)
    check_defaults(config, plugins.default_keys())
    if kind is not None and kind not in plugins.kinds():
        raise ConfigError(f"unknown kind {kind!r} (known: {', '.join(plugins.kinds())})")
    return Session(config, plugins, forced_kind=kind, force_exclude=force_exclude)


@contextlib.contextmanager
def _open_output(path: Path | None) -> Iterator[IO[str]]:
    """Where a report goes, written in one piece.

    Standard output: a terminal is written as the report goes; a pipe or file gets the
    whole report in one write (with `PYTHONUNBUFFERED` set, as CI images often have it,
    each of the writers' many small writes would be a system call). `path`: a buffer
    whose text replaces the file in one step once the report is whole, so that a reader
    never sees half a report; a device or pipe (`/dev/stderr`, a FIFO) is written as it is.
    """
    if path is None:
        if sys.stdout.isatty():
            yield sys.stdout
            return
        buffer = io.StringIO()
        try:
            yield buffer
        finally:
            sys.stdout.write(buffer.getvalue())
        return
    if path.exists() and not path.is_file():
        try:
            handle = path.open("w", encoding="utf-8", newline="\n")
        except OSError as error:
            raise ConfigError(f"cannot write {path}: {error.strerror}") from None
        with handle:
            yield handle
        return
    buffer = io.StringIO(newline="\n")
    yield buffer
    from opslint.edits.atomicwrite import write_atomically

    try:
        write_atomically(path, buffer.getvalue(), mode=None if path.exists() else 0o644)
    except OSError as error:
        raise ConfigError(f"cannot write {path}: {error.strerror}") from None


def _file_session(args: argparse.Namespace) -> tuple[list[Path], Config, Session]:
    """What `check` and `fix` read: the paths given (which must exist), the config that
    applies and a session over them."""
    paths = args.paths or [Path()]
    missing = [str(path) for path in paths if not path.exists() and not path.is_symlink()]
    if missing:
        raise ConfigError(f"no such file or directory: {', '.join(missing)}")
    config = load_config(args, paths)
    session = make_session(config, args.kind, args.force_exclude)
    return paths, config, session


def run_check(args: argparse.Namespace, stderr: TextIO) -> int:
    """`opslint check`."""
    paths, config, session = _file_session(args)
    _check_formats(args, session)
    if args.fix:
        fixed = apply_fixes(
            session, paths, unsafe=args.unsafe_fixes, show_secrets=args.show_secrets
        )
        if not args.quiet:
            stderr.write(fixed)
        session = make_session(config, args.kind, args.force_exclude)
    session.parallel = engine_options(args, config, stderr)
    report = session.run(paths)
    report.show_suppressed = args.show_suppressions
    if not args.show_secrets:
        report.redact()
    if args.write_baseline is not None:
        from opslint.engine.baseline import write_baseline

        entries = write_baseline(report.findings, args.write_baseline)
        if not args.quiet:
            stderr.write(
                f"opslint: wrote {entries} baseline entries for {len(report.findings)} "
                f"findings to {args.write_baseline}\n"
            )
        return EXIT_CLEAN
    if args.baseline is not None:
        from opslint.engine.baseline import apply_baseline

        report.findings, report.baselined = apply_baseline(report.findings, args.baseline)
    _write_reports(args, session, report)
    if not args.quiet:
        for note in report.notes:
            stderr.write(f"opslint: note: {note}\n")
        on_stdout = args.format == "text" and args.output is None and not args.statistics
        summary_stream: IO[str] = sys.stdout if on_stdout else stderr
        summary_stream.write(report.summary() + "\n")
    if args.exit_zero:
        return EXIT_CLEAN
    return EXIT_FINDINGS if report.failed() else EXIT_CLEAN


def _add_engine_options(parser: argparse.ArgumentParser) -> None:
    engine = parser.add_argument_group("Processes, cache and shards")
    engine.add_argument(
        "--jobs", "-j", type=_jobs, help="worker processes (default: one per core; 1: in process)"
    )
    engine.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    engine.add_argument(
        "--cache-dir", type=Path, help="the results cache folder (default .opslint_cache)"
    )
    engine.add_argument(
        "--shard", type=_shard, metavar="K/N", help="check only the K-th of N shards of the units"
    )


def _jobs(text: str) -> int:
    from opslint.config import jobs

    try:
        return jobs(int(text))
    except (ValueError, ConfigError):
        raise argparse.ArgumentTypeError(f"not a positive number of processes: {text!r}") from None


def _shard(text: str) -> tuple[int, int]:
    index, _, count = text.partition("/")
    if index.isdigit() and count.isdigit() and 0 < int(index) <= int(count):
        return int(index), int(count)
    raise argparse.ArgumentTypeError(f"not a shard K/N with 1 <= K <= N: {text!r}")


def engine_options(args: argparse.Namespace, config: Config, stderr: TextIO) -> Options:
    """How `check` runs: processes, cache folder, shard, progress on a terminal."""
    from opslint.engine.options import DEFAULT_CACHE_FOLDER, Options, default_jobs

    cache = args.cache_dir or config.cache_dir or config.root / DEFAULT_CACHE_FOLDER
    return Options(
        jobs=args.jobs or config.jobs or default_jobs(),
        cache=None if args.no_cache else cache.absolute(),
        shard=args.shard,
        progress=stderr if stderr.isatty() and not args.quiet else None,
    )


def apply_fixes(session: Session, paths: list[Path], *, unsafe: bool, show_secrets: bool) -> str:
    """Fix `paths` in place; return the lines that tell what changed."""
    from opslint.engine.fixer import Fixer, write_changes

    result = Fixer(session, unsafe=unsafe).run(paths)
    write_changes(result)
    return describe_fixes(result, written=True, show_secrets=show_secrets)


def describe_fixes(result: FixResult, *, written: bool, show_secrets: bool) -> str:
    """What a fix run changed, dropped and left, for people (secret values masked unless
    `show_secrets`)."""
    lines = _fix_lines(result, written=written)
    if not show_secrets:
        lines = [result.secrets.text(line) for line in lines]
    return "\n".join(lines) + "\n"


def _fix_lines(result: FixResult, *, written: bool) -> list[str]:
    lines: list[str] = []
    skipped = {display for display, _ in result.not_written}
    for change in sorted(result.changes.values(), key=lambda c: c.display):
        if written and change.display in skipped:
            continue
        for finding in sorted(change.applied, key=Finding.sort_key):
            lines.append(
                f"{'fixed' if written else 'would fix'} {finding.span.path}:{finding.span.line}:"
                f"{finding.span.column} {finding.code} {finding.fix.title if finding.fix else ''}"
            )
    for finding, reason in result.dropped:
        lines.append(f"not fixed {finding.span.path}:{finding.span.line} {finding.code}: {reason}")
    for display, reason in result.not_written:
        lines.append(f"not written {display}: {reason}")
    for leftover in result.removed:
        lines.append(f"removed {leftover.as_posix()}: left by an interrupted opslint fix")
    files = len([c for c in result.changes.values() if c.display not in skipped])
    count = len(result.fixed)
    verb = "fixed" if written else "would fix"
    plural = ("s" if count != 1 else "", "s" if files != 1 else "")
    summary = f"{verb} {count} finding{plural[0]} in {files} file{plural[1]}"
    remaining = result.remaining
    if remaining is not None:
        left = len(remaining.findings) - (0 if written else count)
        fixable = len([f for f in remaining.findings if f.fix is not None and f.fix.edits])
        summary += f"; {max(left, 0)} left"
        if written and fixable:
            summary += f" ({fixable} with a fix that could not be applied this run)"
    lines.append(summary)
    return lines


def run_fix(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """`opslint fix`: apply fixes, or show them as a diff with `--diff`."""
    from opslint.engine.fixer import Fixer, write_changes

    paths, _, session = _file_session(args)
    result = Fixer(session, unsafe=args.unsafe_fixes).run(paths)
    shown = None if args.show_secrets else result.secrets
    for note in dict.fromkeys(session.notes):
        if not args.quiet:
            stderr.write(f"opslint: note: {shown.text(note) if shown else note}\n")
    if args.diff:
        for change in sorted(result.changes.values(), key=lambda c: c.display):
            stdout.write(change.diff(shown))
        if not args.quiet:
            stderr.write(describe_fixes(result, written=False, show_secrets=args.show_secrets))
        return EXIT_FINDINGS if result.changes else EXIT_CLEAN
    write_changes(result)
    if not args.quiet:
        stdout.write(describe_fixes(result, written=True, show_secrets=args.show_secrets))
    return EXIT_ERROR if result.not_written else EXIT_CLEAN


def run_trust(args: argparse.Namespace, stdout: TextIO) -> int:
    """`opslint trust`: grant, list or revoke the trust a found config needs to load code."""
    from opslint.safety import trust

    if args.list:
        for path, state in trust.listing():
            word, _, what = state.value.partition(" ")
            stdout.write(f"{word:<8} {path} {what}\n" if what else f"{word:<8} {path}\n")
        return EXIT_CLEAN
    if args.revoke:
        recorded = trust.location(args.path) in trust.entries()
        target = args.path if recorded else _config_to_trust(args.path)[0]
        if not trust.revoke(target):
            raise ConfigError(f"{trust.location(target)} is not trusted")
        stdout.write(f"revoked {trust.location(target)}\n")
        return EXIT_CLEAN
    path, config, content_digest = _config_to_trust(args.path)
    now = trust.digests(config, content_digest)
    key = trust.grant(path, now)
    stdout.write(
        f"trusted {key} (sha256 {now.config[:12]}, rule files sha256 {now.rule_files[:12]}): "
        "its rule-paths load and its files outside its folder are read until it or its rule "
        "files change\n"
    )
    return EXIT_CLEAN


def _add_merge_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    merge = commands.add_parser(
        "merge",
        help="combine the reports of shards (check --shard K/N) into one",
        description="Combine reports of `opslint check` over disjoint files (the shards of "
        "`--shard K/N`) into the report one run over all of them writes.",
        epilog="Formats: sarif, json and gitlab (GitLab Code Quality), told apart by their "
        "content; text and github output do not merge. Reports of different formats, "
        "opslint versions or settings (SARIF records them), or holding the same finding, are "
        "refused. Exit status: 0, or 1 when the merged report has a finding at the fail-on "
        "threshold (--fail-on, else the config found from the current folder: as opslint "
        "check), 2 on a usage error or an input that is not a report.",
    )
    merge.add_argument(
        "reports",
        nargs="+",
        type=Path,
        metavar="REPORT",
        help="a report of opslint check -f sarif, json or gitlab (one per shard)",
    )
    merge.add_argument(
        "--format", "-f", choices=("sarif", "json", "gitlab"), help="the reports' format"
    )
    merge.add_argument(
        "--output",
        "-o",
        type=Path,
        metavar="FILE",
        help="write the merged report to this file in one step (default: stdout)",
    )
    merge.add_argument(
        "--fail-on",
        type=Severity.parse,
        help="lowest severity that fails: info, warning, error",
    )
    merge.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    merge.add_argument("--quiet", "-q", action="store_true", help="no summary line")


def run_merge(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """`opslint merge`: shard reports combined into the report of one run."""
    from opslint.report.merge import merge

    fail_on = args.fail_on or discover(Path.cwd()).fail_on
    merged = merge(args.reports, args.format)
    if args.output is None:
        stdout.write(merged.text())
    else:
        merged.write(args.output)
    if not args.quiet:
        stderr.write(f"opslint: {merged.summary(len(args.reports))}\n")
    if args.exit_zero:
        return EXIT_CLEAN
    return EXIT_FINDINGS if merged.failed(fail_on) else EXIT_CLEAN


def run_server(stderr: TextIO) -> int:
    """`opslint server`: the language server, when the `lsp` extra is installed."""
    try:
        from opslint.server.protocol import serve
    except ImportError:
        stderr.write("opslint: error: `opslint server` needs pygls: install opslint[lsp]\n")
        return EXIT_ERROR
    serve()
    return EXIT_CLEAN


def _config_to_trust(path: Path) -> tuple[Path, Config, str]:
    """The config file `opslint trust PATH` means, what it says, and its content's digest."""
    if path.is_dir():
        found = find(path)
        if found is None:
            raise ConfigError(f"no opslint config in {path} or the folders above it")
        return found
    if path.name not in CONFIG_FILES:
        raise ConfigError(f"{path} is not a config file opslint finds ({', '.join(CONFIG_FILES)})")
    config, content_digest = load_file(path)
    if config is None:
        raise ConfigError(f"{path} has no [tool.opslint] table")
    return path, config, content_digest


def _say_notes(config: Config) -> None:
    for note in config.notes:
        sys.stderr.write(f"opslint: note: {note}\n")


def run_rules(args: argparse.Namespace) -> int:
    """`opslint rules`: every rule with its state."""
    config = load_config(args, [])
    _say_notes(config)
    session = make_session(config)
    every, enabled = session.rules()
    on = {rule.code for rule in enabled}
    if args.format == "json":
        rows = [
            {
                "code": rule.code,
                "name": rule.spec.name,
                "summary": rule.summary,
                "kinds": list(rule.kinds),
                "severity": str(rule.spec.severity),
                "default_enabled": rule.spec.default_enabled,
                "enabled": rule.code in on,
                "fix": rule.spec.fix,
                "tags": list(rule.spec.tags),
                "peers": list(rule.spec.peers),
                "yields_to": list(rule.spec.yields_to),
                "yields_within": rule.spec.yields_within if rule.spec.yields_to else None,
                "origin": rule.origin,
            }
            for rule in every
        ]
        json.dump(rows, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return EXIT_CLEAN
    for rule in every:
        state = "on" if rule.code in on else "off"
        default = "" if rule.spec.default_enabled else " (off by default)"
        kinds = ",".join(rule.kinds)
        sys.stdout.write(
            f"{rule.code:<6} {rule.spec.name:<30} {rule.spec.severity!s:<8} {state:<3} "
            f"fix:{rule.spec.fix:<6} {kinds}{default}\n"
        )
    return EXIT_CLEAN


def run_rule(args: argparse.Namespace) -> int:
    """`opslint rule CODE`: the rule's documentation."""
    config = load_config(args, [])
    _say_notes(config)
    every, _ = make_session(config).rules()
    wanted = args.code
    for rule in every:
        if wanted in (rule.code, rule.spec.name):
            from opslint.docs import rule_markdown

            sys.stdout.write(rule_markdown(rule))
            return EXIT_CLEAN
    raise ConfigError(f"unknown rule `{wanted}`")


def run_new(args: argparse.Namespace, extra: list[str], stdout: TextIO) -> int:
    """`opslint new`: list generators, or run one and write (or show) what it makes."""
    from opslint.detect import detect
    from opslint.generate import GeneratorError, make_generator, shown_path, write_artifacts

    output = args.output or Path()
    project_root = args.project or output
    config = file_config(args, project_root if project_root.exists() else Path.cwd())
    session = make_session(config)
    generators = {
        g.name: g
        for g in sorted(
            (make_generator(f) for f in session.plugins.generator_functions()),
            key=lambda g: g.name,
        )
    }
    if args.list or args.help or args.generator is None:
        stdout.write(_generator_listing(list(generators.values())))
        return EXIT_CLEAN if (args.list or args.help) else EXIT_ERROR
    chosen = generators.get(args.generator)
    if chosen is None:
        raise ConfigError(f"unknown generator {args.generator!r} (known: {', '.join(generators)})")
    try:
        values = dict(config.generator_options.get(chosen.name, {}))
        values.update(_generator_flags(chosen, extra))
        options = chosen.make_options(values)
        artifacts = chosen.run(detect(project_root, config), options)
        if args.dry_run:
            for artifact in artifacts:
                stdout.write(f"--- {(output / artifact.path).as_posix()}\n{artifact.text}")
                if not artifact.text.endswith("\n"):
                    stdout.write("\n")
            return EXIT_CLEAN
        result = write_artifacts(artifacts, output, force=args.force)
    except GeneratorError as error:
        raise ConfigError(str(error)) from None
    for path in result.written:
        stdout.write(f"wrote {shown_path(path)}\n")
    for path in result.unchanged:
        stdout.write(f"unchanged {shown_path(path)}\n")
    return EXIT_CLEAN


def _generator_listing(generators: list[Generator]) -> str:
    lines = ["usage: opslint new GENERATOR [--output DIR] [--force] [--dry-run] [options]", ""]
    for item in generators:
        lines.append(f"{item.name:<12} {item.spec.summary}")
        for flag, kind, default, help_text in item.parameters():
            shown = "" if default in (None, "", ()) else f" (default: {_default_text(default)})"
            value = "" if kind == "flag" else f" {kind.upper()}"
            lines.append(f"    --{flag}{value}  {help_text}{shown}")
        lines.append("")
    return "\n".join(lines)


def _default_text(value: object) -> str:
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


def _generator_flags(chosen: Generator, extra: list[str]) -> dict[str, object]:
    """`--name value`, `--name=value`, `--flag` and `--no-flag` for a generator's options."""
    kinds = {flag: kind for flag, kind, _, _ in chosen.parameters()}
    values: dict[str, object] = {}
    index = 0
    while index < len(extra):
        item = extra[index]
        if not item.startswith("--"):
            raise ConfigError(f"unexpected argument {item!r}")
        name, equals, value = item[2:].partition("=")
        negated = name.startswith("no-") and kinds.get(name[3:]) == "flag"
        key = name[3:] if negated else name
        if key not in kinds:
            known = ", ".join(f"--{k}" for k in kinds) or "none"
            raise ConfigError(f"generator {chosen.name} has no option --{key} (options: {known})")
        if kinds[key] == "flag":
            values[key] = not negated if not equals else value
        elif equals:
            values[key] = value
        else:
            index += 1
            if index >= len(extra):
                raise ConfigError(f"--{key} needs a value")
            values[key] = extra[index]
        index += 1
    return values


def _tolerant_streams() -> None:
    """Let stdout and stderr write what their encoding cannot hold as escapes: a finding
    quoting `café` on an ASCII terminal is shown, not an encoding crash."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `opslint` command."""
    _tolerant_streams()
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "new":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        if args.command == "new":
            return run_new(args, extra, sys.stdout)
        if args.command == "check":
            from opslint.parsers.bulk import collector_paused

            with collector_paused():  # what a check builds lives until its report is out
                return run_check(args, sys.stderr)
        if args.command == "rules":
            return run_rules(args)
        if args.command == "rule":
            return run_rule(args)
        if args.command == "trust":
            return run_trust(args, sys.stdout)
        if args.command == "merge":
            return run_merge(args, sys.stdout, sys.stderr)
        if args.command == "server":
            return run_server(sys.stderr)
        return run_fix(args, sys.stdout, sys.stderr)
    except ConfigError as error:
        sys.stderr.write(f"opslint: error: {error}\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (`| head`): nothing left to say
        return EXIT_CLEAN
    except Exception as error:
        if os.environ.get("OPSLINT_DEBUG"):
            raise
        sys.stderr.write(f"opslint: internal error: {type(error).__name__}: {error}\n")
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
