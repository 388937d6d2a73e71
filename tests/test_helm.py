"""Helm charts: line mapping, real renders, variants, render errors, safety and reporting."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import run_engine
from test_reporters import validate_sarif

from opslint.cli import main
from opslint.config import Config, HelmSettings
from opslint.engine.runner import Session
from opslint.model.base import Finding, Span
from opslint.parsers.helm import NO_RENDERER_NOTE
from opslint.parsers.helm_render import split_rendered_stream
from opslint.parsers.helmmap import LineKind, SpanMapper, classify
from opslint.plugins import PluginManager
from opslint.report import Report

pytest.importorskip("helm_python")

CHART = """\
apiVersion: v2
name: web
version: 0.1.0
appVersion: "1.27"
"""

VALUES = """\
replicas: 2
image:
  repository: nginx
  tag: "1.27"
"""

HELPERS = """\
{{- define "web.labels" -}}
app: web
tier: front
{{- end }}
"""

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
  labels:
    {{- include "web.labels" . | nindent 4 }}
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels:
      {{- include "web.labels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "web.labels" . | nindent 8 }}
    spec:
      containers:
        - name: app
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          ports:
            - containerPort: 80
"""

CONTAINER_RULES = ("K8101", "K8102", "K8103", "K8104", "K8106", "K8108")
"""What a container with no resources, probes or securityContext is reported for."""

CONTAINER = (18, 11, 18, 20)
"""The `- name: app` mapping of DEPLOYMENT."""
IMAGE = (19, 19, 19, 73)
"""The image text of DEPLOYMENT, between the quotes."""


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def make_chart(root: Path, overrides: dict[str, str] | None = None) -> Path:
    """The `web` chart, with some files replaced or added."""
    files = {
        "Chart.yaml": CHART,
        "values.yaml": VALUES,
        "templates/_helpers.tpl": HELPERS,
        "templates/deployment.yaml": DEPLOYMENT,
    }
    files.update(overrides or {})
    return write(root, files)


CHECKED_RULES = ("HL", "IM001", "OP", "K8110", "K8111", *CONTAINER_RULES)
"""A fixed selection, so rules added later do not change what these tests expect."""


def check(
    paths: list[Path], charts: tuple[str, ...], *, extra: tuple[str, ...] = (), **helm: Any
) -> Report:
    """Run the engine with these Helm settings; every finding must stay inside `charts`."""
    config = Config(root=Path.cwd(), helm=HelmSettings(**helm))
    report = run_engine(paths, select=CHECKED_RULES, config=config)
    assert_sane(report, charts, extra)
    return report


def assert_sane(report: Report, charts: tuple[str, ...], extra: tuple[str, ...] = ()) -> None:
    """No line 0, no path outside the charts, no crash notes."""
    for finding in (*report.findings, *report.suppressed):
        spans = [finding.span, *(related.span for related in finding.related)]
        for number, span in enumerate(spans):
            assert span.line >= 1 and span.column >= 1, finding
            assert span.end_line >= span.line, finding
            allowed = charts if number == 0 else (*charts, *extra)
            assert any(span.path.startswith(f"{chart}/") for chart in allowed), finding
            assert not Path(span.path).is_absolute() and ".." not in Path(span.path).parts
    for note in report.notes:
        assert "failed" not in note and "Error" not in note, note


def where(finding: Finding) -> tuple[str, str, int, int, int, int]:
    span = finding.span
    return (finding.code, span.path, span.line, span.column, span.end_line, span.end_column)


def found(report: Report, code: str) -> list[tuple[str, str, int, int, int, int]]:
    return [where(f) for f in report.findings if f.code == code]


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- line mapping -------------------------------------------------------------------------

MAPPED = """\
{{- define "x.labels" -}}
app: x
{{- end }}
apiVersion: v1
kind: ConfigMap
metadata:
  labels:
    {{- include "x.labels" . | nindent 4 }}
  {{- $x := dict
      "a" 1 }}
data:
  cfg: {{- toYaml .Values.cfg | nindent 4 }}
  {{- if .Values.off }}
  off: "yes"
  {{- end }}
  {{- range .Values.items }}
  item-{{ . }}: "v{{ . }}"
  {{- end }}
  image: "{{ .Values.repo }}:{{ .Values.tag }}"
"""

MAPPED_OUTPUT = """\
apiVersion: v1
kind: ConfigMap
metadata:
  labels:
    app: x
    tier: y
data:
  cfg:
    a: 1
    b: 2
  item-a: "va"
  item-b: "vb"
  item-c: "vc"
  image: "nginx:1.2"
"""


