"""Line breaks other than LF: CR, NEL, LS and PS in every format.

Each format reads lines as its own definition says (see `opslint.model.lines`): YAML breaks
at all four, Docker and HCL at none of them, Groovy at CR. Findings after such a character
stand at the line the format gives, the excerpt shows that line, and `opslint fix` edits
exactly the text it computed for, every other byte (the odd character too) kept.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from opslint.cli import main
from opslint.engine.fixer import apply_edits
from opslint.model.base import Anchor, Edit, Finding, Fix, Span
from opslint.model.lines import LineBreaks, LineIndex, visible

BREAKS = {"CR": "\r", "NEL": "\x85", "LS": "\u2028", "PS": "\u2029"}


def same(line: int) -> dict[str, int]:
    """The same line whichever character stands before it."""
    return dict.fromkeys(BREAKS, line)


@dataclass(frozen=True)
class Case:
    """Files holding `{B}` where the break character goes, a finding after it, its fix."""

    files: dict[str, str]
    path: str
    """The file of the finding (and of the fix)."""
    code: str
    lines: dict[str, int]
    """The finding's line for each break character."""
    column: int
    shown: str
    caret: str
    fixed: str | None
    """The fixed text (`{B}` where the character stays); None when nothing is fixed."""
    related: str = ""
    options: tuple[str, ...] = field(default=())


DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    note: "first{B}second"
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: app
          image: nginx:1.27.3
        - name: sidecar
          image: busybox:1.36.1
