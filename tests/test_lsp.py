"""`opslint server` end to end: a real LSP client (pytest-lsp) drives the server process.

One server serves the module's tests (starting one takes a while), over a workspace of
files written once; each test opens its own documents.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features
from pytest_lsp.protocol import LanguageClientProtocol

from opslint.docs import REPOSITORY_DOCS
from opslint.engine.fixer import apply_edits
from opslint.model.lines import breaks_for
from opslint.model.source import SourceFile
from opslint.server.checks import Projects, check, inside_text, suppression

PUBLISH = types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS
WAIT = 60.0
"""Seconds a test waits for diagnostics (a loaded machine renders charts slowly)."""

DOCKERFILE = (
    "FROM python:3.12-slim\n"
    "MAINTAINER Zoë 😀 <zoe@example.com>\n"
    'RUN echo "😀" && apt-get update && apt-get install -y curl\n'
    "USER app\n"
    "CMD python app.py\n"
)
"""Non-ASCII text before findings on lines 2 and 3: LSP counts columns in UTF-16 units."""


class Client(LanguageClient):
    """The test client, which keeps every diagnostics notification (with its version)
    and every edit the server asks it to apply."""

    def __init__(self) -> None:
        super().__init__(protocol_cls=LanguageClientProtocol)
        self.published: list[types.PublishDiagnosticsParams] = []
        self.edits: list[types.ApplyWorkspaceEditParams] = []
        self.registrations: list[types.Registration] = []


def make_client() -> Client:
    client = Client()
    features = {m: f for m, f in DEFAULT_CLIENT_FEATURES.items() if m != PUBLISH}
    register_lsp_features(client, features)

    @client.feature(PUBLISH)
    def published(ls: Client, params: types.PublishDiagnosticsParams) -> None:
        ls.published.append(params)
        ls.diagnostics[params.uri] = params.diagnostics

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(ls: Client, params: types.RegistrationParams) -> None:
        ls.registrations.extend(params.registrations)

    @client.feature(types.WORKSPACE_APPLY_EDIT)
    def apply_edit(
        ls: Client, params: types.ApplyWorkspaceEditParams
    ) -> types.ApplyWorkspaceEditResult:
        ls.edits.append(params)
        return types.ApplyWorkspaceEditResult(applied=True)

    return client


WORKSPACE = Path(tempfile.gettempdir()).resolve() / f"opslint-lsp-{os.getpid()}"
"""The workspace the shared server checks: written before it starts, removed after."""
XDG = WORKSPACE / "xdg"
"""An empty trust store of the server's own (`conftest.trust_store` is per test)."""