def test_classify_kinds_of_lines() -> None:
    kinds = {line.number: line.kind for line in classify(MAPPED)}
    assert kinds[1] is kinds[2] is kinds[3] is LineKind.CONTROL  # a define body writes nothing
    assert kinds[8] is LineKind.ACTION
    assert kinds[9] is kinds[10] is LineKind.CONTROL  # a multi-line assignment
    assert kinds[12] is LineKind.TEXT
    assert kinds[13] is kinds[15] is kinds[16] is kinds[18] is LineKind.CONTROL
    assert kinds[14] is kinds[17] is kinds[19] is LineKind.TEXT
    include = classify(MAPPED)[7]
    assert include.expands and include.depth == 4 and include.action_span == (4, 43)


def test_rendered_lines_map_to_the_lines_that_wrote_them() -> None:
    mapper = SpanMapper(MAPPED, MAPPED_OUTPUT, "t.yaml")
    lines = [mapper.line_of(n) for n in range(1, 15)]
    # include + nindent -> 8; toYaml inline after `cfg:` -> 12; `off` (false if) skipped;
    # three repetitions of the range body -> 17
    assert lines == [4, 5, 6, 7, 8, 8, 11, 12, 12, 12, 17, 17, 17, 19]


def test_columns_of_literals_and_actions() -> None:
    mapper = SpanMapper(MAPPED, MAPPED_OUTPUT, "t.yaml")
    # rendered `  image: "nginx:1.2"`; template `  image: "{{ .Values.repo }}:{{ .Values.tag }}"`
    assert mapper.position(14, 3) == (19, 3)  # the literal `image`
    assert mapper.position(14, 10) == (19, 10)  # the opening quote
    assert mapper.position(14, 13) == (19, 11)  # inside `nginx`: the action's start
    assert mapper.position(14, 16, end=True) == (19, 29)  # end of `nginx`: the action's end
    assert mapper.position(14, 17, end=True) == (19, 30)  # after the literal `:`
    assert mapper.position(14, 18) == (19, 30)  # `1.2`: the second action
    assert mapper.position(14, 20, end=True) == (19, 47)
    # a line an include wrote: the include action
    assert mapper.position(5, 5) == (8, 5)
    assert mapper.position(5, 11, end=True) == (8, 44)
    span = mapper(Span("t", 14, 10, 14, 21))
    assert (span.path, span.line, span.column, span.end_line, span.end_column) == (
        "t.yaml",
        19,
        10,
        19,
        48,
    )


# --- a real render --------------------------------------------------------------------------


def test_render_reports_template_locations_and_values_behind(in_tmp: Path) -> None:
    make_chart(in_tmp / "web", {"values.yaml": VALUES.replace('"1.27"', "latest")})
    report = check([Path("web")], ("web",))
    template = "web/templates/deployment.yaml"
    assert sorted(where(f) for f in report.findings) == sorted(
        [
            ("HL103", "web/Chart.yaml", 1, 1, 1, 15),
            ("IM001", template, *IMAGE),
            *((code, template, *CONTAINER) for code in CONTAINER_RULES),
        ]
    )
    (image,) = [f for f in report.findings if f.code == "IM001"]
    assert image.logical == "Deployment/default/release-name-web/container:app"
    assert (
        image.message
        == "image `nginx:latest` uses the moving `latest` tag: pin a version or digest"
    )
    assert [
        (r.span.path, r.span.line, r.span.column, r.span.end_column, r.message)
        for r in image.related
    ] == [
        ("web/values.yaml", 3, 3, 20, "`image.repository` is set here"),
        ("web/values.yaml", 4, 3, 14, "`image.tag` is set here"),
    ]
    # the container findings name no values: their line reads none
    assert all(not f.related for f in report.findings if f.code != "IM001")
    assert report.files_checked == 4
    assert report.notes == []