"""

DEPLOYMENT_FIXED = DEPLOYMENT.replace(
    "          image: nginx:1.27.3\n",
    "          image: nginx:1.27.3\n"
    "          securityContext:\n"
    "            allowPrivilegeEscalation: false\n",
).replace(
    "          image: busybox:1.36.1\n",
    "          image: busybox:1.36.1\n"
    "          securityContext:\n"
    "            allowPrivilegeEscalation: false\n",
)

CHART_TEMPLATE = DEPLOYMENT.replace(
    "          image: nginx:1.27.3\n        - name: sidecar\n          image: busybox:1.36.1\n",
    "          image: {{ .Values.image | quote }}\n",
)

CHART = {
    "chart/Chart.yaml": "apiVersion: v2\nname: web\nversion: 1.0.0\n",
    "chart/values.yaml": 'note: "web{B}chart"\nimage: nginx:latest\n',
    "chart/templates/deploy.yaml": CHART_TEMPLATE,
}

JENKINSFILE = """\
pipeline {
    agent any
    /* build notes{B}see README */
    stages {
        stage('Build') {
            steps { sh 'npm install' }
        }
    }
}
"""

CASES = {
    "dockerfile": Case(
        {"Dockerfile": "FROM node:22.11.0-slim\n# build notes{B}see README\nRUN npm install\n"},
        "Dockerfile",
        "SH001",
        same(3),
        9,
        "RUN npm install",
        "        ^^^^^^^",
        "FROM node:22.11.0-slim\n# build notes{B}see README\nRUN npm ci\n",
    ),
    "compose": Case(
        {
            "compose.yaml": "services:\n  web:\n    image: nginx:1.27.3\n    restart: always\n"
            '    labels:\n      note: "first{B}second"\n  api:\n    image: example/api:1.4.2\n'
        },
        "compose.yaml",
        "DC101",
        same(8),
        3,
        "  api:",
        "  ^^^",
        "services:\n  web:\n    image: nginx:1.27.3\n    restart: always\n"
        '    labels:\n      note: "first{B}second"\n  api:\n    image: example/api:1.4.2\n'
        "    restart: unless-stopped\n",
    ),
    "kubernetes": Case(
        {"deploy.yaml": DEPLOYMENT},
        "deploy.yaml",
        "K8108",
        same(21),
        11,
        "        - name: sidecar",
        "          ^^^^^^^^^^^^^",
        DEPLOYMENT_FIXED,
    ),
    "github-workflow": Case(
        {
            ".github/workflows/ci.yml": 'name: "ci{B}build"\non: push\njobs:\n  build:\n'
            "    runs-on: ubuntu-24.04\n    steps:\n      - run: npm install\n"
        },
        ".github/workflows/ci.yml",
        "SH001",
        same(8),
        18,
        "      - run: npm install",
        "                 ^^^^^^^",
        'name: "ci{B}build"\non: push\njobs:\n  build:\n'
        "    runs-on: ubuntu-24.04\n    steps:\n      - run: npm ci\n",
    ),
    "gitlab-ci": Case(
        {
            ".gitlab-ci.yml": 'variables:\n  NOTE: "first{B}second"\ntest:\n'
            "  image: node:22.11.0\n  script:\n    - npm install\n"
        },
        ".gitlab-ci.yml",
        "SH001",
        same(7),
        11,
        "    - npm install",
        "          ^^^^^^^",
        'variables:\n  NOTE: "first{B}second"\ntest:\n  image: node:22.11.0\n  script:\n'
        "    - npm ci\n",
    ),
    "circleci": Case(
        {
            ".circleci/config.yml": "version: 2.1\njobs:\n  build:\n    docker:\n"
            "      - image: cimg/node:22.11.0\n    environment:\n"
            '      NOTE: "first{B}second"\n    steps:\n      - run: npm install\n'
            "workflows:\n  main:\n    jobs:\n      - build\n"
        },
        ".circleci/config.yml",
        "SH001",
        same(10),
        18,
        "      - run: npm install",
        "                 ^^^^^^^",
        "version: 2.1\njobs:\n  build:\n    docker:\n      - image: cimg/node:22.11.0\n"
        '    environment:\n      NOTE: "first{B}second"\n    steps:\n      - run: npm ci\n'
        "workflows:\n  main:\n    jobs:\n      - build\n",
    ),
    "prometheus": Case(
        {
            "alerts.yaml": "groups:\n  - name: api\n    rules:\n      - alert: Down\n"
            '        annotations:\n          summary: "first{B}second"\n'
            "        expr: up == 0\n        for: 0s\n"
        },
        "alerts.yaml",
        "PR101",
        same(9),
        14,
        "        for: 0s",
        "             ^^",
        None,
    ),
    "terraform": Case(
        {
            "main.tf": '# secrets{B}of the app\nvariable "db_password" {\n'
            "  type      = string\n  sensitive = false\n}\n"
        },
        "main.tf",
        "TF110",
        same(4),
        15,
        "  sensitive = false",
        "              ^^^^^",
        '# secrets{B}of the app\nvariable "db_password" {\n'
        "  type      = string\n  sensitive = true\n}\n",
    ),
    "terraform-vars": Case(
        {"prod.tfvars": '# zones{B}of the app\nregion = "eu-west-1"\nzones  = ["a",, "b"]\n'},
        "prod.tfvars",
        "OP001",
        same(3),
        15,
        'zones  = ["a",, "b"]',
        "              ^",
        None,
    ),
    "helm-template": Case(
        CHART,
        "chart/templates/deploy.yaml",
        "K8108",
        same(19),
        11,
        "        - name: app",
        "          ^^^^^^^^^",
        None,
        options=("chart",),
    ),
    "helm-values": Case(
        CHART,
        "chart/templates/deploy.yaml",
        "IM001",
        same(20),
        19,
        "          image: {{ .Values.image | quote }}",
        "                  ^^^^^^^^^^^^^^^^^^^^^^^^^",
        None,
        related="  = chart/values.yaml:3:1: `image` is set here",
        options=("chart",),
    ),
    "jenkinsfile": Case(
        {"Jenkinsfile": JENKINSFILE},
        "Jenkinsfile",
        "SH001",
        {"CR": 7, "NEL": 6, "LS": 6, "PS": 6},
        29,
        "            steps { sh 'npm install' }",
        "                            ^^^^^^^",
        JENKINSFILE.replace("npm install", "npm ci"),
    ),
}


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(root: Path, files: dict[str, str], character: str) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.replace("{B}", character).encode("utf-8"))


@pytest.mark.parametrize("name", BREAKS)
@pytest.mark.parametrize("kind", CASES)
def test_a_finding_after_the_break_stands_where_the_format_puts_it(
    kind: str, name: str, in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = CASES[kind]
    if kind.startswith("helm"):
        pytest.importorskip("helm_python")
    character = BREAKS[name]
    write(in_tmp, case.files, character)
    target = case.options or (case.path,)
    assert main(["check", "--isolated", "--select", case.code, *target]) == 1
    out = capsys.readouterr().out.split("\n")
    line = case.lines[name]
    head = next(i for i, text in enumerate(out) if text.startswith(f"{case.path}:{line}:"))
    assert out[head].startswith(f"{case.path}:{line}:{case.column} {case.code} ")
    gutter = " " * len(str(line))
    assert out[head + 1 : head + 3] == [f"{line} | {case.shown}", f"{gutter} | {case.caret}"]
    if case.related:
        assert out[head + 3] == case.related
    before = {name: (in_tmp / name).read_bytes() for name in case.files}
    main(["fix", "--isolated", "--select", case.code, *target])
    capsys.readouterr()
    for other, data in before.items():
        if other == case.path and case.fixed is not None:
            expected = case.fixed.replace("{B}", character).encode("utf-8")
            assert (in_tmp / other).read_bytes() == expected
        else:
            assert (in_tmp / other).read_bytes() == data


def test_cr_in_an_annotation_keeps_each_containers_fixes_in_its_container(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's example: both containers gain their securityContext, once each."""
    write(in_tmp, {"deploy.yaml": DEPLOYMENT}, "\r")
    select = ["--select", "K8108,K8109"]
    assert main(["fix", "--isolated", *select, "deploy.yaml"]) == 0
    out = capsys.readouterr().out
    # K8109 joins each securityContext on the second pass, the sidecar two lines lower
    assert out.splitlines() == [
        "fixed deploy.yaml:19:11 K8108 set `allowPrivilegeEscalation: false`",
        "fixed deploy.yaml:19:11 K8109 drop `ALL` capabilities",
        "fixed deploy.yaml:21:11 K8108 set `allowPrivilegeEscalation: false`",
        "fixed deploy.yaml:23:11 K8109 drop `ALL` capabilities",
        "fixed 4 findings in 1 file; 0 left",
    ]
    security = (
        "          securityContext:\n"
        "            allowPrivilegeEscalation: false\n"
        "            capabilities:\n"
        "              drop:\n"
        "                - ALL\n"
    )
    expected = DEPLOYMENT.replace("{B}", "\r")
    expected = expected.replace("nginx:1.27.3\n", "nginx:1.27.3\n" + security)
    expected = expected.replace("busybox:1.36.1\n", "busybox:1.36.1\n" + security)
    assert (in_tmp / "deploy.yaml").read_bytes() == expected.encode("utf-8")
    assert main(["check", "--isolated", "--select", "ALL", "deploy.yaml"]) == 1
    assert "duplicate" not in capsys.readouterr().out


