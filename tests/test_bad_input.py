"""Hostile and broken input through the real CLI: never a traceback, the run goes on.

Every case puts one bad file next to a valid Dockerfile whose finding (DF101 at line 2)
must still be reported, and asserts the exit code and the absence of a traceback.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fuzzing import BAD_TAGGED_VALUES

from opslint.cli import main

VALID = "FROM alpine:3.20\nUSER root\n"
"""A valid Dockerfile with exactly one DF101 finding (line 2) among DF101/OP001/OP003."""
SELECT = "DF101,OP001,OP003"

needs_compose = pytest.mark.skipif(
    importlib.util.find_spec("opslint.parsers.compose") is None,
    reason="the Compose parser is not in this tree",
)


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def report(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.out)
        return data

    def findings(self, code: str | None = None) -> list[tuple[str, str, int, int]]:
        return [
            (f["code"], f["path"], f["line"], f["column"])
            for f in self.report["findings"]
            if code is None or f["code"] == code
        ]

    def message(self, path: str, code: str = "OP001") -> str:
        found = [
            f["message"] for f in self.report["findings"] if (f["path"], f["code"]) == (path, code)
        ]
        assert found, f"no {code} for {path}: {self.report['findings']}"
        return str(found[0])


def check(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> Result:
    """`opslint check --format json` in `project`, with the sanity checks every case needs."""
    (project / "valid").mkdir(exist_ok=True)
    (project / "valid" / "Dockerfile").write_text(VALID, encoding="utf-8")
    monkeypatch.chdir(project)
    code = main(["check", "--isolated", "--format", "json", "--select", SELECT, *args])
    captured = capsys.readouterr()
    result = Result(code, captured.out, captured.err)
    assert "Traceback" not in result.out + result.err
    assert "internal error" not in result.err
    assert ("DF101", "valid/Dockerfile", 2, 6) in result.findings(), (
        "the valid file was not checked"
    )
    return result


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    def runner(*args: str) -> Result:
        return check(tmp_path, monkeypatch, capsys, *args)

    return runner


@needs_compose
def test_malformed_yaml_in_compose(tmp_path: Path, run: Any) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: nginx:1.27\n     ports: ['80:80']\n", encoding="utf-8"
    )
    result = run(".")
    assert result.code == 1
    assert ("OP001", "compose.yaml", 4, 11) in result.findings()


def test_malformed_manifest_is_reported_though_its_kind_comes_from_content(
    tmp_path: Path, run: Any
) -> None:
    """A `.yaml` file is a manifest by its content, which does not load here: its written
    `apiVersion` and `kind` still make it one, so the syntax error is OP001 where libyaml
    stops; a broken YAML file of no kind, and a template outside a chart, are still passed
    over."""
    (tmp_path / "deploy.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n"
        "  labels: {app: web\nspec:\n  replicas: 2\n",
        encoding="utf-8",
    )
    (tmp_path / "notes.yaml").write_text("name: x\nitems: [a, b\n", encoding="utf-8")
    (tmp_path / "prose.yaml").write_text(
        "text: |\n  see apiVersion: below\nkind: [\n", encoding="utf-8"
    )
    (tmp_path / "template.yaml").write_text(
        'apiVersion: v1\nkind: Service\nmetadata:\n  {{- include "labels" . }}\n',
        encoding="utf-8",
    )
    result = run(".")
    assert result.code == 1
    assert [f for f in result.findings() if f[1] != "valid/Dockerfile"] == [
        ("OP001", "deploy.yaml", 6, 5)
    ]


def test_unknown_dockerfile_instruction(tmp_path: Path, run: Any) -> None:
    (tmp_path / "Dockerfile").write_text(
        "FROM alpine:3.20\nFROBNICATE now\nUSER root\n", encoding="utf-8"
    )
    result = run(".")
    assert result.code == 1
    assert ("OP001", "Dockerfile", 2, 1) in result.findings()
    assert "FROBNICATE" in result.message("Dockerfile")
    # the rest of the file is still checked
    assert ("DF101", "Dockerfile", 3, 6) in result.findings()


def test_binary_dockerfile(tmp_path: Path, run: Any) -> None:
    (tmp_path / "Dockerfile").write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256)))
    result = run(".")
    assert result.code == 1
    assert ("OP001", "Dockerfile", 1, 1) in result.findings()
    assert "binary" in result.message("Dockerfile")


def test_invalid_utf8(tmp_path: Path, run: Any) -> None:
    (tmp_path / "Dockerfile").write_bytes(b"FROM alpine:3.20\nRUN echo caf\xe9 ok\n")
    result = run(".")
    assert ("OP001", "Dockerfile", 2, 13) in result.findings()
    assert "UTF-8" in result.message("Dockerfile")


def test_utf8_bom_parses_with_right_columns(tmp_path: Path, run: Any) -> None:
    (tmp_path / "Dockerfile").write_bytes(b"\xef\xbb\xbfFROM alpine:3.20\nUSER root\n")
    result = run(".")
    assert result.findings("OP001") == []
    assert ("DF101", "Dockerfile", 2, 6) in result.findings()


@needs_compose
def test_utf8_bom_in_yaml(tmp_path: Path, run: Any) -> None:
    (tmp_path / "compose.yaml").write_bytes(
        b"\xef\xbb\xbfservices:\n  web:\n    image: x\n  web:\n"
    )
    result = run(".")
    assert result.findings("OP001") == []
    assert ("OP003", "compose.yaml", 4, 3) in result.findings()


def test_crlf_line_endings(tmp_path: Path, run: Any) -> None:
    (tmp_path / "Dockerfile").write_bytes(b"FROM alpine:3.20\r\nRUN a \\\r\n  b\r\nUSER root\r\n")
    result = run(".")
    assert result.findings("OP001") == []
    assert ("DF101", "Dockerfile", 4, 6) in result.findings()
    finding = next(f for f in result.report["findings"] if f["path"] == "Dockerfile")
    assert finding["end_column"] == 10


@needs_compose
def test_crlf_yaml_duplicate_key_location(tmp_path: Path, run: Any) -> None:
    (tmp_path / "compose.yaml").write_bytes(
        b"services:\r\n  web:\r\n    image: a\r\n    image: b\r\n"
    )
    result = run(".")
    assert ("OP003", "compose.yaml", 4, 5) in result.findings()


def test_empty_dockerfile(tmp_path: Path, run: Any) -> None:
    (tmp_path / "Dockerfile").write_bytes(b"")
    result = run(".")
    assert result.code == 1  # the valid file's finding
    assert [f for f in result.findings() if f[1] == "Dockerfile"] == []


@needs_compose
def test_empty_compose(tmp_path: Path, run: Any) -> None:
    (tmp_path / "compose.yaml").write_bytes(b"")
    (tmp_path / "docker-compose.yml").write_text("# only a comment\n", encoding="utf-8")
    result = run(".")
    assert [f for f in result.findings() if f[1].endswith(("compose.yaml", ".yml"))] == []


def _big_yaml(path: Path, size: int) -> None:
    line = "  key{0:08d}: value value value value value value value value\n"
    count = size // len(line.format(0)) + 1
    with path.open("w", encoding="utf-8") as handle:
        handle.write("services:\n")
        for index in range(count):
            handle.write(line.format(index))


def test_ten_megabyte_yaml(tmp_path: Path, run: Any) -> None:
    _big_yaml(tmp_path / "compose.yaml", 10 * 1024 * 1024)
    _big_yaml(tmp_path / "values.yaml", 10 * 1024 * 1024)
    started = time.perf_counter()
    result = run(".")
    assert time.perf_counter() - started < 30
    # a file of a known kind is reported, one of unknown kind is noted; neither is read whole
    assert "max-file-size" in result.message("compose.yaml")
    notes = result.report["notes"]
    assert any("values.yaml" in note and "max-file-size" in note for note in notes)


def test_max_file_size_from_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".opslint.toml").write_text("max-file-size = 40\n", encoding="utf-8")
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\n" * 5, encoding="utf-8")
    (tmp_path / "valid").mkdir()
    (tmp_path / "valid" / "Dockerfile").write_text(VALID, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code = main(["check", "--format", "json", "--select", SELECT, "."])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    messages = {(f["path"], f["code"]): f["message"] for f in report["findings"]}
    assert "max-file-size" in messages[("Dockerfile", "OP001")]
    assert ("valid/Dockerfile", "DF101") in messages


@needs_compose
def test_deep_nesting(tmp_path: Path, run: Any) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services: " + "[" * 10_000 + "]" * 10_000 + "\n", encoding="utf-8"
    )
    result = run(".")
    assert "depth" in result.message("compose.yaml")


def test_deep_nesting_of_unknown_kind_is_skipped(tmp_path: Path, run: Any) -> None:
    text = "".join("  " * depth + f"k{depth}:\n" for depth in range(10_000))
    (tmp_path / "deep.yaml").write_text(text, encoding="utf-8")
    result = run(".")
    assert [f for f in result.findings() if f[1] == "deep.yaml"] == []


@needs_compose
def test_billion_laughs(tmp_path: Path, run: Any) -> None:
    text = 'x-lol: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    previous = "a"
    for name in "bcdefghi":
        text += f"x-{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]\n"
        previous = name
    (tmp_path / "compose.yaml").write_text(text + "services: {}\n", encoding="utf-8")
    started = time.perf_counter()
    result = run(".")
    assert time.perf_counter() - started < 5
    assert "alias bomb" in result.message("compose.yaml")


def test_symlink_loops(tmp_path: Path, run: Any) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "up").symlink_to("..", target_is_directory=True)
    (tmp_path / "self").symlink_to("self")
    result = run(".")
    assert result.code == 1
    notes = result.report["notes"]
    assert any(note.startswith("a/up") and "loop" in note for note in notes), notes
    assert any(note.startswith("self") and "symlink" in note for note in notes), notes
    assert all("\n" not in note for note in notes)
    assert result.err.count("note:") == len(notes)


def test_self_referencing_symlink_named_on_the_command_line(tmp_path: Path, run: Any) -> None:
    (tmp_path / "Dockerfile").symlink_to("Dockerfile")
    result = run("Dockerfile", "valid")
    assert any("symlink" in note for note in result.report["notes"])


def test_unreadable_files(tmp_path: Path, run: Any) -> None:
    # a FIFO and a folder named like a Dockerfile fail to read even for root
    (tmp_path / "fifo").mkdir()
    os.mkfifo(tmp_path / "fifo" / "Dockerfile")
    (tmp_path / "folder" / "Dockerfile").mkdir(parents=True)
    started = time.perf_counter()
    result = run(".", "fifo/Dockerfile")
    assert time.perf_counter() - started < 10
    assert "regular file" in result.message("fifo/Dockerfile")


@pytest.mark.skipif(
    os.name != "posix" or os.geteuid() == 0,
    reason="permission bits do not stop root from reading (the FIFO case covers root)",
)
def test_chmod_000(tmp_path: Path, run: Any) -> None:
    target = tmp_path / "Dockerfile"
    target.write_text(VALID, encoding="utf-8")
    target.chmod(0)
    try:
        result = run(".")
        assert "cannot read" in result.message("Dockerfile")
    finally:
        target.chmod(0o644)


@needs_compose
def test_duplicate_keys(tmp_path: Path, run: Any) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: nginx:1.27\n    image: nginx:1.28\n", encoding="utf-8"
    )
    result = run(".")
    assert result.code == 1
    assert ("OP003", "compose.yaml", 4, 5) in result.findings()
    assert "line 3" in result.message("compose.yaml", "OP003")


def test_text_output_of_bad_files_has_no_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "Dockerfile").write_bytes(b"FROM a\x00\x00")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "Dockerfile").write_bytes(b"FROM alpine:3.20\nRUN \xff\n")
    monkeypatch.chdir(tmp_path)
    code = main(["check", "--isolated", "."])
    out, err = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in out + err
    assert "Dockerfile:1:1 OP001 parse-error binary" in out
    assert "sub/Dockerfile:2:5 OP001 parse-error invalid UTF-8" in out


@pytest.mark.parametrize("value", BAD_TAGGED_VALUES)
def test_bad_tagged_value_in_yaml_of_every_detection_path(
    tmp_path: Path, run: Any, value: str
) -> None:
    """Detection by content, by name and no kind at all: each file is checked or skipped,
    none ends the run, and nothing a tag names is constructed."""
    manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: tags\ndata:\n"
    (tmp_path / "manifest.yaml").write_text(
        f"{manifest}  x: {value}\n  x: again\n", encoding="utf-8"
    )
    (tmp_path / "compose.yaml").write_text(
        f"x-tagged: {value}\nservices:\n  web:\n    image: a\n    image: b\n", encoding="utf-8"
    )
    (tmp_path / "any.yaml").write_text(f"x: {value}\n", encoding="utf-8")
    (tmp_path / "document.yaml").write_text(f"{value}\n", encoding="utf-8")
    result = run(".")
    assert result.code == 1
    assert sorted(result.findings()) == [
        ("DF101", "valid/Dockerfile", 2, 6),
        ("OP003", "compose.yaml", 5, 5),
        ("OP003", "manifest.yaml", 7, 3),
    ]
    assert result.report["notes"] == []
    assert not (tmp_path / "pwned").exists()


def test_bad_tagged_value_in_helm_values_file(tmp_path: Path, run: Any) -> None:
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text(
        "apiVersion: v2\nname: c\nversion: 0.1.0\nappVersion: '1'\n", encoding="utf-8"
    )
    (chart / "values.yaml").write_text("replicas: 1\n", encoding="utf-8")
    (chart / "templates" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"
        "data:\n  r: {{ .Values.replicas | quote }}\n",
        encoding="utf-8",
    )
    (tmp_path / "prod.yaml").write_text(
        "when: !!timestamp 2020-01-01\nflags: !!set {a}\nreplicas: !!int abc\n", encoding="utf-8"
    )
    result = run(".", "--extend-select", "HL102", "--helm-values", "prod.yaml")
    assert ("HL102", "chart/Chart.yaml", 1, 1) in result.findings()
    assert result.message("chart/Chart.yaml", "HL102").endswith(
        "prod.yaml:3:11: int value 'abc' is not valid"
    )
    assert result.findings("OP001") == []


def _big_manifest(path: Path, objects: int) -> None:
    """A valid multi-document Kubernetes manifest (about 130 bytes per object)."""
    with path.open("w", encoding="utf-8") as handle:
        for index in range(objects):
            handle.write(
                f"---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm{index}\n"
                f"  labels: {{app: a, tier: b}}\ndata:\n  key: value{index}\n"
            )


def test_file_time_budget_stops_reading_a_slow_file(tmp_path: Path, run: Any) -> None:
    _big_manifest(tmp_path / "big.yaml", 12_000)  # 1.3 MB: seconds to load and check
    started = time.perf_counter()
    result = run(".", "--file-time-budget", "0.2")
    assert time.perf_counter() - started < 1.5
    assert result.code == 1
    assert sorted(result.findings()) == [
        ("DF101", "valid/Dockerfile", 2, 6),
        ("OP001", "big.yaml", 1, 1),
    ]
    assert result.message("big.yaml") == (
        "checking stopped after 0.2 s reading it (file-time-budget): this file is not fully "
        "checked; raise the budget or exclude the file"
    )


SLOW_RULE = '''
import time

from opslint import Severity, rule
from opslint.model.dockerfile import Instruction


@rule("XT920", "slow-policy", Severity.WARNING)
def slow_policy(instruction: Instruction) -> None:
    """Takes its time over the files under slow/ (at most {seconds} s each)."""
    if instruction.span.path.startswith("slow/"):
        until = time.perf_counter() + {seconds}
        while time.perf_counter() < until:
            pass
    assert instruction.keyword != "USER", "USER seen"
'''


def test_file_time_budget_stops_slow_rules(tmp_path: Path, run: Any) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "slow.py").write_text(SLOW_RULE.format(seconds=30), encoding="utf-8")
    (tmp_path / "slow").mkdir()
    (tmp_path / "slow" / "Dockerfile").write_text(VALID, encoding="utf-8")
    started = time.perf_counter()
    result = run(
        ".", "--rule-path", "rules", "--extend-select", "XT920", "--file-time-budget", "0.2"
    )
    assert time.perf_counter() - started < 5
    # what the file's rules found before the budget ran out is kept
    assert sorted(result.findings()) == [
        ("DF101", "slow/Dockerfile", 2, 6),
        ("DF101", "valid/Dockerfile", 2, 6),
        ("OP001", "slow/Dockerfile", 1, 1),
        ("XT920", "valid/Dockerfile", 2, 1),
    ]
    assert result.message("slow/Dockerfile").startswith(
        "checking stopped after 0.2 s checking its rules (file-time-budget)"
    )
    assert result.report["notes"] == []


def test_file_time_budget_zero_is_no_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".opslint.toml").write_text("file-time-budget = 0\n", encoding="utf-8")
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "slow.py").write_text(SLOW_RULE.format(seconds=0.3), encoding="utf-8")
    (tmp_path / "slow").mkdir()
    (tmp_path / "slow" / "Dockerfile").write_text(VALID, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code = main(["check", "--format", "json", "--rule-path", "rules", "--select", "OP001,XT920"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert code == 1
    assert [(f["code"], f["path"], f["line"]) for f in findings] == [
        ("XT920", "slow/Dockerfile", 2)
    ]


@pytest.mark.parametrize(
    ("setting", "flag"), [("file-time-budget = -1", None), ("", "-1"), ("", "nan")]
)
def test_bad_file_time_budget_is_a_usage_error(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    setting: str,
    flag: str | None,
) -> None:
    (tmp_path / ".opslint.toml").write_text(setting + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    args = ["check", "."] + (["--file-time-budget", flag] if flag else [])
    with pytest.raises(SystemExit) if flag else contextlib.nullcontext():
        assert main(args) == 2
    err = capsys.readouterr().err
    if flag:
        assert f"argument --file-time-budget: not a number of seconds: '{flag}'" in err
    else:
        assert "`file-time-budget` must be a number of seconds (0: no limit)" in err


def test_chart_template_that_is_not_utf8(tmp_path: Path, run: Any) -> None:
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text(
        "apiVersion: v2\nname: c\nversion: 0.1.0\nappVersion: '1'\n", encoding="utf-8"
    )
    (chart / "templates" / "cm.yaml").write_bytes(
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caf\xe9\n"
    )
    result = run(".", "--extend-select", "HL102")
    assert ("HL102", "chart/templates/cm.yaml", 4, 12) in result.findings()
    assert result.message("chart/templates/cm.yaml", "HL102") == (
        "chart not rendered: invalid UTF-8 (byte 0xe9)"
    )
    assert result.report["notes"] == []


def test_kubernetes_kind_too_long_for_a_file_name(tmp_path: Path, run: Any) -> None:
    (tmp_path / "deploy.yaml").write_text(
        f"apiVersion: apps/v1\nkind: {'Deployment' * 40}\nmetadata:\n  name: x\n",
        encoding="utf-8",
    )
    result = run(".", "--extend-select", "K8123")
    assert [f for f in result.findings() if f[1] == "deploy.yaml"] == []
    assert result.report["notes"] == []


def test_text_on_a_terminal_that_cannot_encode_it(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(
        "FROM alpine:3.20\nRUN sudo echo café\nUSER app\n", encoding="utf-8"
    )
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "NO_COLOR": "1"}
    env.pop("OPSLINT_FORMAT", None)
    done = subprocess.run(
        [sys.executable, "-m", "opslint", "check", "--isolated", "--select", "DF115", "."],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert b"\n2 | RUN sudo echo caf\\xe9\n" in done.stdout
    assert done.stderr == b""


@needs_compose
def test_compose_build_context_too_long_for_a_file_name(tmp_path: Path, run: Any) -> None:
    (tmp_path / "compose.yaml").write_text(
        f"services:\n  web:\n    build: {'x' * 300}\n", encoding="utf-8"
    )
    result = run(".", "--extend-select", "DC104,DC105")
    assert [f for f in result.findings() if f[1] == "compose.yaml"] == []
    assert result.report["notes"] == []


def test_fix_that_would_create_a_file_name_too_long(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    namespace = "n" * 300
    manifest = (
        f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: {namespace}\n"
        "spec:\n  template:\n    spec:\n      containers:\n        - name: web\n"
        "          image: nginx:1.27\n"
    )
    (tmp_path / "deploy.yaml").write_text(manifest, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code = main(["fix", "--isolated", "--select", "K8117", "--unsafe-fixes", "."])
    out, err = capsys.readouterr()
    assert code == 0
    assert out.splitlines()[0].startswith("not fixed deploy.yaml:2 K8117: cannot create ")
    assert out.splitlines()[0].endswith(": File name too long")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["deploy.yaml"]
    assert err == ""