def test_json_and_sarif_show_related_locations(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_chart(in_tmp / "web", {"values.yaml": VALUES.replace('"1.27"', "latest")})
    assert main(["check", "--isolated", "--select", "IM001", "-f", "json", "web"]) == 1
    data = json.loads(capsys.readouterr().out)
    (finding,) = data["findings"]
    assert (finding["path"], finding["line"], finding["column"]) == (
        "web/templates/deployment.yaml",
        19,
        19,
    )
    assert [(r["path"], r["line"], r["column"], r["message"]) for r in finding["related"]] == [
        ("web/values.yaml", 3, 3, "`image.repository` is set here"),
        ("web/values.yaml", 4, 3, "`image.tag` is set here"),
    ]
    assert main(["check", "--isolated", "--select", "IM001", "-f", "sarif", "web"]) == 1
    log = json.loads(capsys.readouterr().out)
    validate_sarif(log)
    (result,) = log["runs"][0]["results"]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"], region["endColumn"]) == (19, 19, 73)
    related = result["relatedLocations"]
    assert [
        (
            r["physicalLocation"]["artifactLocation"]["uri"],
            r["physicalLocation"]["region"]["startLine"],
            r["physicalLocation"]["region"]["startColumn"],
            r["message"]["text"],
        )
        for r in related
    ] == [
        ("web/values.yaml", 3, 3, "`image.repository` is set here"),
        ("web/values.yaml", 4, 3, "`image.tag` is set here"),
    ]


SUBCHART = {
    "charts/db/Chart.yaml": 'apiVersion: v2\nname: db\nversion: 0.2.0\nappVersion: "16"\n',
    "charts/db/values.yaml": "image: postgres:16\n",
    "charts/db/templates/statefulset.yaml": """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {{ .Release.Name }}-db
spec:
  serviceName: db
  template:
    spec:
      hostNetwork: true
      containers:
        - image: {{ .Values.image }}
          name: db
""",
}


def test_subchart_renders_with_its_parent(in_tmp: Path) -> None:
    make_chart(in_tmp / "web")
    write(in_tmp / "web", SUBCHART)
    report = check([Path("web")], ("web",))
    sub = "web/charts/db/templates/statefulset.yaml"
    assert found(report, "K8111") == [("K8111", sub, 9, 20, 9, 24)]
    (host,) = [f for f in report.findings if f.code == "K8111"]
    assert host.logical == "StatefulSet/default/release-name-db"
    assert found(report, "K8103") == [
        ("K8103", sub, 12, 11, 12, 19),  # the `name` entry, not the first key (`- image:`)
        ("K8103", "web/templates/deployment.yaml", *CONTAINER),
    ]
    # the subchart is part of its parent: one chart, one HL103
    assert found(report, "HL103") == [("HL103", "web/Chart.yaml", 1, 1, 1, 15)]
    assert report.files_checked == 5
    # checking only a subchart file checks the whole parent chart, once
    alone = check([Path(sub)], ("web",))
    assert [where(f) for f in alone.findings] == [where(f) for f in report.findings]


# --- variants -------------------------------------------------------------------------------

PROD = "image:\n  tag: latest\n"


def test_extra_values_file_adds_a_render(in_tmp: Path) -> None:
    make_chart(in_tmp / "web")
    write(in_tmp, {"deploy/prod.yaml": PROD})
    assert found(check([Path("web")], ("web",)), "IM001") == []
    report = check(
        [Path("web")], ("web",), extra=("deploy",), values=((Path("deploy/prod.yaml"),),)
    )
    assert found(report, "IM001") == [("IM001", "web/templates/deployment.yaml", *IMAGE)]
    (image,) = [f for f in report.findings if f.code == "IM001"]
    assert [(r.span.path, r.span.line, r.span.column, r.message) for r in image.related] == [
        ("web/values.yaml", 3, 3, "`image.repository` is set here"),
        ("web/values.yaml", 4, 3, "`image.tag` is set here"),
        ("deploy/prod.yaml", 2, 3, "`image.tag` is overridden here"),
    ]
    # each container finding is reported once although the chart rendered twice
    assert len(found(report, "K8103")) == 1


def test_unsaved_texts_of_a_chart_are_rendered_in_place_of_its_files(in_tmp: Path) -> None:
    """An editor's buffers (a session's overlay) stand in for the chart's files: the
    template and the values files are read and rendered as given, the disk is untouched."""
    make_chart(in_tmp / "web")
    values = (in_tmp / "web/values.yaml").resolve()
    template = (in_tmp / "web/templates/deployment.yaml").resolve()
    plugins = PluginManager()
    plugins.load()
    session = Session(Config(root=Path.cwd(), select=CHECKED_RULES), plugins)
    session.overlay = {
        values: VALUES.replace('tag: "1.27"', "tag: latest"),
        template: DEPLOYMENT.replace("- name: app", "- name: api"),
    }
    report = session.run([Path("web/templates/deployment.yaml")])
    assert found(report, "IM001") == [("IM001", "web/templates/deployment.yaml", *IMAGE)]
    (image,) = [f for f in report.findings if f.code == "IM001"]
    assert image.message.startswith("image `nginx:latest` uses the moving `latest` tag")
    assert {f.message for f in report.findings if f.code == "K8103"} == {
        "container `api` has no livenessProbe"
    }
    assert values.read_text(encoding="utf-8") == VALUES
    assert template.read_text(encoding="utf-8") == DEPLOYMENT


def test_helm_set_and_namespace(in_tmp: Path) -> None:
    make_chart(in_tmp / "web")
    report = check([Path("web")], ("web",), set=("image.tag=latest",), namespace="prod")
    assert found(report, "IM001") == [("IM001", "web/templates/deployment.yaml", *IMAGE)]
    (image,) = [f for f in report.findings if f.code == "IM001"]
    assert image.logical == "Deployment/prod/release-name-web/container:app"
    assert {f.logical for f in report.findings if f.code.startswith("K8")} == {
        "Deployment/prod/release-name-web/container:app"
    }


def test_cli_flags_and_config_table_agree(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_chart(in_tmp / "web")
    write(in_tmp, {"deploy/prod.yaml": PROD})

    def rows(*args: str) -> list[tuple[str, str, int, int, str]]:
        assert main(["check", "-f", "json", "--select", "IM001,K8103", *args]) == 1
        data = json.loads(capsys.readouterr().out)
        return [
            (f["code"], f["path"], f["line"], f["column"], f["object"]) for f in data["findings"]
        ]

    expected = [
        ("K8103", "web/templates/deployment.yaml", 18, 11, "Deployment/prod/rel-web/container:app"),
        ("IM001", "web/templates/deployment.yaml", 19, 19, "Deployment/prod/rel-web/container:app"),
    ]
    flags = ["--helm-values", "deploy/prod.yaml", "--helm-namespace", "prod"]
    assert rows("--isolated", *flags, "--helm-release", "rel", "web") == expected
    write(
        in_tmp,
        {
            ".opslint.toml": '[helm]\nvalues = ["deploy/prod.yaml"]\nnamespace = "prod"\n'
            'release = "rel"\nrenderer = "sdk"\n'
        },
    )
    assert rows("web") == expected
    write(in_tmp, {".opslint.toml": '[helm]\nrenderer = "docker"\n'})
    assert main(["check", "web"]) == 2
    error = capsys.readouterr().err
    assert "`helm.renderer` must be one of auto, sdk, binary, none" in error
    assert "Traceback" not in error


# --- render errors --------------------------------------------------------------------------

CONFIGMAP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-config
data:
"""

PLAIN = """\
apiVersion: v1
kind: Pod
metadata:
  name: plain
spec:
  hostPID: true
  containers:
    - name: app
      image: busybox:1.36
"""


@pytest.mark.parametrize(
    ("name", "template", "position", "message"),
    [
        (
            "required",
            CONFIGMAP + '  host: {{ required "host is required" .Values.host }}\n',
            (6, 11),
            "the chart does not render with values.yaml: host is required",
        ),
        (
            "unclosed",
            CONFIGMAP + '  a: "b"\n  host: {{ .Values.host\n',
            (7, 9),
            "the chart does not render with values.yaml: unclosed action started at "
            "web/templates/configmap.yaml:7",
        ),
        (
            "unended",
            CONFIGMAP + '  {{- if .Values.host }}\n  a: "b"\n',
            (6, 3),
            "the chart does not render with values.yaml: unexpected EOF",
        ),
        (
            "yaml",
            CONFIGMAP + "  broken: {{ .Values.replicas }}: nope\n",
            (6, 33),
            "the template renders invalid YAML (values.yaml): mapping values are not allowed "
            "in this context",
        ),
    ],
)
def test_render_errors_point_at_the_template(
    in_tmp: Path, name: str, template: str, position: tuple[int, int], message: str
) -> None:
    make_chart(in_tmp / "web", {"templates/configmap.yaml": template})
    write(in_tmp, {"plain/pod.yaml": PLAIN})
    report = check([Path("web"), Path("plain")], ("web", "plain"))
    line, column = position
    assert found(report, "HL102") == [
        ("HL102", "web/templates/configmap.yaml", line, column, line, column)
    ]
    (problem,) = [f for f in report.findings if f.code == "HL102"]
    assert problem.message == message
    # the other file is still checked
    assert found(report, "K8111") == [("K8111", "plain/pod.yaml", 6, 12, 6, 16)]
    assert report.notes == []
    assert "OP001" not in {f.code for f in report.findings}
    if name == "yaml":  # a render that fails on YAML still checks the other templates
        assert ("K8103", "web/templates/deployment.yaml", *CONTAINER) in found(report, "K8103")


def test_missing_dependency_is_reported_at_chart_yaml(in_tmp: Path) -> None:
    chart = CHART + "dependencies:\n  - name: redis\n    version: 1.0.0\n"
    make_chart(in_tmp / "web", {"Chart.yaml": chart})
    write(in_tmp, {"plain/pod.yaml": PLAIN})
    report = check([Path("web"), Path("plain")], ("web", "plain"))
    assert found(report, "HL102") == [("HL102", "web/Chart.yaml", 1, 1, 1, 15)]
    (problem,) = [f for f in report.findings if f.code == "HL102"]
    assert "missing in charts/ directory: redis" in problem.message
    assert found(report, "K8111") == [("K8111", "plain/pod.yaml", 6, 12, 6, 16)]
    assert report.notes == []


# --- safety ---------------------------------------------------------------------------------


def test_symlink_out_of_the_chart_stops_rendering(in_tmp: Path) -> None:
    make_chart(in_tmp / "web")
    write(in_tmp, {"secret.yaml": "password: hunter2\n"})
    (in_tmp / "web/templates/leak.yaml").symlink_to(in_tmp / "secret.yaml")
    report = check([Path("web")], ("web",))
    assert found(report, "HL102") == [("HL102", "web/Chart.yaml", 1, 1, 1, 15)]
    (problem,) = [f for f in report.findings if f.code == "HL102"]
    assert "`templates/leak.yaml` links outside the chart" in problem.message
    assert {f.code for f in report.findings} == {"HL102", "HL103"}


def test_lookup_renders_empty_offline(in_tmp: Path) -> None:
    lookup = DEPLOYMENT + (
        '          {{- with (lookup "v1" "Secret" .Release.Namespace "web") }}\n'
        "          env:\n"
        "            - name: FOUND\n"
        '              value: "yes"\n'
        "          {{- end }}\n"
    )
    make_chart(in_tmp / "web", {"templates/deployment.yaml": lookup})
    report = check([Path("web")], ("web",))
    assert found(report, "HL102") == []
    assert found(report, "K8103") == [("K8103", "web/templates/deployment.yaml", *CONTAINER)]


# --- pre-commit style -----------------------------------------------------------------------


def test_member_files_check_the_chart_once(in_tmp: Path) -> None:
    make_chart(in_tmp / "web", {"values.yaml": VALUES.replace('"1.27"', "latest")})
    folder = check([Path("web")], ("web",))
    template = check([Path("web/templates/deployment.yaml")], ("web",))
    members = check(
        [Path("web/templates/deployment.yaml"), Path("web/values.yaml"), Path("web/Chart.yaml")],
        ("web",),
    )
    expected = [where(f) for f in folder.findings]
    assert len(expected) == len(set(expected)) == 8
    assert [where(f) for f in template.findings] == expected
    assert [where(f) for f in members.findings] == expected
    assert folder.files_checked == template.files_checked == members.files_checked == 4


# --- no renderer ----------------------------------------------------------------------------


def test_static_check_without_renderer(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_chart(in_tmp / "one", {"values.yaml": "image:\n  repository: nginx\n  tag: latest\n"})
    make_chart(
        in_tmp / "two",
        {
            "Chart.yaml": "apiVersion: v1\nname: two\nversion: 0.1.0\n",
            "values.yaml": 'image: "nginx:latest"\n',
        },
    )
    report = check([Path("one"), Path("two")], ("one", "two"), renderer="none")
    assert report.notes == [NO_RENDERER_NOTE]
    assert sorted(where(f) for f in report.findings) == [
        ("HL101", "two/Chart.yaml", 1, 1, 1, 15),
        ("HL101", "two/Chart.yaml", 1, 13, 1, 15),
        ("HL103", "one/Chart.yaml", 1, 1, 1, 15),
        ("HL103", "two/Chart.yaml", 1, 1, 1, 15),
        ("IM001", "one/values.yaml", 3, 8, 3, 14),
        ("IM001", "two/values.yaml", 1, 15, 1, 21),
    ]
    assert main(["check", "--isolated", "--helm-renderer", "none", "one", "two"]) == 1
    assert capsys.readouterr().err.count(NO_RENDERER_NOTE) == 1
    write(in_tmp, {".opslint.toml": '[helm]\nrenderer = "none"\n'})
    assert main(["check", "one", "two"]) == 1
    assert capsys.readouterr().err.count(NO_RENDERER_NOTE) == 1


# --- suppressions ---------------------------------------------------------------------------


def test_comment_and_annotation_suppress_in_templates(in_tmp: Path) -> None:
    template = DEPLOYMENT.replace(
        "      containers:\n",
        "      containers:\n        # opslint: ignore[K8103] the app has no health endpoint\n",
    ).replace(
        "metadata:\n  name:",
        "metadata:\n  annotations:\n    opslint.io/ignore: K8106\n  name:",
    )
    make_chart(in_tmp / "web", {"templates/deployment.yaml": template})
    report = check([Path("web")], ("web",))
    codes = {f.code for f in report.findings}
    assert "K8103" not in codes and "K8106" not in codes
    assert found(report, "K8101") == [("K8101", "web/templates/deployment.yaml", 21, 11, 21, 20)]
    assert sorted(where(f) for f in report.suppressed) == [
        ("K8103", "web/templates/deployment.yaml", 21, 11, 21, 20),
        ("K8106", "web/templates/deployment.yaml", 21, 11, 21, 20),
    ]


# --- helm template output -------------------------------------------------------------------


def test_split_rendered_stream() -> None:
    stream = (
        "---\n"
        "# Source: web/templates/service.yaml\n"
        "apiVersion: v1\n"
        "kind: Service\n"
        "---\n"
        "# Source: web/templates/both.yaml\n"
        "kind: A\n"
        "---\n"
        "# Source: web/templates/both.yaml\n"
        "kind: B\n"
        "---\n"
        "# Source: web/charts/db/templates/db.yaml\n"
        "kind: C\n"
    )
    assert split_rendered_stream(stream) == {
        "web/templates/service.yaml": "apiVersion: v1\nkind: Service\n",
        "web/templates/both.yaml": "kind: A\n---\nkind: B\n",
        "web/charts/db/templates/db.yaml": "kind: C\n",
    }


@pytest.mark.skipif(shutil.which("helm") is None, reason="no helm binary on PATH")
def test_binary_renderer_agrees_with_the_sdk(in_tmp: Path) -> None:
    make_chart(in_tmp / "web", {"values.yaml": VALUES.replace('"1.27"', "latest")})
    write(in_tmp / "web", SUBCHART)
    sdk = check([Path("web")], ("web",), renderer="sdk")
    binary = check([Path("web")], ("web",), renderer="binary")
    assert [where(f) for f in binary.findings] == [where(f) for f in sdk.findings]
    assert [f.related for f in binary.findings] == [f.related for f in sdk.findings]


def test_kubernetes_rules_see_every_rendered_object(in_tmp: Path) -> None:
    import helm_python

    make_chart(in_tmp / "web", {"values.yaml": VALUES.replace('"1.27"', "latest")})
    write(in_tmp / "web", SUBCHART)
    write(
        in_tmp / "web",
        {
            "templates/jobs.yaml": """\
{{- range list "a" "b" }}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: job-{{ . }}
spec:
  template:
    spec:
      containers:
        - name: run
          image: busybox
          env:
            - name: API_TOKEN
              value: s3cr3t-{{ . }}
{{- end }}
"""
        },
    )
    charted = run_engine([Path("web")], select=("ALL",))
    assert_sane(charted, ("web",))
    with helm_python.Chart.load("web") as chart:
        rendered = chart.render({}, name="release-name", namespace="default")
    plain = {f"out/{key}": text for key, text in rendered.items() if key.endswith(".yaml")}
    write(in_tmp, plain)
    flat = run_engine([Path("out")], select=("ALL",), kind="kubernetes")
    assert_sane(flat, ("out",))

    def counts(report: Report) -> Counter[str]:
        return Counter(f.code for f in report.findings if not f.code.startswith(("HL", "OP")))

    assert counts(charted) == counts(flat)
    assert counts(charted)["IM001"] == 3  # nginx:latest and two busybox
    assert counts(charted)["SE001"] == 2
    assert sorted(f.logical for f in charted.findings if f.code == "SE001") == [
        "Job/default/job-a/container:run",
        "Job/default/job-b/container:run",
    ]
