"""The run-wide index of Kubernetes objects, and where the cross-object rules report."""

from __future__ import annotations

from pathlib import Path

from conftest import ROOT, run_engine

from opslint.config import Config
from opslint.engine.runner import Session
from opslint.indexes.kubernetes import index_of
from opslint.model.kubernetes import K8sObject
from opslint.plugins import PluginManager
from opslint.run import Run
from opslint.severity import Severity

FIXTURES = ROOT / "tests" / "rules"


def collect(*paths: Path) -> Run:
    """The run state a run over `paths` builds, without running rules."""
    config = Config(root=Path.cwd())
    plugins = PluginManager()
    plugins.load(disabled=config.disable_plugins)
    session = Session(config, plugins)
    run = Run(config, session.load)
    session.collect(list(paths), run)
    return run


def test_helm_renders_are_grouped_by_values_set() -> None:
    index = index_of(collect(FIXTURES / "K8114" / "bad-chart"))
    assert index.plain == []
    kinds = sorted(sorted(obj.kind for obj in render) for render in index.renders)
    assert kinds == [
        ["Deployment", "HorizontalPodAutoscaler", "Service"],
        ["Deployment", "Service"],
    ]
    for render in index.renders:
        for obj in render:
            assert index.visible(obj) == render


PLAIN_OBJECTS = """\
apiVersion: v1
kind: Service
metadata:
  name: plain
spec:
  selector:
    app: release-name
---
apiVersion: v1
kind: Service
metadata:
  name: elsewhere
  namespace: other
spec:
  selector:
    app: release-name
"""


def test_lookups_see_the_plain_objects_and_their_own_render(tmp_path: Path) -> None:
    (tmp_path / "plain.yaml").write_text(PLAIN_OBJECTS, encoding="utf-8")
    index = index_of(collect(FIXTURES / "K8114" / "bad-chart", tmp_path / "plain.yaml"))
    plain_service = next(obj for obj in index.plain if obj.name == "plain")
    every_service = [plain_service, *(o for r in index.renders for o in r if o.kind == "Service")]
    assert len(every_service) == 3
    # a plain object sees every render; a rendered one the plain objects and its own render
    assert list(index.peers(plain_service, "Service")) == every_service[1:]
    for render in index.renders:
        deployment = next(obj for obj in render if obj.kind == "Deployment")
        own = [obj for obj in render if obj.kind == "Service"]
        assert list(index.peers(deployment, "Service")) == [plain_service, *own]
        found = index.lookup(deployment, "kind", lambda obj: [obj.kind], "Service")
        assert len(found) == 2 and bool(found) and found[1] is own[0]
        kinds = [obj.kind for obj in index.peers(deployment, "Service", "HorizontalPodAutoscaler")]
        assert kinds == ["Service", *(obj.kind for obj in render if obj.kind != "Deployment")]


def test_scopes_test_each_object_once(tmp_path: Path) -> None:
    (tmp_path / "plain.yaml").write_text(PLAIN_OBJECTS, encoding="utf-8")
    index = index_of(collect(FIXTURES / "K8114" / "bad-chart", tmp_path / "plain.yaml"))
    tested: list[str] = []

    def autoscaler(obj: K8sObject) -> bool:
        tested.append(obj.name)
        return obj.kind == "HorizontalPodAutoscaler"

    scopes = list(index.scopes(autoscaler))
    assert len(tested) == len(list(index.all()))
    assert scopes[0] == (index.plain, {"default"})  # the plain objects see every render
    with_autoscaler = ["HorizontalPodAutoscaler" in {o.kind for o in r} for r in index.renders]
    assert [covered for _, covered in scopes[1:]] == [
        {"default"} if has else set() for has in with_autoscaler
    ]
    assert sorted(with_autoscaler) == [False, True]


def test_kustomization_namespace_and_patches(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
        "namespace: shop\nresources:\n  - app.yaml\npatches:\n  - path: patch.yaml\n",
        encoding="utf-8",
    )
    (tmp_path / "app.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: x\n",
        encoding="utf-8",
    )
    (tmp_path / "patch.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n", encoding="utf-8"
    )
    (tmp_path / "other.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n", encoding="utf-8"
    )
    index = index_of(collect(tmp_path))
    by_file = {Path(obj.span.path).name: obj for obj in index.all()}
    assert index.namespace_of(by_file["app.yaml"]) == "shop"
    assert index.namespace_of(by_file["other.yaml"]) == "default"
    assert "patch.yaml" not in by_file
    patch = next(iter(index.patches))
    assert Path(patch.span.path).name == "patch.yaml"
    assert index.is_patch(patch)


def test_cross_object_locations() -> None:
    report = run_engine([FIXTURES / "K8120" / "bad.k8s.yaml"], select=("K8120",), kind="kubernetes")
    found = {(f.span.line, f.span.column, f.span.end_column, f.severity) for f in report.findings}
    assert found == {
        (10, 7, 15, Severity.ERROR),  # `app: web` in matchLabels
        (31, 9, 18, Severity.ERROR),  # `key: tier` of the expression
        (51, 5, 19, Severity.ERROR),  # `app: legacy-v1`
        (68, 3, 11, Severity.WARNING),  # the dangling Service's `selector` key
    }
    logical = {f.logical for f in report.findings}
    assert "Service/default/frontend" in logical


def test_replicas_and_hpa_locations() -> None:
    report = run_engine([FIXTURES / "K8116" / "bad.k8s.yaml"], select=("K8116",), kind="kubernetes")
    spans = sorted((f.span.line, f.span.column, f.span.end_column) for f in report.findings)
    assert spans[:3] == [(18, 1, 5), (18, 1, 5), (23, 11, 14)]  # `spec`, `spec`, `wbe`
    report = run_engine([FIXTURES / "K8114" / "bad.k8s.yaml"], select=("K8114",), kind="kubernetes")
    spans = sorted((f.span.line, f.span.column, f.span.end_column) for f in report.findings)
    assert spans[:2] == [(7, 1, 5), (37, 13, 14)]  # `spec:` key; the `1` of replicas