def test_dc101_on_a_compose_file_with_a_cr_reports_and_fixes(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's example: DC101 failed with IndexError on this file."""
    text = 'services:\n  web:\n    image: "nginx:1.27.3\r"\n    ports:\n      - "80:80"\n'
    (in_tmp / "compose.yaml").write_bytes(text.encode())
    assert main(["check", "--isolated", "--select", "DC101", "compose.yaml"]) == 1
    captured = capsys.readouterr()
    assert captured.err == ""
    out = captured.out.splitlines()
    assert out[:-1] == [
        "compose.yaml",
        "compose.yaml:2:3 DC101 restart-policy service `web` sets no `restart` policy, "
        "so it stays down after a crash or a reboot",
        "2 |   web:",
        "  |   ^^^",
        "",
    ]
    assert out[-1].startswith("1 finding (1 warning) in 1 file [")
    assert main(["fix", "--isolated", "--select", "DC101", "compose.yaml"]) == 0
    assert "failed" not in capsys.readouterr().err
    fixed = text + "    restart: unless-stopped\n"
    assert (in_tmp / "compose.yaml").read_bytes() == fixed.encode()


@pytest.mark.parametrize(
    ("action", "column"),
    [("{{ .Values.a ", 8), ('{{ required "x" .Values.b }}', 10)],
)
def test_a_render_error_after_a_cr_stands_on_the_templates_line(
    action: str, column: int, in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Go's template parser counts lines at LF; HL102 names the line YAML counts."""
    pytest.importorskip("helm_python")
    template = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  annotations:\n"
        f'    note: "first\rsecond"\ndata:\n  key: {action}\n'
    )
    write(
        in_tmp,
        {
            "chart/Chart.yaml": 'apiVersion: v2\nname: web\nversion: 1.0.0\nappVersion: "1"\n',
            "chart/values.yaml": "a: 1\n",
            "chart/templates/cm.yaml": template,
        },
        "",
    )
    assert main(["check", "--isolated", "--select", "HL102", "chart"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[1].startswith(f"chart/templates/cm.yaml:9:{column} HL102 ")
    assert out[2:4] == [f"9 |   key: {action}", "  | " + " " * (column - 1) + "^"]


@pytest.mark.parametrize("name", BREAKS)
def test_lines_a_fix_adds_end_as_the_files_lines_do(
    name: str, in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A YAML file whose every line ends in the character: the added line ends in it too."""
    character = BREAKS[name]
    text = "services:{B}  web:{B}    image: nginx:1.27.3{B}"
    (in_tmp / "compose.yaml").write_bytes(text.replace("{B}", character).encode())
    assert main(["fix", "--isolated", "--select", "DC101", "compose.yaml"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        "fixed compose.yaml:2:3 DC101 add `restart: unless-stopped`"
    )
    fixed = (text + "    restart: unless-stopped{B}").replace("{B}", character)
    assert (in_tmp / "compose.yaml").read_bytes() == fixed.encode()


def test_a_lone_cr_dockerfile_is_one_line_to_docker_and_says_so(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's example: Docker ends lines at LF only, so the file is one FROM line."""
    text = "FROM ubuntu:22.04\rRUN apt-get install -y curl\rUSER root\r"
    (in_tmp / "Dockerfile").write_bytes(text.encode())
    select = ["--select", "OP001,DF101,DF112"]
    assert main(["check", "--isolated", *select, "Dockerfile"]) == 1
    shown = "FROM ubuntu:22.04\u240dRUN apt-get install -y curl\u240dUSER root\u240d"
    out = capsys.readouterr().out.splitlines()
    assert out[-1].startswith("2 findings (2 error) in 1 file [")
    assert out[:-1] == [
        "Dockerfile",
        "Dockerfile:1:1 DF101 non-root-user the final stage never sets USER, so the container "
        "runs as root: switch to a non-root user",
        f"1 | {shown}",
        "  | " + "^" * len(shown),
        "  = help: set `user` in [tool.opslint.defaults] to let `opslint fix` add it",
        "Dockerfile:1:18 OP001 parse-error lone carriage return (CR without LF; 3 in the file): "
        "Docker breaks lines only at LF, so what follows it continues line 1; save the file "
        "with LF (or CRLF) line endings",
        f"1 | {shown}",
        "  |                  ^",
        "",
    ]
    assert main(["fix", "--isolated", *select, "Dockerfile"]) == 0
    assert (in_tmp / "Dockerfile").read_bytes() == text.encode()


def test_the_same_dockerfile_with_lf_has_its_findings_on_their_lines(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Saved with LF, the lines the author meant are read, and DF112 finds the RUN."""
    text = "FROM ubuntu:22.04\nRUN apt-get install curl\nUSER root\n"
    (in_tmp / "Dockerfile").write_bytes(text.encode())
    assert main(["check", "--isolated", "--select", "OP001,DF101,DF112", "Dockerfile"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert [line.split(" ")[:2] for line in out if line.startswith("Dockerfile:")] == [
        ["Dockerfile:2:13", "DF112"],
        ["Dockerfile:3:6", "DF101"],
    ]


@pytest.mark.parametrize(
    ("breaks", "lines"),
    [
        (LineBreaks.YAML, ["a", "b", "c", "d", "e", "f", "g"]),
        (LineBreaks.LF, ["a\rb\x85c\u2028d\u2029e", "f", "g"]),
        (LineBreaks.GROOVY, ["a", "b\x85c\u2028d\u2029e", "f", "g"]),
    ],
)
def test_each_definition_breaks_at_its_characters(breaks: LineBreaks, lines: list[str]) -> None:
    text = "a\rb\x85c\u2028d\u2029e\r\nf\ng\n"
    index = LineIndex(text, breaks)
    assert index.lines == lines
    assert "".join(index.pieces()) == text
    last = len(lines)
    assert index.position(text.index("g")) == (last, 1)
    assert index.offset(last, 1) == text.index("g")
    assert index.offset(last - 1, 99) == text.index("f") + 1  # clamped before the break
    assert not index.within(last - 1, 3)


def test_excerpts_show_break_characters_one_for_one() -> None:
    assert visible("a\rb\x85c\u2028d\u2029e\tf") == "a\u240db\u2424c\u2424d\u2424e\tf"


def finding(*edits: Edit) -> tuple[Finding, tuple[Edit, ...]]:
    return Finding(edits[0].span, "m", Fix("t", edits), code="XX001"), edits


def test_an_edit_whose_anchor_is_not_there_is_not_applied() -> None:
    text = "a: 1\nb: 2\n"
    at = Span("f", 2, 5, 2, 5)
    moved = finding(Edit(at, "\nc: 3", Anchor(Span("f", 2, 1, 2, 2), "a")))
    kept = finding(Edit(at, "\nc: 3", Anchor(Span("f", 2, 1, 2, 2), "b")))
    refused: list[tuple[Finding, str]] = []
    assert apply_edits(text, [moved], LineBreaks.YAML, refused) == (text, [])
    assert refused == [
        (moved[0], "not applied: the file holds 'b' at 2:1, not the 'a' it was computed for")
    ]
    assert apply_edits(text, [kept], LineBreaks.YAML) == ("a: 1\nb: 2\nc: 3\n", [kept[0]])


def test_an_edit_outside_the_text_is_not_applied() -> None:
    refused: list[tuple[Finding, str]] = []
    outside = finding(Edit(Span("f", 1, 9, 1, 9), "!"))
    assert apply_edits("a: 1\n", [outside], LineBreaks.YAML, refused) == ("a: 1\n", [])
    assert refused == [(outside[0], "not applied: 1:9 lies outside the file's text")]


def test_fix_reports_a_misplaced_edit_and_keeps_the_file(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A rule whose edit expects other text than the file holds: nothing is written."""
    (in_tmp / "rules").mkdir()
    (in_tmp / "rules" / "local.py").write_text(
        textwrap.dedent(
            """
            from opslint import Anchor, Edit, Finding, Fix, Severity, Span, rule
            from opslint.model.dockerfile import Dockerfile

            @rule("XF002", "misplaced", Severity.WARNING, fix="safe")
            def misplaced(dockerfile: Dockerfile):
                '''Insert under a keyword the file does not hold there.'''
                first = dockerfile.instructions[0]
                end = first.span.end_line
                at = Span(first.span.path, end, first.span.end_column, end, first.span.end_column)
                anchor = Anchor(first.keyword_span, "USER")
                yield Finding(first.span, "misplaced", fix=Fix("add", (Edit(at, "!", anchor),)))
            """
        ),
        encoding="utf-8",
    )
    (in_tmp / "Dockerfile").write_text("FROM alpine:3.20\n", encoding="utf-8")
    args = ["fix", "--isolated", "--rule-path", "rules", "--select", "XF002", "Dockerfile"]
    assert main(args) == 0
    assert capsys.readouterr().out.splitlines() == [
        "not fixed Dockerfile:1 XF002: not applied: the file holds 'FROM' at 1:1, "
        "not the 'USER' it was computed for",
        "fixed 0 findings in 0 files; 1 left (1 with a fix that could not be applied this run)",
    ]
    assert (in_tmp / "Dockerfile").read_text(encoding="utf-8") == "FROM alpine:3.20\n"
