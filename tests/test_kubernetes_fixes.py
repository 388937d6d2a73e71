"""`opslint fix` on Kubernetes manifests: what each fix writes, where, and when it offers
none (no configured value, no usable port, a choice the author wrote, Helm templates)."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path

import pytest
from conftest import run_engine

from opslint.config import Config
from opslint.engine.fixer import Fixer, FixResult
from opslint.engine.runner import Session
from opslint.plugins import PluginManager

SECURITY = ("K8106", "K8107", "K8108", "K8109")
ALL = ("K8101", "K8102", "K8103", "K8104", *SECURITY, "K8129")
DEFAULTS = {
    "cpu-request": "100m",
    "memory-request": "128Mi",
    "memory-limit": "256Mi",
    "cpu-limit": "500m",
    "probe-path": "/healthz",
}


def fix(
    tmp_path: Path,
    text: str,
    select: tuple[str, ...],
    defaults: Mapping[str, object] | None = None,
) -> tuple[str, FixResult]:
    path = tmp_path / "app.k8s.yaml"
    path.write_bytes(text.encode("utf-8"))
    config = Config(root=tmp_path, defaults=dict(defaults or {})).with_overrides(select=select)
    plugins = PluginManager()
    plugins.load()
    result = Fixer(Session(config, plugins, forced_kind="kubernetes"), unsafe=True).run([path])
    change = result.changes.get(path.resolve())
    if change is None:
        return text, result
    assert change.lines_outside_edits() == []
    return change.text, result


def messages(
    tmp_path: Path, text: str, code: str, defaults: Mapping[str, object]
) -> list[tuple[str, str | None]]:
    """The message and help line of each `code` finding, none of which has a fix."""
    path = tmp_path / "app.k8s.yaml"
    path.write_text(text, encoding="utf-8")
    config = Config(root=tmp_path, defaults=dict(defaults))
    report = run_engine([path], select=(code,), kind="kubernetes", config=config)
    assert all(f.fix is None for f in report.findings)
    return [(f.message, f.help) for f in report.findings if f.code == code]


BARE = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: app
        image: example/web:1.4.2
        ports:
        - name: http
          containerPort: 8080
"""


def test_a_container_missing_everything_converges_in_one_clean_file(tmp_path: Path) -> None:
    text, result = fix(tmp_path, BARE, ALL, DEFAULTS)
    assert text == BARE.replace(
        "    spec:\n      containers:",
        "    spec:\n      automountServiceAccountToken: false\n      containers:",
    ) + textwrap.indent(
        textwrap.dedent(
            """\
            resources:
              requests:
                cpu: 100m
                memory: 128Mi
              limits:
                memory: 256Mi
            livenessProbe:
              httpGet:
                path: /healthz
                port: http
            readinessProbe:
              httpGet:
                path: /healthz
                port: http
            securityContext:
              runAsNonRoot: true
              readOnlyRootFilesystem: true
              allowPrivilegeEscalation: false
              capabilities:
                drop:
                - ALL
            """
        ),
        " " * 8,
    )
    # one edit per place and pass: the security keys queue behind one another
    assert result.passes <= 9 and result.dropped == []
    assert result.remaining is not None and result.remaining.findings == []


def test_four_space_files_with_indented_sequences_and_crlf_keep_their_style(
    tmp_path: Path,
) -> None:
    source = (
        "apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n    name: one\r\nspec:\r\n"
        "    containers:\r\n        -   name: app\r\n            image: example/web:1.4.2\r\n"
    )
    text, _ = fix(tmp_path, source, ("K8101", "K8109"), DEFAULTS)
    assert text == source + (
        "            resources:\r\n                requests:\r\n"
        "                    cpu: 100m\r\n                    memory: 128Mi\r\n"
        "            securityContext:\r\n                capabilities:\r\n"
        "                    drop:\r\n                        - ALL\r\n"
    )


def test_without_configured_values_there_is_no_edit_and_the_help_line_says_why(
    tmp_path: Path,
) -> None:
    assert messages(tmp_path, BARE, "K8101", {"cpu-request": "100m"}) == [
        (
            "container `app` requests no cpu or memory",
            "set `memory-request` in [tool.opslint.defaults] to let `opslint fix` add it",
        )
    ]
    assert messages(tmp_path, BARE, "K8101", {}) == [
        (
            "container `app` requests no cpu or memory",
            "set `cpu-request` and `memory-request` in [tool.opslint.defaults] to let "
            "`opslint fix` add them",
        )
    ]
    assert messages(tmp_path, BARE, "K8102", {}) == [
        (
            "container `app` has no memory limit",
            "set `memory-limit` in [tool.opslint.defaults] to let `opslint fix` add it",
        )
    ]
    assert messages(tmp_path, BARE, "K8103", {}) == [
        (
            "container `app` has no livenessProbe",
            "set `probe-path` in [tool.opslint.defaults] to let `opslint fix` add it",
        )
    ]
    no_port = BARE.split("        ports:")[0]
    assert messages(tmp_path, no_port, "K8104", {"probe-path": "/healthz"}) == [
        (
            "container `app` has no readinessProbe",
            "no automatic fix: the container declares no HTTP `containerPort` to probe",
        )
    ]


