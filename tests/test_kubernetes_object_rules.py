"""Per-object Kubernetes rules: exact locations, logical paths and odd-but-valid input."""

from __future__ import annotations

from pathlib import Path

from conftest import run_engine

MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      serviceAccountName: "default"
      securityContext:
        fsGroup: 0
      containers:
        - name: app
          image: example/web:1.4.2
          ports:
            - containerPort: 22
              hostPort: 2222
          securityContext:
            readOnlyRootFilesystem: false
            capabilities:
              drop: ["NET_RAW"]
      volumes:
        - name: docker
          hostPath:
            path: "/var/run/docker.sock"
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: operator
rules:
  - apiGroups: [""]
    resources: ["*"]
    verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: operator
roleRef:
  kind: ClusterRole
  name: cluster-admin
subjects:
  - kind: ServiceAccount
    name: operator
    namespace: shop
"""

CODES = (
    "K8107",
    "K8109",
    "K8112",
    "K8113",
    "K8118",
    "K8119",
    "K8124",
    "K8125",
    "K8127",
    "K8128",
    "K8129",
)


def findings(tmp_path: Path, text: str) -> set[tuple[str, int, int, int, str]]:
    path = tmp_path / "manifest.yaml"
    path.write_text(text, encoding="utf-8")
    report = run_engine([path], select=CODES, kind="kubernetes")
    return {
        (f.code, f.span.line, f.span.column, f.span.end_column, f.logical) for f in report.findings
    }


def test_exact_locations(tmp_path: Path) -> None:
    pod = "Deployment/shop/web"
    container = f"{pod}/container:app"
    assert findings(tmp_path, MANIFEST) == {
        ("K8113", 9, 28, 35, pod),
        ("K8128", 11, 18, 19, pod),
        ("K8127", 16, 30, 32, container),
        ("K8124", 17, 25, 29, container),
        ("K8107", 19, 37, 42, container),
        ("K8109", 21, 15, 19, container),
        ("K8125", 25, 20, 40, pod),  # K8112 steps back for the socket K8125 reports
        ("K8119", 33, 18, 19, "ClusterRole/default/operator"),
        ("K8118", 45, 11, 19, "ClusterRoleBinding/default/operator"),
        ("K8129", 8, 5, 10, pod),  # the template's `spec:`, where the missing key belongs
    }


def test_wrong_types_are_skipped(tmp_path: Path) -> None:
    odd = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: odd
spec:
  template:
    spec:
      serviceAccountName: 12
      automountServiceAccountToken: false
      securityContext: [1, 2]
      volumes: {hostPath: /}
      containers:
        - name: app
          ports: "22"
          securityContext:
            readOnlyRootFilesystem: true
            capabilities:
              drop: ALL
        - just-a-string
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: odd
rules:
  - verbs: "*"
    resources: [null, 3]
  - 7
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: odd
roleRef: cluster-admin
subjects: null
"""
    # only the container's capabilities (`drop` is not a list) are reported
    assert findings(tmp_path, odd) == {
        ("K8109", 13, 11, 20, "Deployment/default/odd/container:app"),
    }