def write_workspace(root: Path) -> None:
    """The files of the tests: a Dockerfile, a Helm chart, a Terraform module, two
    folders with configs of their own, and a project whose untrusted config names rules."""
    files = {
        "docker/Dockerfile": DOCKERFILE,
        "quick/Dockerfile": DOCKERFILE,
        "chart/Chart.yaml": ("apiVersion: v2\nname: shop\nversion: 1.0.0\nappVersion: 1.0.0\n"),
        "chart/values.yaml": "replicaCount: 2\nimage:\n  repository: ghcr.io/acme/shop\n"
        "  tag: latest\n",
        "chart/templates/deployment.yaml": (
            "apiVersion: apps/v1\n"
            "kind: Deployment\n"
            "metadata:\n"
            "  name: shop\n"
            "spec:\n"
            "  replicas: {{ .Values.replicaCount }}\n"
            "  selector:\n"
            "    matchLabels: {app: shop}\n"
            "  template:\n"
            "    metadata:\n"
            "      labels: {app: shop}\n"
            "    spec:\n"
            "      containers:\n"
            "        - name: shop\n"
            '          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"\n'
        ),
        "tf/main.tf": 'resource "aws_s3_bucket" "logs" {\n  bucket = var.bucket_name\n}\n',
        "tf/variables.tf": (
            'variable "bucket_name" {\n  type        = string\n'
            '  description = "Name of the log bucket"\n}\n'
        ),
        "tf/versions.tf": TF_VERSIONS,
        "one/.opslint.toml": 'ignore = ["DF116"]\n',
        "one/Dockerfile": DOCKERFILE,
        "two/.opslint.toml": 'ignore = ["DF110"]\n',
        "two/Dockerfile": DOCKERFILE,
        "untrusted/.opslint.toml": 'rule-paths = ["myrules"]\n',
        "untrusted/myrules/mine.py": (
            "from pathlib import Path\nPath(__file__).with_name('imported').write_text('yes')\n"
        ),
        "untrusted/Dockerfile": DOCKERFILE,
        "k8s/bad.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
        "k8s/big.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\n",
        "k8s/pod.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: pod\n",
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    XDG.mkdir(parents=True, exist_ok=True)


TF_VERSIONS = """\
terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
  backend "s3" {
    bucket       = "state"
    key          = "logs"
    region       = "eu-west-1"
    encrypt      = true
    use_lockfile = true
  }
}
"""


@pytest_lsp.fixture(
    scope="module",
    config=ClientServerConfig(
        server_command=[sys.executable, "-m", "opslint", "server"],
        client_factory=make_client,
        server_env={**os.environ, "XDG_CONFIG_HOME": str(XDG)},
    ),
)
async def client(lsp_client: Client) -> AsyncIterator[None]:
    capabilities = types.ClientCapabilities(
        workspace=types.WorkspaceClientCapabilities(
            did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(
                dynamic_registration=True
            ),
            apply_edit=True,
        ),
        text_document=types.TextDocumentClientCapabilities(
            code_action=types.CodeActionClientCapabilities(
                code_action_literal_support=types.ClientCodeActionLiteralOptions(
                    types.ClientCodeActionKindOptions(
                        [types.CodeActionKind.QuickFix, types.CodeActionKind.Source]
                    )
                ),
            ),
            hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown]),
        ),
    )
    await lsp_client.initialize_session(
        types.InitializeParams(capabilities=capabilities, root_uri=WORKSPACE.as_uri())
    )
    yield
    await lsp_client.shutdown_session()


@pytest.fixture(scope="module", autouse=True)
def workspace() -> Iterator[Path]:
    write_workspace(WORKSPACE)
    yield WORKSPACE
    shutil.rmtree(WORKSPACE, ignore_errors=True)


def uri(name: str) -> str:
    return (WORKSPACE / name).as_uri()


def open_document(client: Client, name: str, text: str | None = None, language: str = "") -> str:
    """Open `name` of the workspace (with `text`, else its text on disk)."""
    document = uri(name)
    body = (WORKSPACE / name).read_text(encoding="utf-8") if text is None else text
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(document, language, 1, body))
    )
    return document


def change(client: Client, document: str, version: int, text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(version=version, uri=document),
            [types.TextDocumentContentChangeWholeDocument(text)],
        )
    )


