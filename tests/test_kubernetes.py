"""The Kubernetes parser: objects, pod specs, containers, suppressions, exact locations."""

from __future__ import annotations

from pathlib import Path

from conftest import run_engine

from opslint.model.base import Span
from opslint.model.kubernetes import KubernetesFile
from opslint.model.source import SourceFile
from opslint.parsers.kubernetes import parse_kubernetes

TEXT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels:
    app: web
  annotations:
    opslint.io/ignore: "K8103, K8104"
spec:
  template:
    spec:
      hostNetwork: true
      securityContext:
        runAsNonRoot: true
      initContainers:
        - name: wait
          image: busybox:1.36
      containers:
        - name: app
          image: "example/web:{{ .Values.tag }}"
          env:
            - name: PLAIN
              value: hello
            - name: FROM_SECRET
              valueFrom:
                secretKeyRef: {name: s, key: k}
            - name: DEPENDENT
              value: $(PLAIN)
          livenessProbe:
            tcpSocket: {port: 80}
          ports:
            - containerPort: 80
---
# a comment-only document, then a stray value
---
just a string
---
apiVersion: v1
kind: List
items:
  - apiVersion: batch/v1
    kind: CronJob
    metadata:
      name: nightly
    spec:
      jobTemplate:
        spec:
          template:
            spec:
              restartPolicy: OnFailure
              containers:
                - image: example/report:1.0.0
                  name: report
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: settings
---
apiVersion: apps.openshift.io/v1
kind: DeploymentConfig
metadata:
  name: legacy
spec:
  template:
    spec:
      ephemeralContainers:
        - name: debug
          image: busybox:latest
"""


def parse(text: str = TEXT) -> KubernetesFile:
    return parse_kubernetes(SourceFile(Path("k.yaml"), "k.yaml", text=text))


def test_objects_and_list_items() -> None:
    k8s = parse()
    assert [o.logical for o in k8s.manifests] == [
        "Deployment/shop/web",
        "CronJob/default/nightly",
        "ConfigMap/default/settings",
        "DeploymentConfig/default/legacy",
    ]
    web = k8s.manifests[0]
    assert (web.first_line, web.last_line) == (1, 33)
    assert web.labels == {"app": "web"}
    assert web.annotations == {"opslint.io/ignore": "K8103, K8104"}
    nightly = k8s.manifests[1]
    assert (nightly.first_line, nightly.last_line) == (42, 54)
    assert k8s.manifests[2].pod_spec is None


def test_pod_specs_and_containers() -> None:
    k8s = parse()
    pod = k8s.manifests[0].pod_spec
    assert pod is not None
    assert pod.span == Span("k.yaml", 12, 5, 12, 10)  # the template's `spec:`, not `hostNetwork`
    assert pod.host_network is not None and pod.host_network.span == Span("k.yaml", 13, 20, 13, 24)
    assert pod.security_context is not None
    (app,) = pod.containers
    (wait,) = pod.init_containers
    assert app.span == Span("k.yaml", 20, 11, 20, 20)
    assert app.logical == "Deployment/shop/web/container:app"
    assert wait.role == "initContainer" and wait.span.line == 17
    assert set(app.probes) == {"livenessProbe"}
    assert [p.span.line for p in app.ports] == [33]
    assert app.image is not None and app.image.dynamic
    assert app.image.span == Span("k.yaml", 21, 19, 21, 48)
    cron = k8s.manifests[1].pod_spec
    assert cron is not None and cron.runs_to_completion
    assert cron.span == Span("k.yaml", 50, 13, 50, 18)
    (report,) = cron.containers
    # the `name` entry, not the container's first key (`- image:` on line 53)
    assert report.name == "report" and report.span == Span("k.yaml", 54, 19, 54, 31)
    legacy = k8s.manifests[3].pod_spec
    assert legacy is not None and [c.role for c in legacy.all_containers()] == [
        "ephemeralContainer"
    ]
    assert [i.origin for i in k8s.images] == [
        "container",
        "initContainer",
        "container",
        "ephemeralContainer",
    ]


def test_bare_pod_and_nameless_container_anchors() -> None:
    k8s = parse(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostPID: true\n"
        "  containers:\n    - image: a:1\n      command: [x]\n"
    )
    pod = k8s.manifests[0].pod_spec
    assert pod is not None and pod.span == Span("k.yaml", 4, 1, 4, 6)
    (nameless,) = pod.containers
    assert nameless.name == "0" and nameless.span == Span("k.yaml", 7, 7, 7, 17)


def test_env_values() -> None:
    env = {e.name: e for e in parse().env_vars}
    assert env["PLAIN"].value == "hello" and not env["PLAIN"].reference
    assert env["PLAIN"].span == Span("k.yaml", 23, 21, 23, 26)
    assert env["PLAIN"].value_span == Span("k.yaml", 24, 22, 24, 27)
    assert env["FROM_SECRET"].value is None
    assert env["FROM_SECRET"].value_span == Span("k.yaml", 26, 15, 26, 24)
    assert env["DEPENDENT"].reference


def test_annotation_suppressions() -> None:
    (suppression,) = parse().scoped_suppressions()
    assert suppression.codes == ("K8103", "K8104")
    assert suppression.span == Span("k.yaml", 9, 24, 9, 38)
    assert (suppression.first_line, suppression.last_line, suppression.scope) == (1, 33, "object")


def test_odd_input_never_raises() -> None:
    for text in (
        "",
        "apiVersion: v1\nkind: Pod\nspec: 3\n",
        "apiVersion: v1\nkind: Pod\nspec:\n  containers: [1, null, {name: 3}]\n",
        "apiVersion: v1\nkind: List\nitems: [1, {kind: Pod}]\n",
        "apiVersion: v1\nkind: 3\n",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: [x]\nspec: {template: {spec: null}}\n",
        "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n"
        "    - name: a\n      env: [1, {name: null}]\n",
    ):
        parse(text)


def test_many_documents_keep_their_own_trees() -> None:
    one = "apiVersion: v1\nkind: Pod\nmetadata: {name: p%d}\nspec:\n  containers:\n    - name: c\n"
    k8s = parse("---\n".join(one % n for n in range(30)))
    assert [o.name for o in k8s.manifests] == [f"p{n}" for n in range(30)]


def test_annotation_suppresses_findings(tmp_path: Path) -> None:
    path = tmp_path / "deploy.yaml"
    path.write_text(TEXT)
    report = run_engine([path], select=("K8103", "K8104", "K8111"))
    assert [(f.code, f.span.line) for f in report.findings] == [("K8111", 13)]
    assert {f.code for f in report.suppressed} == {"K8104"}
