"""The Language Server Protocol side of `opslint server`, built on pygls.

Checks run on one thread of their own, never on the loop that reads the editor's
messages: a change waits `DEBOUNCE` seconds for the next keystroke, a newer version of a
document drops the check still waiting for the older one (and a check that ran on an
older version is never published), and a check changes the diagnostics of the other open
documents whose runs read the changed file (a chart's templates when its values change).
"""

from __future__ import annotations

import asyncio
import bisect
import re
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from opslint import __version__
from opslint.config import CONFIG_FILES
from opslint.docs import help_uri
from opslint.engine.fixer import NOT_FIXABLE_KINDS, misplaced
from opslint.model.base import Applicability, Edit, Finding, Span
from opslint.model.lines import LineIndex, breaks_for
from opslint.server.checks import Checked, Projects, absolute, check, fixed_text, suppression
from opslint.server.checks import hover_markdown as rule_hover
from opslint.severity import Severity

DEBOUNCE = 0.05
"""Seconds a change waits for the next one before it is checked."""
FIX_ALL = "source.fixAll.opslint"
FIX_ALL_COMMAND = "opslint.applyFixAll"
"""Command arguments: the document's URI; the server asks the editor to apply the edit."""
SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}
DEPRECATED_RULES = frozenset({"maintainer-deprecated", "obsolete-version"})
"""Rules that report syntax a format has deprecated: their code shows struck through."""
UNNECESSARY = re.compile(r"suppressed nothing$")
"""An `unknown-suppression` message about a suppression that has no effect (shown faded)."""
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class Lines:
    """A text's positions as LSP counts them: lines broken at CR, LF or CRLF, and columns
    in the code units the client and server agreed on (UTF-16 unless both chose
    otherwise)."""

    def __init__(self, text: str, kind: str | None, units: Callable[[str], int]) -> None:
        self.text = text
        self.index = LineIndex(text, breaks_for(kind))
        self.starts = [0, *(match.end() for match in _LINE_BREAK.finditer(text))]
        self.units = units
        """`client_num_units` of the workspace's position codec."""

    def position(self, line: int, column: int) -> types.Position:
        """The LSP position of a 1-based line and column of opslint's (the file's line
        breaks, columns in characters)."""
        offset = self.index.offset(line, column)
        row = bisect.bisect_right(self.starts, offset) - 1
        start = self.starts[row]
        return types.Position(row, self.units(self.text[start:offset]))

    def range(self, span: Span) -> types.Range:
        return types.Range(
            self.position(span.line, span.column), self.position(span.end_line, span.end_column)
        )

    def end(self) -> types.Position:
        row = len(self.starts) - 1
        return types.Position(row, self.units(self.text[self.starts[row] :]))


@dataclass(frozen=True)
class Published:
    """A check of one version of a document, and the diagnostics sent for it (one per
    finding, in order)."""

    version: int | None
    checked: Checked
    diagnostics: list[types.Diagnostic]