async def diagnostics(
    client: Client, document: str, version: int, since: int = 0
) -> Sequence[types.Diagnostic]:
    """The diagnostics published for `version` of `document` after the first `since`
    notifications (the last such, should there be several)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT
    while loop.time() < deadline:
        for params in reversed(client.published[since:]):
            if params.uri == document and params.version == version:
                return list(params.diagnostics)
        await asyncio.sleep(0.02)
    raise AssertionError(f"no diagnostics for {document} version {version}")


def summary(found: Sequence[types.Diagnostic]) -> list[tuple[str, int, int, int, int, int]]:
    """(code, start line, start character, end line, end character, severity)."""
    return [
        (
            str(d.code),
            d.range.start.line,
            d.range.start.character,
            d.range.end.line,
            d.range.end.character,
            int(d.severity or 0),
        )
        for d in found
    ]


def codes(found: Sequence[types.Diagnostic]) -> list[str]:
    return [str(d.code) for d in found]


def apply(text: str, edits: Sequence[types.TextEdit]) -> str:
    """`text` with LSP edits applied (positions in UTF-16 code units, lines at `\\n`)."""
    lines = text.split("\n")

    def offset(position: types.Position) -> int:
        before = sum(len(line) + 1 for line in lines[: position.line])
        line = lines[position.line] if position.line < len(lines) else ""
        units = line.encode("utf-16-le")[: position.character * 2].decode("utf-16-le")
        return before + len(units)

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character))[::-1]:
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


def opslint_fix(name: str, text: str, tmp_path: Path) -> str:
    """What `opslint fix` makes of `text` saved as `name` (a copy in `tmp_path`)."""
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "opslint", "fix", "--isolated", str(path)],
        check=True,
        capture_output=True,
    )
    return path.read_text(encoding="utf-8")


INFO, WARNING, ERROR = (
    types.DiagnosticSeverity.Information,
    types.DiagnosticSeverity.Warning,
    types.DiagnosticSeverity.Error,
)


@pytest.mark.asyncio(loop_scope="module")
async def test_a_dockerfile_gets_exact_diagnostics_fixes_and_docs(
    client: Client, tmp_path: Path
) -> None:
    document = open_document(client, "docker/Dockerfile", language="dockerfile")
    found = await diagnostics(client, document, 1)
    # line 3 holds an emoji (two UTF-16 units) before `apt-get update`
    assert summary(found) == [
        ("DF116", 1, 0, 1, 10, INFO),
        ("DF106", 2, 25, 2, 31, INFO),
        ("DF111", 2, 43, 2, 50, INFO),
        ("DF110", 4, 4, 4, 17, WARNING),
    ]
    maintainer = found[0]
    assert maintainer.source == "opslint"
    assert list(maintainer.tags or ()) == [types.DiagnosticTag.Deprecated]
    assert maintainer.code_description is not None
    assert maintainer.code_description.href == f"{REPOSITORY_DOCS}/DF116.md"
    assert found[3].tags is None

    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(document), types.Position(1, 3))
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert hover.contents.value.startswith("**DF116 maintainer-deprecated** (info)")
    assert "### What it does" in hover.contents.value
    assert "### Why it matters" in hover.contents.value
    nothing = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(document), types.Position(3, 2))
    )
    assert nothing is None

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(document),
            maintainer.range,
            types.CodeActionContext([maintainer]),
        )
    )
    assert actions is not None
    by_title = {a.title: a for a in actions if isinstance(a, types.CodeAction)}
    quick = by_title["DF116: replace MAINTAINER with LABEL org.opencontainers.image.authors"]
    assert quick.is_preferred is True
    assert quick.kind == types.CodeActionKind.QuickFix
    assert quick.edit is not None and quick.edit.changes is not None
    # the edit ends after the emoji: 34 characters, 35 UTF-16 units
    [edit] = quick.edit.changes[document]
    assert (edit.range.start.line, edit.range.start.character) == (1, 0)
    assert (edit.range.end.line, edit.range.end.character) == (1, 35)
    fixed_line = apply(DOCKERFILE, [edit]).split("\n")[1]
    assert fixed_line == 'LABEL org.opencontainers.image.authors="Zoë 😀 <zoe@example.com>"'

    suppress = by_title["Suppress DF116 on this line"]
    assert suppress.edit is not None and suppress.edit.changes is not None
    suppressed = apply(DOCKERFILE, suppress.edit.changes[document])
    assert suppressed.split("\n")[1:3] == [
        "# opslint: ignore[DF116]",
        "MAINTAINER Zoë 😀 <zoe@example.com>",
    ]

    fix_all = by_title["opslint: fix all safe fixes"]
    assert fix_all.kind == "source.fixAll.opslint"
    assert fix_all.edit is not None and fix_all.edit.changes is not None
    expected = opslint_fix("Dockerfile", DOCKERFILE, tmp_path)
    assert expected != DOCKERFILE
    assert apply(DOCKERFILE, fix_all.edit.changes[document]) == expected

    before = len(client.edits)
    applied = await client.workspace_execute_command_async(
        types.ExecuteCommandParams("opslint.applyFixAll", [document])
    )
    assert applied is True
    [request] = client.edits[before:]
    assert request.edit.changes is not None
    assert apply(DOCKERFILE, request.edit.changes[document]) == expected

    # the suppression comment, typed in: DF116 is gone
    since = len(client.published)
    change(client, document, 2, suppressed)
    assert codes(await diagnostics(client, document, 2, since)) == ["DF106", "DF111", "DF110"]


@pytest.mark.asyncio(loop_scope="module")
async def test_only_the_newest_of_quick_changes_is_checked(client: Client) -> None:
    document = open_document(client, "quick/Dockerfile", language="dockerfile")
    await diagnostics(client, document, 1)
    since = len(client.published)
    for version, user in ((2, "USER root"), (3, "USER 0"), (4, "USER app")):
        change(client, document, version, DOCKERFILE.replace("USER app", user))
    assert codes(await diagnostics(client, document, 4, since)) == [
        "DF116",
        "DF106",
        "DF111",
        "DF110",
    ]
    assert [p.version for p in client.published[since:] if p.uri == document] == [4]


@pytest.mark.asyncio(loop_scope="module")
async def test_a_yaml_syntax_error_is_op001_where_it_is_and_the_server_goes_on(
    client: Client,
) -> None:
    document = open_document(client, "k8s/bad.yaml")
    assert await diagnostics(client, document, 1) == []
    since = len(client.published)
    change(client, document, 2, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [x\n")
    [problem] = await diagnostics(client, document, 2, since)
    assert summary([problem]) == [("OP001", 4, 0, 4, 0, ERROR)]
    since = len(client.published)
    change(client, document, 3, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n")
    assert await diagnostics(client, document, 3, since) == []


@pytest.mark.asyncio(loop_scope="module")
async def test_a_10000_line_file_is_checked(client: Client) -> None:
    item = (
        "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{n}\n  namespace: shop\n"
        "data:\n" + "".join(f"  key{k}: value{k}\n" for k in range(43))
    )
    text = "".join(item.format(n=n) for n in range(200))
    assert text.count("\n") == 10_000
    text += "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: last\n  name: again\n"
    document = open_document(client, "k8s/big.yaml", text)
    found = await diagnostics(client, document, 1)
    assert summary(found) == [("OP003", 10_005, 2, 10_005, 6, ERROR)]


@pytest.mark.asyncio(loop_scope="module")
async def test_a_helm_template_follows_its_charts_unsaved_values(client: Client) -> None:
    template = open_document(client, "chart/templates/deployment.yaml")
    found = {str(d.code): d for d in await diagnostics(client, template, 1)}
    image = found["IM001"]
    assert (image.range.start.line, image.range.start.character) == (14, 18)
    assert image.related_information is not None
    assert [
        (r.location.uri, r.location.range.start.line, r.message) for r in image.related_information
    ] == [
        (uri("chart/values.yaml"), 2, "`image.repository` is set here"),
        (uri("chart/values.yaml"), 3, "`image.tag` is set here"),
    ]
    assert "K8115" in found  # 2 replicas and no PodDisruptionBudget

    values = open_document(client, "chart/values.yaml")
    await diagnostics(client, values, 1)
    since = len(client.published)
    change(
        client,
        values,
        2,
        "replicaCount: 1\nimage:\n  repository: ghcr.io/acme/shop\n  tag: 1.4.2\n",
    )
    now = codes(await diagnostics(client, template, 1, since))
    assert "IM001" not in now
    assert "K8115" not in now
    assert (WORKSPACE / "chart/values.yaml").read_text(encoding="utf-8").endswith("latest\n")


@pytest.mark.asyncio(loop_scope="module")
async def test_a_terraform_file_reads_its_module_from_disk_and_from_buffers(
    client: Client,
) -> None:
    main = open_document(client, "tf/main.tf", language="terraform")
    assert codes(await diagnostics(client, main, 1)) == ["TF101", "TF102", "TF111"]
    versions = open_document(client, "tf/versions.tf", language="terraform")
    await diagnostics(client, versions, 1)
    since = len(client.published)
    change(client, versions, 2, "")
    found = await diagnostics(client, main, 1, since)
    assert [(str(d.code), d.message) for d in found if d.code == "TF107"] == [
        ("TF107", "module `tf` sets no `required_version`"),
        ("TF107", "provider `aws` is used but not declared in `required_providers`"),
    ]
    assert (WORKSPACE / "tf/versions.tf").read_text(encoding="utf-8") == TF_VERSIONS


@pytest.mark.asyncio(loop_scope="module")
async def test_each_folder_uses_its_own_config_and_reloads_it(client: Client) -> None:
    [watching] = client.registrations
    assert watching.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
    one = open_document(client, "one/Dockerfile", language="dockerfile")
    two = open_document(client, "two/Dockerfile", language="dockerfile")
    assert codes(await diagnostics(client, one, 1)) == ["DF106", "DF111", "DF110"]
    assert codes(await diagnostics(client, two, 1)) == ["DF116", "DF106", "DF111"]

    (WORKSPACE / "one/.opslint.toml").write_text('ignore = ["DF106"]\n', encoding="utf-8")
    since = len(client.published)
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            [types.FileEvent(uri("one/.opslint.toml"), types.FileChangeType.Changed)]
        )
    )
    assert codes(await diagnostics(client, one, 1, since)) == ["DF116", "DF111", "DF110"]

    # saved in the editor
    (WORKSPACE / "one/.opslint.toml").write_text('ignore = ["DF111"]\n', encoding="utf-8")
    since = len(client.published)
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri("one/.opslint.toml")))
    )
    assert codes(await diagnostics(client, one, 1, since)) == ["DF116", "DF106", "DF110"]

    # a workspace setting names one config for every document
    since = len(client.published)
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams({"opslint": {"config": "two/.opslint.toml"}})
    )
    assert codes(await diagnostics(client, one, 1, since)) == ["DF116", "DF106", "DF111"]
    since = len(client.published)
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams({}))
    assert codes(await diagnostics(client, one, 1, since)) == ["DF116", "DF106", "DF110"]


@pytest.mark.asyncio(loop_scope="module")
async def test_new_files_are_checked_before_they_are_saved_and_tagged(client: Client) -> None:
    compose = open_document(
        client,
        "fresh/compose.yaml",
        'version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n',
    )
    [obsolete] = [d for d in await diagnostics(client, compose, 1) if d.code == "DC106"]
    assert summary([obsolete]) == [("DC106", 0, 0, 0, 7, INFO)]
    assert list(obsolete.tags or ()) == [types.DiagnosticTag.Deprecated]

    text = DOCKERFILE.replace("USER app\n", "# opslint: ignore[DF110]\nUSER app\n")
    dockerfile = open_document(client, "fresh/Dockerfile", text, "dockerfile")
    [unused] = [d for d in await diagnostics(client, dockerfile, 1) if d.code == "OP002"]
    assert unused.message == "suppression of DF110 suppressed nothing"
    assert (unused.range.start.line, unused.range.start.character) == (3, 0)
    assert list(unused.tags or ()) == [types.DiagnosticTag.Unnecessary]
    assert not (WORKSPACE / "fresh").exists()


@pytest.mark.asyncio(loop_scope="module")
async def test_an_untrusted_config_imports_no_rules(client: Client) -> None:
    document = open_document(client, "untrusted/Dockerfile", language="dockerfile")
    assert codes(await diagnostics(client, document, 1)) == ["DF116", "DF106", "DF111", "DF110"]
    assert not (WORKSPACE / "untrusted/myrules/imported").exists()
    [note] = [m.message for m in client.messages if "not trusted" in m.message]
    assert "opslint left out rule-paths myrules" in note


@pytest.mark.asyncio(loop_scope="module")
async def test_a_kubernetes_finding_is_suppressed_with_the_annotation(client: Client) -> None:
    text = (
        "apiVersion: v1\n"
        "kind: Pod\n"
        "metadata:\n"
        "  name: web\n"
        "  namespace: shop\n"
        "spec:\n"
        "  containers:\n"
        "    - name: web\n"
        "      image: nginx:1.27\n"
        "      securityContext:\n"
        "        privileged: true\n"
    )
    document = open_document(client, "k8s/pod.yaml", text)
    found = {str(d.code): d for d in await diagnostics(client, document, 1)}
    privileged = found["K8110"]
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(document),
            privileged.range,
            types.CodeActionContext([privileged], only=[types.CodeActionKind.QuickFix]),
        )
    )
    assert actions is not None
    [suppress] = [
        a
        for a in actions
        if isinstance(a, types.CodeAction) and a.title == "Suppress K8110 on this line"
    ]
    assert suppress.edit is not None and suppress.edit.changes is not None
    suppressed = apply(text, suppress.edit.changes[document])
    assert suppressed.split("\n")[2:7] == [
        "metadata:",
        "  name: web",
        "  namespace: shop",
        "  annotations:",
        "    opslint.io/ignore: K8110",
    ]
    since = len(client.published)
    change(client, document, 2, suppressed)
    assert "K8110" not in codes(await diagnostics(client, document, 2, since))


def test_the_server_needs_its_extra() -> None:
    blocked = (
        "import sys; sys.modules['pygls'] = None; from opslint.cli import main; "
        "sys.exit(main(['server']))"
    )
    done = subprocess.run(
        [sys.executable, "-c", blocked], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert done.stderr == "opslint: error: `opslint server` needs pygls: install opslint[lsp]\n"


def suppression_of(name: str, text: str, code: str, line: int) -> str | None:
    """`text` (saved as `name` in a fresh folder) with the suppression the server offers
    for a finding of `code` on `line`, or None when it offers none."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, name).resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        projects = Projects()
        checked = check(projects, path, {path: text})
        finding = next(
            (f for f in checked.findings if f.code == code and f.span.line == line), None
        )
        assert finding is not None, [(f.code, f.span.line) for f in checked.findings]
        edit = suppression(projects, checked, finding)
    if edit is None:
        return None
    fixed, _ = apply_edits(text, [(finding, (edit,))], breaks_for(checked.kind))
    return fixed