def test_a_limit_stands_for_its_request_and_never_undercuts_the_request(
    tmp_path: Path,
) -> None:
    source = BARE + "        resources:\n          limits:\n            cpu: 250m\n"
    text, _ = fix(tmp_path, source, ("K8101",), {"cpu-request": "1", "memory-request": "64Mi"})
    assert text == BARE + (
        "        resources:\n          requests:\n            memory: 64Mi\n"
        "          limits:\n            cpu: 250m\n"
    )
    heavy = BARE + "        resources:\n          requests:\n            memory: 1Gi\n"
    assert messages(tmp_path, heavy, "K8102", {"memory-limit": "512Mi"}) == [
        (
            "container `app` has no memory limit",
            "no automatic fix: the configured `memory-limit` (512Mi) is below the container's "
            "memory request (1Gi)",
        )
    ]


@pytest.mark.parametrize(
    ("request_", "limit", "fixed"),
    [
        ("1Gi", "1024Mi", True),
        ("1.5Gi", "1Gi", False),
        ("1G", "1Gi", True),
        ("100M", "0.1G", True),
        ("135e6", "128Mi", False),
        ("{{ .Values.memory }}", "1Gi", True),  # not a quantity: nothing to compare
    ],
)
def test_limits_compare_with_requests_across_suffixes(
    tmp_path: Path, request_: str, limit: str, fixed: bool
) -> None:
    source = BARE + f"        resources:\n          requests:\n            memory: {request_}\n"
    text, _ = fix(tmp_path, source, ("K8102",), {"memory-limit": limit})
    added = f"          limits:\n            memory: {limit}\n"
    assert text == (source + added if fixed else source)


@pytest.mark.parametrize(
    ("ports", "written"),
    [
        (
            "- containerPort: 9090\n  name: metrics\n- containerPort: 8080\n  name: http-api\n",
            "port: http-api",
        ),
        ("- containerPort: 6379\n- containerPort: 8080\n", "port: 8080"),
        ("- containerPort: 8500  # gRPC\n- containerPort: 8501  # REST\n", "port: 8501"),
        (
            "- containerPort: 53\n  protocol: UDP\n- containerPort: 8443\n",
            "port: 8443\n            scheme: HTTPS",
        ),
        ("- name: https\n  containerPort: 9443\n", "port: https\n            scheme: HTTPS"),
    ],
)
def test_the_probe_port_is_the_first_one_serving_http(
    tmp_path: Path, ports: str, written: str
) -> None:
    source = BARE.split("        ports:")[0] + "        ports:\n" + textwrap.indent(ports, " " * 8)
    text, _ = fix(tmp_path, source, ("K8103",), {"probe-path": "/healthz"})
    assert text == source + (
        f"        livenessProbe:\n          httpGet:\n            path: /healthz\n"
        f"            {written}\n"
    )


@pytest.mark.parametrize(
    "context",
    [
        # root written on purpose, at the pod or the container
        "      securityContext:\n        runAsUser: 0\n      containers:\n      - name: app\n",
        "      containers:\n      - name: app\n        securityContext:\n          runAsUser: 0\n",
        "      securityContext:\n        runAsNonRoot: false\n      containers:\n"
        "      - name: app\n",
        "      containers:\n      - name: app\n        securityContext:\n"
        "          runAsNonRoot: false\n",
        # flow style
        "      containers:\n      - name: app\n        securityContext: {runAsGroup: 5}\n",
    ],
)
def test_run_as_non_root_leaves_deliberate_root_and_flow_style_alone(
    tmp_path: Path, context: str
) -> None:
    source = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: p\nspec:\n  template:\n"
        "    spec:\n" + context + "        image: example/web:1.4.2\n"
    )
    text, result = fix(tmp_path, source, ("K8106",))
    assert text == source and result.fixed == []
    assert result.remaining is not None and len(result.remaining.findings) == 1


def test_explicit_booleans_are_the_authors_choice(tmp_path: Path) -> None:
    source = BARE + (
        "        securityContext:\n          readOnlyRootFilesystem: false\n"
        "          allowPrivilegeEscalation: true\n"
    )
    text, result = fix(tmp_path, source, ("K8107", "K8108"))
    assert text == source and result.fixed == []


def test_an_explicit_automount_true_needs_nothing(tmp_path: Path) -> None:
    source = BARE.replace("    spec:\n", "    spec:\n      automountServiceAccountToken: true\n")
    text, result = fix(tmp_path, source, ("K8129",))
    assert text == source and result.fixed == []


def test_objects_rendered_from_helm_templates_get_no_fix(tmp_path: Path) -> None:
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: web\nversion: 1.0.0\n")
    (chart / "values.yaml").write_text("image: example/web:1.4.2\n")
    (chart / "templates" / "deployment.yaml").write_text(
        BARE.replace("example/web:1.4.2", "{{ .Values.image }}")
    )
    config = Config(root=tmp_path, defaults=dict(DEFAULTS))
    report = run_engine([chart], select=ALL, config=config)
    found = [f for f in report.findings if f.code in ALL]
    if not found:
        pytest.skip("no Helm renderer available")
    assert all(f.fix is None for f in found)
    assert all("[tool.opslint.defaults]" not in f.message for f in found)
