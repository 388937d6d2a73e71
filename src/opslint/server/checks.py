"""What the language server asks of the engine, with an editor's unsaved buffers overlaid.

Every check is a real run of the engine on the document's path (`Session.run`), its text
and that of every other open buffer standing in for the files on disk (`Session.overlay`):
a Terraform module's other files, a Helm chart's values and templates, a Compose build
context are read from the buffers where open, from disk otherwise. The config is the
CLI's: found walking up from the document (trust rules included), or the file a
workspace setting names, which is held to the same trust rules as a found one.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from opslint.builtin.parsers import DOCKERFILE, JENKINSFILE, KUBERNETES, TERRAFORM
from opslint.builtin.suppressions import COMMENT, split_codes
from opslint.cli import make_session
from opslint.config import Config, ConfigError, discover, guarded, load_file
from opslint.edits.yaml import add_nested, replace_scalar
from opslint.engine.discovery import iter_relative
from opslint.engine.fixer import Fixer
from opslint.engine.runner import Session
from opslint.model.base import Edit, Finding, Span
from opslint.model.kubernetes import IGNORE_ANNOTATION, KubernetesFile
from opslint.model.source import SourceError, SourceFile
from opslint.model.yamltree import YMap, YNode, YScalar, YSeq
from opslint.parsers.yamlload import YamlError, yaml_of
from opslint.plugins import PluginManager
from opslint.report import Report
from opslint.rule import Rule
from opslint.safety.boundary import Boundary

COMMENT_TOKENS = {JENKINSFILE: "//"}
"""The comment token of each kind whose comments do not start with `#`."""
HEREDOC = re.compile(r"<<-?\s*[\"']?(?P<word>[A-Za-z_][\w-]*)[\"']?")
"""The start of a heredoc (HCL, Dockerfile), whose body ends at a line holding the word."""


@dataclass
class Checked:
    """One check of one document: what was found in it, and what the check read."""

    path: Path
    text: str
    kind: str | None
    findings: list[Finding] = field(default_factory=list)
    rules: dict[str, Rule] = field(default_factory=dict)
    """The rules of the run, by code."""
    read: frozenset[Path] = frozenset()
    """The files of the run (resolved): a change to one of them changes this check."""
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    """Why the document could not be checked (a config error)."""


def absolute(display: str) -> Path:
    """The resolved file a reported path names (relative to the working folder)."""
    return (Path.cwd() / display).resolve()


class Projects:
    """The configs and plugins of the documents an editor opens, found once and kept
    until a config file changes (`forget`).

    Used from one thread at a time (the server's checking thread): the engine's run
    state is not shared between threads.
    """

    def __init__(self) -> None:
        self.config_file: Path | None = None
        """The config a workspace setting names, instead of one found walking up."""
        self.folders: tuple[Path, ...] = ()
        """The workspace folders (resolved): a run may read the one of its document, as
        `opslint check` run there may read the repository or folder it runs in."""
        self._configs: dict[Path, Config] = {}
        self._plugins: dict[tuple[Path | None, Path], PluginManager] = {}

    def forget(self) -> None:
        """Read configs again on next use (a config file or the setting changed)."""
        self._configs.clear()
        self._plugins.clear()

    def config_for(self, path: Path) -> Config:
        """The config of the document at `path`."""
        folder = path.parent
        config = self._configs.get(folder)
        if config is None:
            config = self._configs[folder] = self._read(folder)
        return config

    def _read(self, folder: Path) -> Config:
        if self.config_file is None:
            return discover(folder)
        config, content_digest = load_file(self.config_file)
        if config is None:
            raise ConfigError(f"{self.config_file} has no [tool.opslint] table")
        return guarded(self.config_file, config, content_digest)

    def session(self, path: Path, texts: Mapping[Path, str]) -> Session:
        """A session for one run on `path` with `texts` (by resolved path) overlaid."""
        config = self.config_for(path)
        key = (config.source, config.root)
        plugins = self._plugins.get(key)
        if plugins is None:
            session = make_session(config, force_exclude=True)
            self._plugins[key] = session.plugins
        else:
            session = Session(config, plugins, force_exclude=True)
        session.overlay = dict(texts)
        return session

    def boundary(self, session: Session, path: Path) -> Boundary:
        """What a run on `path` may read: what `opslint check` reads, and the workspace
        folder of the document."""
        base = session.boundary([path])
        folders = [folder for folder in self.folders if path.is_relative_to(folder)]
        return Boundary(base.roots, (*base.area, *folders))


def check(
    projects: Projects, path: Path, texts: Mapping[Path, str], kind: str | None = None
) -> Checked:
    """Check the document at `path` (its text is `texts[path]`) as `opslint check` would.

    `kind`: what the document was at its last check. A YAML file detected by its content
    (a Prometheus rules file, a CircleCI config) is not detected while it does not parse
    (a manifest is, by its `apiVersion` and `kind` lines); it is checked as that kind then,
    so that the syntax error shows (OP001) where the editor is.
    """
    checked = Checked(path, texts.get(path, ""), None)
    try:
        report = _run(projects, path, texts, None)
        displays = {display: absolute(display) for display in report.sources}
        if kind is not None and path not in displays.values():
            report = _run(projects, path, texts, kind)
            displays = {display: absolute(display) for display in report.sources}
    except ConfigError as error:
        checked.error = f"opslint: config error: {error}"
        return checked
    checked.read = frozenset(displays.values())
    checked.kind = next(
        (report.sources[d].kind for d, resolved in displays.items() if resolved == path), None
    )
    checked.findings = [f for f in report.findings if _in(f.span, path, displays)]
    checked.rules = {rule.code: rule for rule in report.rules}
    checked.notes = list(report.notes)
    return checked


def _run(projects: Projects, path: Path, texts: Mapping[Path, str], kind: str | None) -> Report:
    """The report of a run on `path` (of `kind`, when given, else the kind detected)."""
    session = projects.session(path, texts)
    session.forced_kind = kind
    boundary = projects.boundary(session, path)
    with boundary.applied():
        if path.is_file():
            return session.checked([path], boundary)
        # a new file, not saved yet: no walk finds it
        files = iter_relative([path], Path.cwd())
        return session.checked_files(files, time.perf_counter())


def _in(span: Span, path: Path, displays: dict[str, Path]) -> bool:
    resolved = displays.get(span.path)
    return (resolved or absolute(span.path)) == path


def fixed_text(projects: Projects, path: Path, texts: Mapping[Path, str]) -> str | None:
    """The document's text with every safe fix applied, pass after pass as `opslint fix`
    does (`Fixer`), or None when no fix changes it. Nothing is written."""
    try:
        session = projects.session(path, texts)
        boundary = projects.boundary(session, path)
        with boundary.applied():
            result = Fixer(session).computed([path], boundary)
    except ConfigError:
        return None
    change = result.changes.get(path)
    return None if change is None else change.text


def suppression(projects: Projects, checked: Checked, finding: Finding) -> Edit | None:
    """The edit that suppresses `finding` where it is: the `opslint.io/ignore` annotation
    of its Kubernetes object, else a comment in the file's syntax (`# opslint:
    ignore[CODE]` at the end of its line; in a Dockerfile, whose comments take whole
    lines, on a line of its own above it), joining a suppression comment already there."""
    code = finding.code
    line = finding.span.line
    source = SourceFile(checked.path, finding.span.path, text=checked.text)
    source.kind = checked.kind
    lines = source.lines
    if not 0 < line <= len(lines):
        return None
    if checked.kind == KUBERNETES:
        edit = _annotation(projects, checked, source, finding)
        if edit is not None:
            return edit
    own_line = checked.kind == DOCKERFILE
    for number in (line - 1, line) if own_line and line > 1 else (line,):
        existing = COMMENT.search(lines[number - 1])
        if existing is None or existing.group("verb") != "ignore" or not existing["codes"]:
            continue
        codes = split_codes(existing.group("codes"))
        if code in codes:
            return None
        start, end = existing.start("codes") + 1, existing.end("codes") + 1
        joined = ", ".join((*codes, code))
        return Edit(Span(finding.span.path, number, start, number, end), joined)
    if inside_text(source, line):
        return None  # a comment there would be part of a string or script
    text = lines[line - 1]
    comment = f"{COMMENT_TOKENS.get(checked.kind or '', '#')} opslint: ignore[{code}]"
    if own_line:
        indent = text[: len(text) - len(text.lstrip())]
        return Edit(Span(finding.span.path, line, 1, line, 1), f"{indent}{comment}\n")
    end = len(text) + 1
    return Edit(Span(finding.span.path, line, end, line, end), f"  {comment}")


def inside_text(source: SourceFile, line: int) -> bool:
    """True when a comment at the end of `line` (or, in a Dockerfile, on a line above
    it) would be text or break the syntax: the line starts (in HCL) or is inside a
    heredoc, is inside a multi-line YAML scalar (after a block scalar's `|` line), or
    ends inside a multi-line Groovy string."""
    lines = source.lines
    if source.kind in (TERRAFORM, DOCKERFILE):
        word = None
        for number, text in enumerate(lines[:line], start=1):
            if word is not None:
                if number == line:
                    return True  # its body, or the line that ends it
                if text.strip() == word:
                    word = None
                continue
            heredoc = HEREDOC.search(text)
            if heredoc is not None and number == line:
                return source.kind == TERRAFORM  # nothing may follow `<<EOT` in HCL
            word = heredoc["word"] if heredoc is not None else None
        return False
    if source.kind == JENKINSFILE:
        through = "\n".join(lines[:line])
        return (through.count('"""') + through.count("'''")) % 2 == 1
    try:
        loaded = yaml_of(source)
    except (YamlError, SourceError):
        return False
    for document in loaded.documents:
        for scalar in _scalars(document.root):
            span = scalar.span
            last = span.end_line - 1 if span.end_column == 1 else span.end_line
            if span.line < line <= last:
                return True
            if span.line == line < last and scalar.style not in ("|", ">"):
                return True  # the first line of a quoted or plain scalar that goes on
    return False


def _scalars(node: YNode | None) -> Iterator[YScalar]:
    """Every scalar value below `node`."""
    if isinstance(node, YScalar):
        yield node
    elif isinstance(node, YMap):
        for _, value in node.items():
            yield from _scalars(value)
    elif isinstance(node, YSeq):
        for item in node:
            yield from _scalars(item)


def _annotation(
    projects: Projects, checked: Checked, source: SourceFile, finding: Finding
) -> Edit | None:
    """The annotation edit for the Kubernetes object holding the finding's line."""
    try:
        session = projects.session(checked.path, {})
    except ConfigError:
        return None
    document = session.parse(source, KUBERNETES)
    if not isinstance(document, KubernetesFile):
        return None
    line = finding.span.line
    for obj in document.manifests:
        if not obj.first_line <= line <= obj.last_line:
            continue
        annotations = obj.node.path("metadata", "annotations")
        present = annotations.get(IGNORE_ANNOTATION) if isinstance(annotations, YMap) else None
        if isinstance(present, YScalar):
            codes = split_codes(present.text)
            if finding.code in codes:
                return None
            return replace_scalar(present, ",".join((*codes, finding.code)), source.lines)
        return add_nested(
            obj.node, ("metadata", "annotations"), {IGNORE_ANNOTATION: finding.code}, source.lines
        )
    return None


_SECTIONS = ("What it does", "Why it matters", "Use instead")


def hover_markdown(rule: Rule) -> str:
    """A rule's doc for a hover: its summary and the sections What it does, Why it
    matters and Use instead of its docstring."""
    parts = [f"**{rule.code} {rule.spec.name}** ({rule.spec.severity})", rule.summary]
    for heading, text in rule.sections.items():
        if heading in _SECTIONS:
            parts.append(f"### {heading}\n{text}")
    return "\n\n".join(part for part in parts if part)