class OpslintServer(LanguageServer):
    """The server: documents, their last checks, and the thread checks run on."""

    def __init__(self) -> None:
        super().__init__("opslint", __version__)
        self.projects = Projects()
        self.checker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="opslint-check")
        self.versions: dict[str, int | None] = {}
        """The newest version of each open document."""
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.checks: dict[str, Published] = {}
        """The last check published for each open document."""
        self.said: set[str] = set()
        """Notes and errors shown to the user already (each once)."""
        self.fixed: dict[str, tuple[int | None, str | None]] = {}
        """Each document's text with every safe fix applied, with the version it is of
        (editors ask for code actions whenever the cursor moves)."""

    # documents

    def texts(self) -> dict[Path, str]:
        """The text of every open file, by resolved path."""
        return {
            path: document.source
            for uri, document in list(self.workspace.text_documents.items())
            if (path := _path(uri)) is not None
        }

    def schedule(self, uri: str, delay: float) -> None:
        """Check `uri` after `delay` seconds, dropping a check of it still waiting."""
        waiting = self.pending.pop(uri, None)
        if waiting is not None:
            waiting.cancel()
        self.pending[uri] = asyncio.ensure_future(self._check_later(uri, delay))

    def schedule_readers(self, uri: str, delay: float) -> None:
        """Check again the other open documents whose last check read `uri`'s file, or
        that lie in its folder (a Terraform module's files)."""
        path = _path(uri)
        if path is None:
            return
        for other, published in list(self.checks.items()):
            checked = published.checked
            if other != uri and (path in checked.read or checked.path.parent == path.parent):
                self.schedule(other, delay)

    async def _check_later(self, uri: str, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        path = _path(uri)
        if path is None or uri not in self.versions:
            return
        version = self.versions[uri]
        texts = self.texts()
        last = self.checks.get(uri)
        kind = last.checked.kind if last is not None else None

        def job() -> Checked | None:
            if self.versions.get(uri) != version:
                return None  # closed, or a newer version is on its way
            return check(self.projects, path, texts, kind)

        loop = asyncio.get_running_loop()
        try:
            checked = await loop.run_in_executor(self.checker, job)
        except Exception as error:  # the server goes on; the editor keeps the last ones
            message = f"opslint: checking {path} failed: {type(error).__name__}: {error}"
            self.window_log_message(types.LogMessageParams(types.MessageType.Error, message))
            return
        if checked is None or uri not in self.versions or self.versions[uri] != version:
            return
        if self.pending.get(uri) is asyncio.current_task():
            del self.pending[uri]
        diagnostics = self.diagnostics(checked)
        self.checks[uri] = Published(version, checked, diagnostics)
        self.say(checked)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri, diagnostics, version)
        )

    def say(self, checked: Checked) -> None:
        """Show a config error or note once (the editor has no run summary)."""
        said = [(f"opslint: {note}", types.MessageType.Warning) for note in checked.notes]
        if checked.error is not None:
            said.insert(0, (checked.error, types.MessageType.Error))
        for text, kind in said:
            if text not in self.said:
                self.said.add(text)
                self.window_show_message(types.ShowMessageParams(kind, text))

    def lines(self, checked: Checked) -> Lines:
        return Lines(checked.text, checked.kind, self.workspace.position_codec.client_num_units)

    def diagnostics(self, checked: Checked) -> list[types.Diagnostic]:
        """The findings of a check as LSP diagnostics (a config error as one at the top)."""
        if checked.error is not None:
            start = types.Position(0, 0)
            return [
                types.Diagnostic(
                    types.Range(start, start),
                    checked.error,
                    types.DiagnosticSeverity.Error,
                    source="opslint",
                )
            ]
        lines = self.lines(checked)
        others: dict[Path, Lines] = {}
        return [self.diagnostic(finding, checked, lines, others) for finding in checked.findings]

    def diagnostic(
        self, finding: Finding, checked: Checked, lines: Lines, others: dict[Path, Lines]
    ) -> types.Diagnostic:
        rule = checked.rules.get(finding.code)
        tags = []
        if finding.name in DEPRECATED_RULES:
            tags.append(types.DiagnosticTag.Deprecated)
        if finding.name == "unknown-suppression" and UNNECESSARY.search(finding.message):
            tags.append(types.DiagnosticTag.Unnecessary)
        related = [
            types.DiagnosticRelatedInformation(
                types.Location(
                    from_fs_path(str(absolute(item.span.path))) or "",
                    self.lines_of(absolute(item.span.path), others).range(item.span),
                ),
                item.message,
            )
            for item in finding.related
        ]
        message = finding.message if finding.help is None else f"{finding.message}\n{finding.help}"
        return types.Diagnostic(
            lines.range(finding.span),
            message,
            SEVERITIES[finding.severity],
            code=finding.code,
            code_description=types.CodeDescription(help_uri(rule)) if rule else None,
            source="opslint",
            tags=tags or None,
            related_information=related or None,
        )

    def lines_of(self, path: Path, cache: dict[Path, Lines]) -> Lines:
        """The positions of another file (a values file a finding names): its open buffer,
        else its text on disk."""
        if path not in cache:
            text = self.texts().get(path)
            if text is None:
                try:
                    text = path.read_text(encoding="utf-8", errors="replace")
                except OSError:
                    text = ""
            cache[path] = Lines(text, None, self.workspace.position_codec.client_num_units)
        return cache[path]

    def current(self, uri: str) -> Published | None:
        """The last check of `uri` when it is of the document's newest version."""
        found = self.checks.get(uri)
        if found is None or found.version != self.versions.get(uri):
            return None
        return found

    # code actions and hover

    def actions(
        self,
        uri: str,
        wanted: types.Range,
        only: Sequence[str] | None,
        texts: Mapping[Path, str],
    ) -> list[types.CodeAction]:
        """The code actions for `wanted` of `uri` (runs on the checking thread; `texts`:
        the open buffers, read on the loop)."""
        published = self.current(uri)
        if published is None or published.checked.error is not None:
            return []
        checked = published.checked
        lines = self.lines(checked)
        found: list[types.CodeAction] = []
        quick = only is None or any(
            types.CodeActionKind.QuickFix.value.startswith(kind) for kind in only
        )
        if quick:
            for finding, diagnostic in zip(checked.findings, published.diagnostics, strict=True):
                if _overlaps(diagnostic.range, wanted):
                    found.extend(self.finding_actions(uri, finding, diagnostic, checked, lines))
        if only is None or any(FIX_ALL.startswith(kind) for kind in only):
            text = self.fixed_text(uri, checked, texts)
            if text is not None:
                found.append(
                    types.CodeAction(
                        "opslint: fix all safe fixes",
                        kind=FIX_ALL,
                        edit=self.whole_text_edit(uri, checked, text),
                    )
                )
        return found

    def fixed_text(self, uri: str, checked: Checked, texts: Mapping[Path, str]) -> str | None:
        """The document with every safe fix applied (None: no fix changes it), computed
        once per version; runs on the checking thread."""
        version = self.versions.get(uri)
        known = self.fixed.get(uri)
        if known is not None and known[0] == version:
            return known[1]
        text = fixed_text(self.projects, checked.path, texts)
        self.fixed[uri] = (version, text)
        return text

    def finding_actions(
        self,
        uri: str,
        finding: Finding,
        diagnostic: types.Diagnostic,
        checked: Checked,
        lines: Lines,
    ) -> list[types.CodeAction]:
        """The quick fixes of one finding: its own fix, and the suppression."""
        found: list[types.CodeAction] = []
        fix = finding.fix
        fixable = checked.kind not in NOT_FIXABLE_KINDS
        if fix is not None and fix.edits and fixable and self.applies(fix.edits, checked):
            safe = fix.applicability is Applicability.SAFE
            title = f"{finding.code}: {fix.title}" + ("" if safe else " (unsafe)")
            found.append(
                types.CodeAction(
                    title,
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic],
                    is_preferred=safe,
                    edit=self.edit(uri, fix.edits, lines),
                )
            )
        silence = suppression(self.projects, checked, finding)
        if silence is not None:
            found.append(
                types.CodeAction(
                    f"Suppress {finding.code} on this line",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic],
                    edit=self.edit(uri, (silence,), lines),
                )
            )
        return found

    def applies(self, edits: Sequence[Edit], checked: Checked) -> bool:
        """True when every edit lands in the document, on the text it was computed for."""
        index = LineIndex(checked.text, breaks_for(checked.kind))
        return all(
            absolute(edit.span.path) == checked.path and misplaced(index, edit) is None
            for edit in edits
        )

    def edit(self, uri: str, edits: Sequence[Edit], lines: Lines) -> types.WorkspaceEdit:
        return types.WorkspaceEdit(
            changes={uri: [types.TextEdit(lines.range(edit.span), edit.text) for edit in edits]}
        )

    def whole_text_edit(self, uri: str, checked: Checked, text: str) -> types.WorkspaceEdit:
        lines = self.lines(checked)
        whole = types.Range(types.Position(0, 0), lines.end())
        return types.WorkspaceEdit(changes={uri: [types.TextEdit(whole, text)]})

    def hover(self, uri: str, position: types.Position) -> types.Hover | None:
        """The docs of the rules whose diagnostics hold `position`."""
        published = self.current(uri)
        if published is None:
            return None
        checked = published.checked
        shown: list[str] = []
        for finding, diagnostic in zip(checked.findings, published.diagnostics, strict=True):
            rule = checked.rules.get(finding.code)
            if rule is None or not _contains(diagnostic.range, position):
                continue
            text = rule_hover(rule)
            if text not in shown:
                shown.append(text)
        if not shown:
            return None
        contents = types.MarkupContent(types.MarkupKind.Markdown, "\n\n---\n\n".join(shown))
        return types.Hover(contents)

    # configuration

    def configure(self, setting: object) -> None:
        """Use the config file a setting names (`{"config": "path"}`, relative to the
        workspace root), or none (walk up from each document); check everything again."""
        named = setting.get("config") if isinstance(setting, Mapping) else None
        config_file = None
        if isinstance(named, str) and named:
            root = Path(self.workspace.root_path or Path.cwd())
            config_file = (root / Path(named).expanduser()).resolve()

        def apply() -> None:
            self.projects.config_file = config_file
            self.projects.forget()

        self.checker.submit(apply)
        self.recheck_all()

    def reload(self) -> None:
        """A config file changed: read configs again and check every open document."""
        self.checker.submit(self.projects.forget)
        self.recheck_all()

    def recheck_all(self) -> None:
        """Check every open document again (with configs read again): notes are said
        again, fixes computed again."""
        self.said.clear()
        self.fixed.clear()
        for uri in list(self.versions):
            self.schedule(uri, 0)


