"""A scanned tree never runs its own code: project rules load only when the user asks."""

from __future__ import annotations

import hashlib
import http.server
import io
import json
import os
import subprocess
import sys
import tarfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from test_cli import Cli
from test_terraform_module import ROOT_FILES

from opslint.parsers.helm import NO_RENDERER_NOTE

EVIL_RULE = """\
from pathlib import Path

Path({marker!r}).write_text("imported")

from opslint import Finding, Severity, rule
from opslint.model.dockerfile import Dockerfile


@rule("XT950", "project-rule", Severity.WARNING)
def project_rule(dockerfile: Dockerfile):
    \"\"\"Reports every Dockerfile.\"\"\"
    yield Finding(dockerfile.span, "the project's rule ran")
"""
CONFIG = 'rule-paths = ["policies"]\nselect = ["DF101", "DF107", "XT950"]\n'
DOCKERFILE = "FROM alpine:3.20\nADD app.py /app/\nUSER root\nHEALTHCHECK NONE\n"
"""DF107 at 2:1 (fixed by COPY), DF101 at 3:6."""


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A project whose config names a rule path holding code that marks its import."""
    root = tmp_path / "tree"
    (root / "policies").mkdir(parents=True)
    (root / "sub").mkdir()
    (root / "policies" / "evil.py").write_text(
        EVIL_RULE.format(marker=str(tmp_path / "MARKER")), encoding="utf-8"
    )
    (root / ".opslint.toml").write_text(CONFIG, encoding="utf-8")
    (root / "sub" / "Dockerfile").write_text(DOCKERFILE, encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    return root


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    monkeypatch.delenv("OPSLINT_FORMAT", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    return Cli(tmp_path, monkeypatch, capsys)


def untrusted_note(config: Path, left_out: str, why: str = "is not trusted") -> str:
    return (
        f"opslint: note: {config} {why}, so opslint left out {left_out}. "
        f"If you trust this project, run: opslint trust {config}\n"
    )


def said(cli: Cli) -> list[str]:
    """The notes and errors of the last run (the summary line left out)."""
    return [line for line in cli.err.splitlines(keepends=True) if line.startswith("opslint: ")]


def run_in(cli: Cli, folder: Path, *args: str) -> int:
    cli.folder = folder
    return cli(*args)


@pytest.mark.parametrize(
    ("cwd", "args", "shown"),
    [
        ("tree", ("check", "-f", "json", "."), "sub/Dockerfile"),
        ("", ("check", "-f", "json", "tree/sub"), "tree/sub/Dockerfile"),
        ("tree/sub", ("check", "-f", "json", "Dockerfile"), "Dockerfile"),
        ("elsewhere", ("check", "-f", "json", "{tree}"), "{tree}/sub/Dockerfile"),
    ],
)
def test_check_never_imports_an_untrusted_rule_path(
    cli: Cli, tree: Path, cwd: str, args: tuple[str, ...], shown: str
) -> None:
    arguments = [arg.format(tree=tree) for arg in args]
    assert run_in(cli, tree.parent / cwd, *arguments) == 1
    assert not (tree.parent / "MARKER").exists()
    assert cli.err.count(untrusted_note(tree / ".opslint.toml", "rule-paths policies")) == 1
    assert cli.err.count("opslint: note:") == 1
    path = shown.format(tree=tree)
    assert cli.codes() == [("DF107", path, 2, 1), ("DF101", path, 3, 6)]


def test_fix_diff_never_imports_an_untrusted_rule_path(cli: Cli, tree: Path) -> None:
    assert run_in(cli, tree.parent, "fix", "--diff", "tree") == 1
    assert not (tree.parent / "MARKER").exists()
    assert cli.err.count(untrusted_note(tree / ".opslint.toml", "rule-paths policies")) == 1
    assert "-ADD app.py /app/\n+COPY app.py /app/\n" in cli.out
    assert (tree / "sub" / "Dockerfile").read_text(encoding="utf-8") == DOCKERFILE


def test_fix_and_check_fix_never_import_an_untrusted_rule_path(cli: Cli, tree: Path) -> None:
    note = untrusted_note(tree / ".opslint.toml", "rule-paths policies")
    assert run_in(cli, tree.parent, "check", "--fix", "-f", "json", "tree") == 1
    assert not (tree.parent / "MARKER").exists()
    assert cli.err.count(note) == 1
    assert cli.codes() == [("DF101", "tree/sub/Dockerfile", 3, 6)]
    (tree / "sub" / "Dockerfile").write_text(DOCKERFILE, encoding="utf-8")
    assert run_in(cli, tree.parent, "fix", "tree") == 0
    assert not (tree.parent / "MARKER").exists()
    assert cli.err.count(note) == 1
    assert (tree / "sub" / "Dockerfile").read_text(encoding="utf-8") == DOCKERFILE.replace(
        "ADD", "COPY"
    )


def test_rules_and_new_never_import_an_untrusted_rule_path(cli: Cli, tree: Path) -> None:
    assert run_in(cli, tree, "rules") == 0
    assert "XT950" not in cli.out
    assert said(cli) == [untrusted_note(tree / ".opslint.toml", "rule-paths policies")]
    assert run_in(cli, tree, "new", "k8s", "--image", "ghcr.io/acme/shop:1.4.2", "--dry-run") == 0
    assert not (tree.parent / "MARKER").exists()


def test_python_m_opslint_never_imports_the_tree(tree: Path) -> None:
    """A real process, run inside the tree, which also holds a plugin's metadata."""
    dist_info = tree / "evil_plugin-1.0.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: evil-plugin\nVersion: 1.0\n", encoding="utf-8"
    )
    (dist_info / "entry_points.txt").write_text("[opslint]\nevil = evil_plugin\n", "utf-8")
    marker = tree.parent / "MARKER"
    (tree / "evil_plugin.py").write_text(
        f"from pathlib import Path\nPath({str(marker)!r}).write_text('plugin')\n", "utf-8"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPSLINT_")}
    done = subprocess.run(
        [sys.executable, "-m", "opslint", "check", "-f", "json", "."],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert not marker.exists()
    note = untrusted_note(tree / ".opslint.toml", "rule-paths policies")
    assert done.stderr.startswith(note + "2 findings (1 error, 1 warning) in 1 file [")
    assert done.stderr.count("\n") == 2
    codes = [(f["code"], f["line"]) for f in json.loads(done.stdout)["findings"]]
    assert codes == [("DF107", 2), ("DF101", 3)]


def test_trust_loads_the_rules_until_the_config_changes(
    cli: Cli, tree: Path, trust_store: Path
) -> None:
    config = tree / ".opslint.toml"
    digest = hashlib.sha256(CONFIG.encode()).hexdigest()
    rule = (tree / "policies" / "evil.py").read_bytes()
    rules_digest = hashlib.sha256(f"policies/evil.py\0{len(rule)}\0".encode() + rule).hexdigest()
    assert run_in(cli, tree / "sub", "trust") == 0
    assert cli.out == (
        f"trusted {config} (sha256 {digest[:12]}, rule files sha256 {rules_digest[:12]}): "
        "its rule-paths load and its files outside its folder are read until it or its rule "
        "files change\n"
    )
    assert json.loads(trust_store.read_text(encoding="utf-8")) == {
        "configs": {str(config): {"config": digest, "rule-files": rules_digest}}
    }
    assert run_in(cli, tree.parent, "check", "-f", "json", "tree/sub") == 1
    assert (tree.parent / "MARKER").read_text(encoding="utf-8") == "imported"
    assert said(cli) == []
    assert cli.codes() == [
        ("XT950", "tree/sub/Dockerfile", 1, 1),
        ("DF107", "tree/sub/Dockerfile", 2, 1),
        ("DF101", "tree/sub/Dockerfile", 3, 6),
    ]
    assert run_in(cli, tree.parent, "trust", "--list") == 0
    assert cli.out == f"trusted  {config}\n"

    (tree.parent / "MARKER").unlink()
    config.write_text(CONFIG + "# edited\n", encoding="utf-8")
    assert run_in(cli, tree.parent, "check", "-f", "json", "tree") == 1
    assert not (tree.parent / "MARKER").exists()
    assert said(cli) == [
        untrusted_note(config, "rule-paths policies", "changed since it was trusted")
    ]
    assert [code for code, *_ in cli.codes()] == ["DF107", "DF101"]
    assert run_in(cli, tree.parent, "trust", "--list") == 0
    assert cli.out == f"changed  {config} (the config)\n"

    # the command the note names, as given, trusts the edited config
    assert run_in(cli, tree.parent, "check", "tree") == 1
    [note] = said(cli)
    command = note.split("run: ")[1].split()
    assert command[:2] == ["opslint", "trust"]
    assert run_in(cli, tree.parent / "elsewhere", *command[1:]) == 0
    assert run_in(cli, tree.parent, "check", "-f", "json", "tree") == 1
    # the trusted run of `tree/sub` cached these findings: reading them runs no rule code
    assert ("XT950", "tree/sub/Dockerfile", 1, 1) in cli.codes()
    assert run_in(cli, tree.parent, "check", "--no-cache", "-f", "json", "tree") == 1
    assert (tree.parent / "MARKER").exists()
    config.unlink()
    assert run_in(cli, tree.parent, "trust", "--list") == 0
    assert cli.out == f"missing  {config}\n"

    assert run_in(cli, tree.parent, "trust", "--revoke", "tree/.opslint.toml") == 0
    assert cli.out == f"revoked {config}\n"
    assert run_in(cli, tree.parent, "trust", "--list") == 0
    assert cli.out == ""
    config.write_text(CONFIG, encoding="utf-8")
    assert run_in(cli, tree.parent, "trust", "--revoke", "tree") == 2
    assert cli.err == f"opslint: error: {config} is not trusted\n"


def _edit(policies: Path) -> None:
    (policies / "evil.py").write_text(
        (policies / "evil.py").read_text(encoding="utf-8") + "# edited\n", encoding="utf-8"
    )


def _add(policies: Path) -> None:
    (policies / "more").mkdir()
    (policies / "more" / "extra.py").write_text("EXTRA = 1\n", encoding="utf-8")


def _delete(policies: Path) -> None:
    (policies / "helper.py").unlink()


@pytest.mark.parametrize("change", [_edit, _add, _delete])
def test_a_changed_rule_file_makes_the_trust_lapse(
    cli: Cli, tree: Path, change: Callable[[Path], None]
) -> None:
    config = tree / ".opslint.toml"
    marker = tree.parent / "MARKER"
    (tree / "policies" / "helper.py").write_text("HELPER = 1\n", encoding="utf-8")
    (tree / "policies" / "notes.txt").write_text("not imported\n", encoding="utf-8")
    assert run_in(cli, tree, "trust") == 0
    assert run_in(cli, tree.parent, "check", "-f", "json", "tree") == 1
    assert marker.exists()
    marker.unlink()
    # a file the rule path does not import changes nothing
    (tree / "policies" / "notes.txt").write_text("edited\n", encoding="utf-8")
    assert run_in(cli, tree.parent, "trust", "--list") == 0
    assert cli.out == f"trusted  {config}\n"

    change(tree / "policies")
    assert run_in(cli, tree.parent, "check", "-f", "json", "tree") == 1
    assert not marker.exists()
    assert said(cli) == [
        f"opslint: note: the rule files of {config} changed since it was trusted, so opslint "
        f"left out rule-paths policies. If you trust this project, run: opslint trust {config}\n"
    ]
    assert [code for code, *_ in cli.codes()] == ["DF107", "DF101"]
    assert run_in(cli, tree.parent, "trust", "--list") == 0
    assert cli.out == f"changed  {config} (its rule files)\n"

    assert run_in(cli, tree.parent, "trust", "tree") == 0
    assert run_in(cli, tree.parent, "check", "-f", "json", "tree") == 1
    assert marker.read_text(encoding="utf-8") == "imported"
    assert said(cli) == []
    assert [code for code, *_ in cli.codes()] == ["XT950", "DF107", "DF101"]
    assert run_in(cli, tree.parent, "trust", "--list") == 0
    assert cli.out == f"trusted  {config}\n"


@pytest.mark.parametrize("trusted_before", [False, True])
def test_the_rule_paths_of_a_config_not_trusted_as_it_is_are_never_read(
    cli: Cli, tree: Path, trusted_before: bool
) -> None:
    """A pipe named like a rule file blocks whoever reads it: the run must not."""
    config = tree / ".opslint.toml"
    if trusted_before:
        assert run_in(cli, tree, "trust") == 0
    outside = tree.parent / "outside"
    outside.mkdir()
    os.mkfifo(outside / "wait.py")
    config.write_text(CONFIG.replace('"policies"', '"../outside"'), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "opslint", "check", "-f", "json", "tree"],
        cwd=tree.parent,
        env={k: v for k, v in os.environ.items() if not k.startswith("OPSLINT_")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stderr
    why = "changed since it was trusted" if trusted_before else "is not trusted"
    assert done.stderr.startswith(untrusted_note(config, "rule-paths ../outside", why))


def test_a_broken_trust_store_is_a_configuration_error(
    cli: Cli, tree: Path, trust_store: Path
) -> None:
    trust_store.parent.mkdir(parents=True)
    trust_store.write_text("{not json", encoding="utf-8")
    assert run_in(cli, tree.parent, "check", "tree") == 2
    assert cli.err == (
        f"opslint: error: cannot read the trust store {trust_store}: "
        "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)\n"
    )
    trust_store.write_text('{"configs": ["x"]}', encoding="utf-8")
    assert run_in(cli, tree.parent, "trust", "--list") == 2
    assert cli.err == (
        f"opslint: error: the trust store {trust_store} is not one opslint wrote; remove it\n"
    )


def test_trust_refuses_what_is_no_config(cli: Cli, tree: Path) -> None:
    assert run_in(cli, tree.parent, "trust", "tree/sub/Dockerfile") == 2
    assert cli.err == (
        "opslint: error: tree/sub/Dockerfile is not a config file opslint finds "
        "(.opslint.toml, opslint.toml, pyproject.toml)\n"
    )
    assert run_in(cli, tree.parent, "trust", "elsewhere") == 2
    assert cli.err == "opslint: error: no opslint config in elsewhere or the folders above it\n"


def test_a_link_to_a_trusted_config_is_not_trusted(cli: Cli, tree: Path) -> None:
    assert run_in(cli, tree, "trust") == 0
    copy = tree.parent / "copy"
    (copy / "policies").mkdir(parents=True)
    (copy / "policies" / "evil.py").write_text(
        EVIL_RULE.format(marker=str(tree.parent / "MARKER")), encoding="utf-8"
    )
    (copy / "Dockerfile").write_text(DOCKERFILE, encoding="utf-8")
    (copy / ".opslint.toml").symlink_to(tree / ".opslint.toml")
    assert run_in(cli, copy, "check", "-f", "json", ".") == 1
    assert not (tree.parent / "MARKER").exists()
    assert said(cli) == [
        untrusted_note(copy / ".opslint.toml", "rule-paths policies"),
        "opslint: note: .opslint.toml: symbolic link to a location outside the checked paths; "
        "not followed\n",
    ]


def test_rule_path_flag_and_config_flag_load_rules(cli: Cli, tree: Path) -> None:
    marker = tree.parent / "MARKER"
    assert (
        run_in(cli, tree.parent, "check", "-f", "json", "--config", "tree/.opslint.toml", "tree")
        == 1
    )
    assert marker.exists()
    assert said(cli) == []
    assert [code for code, *_ in cli.codes()] == ["XT950", "DF107", "DF101"]
    marker.unlink()
    assert (
        run_in(cli, tree.parent, "check", "-f", "json", "--rule-path", "tree/policies", "tree") == 1
    )
    assert marker.exists()
    assert [code for code, *_ in cli.codes()] == ["XT950", "DF107", "DF101"]


TAGS = 'tags = { team = "payments", environment = "prod" }\n'
"""Values that make TF102 report the queue of ROOT_FILES, when read."""


def test_terraform_var_files_outside_the_config_folder_are_not_read(
    cli: Cli, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    for name, text in ROOT_FILES.items():
        cli.write(f"project/infra/{name}", text)
    cli.write("outside.tfvars", TAGS)
    config = cli.write(
        "project/.opslint.toml",
        'select = ["TF102"]\n[terraform]\nvar-files = ["../outside.tfvars"]\n',
    )
    assert run_in(cli, tmp_path, "check", "-f", "json", "project") == 0
    assert cli.codes() == []
    left_out = f"terraform.var-files ../outside.tfvars (outside {project})"
    assert said(cli) == [untrusted_note(config, left_out)]

    # a link inside the folder that leads out of it is outside too
    (project / "prod.tfvars").symlink_to(tmp_path / "outside.tfvars")
    config.write_text('select = ["TF102"]\n[terraform]\nvar-files = ["prod.tfvars"]\n', "utf-8")
    assert run_in(cli, tmp_path, "check", "-f", "json", "project") == 0
    assert cli.codes() == []
    assert said(cli) == [
        untrusted_note(config, f"terraform.var-files prod.tfvars (outside {project})"),
        "opslint: note: project/prod.tfvars: symbolic link to a location outside the checked "
        "paths; not followed\n",
    ]

    # the file's content does change the result once the user trusts the config
    assert run_in(cli, tmp_path, "trust", "project") == 0
    assert run_in(cli, tmp_path, "check", "-f", "json", "project") == 1
    assert cli.codes() == [("TF102", "project/infra/main.tf", 12, 1)]
    assert said(cli) == [
        "opslint: note: project/prod.tfvars: symbolic link to a location outside the checked "
        "paths; not followed\n"
    ]


POD = (
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n"
    "    - name: app\n      image: {{ .Values.image }}\n"
)
"""A template whose image (8:14) comes from the values."""


def write_chart(cli: Cli) -> None:
    """The chart `project/web`, with a pinned image in its values."""
    cli.write("project/web/Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n")
    cli.write("project/web/values.yaml", "image: nginx:1.27.3\n")


def test_helm_values_outside_the_config_folder_are_not_read(cli: Cli, tmp_path: Path) -> None:
    pytest.importorskip("helm_python")
    project = tmp_path / "project"
    write_chart(cli)
    cli.write("project/web/templates/pod.yaml", POD)
    cli.write("secret.yaml", "image: nginx:latest\n")
    config = cli.write(
        "project/.opslint.toml",
        'select = ["IM001"]\n[helm]\nrenderer = "sdk"\n'
        'values = ["web/values.yaml", "../secret.yaml"]\n',
    )
    assert run_in(cli, tmp_path, "check", "-f", "json", "project") == 0
    assert cli.codes() == []
    assert said(cli) == [untrusted_note(config, f"helm.values ../secret.yaml (outside {project})")]
    assert run_in(cli, tmp_path, "trust", "project") == 0
    assert run_in(cli, tmp_path, "check", "-f", "json", "project") == 1
    assert cli.codes() == [("IM001", "project/web/templates/pod.yaml", 8, 14)]


def test_a_helm_binary_in_the_tree_never_runs(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "MARKER"
    fake = cli.write("project/helm", f"#!/bin/sh\ntouch {marker}\n")
    fake.chmod(0o755)
    write_chart(cli)
    monkeypatch.setenv("PATH", f".{os.pathsep}{os.pathsep}{tmp_path / 'no-bin'}")
    code = run_in(
        cli, tmp_path / "project", "check", "--helm-renderer", "binary", "--select", "IM001", "web"
    )
    assert code == 0
    assert not marker.exists()
    assert said(cli) == [f"opslint: note: {NO_RENDERER_NOTE}\n"]


def test_helm_settings_never_become_helm_options(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorded = tmp_path / "argv.json"
    fake = cli.write(
        "bin/helm",
        f"#!{sys.executable}\nimport json, sys\n"
        f"open({str(recorded)!r}, 'w').write(json.dumps(sys.argv[1:]))\n",
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(fake.parent))
    write_chart(cli)
    cli.write(
        "project/.opslint.toml",
        '[helm]\nrenderer = "binary"\nrelease = "--post-renderer=./run-me"\n'
        'namespace = "--dry-run"\nset = ["--kube-context=x"]\n',
    )
    assert run_in(cli, tmp_path / "project", "check", "--select", "IM001", "web") == 0
    assert json.loads(recorded.read_text(encoding="utf-8")) == [
        "template",
        "--namespace=--dry-run",
        "--set=--kube-context=x",
        "--",
        "--post-renderer=./run-me",
        str(tmp_path / "project" / "web"),
    ]


class _Recorder(http.server.BaseHTTPRequestHandler):
    requested: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.requested.append(self.path)
        self.send_error(404)

    def log_message(self, format: str, *args: object) -> None:
        """Silent."""


@pytest.fixture
def server() -> Iterator[str]:
    """A local HTTP server that records every request; its base URL."""
    _Recorder.requested.clear()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _archive(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, text in files.items():
            data = text.encode("utf-8")
            member = tarfile.TarInfo(name)
            member.size = len(data)
            archive.addfile(member, io.BytesIO(data))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("schema", "where", "target"),
    [
        ('{"$ref": "{url}/values.json"}', "values.schema.json", "{url}/values.json"),
        (
            '{"properties": {"image": {"$ref": "file:///etc/hostname"}}}',
            "values.schema.json",
            "file:///etc/hostname",
        ),
        ('{"$schema": "{url}/meta.json"}', "values.schema.json", "{url}/meta.json"),
        (
            '{"$schema": "http://json-schema.org/draft-07/schema#", "$ref": "{url}/sub.json"}',
            "charts/db-0.1.0.tgz:db/values.schema.json",
            "{url}/sub.json",
        ),
    ],
)
def test_a_chart_schema_never_makes_helm_reach_outside(
    cli: Cli, tmp_path: Path, server: str, schema: str, where: str, target: str
) -> None:
    pytest.importorskip("helm_python")
    write_chart(cli)
    cli.write("project/web/templates/pod.yaml", POD)
    text = schema.replace("{url}", server)
    if where.startswith("charts/"):
        chart = "apiVersion: v2\nname: db\nversion: 0.1.0\n"
        data = _archive({"db/Chart.yaml": chart, "db/values.schema.json": text})
        (tmp_path / "project/web/charts").mkdir()
        (tmp_path / "project/web/charts/db-0.1.0.tgz").write_bytes(data)
    else:
        cli.write("project/web/values.schema.json", text)
    assert run_in(cli, tmp_path / "project", "check", "-f", "json", "--select", "HL102", "web") == 1
    assert cli.codes() == [("HL102", "web/Chart.yaml", 1, 1)]
    assert json.loads(cli.out)["findings"][0]["message"] == (
        f"chart not rendered: `{where}` refers to `{target.replace('{url}', server)}`, which "
        "Helm would load to validate values, and rendering never reaches outside the chart"
    )
    assert _Recorder.requested == []


def test_a_chart_schema_of_its_own_still_renders(cli: Cli, tmp_path: Path) -> None:
    pytest.importorskip("helm_python")
    write_chart(cli)
    cli.write("project/web/templates/pod.yaml", POD.replace("{{ .Values.image }}", "nginx:latest"))
    cli.write(
        "project/web/values.schema.json",
        '{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",'
        ' "properties": {"image": {"$ref": "#/definitions/image"}},'
        ' "definitions": {"image": {"type": "string"}}}',
    )
    assert (
        run_in(cli, tmp_path / "project", "check", "-f", "json", "--select", "HL102,IM001", "web")
        == 1
    )
    assert cli.codes() == [("IM001", "web/templates/pod.yaml", 8, 20)]


def test_a_build_context_outside_the_checked_paths_is_not_read(cli: Cli, tmp_path: Path) -> None:
    cli.write("outside/Dockerfile", "FROM alpine:3.20\n")
    compose = "services:\n  web:\n    build:\n      context: ../outside\n"
    cli.write("project/compose.yaml", compose)
    assert run_in(cli, tmp_path / "project", "check", "-f", "json", "--select", "DC104", ".") == 0
    assert cli.codes() == []
    assert said(cli) == [
        "opslint: note: ../outside/Dockerfile: outside the checked paths and their repository; "
        "not read\n"
    ]
    # checked together, the Dockerfile's missing HEALTHCHECK is what DC104 reports
    assert (
        run_in(cli, tmp_path, "check", "-f", "json", "--select", "DC104", "project", "outside") == 1
    )
    assert cli.codes() == [("DC104", "project/compose.yaml", 2, 3)]
    assert said(cli) == []