def test_suppressions_join_a_comment_already_there() -> None:
    text = "FROM python:3.12-slim\n# opslint: ignore[DF110]\nMAINTAINER Zoë\n"
    assert suppression_of("Dockerfile", text, "DF116", 3) == (
        "FROM python:3.12-slim\n# opslint: ignore[DF110, DF116]\nMAINTAINER Zoë\n"
    )
    compose = 'version: "3.8"  # opslint: ignore[DC101]\nservices:\n  web:\n    image: nginx:1.27\n'
    assert suppression_of("compose.yaml", compose, "DC106", 1) == compose.replace(
        "[DC101]", "[DC101, DC106]"
    )


WORKFLOW = """\
on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-24.04
    timeout-minutes: 10
    steps:
      - uses: actions/checkout@v4
      - run: |
          echo "${{ github.event.head_commit.message }}"
"""


def test_no_suppression_is_offered_inside_a_script_or_heredoc() -> None:
    assert suppression_of(".github/workflows/ci.yml", WORKFLOW, "GH110", 10) is None
    assert suppression_of(".github/workflows/ci.yml", WORKFLOW, "GH101", 8) == WORKFLOW.replace(
        "checkout@v4\n", "checkout@v4  # opslint: ignore[GH101]\n"
    )
    dockerfile = (
        "FROM debian:12\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\nUSER app\n"
    )
    assert suppression_of("Dockerfile", dockerfile, "DF111", 4) is None


def inside(name: str, kind: str, text: str) -> list[int]:
    """The lines of `text` where a suppression comment would be text."""
    source = SourceFile(Path(name), name, text=text)
    source.kind = kind
    return [n for n in range(1, len(source.lines) + 1) if inside_text(source, n)]


def test_heredocs_and_groovy_strings_take_no_comment() -> None:
    hcl = 'locals {\n  script = <<-EOT\n    echo hi\n  EOT\n  name = "x"\n}\n'
    assert inside("main.tf", "terraform", hcl) == [2, 3, 4]
    dockerfile = "FROM debian:12\nRUN <<EOF\napt-get update\nEOF\nUSER app\n"
    assert inside("Dockerfile", "dockerfile", dockerfile) == [3, 4]
    groovy = "pipeline {\n  sh '''\n    make\n  '''\n  echo 'done'\n}\n"
    assert inside("Jenkinsfile", "jenkinsfile", groovy) == [2, 3]
    assert inside("ci.yml", "github-workflow", WORKFLOW) == [10]