def _path(uri: str) -> Path | None:
    path = to_fs_path(uri)
    return None if path is None or not uri.startswith("file:") else Path(path).resolve()


def _is_config(uri: str) -> bool:
    path = to_fs_path(uri)
    return path is not None and Path(path).name in CONFIG_FILES


def _overlaps(first: types.Range, second: types.Range) -> bool:
    start = (first.start.line, first.start.character)
    end = (first.end.line, first.end.character)
    other_start = (second.start.line, second.start.character)
    other_end = (second.end.line, second.end.character)
    return start <= other_end and other_start <= end


def _contains(where: types.Range, position: types.Position) -> bool:
    point = (position.line, position.character)
    start = (where.start.line, where.start.character)
    return start <= point <= (where.end.line, where.end.character)


def make_server() -> OpslintServer:
    """The server with its handlers."""
    server = OpslintServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: OpslintServer, params: types.InitializeParams) -> None:
        folders = [folder.uri for folder in params.workspace_folders or ()]
        if not folders and params.root_uri:
            folders = [params.root_uri]
        ls.projects.folders = tuple(path for folder in folders if (path := _path(folder)))
        options = params.initialization_options
        if isinstance(options, Mapping) and options.get("config"):
            ls.configure(options)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: OpslintServer, params: types.InitializedParams) -> None:
        watching = ls.client_capabilities.workspace
        dynamic = watching and watching.did_change_watched_files
        if not (dynamic and dynamic.dynamic_registration):
            return
        watchers = [types.FileSystemWatcher(f"**/{name}") for name in CONFIG_FILES]
        try:
            await ls.client_register_capability_async(
                types.RegistrationParams(
                    [
                        types.Registration(
                            "opslint-config-files",
                            types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                            types.DidChangeWatchedFilesRegistrationOptions(watchers),
                        )
                    ]
                )
            )
        except Exception as error:  # the client refused: configs reload on save only
            ls.window_log_message(
                types.LogMessageParams(
                    types.MessageType.Warning, f"opslint: config files not watched: {error}"
                )
            )

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: OpslintServer, params: types.DidOpenTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.versions[uri] = params.text_document.version
        ls.schedule(uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: OpslintServer, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.versions[uri] = params.text_document.version
        ls.schedule(uri, DEBOUNCE)
        ls.schedule_readers(uri, DEBOUNCE)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: OpslintServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        if _is_config(uri):
            ls.reload()
        elif uri in ls.versions:
            ls.schedule(uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: OpslintServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        waiting = ls.pending.pop(uri, None)
        if waiting is not None:
            waiting.cancel()
        ls.versions.pop(uri, None)
        ls.checks.pop(uri, None)
        ls.fixed.pop(uri, None)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, []))
        ls.schedule_readers(uri, 0)  # they read the file from disk now

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(ls: OpslintServer, params: types.DidChangeWatchedFilesParams) -> None:
        if any(_is_config(change.uri) for change in params.changes):
            ls.reload()

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def settings(ls: OpslintServer, params: types.DidChangeConfigurationParams) -> None:
        setting = params.settings.get("opslint") if isinstance(params.settings, Mapping) else None
        ls.configure(setting)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL]),
    )
    async def code_action(
        ls: OpslintServer, params: types.CodeActionParams
    ) -> list[types.CodeAction]:
        only = params.context.only
        kinds = [str(kind) for kind in only] if only else None
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            ls.checker, ls.actions, params.text_document.uri, params.range, kinds, ls.texts()
        )

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: OpslintServer, params: types.HoverParams) -> types.Hover | None:
        return ls.hover(params.text_document.uri, params.position)

    @server.command(FIX_ALL_COMMAND)
    async def fix_all(ls: OpslintServer, uri: str) -> bool:
        published = ls.current(uri)
        if published is None:
            return False
        checked = published.checked
        loop = asyncio.get_running_loop()
        text = await loop.run_in_executor(ls.checker, ls.fixed_text, uri, checked, ls.texts())
        if text is None:
            return False
        result = await ls.workspace_apply_edit_async(
            types.ApplyWorkspaceEditParams(
                ls.whole_text_edit(uri, checked, text), "opslint: fix all"
            )
        )
        return result.applied

    return server


def serve() -> None:
    """Speak LSP on stdin and stdout until the editor says exit."""
    make_server().start_io()
