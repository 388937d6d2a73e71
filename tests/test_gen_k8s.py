"""`opslint new k8s`, and the K8115/K8117 fixes that write the same manifests.

Every option set is generated, compared byte for byte with its snapshot under
tests/data/generated/k8s/<case>/, validated against the newest Kubernetes schema that
kubernetes-validate ships, and checked with every rule. `OPSLINT_UPDATE_SNAPSHOTS=1`
rewrites the snapshots instead of comparing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import compare_snapshot, run_engine

from opslint.cli import main
from opslint.config import Config

SNAPSHOTS = Path(__file__).parent / "data" / "generated" / "k8s"
IMAGE = "ghcr.io/acme/shop:1.4.2"
DIGEST = "sha256:" + "3f" * 32

CASES: dict[str, tuple[list[str], list[str]]] = {
    # (flags, codes expected from `check --select ALL`)
    # IM002 (digest pin) is expected whenever the image is given by tag only: the digest
    # of an image exists only once it is built and pushed, so it cannot be generated.
    "default": (["--image", IMAGE], ["IM002"]),
    "secrets": (
        [
            "--image",
            IMAGE,
            "--namespace",
            "payments",
            "--port",
            "3000",
            "--secret-env",
            "DATABASE_URL=shop-db/url,API_TOKEN=shop-api/token",
            "--allow-from-namespace",
            "ingress-nginx",
            "--min-replicas",
            "3",
            "--max-replicas",
            "6",
            "--cpu-limit",
            "1",
            "--memory-limit",
            "512Mi",
        ],
        ["IM002"],
    ),
    "digest": (["--image", f"{IMAGE}@{DIGEST}", "--probe-path", "/livez"], []),
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "package.json").write_text(json.dumps({"name": "shop"}), encoding="utf-8")
    return tmp_path


def documents(folder: Path) -> list[dict[str, Any]]:
    return [
        document
        for path in sorted(folder.rglob("*.yaml"))
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8"))
        if document
    ]


def validate(objects: list[dict[str, Any]]) -> None:
    """Every object against the newest strict schema kubernetes-validate ships."""
    kubernetes_validate = pytest.importorskip(
        "kubernetes_validate", reason="kubernetes-validate is not installed"
    )
    from kubernetes_validate.utils import latest_version

    version = latest_version()
    for obj in objects:
        kubernetes_validate.validate(obj, version, strict=True)


@pytest.mark.parametrize("case", sorted(CASES))
def test_generated_manifests(project: Path, case: str) -> None:
    flags, expected = CASES[case]
    assert main(["new", "k8s", *flags]) == 0
    folder = project / "k8s"
    compare_snapshot(folder, SNAPSHOTS / case)
    objects = documents(folder)
    assert sorted(o["kind"] for o in objects) == [
        "Deployment",
        "HorizontalPodAutoscaler",
        "NetworkPolicy",
        "NetworkPolicy",
        "PodDisruptionBudget",
        "Service",
        "ServiceAccount",
    ]
    validate(objects)
    report = run_engine([folder], select=("ALL",), config=Config(root=project))
    assert sorted(f.code for f in report.findings) == expected


def test_hardening_and_secrets(project: Path) -> None:
    assert main(["new", "k8s", *CASES["secrets"][0]]) == 0
    folder = project / "k8s"
    deployment = yaml.safe_load((folder / "shop-deployment.yaml").read_text(encoding="utf-8"))
    pod = deployment["spec"]["template"]["spec"]
    assert deployment["metadata"]["namespace"] == "payments"
    assert pod["securityContext"] == {
        "runAsNonRoot": True,
        "runAsUser": 10001,
        "runAsGroup": 10001,
        "fsGroup": 10001,
        "seccompProfile": {"type": "RuntimeDefault"},
    }
    container = pod["containers"][0]
    assert container["securityContext"]["capabilities"] == {"drop": ["ALL"]}
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert container["volumeMounts"] == [{"name": "tmp", "mountPath": "/tmp"}]
    assert pod["volumes"][0]["emptyDir"] == {"sizeLimit": "64Mi"}
    assert container["env"] == [
        {"name": "API_TOKEN", "valueFrom": {"secretKeyRef": {"name": "shop-api", "key": "token"}}},
        {"name": "DATABASE_URL", "valueFrom": {"secretKeyRef": {"name": "shop-db", "key": "url"}}},
    ]
    assert container["ports"] == [{"name": "http", "containerPort": 3000, "protocol": "TCP"}]
    assert set(container) >= {"startupProbe", "livenessProbe", "readinessProbe"}
    assert container["resources"]["limits"] == {"cpu": "1", "memory": "512Mi"}
    account = yaml.safe_load((folder / "shop-serviceaccount.yaml").read_text(encoding="utf-8"))
    assert account["automountServiceAccountToken"] is False
    hpa = yaml.safe_load((folder / "shop-hpa.yaml").read_text(encoding="utf-8"))
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (3, 6)
    assert hpa["spec"]["behavior"]["scaleDown"]["stabilizationWindowSeconds"] == 300
    allow = yaml.safe_load((folder / "shop-networkpolicy.yaml").read_text(encoding="utf-8"))
    assert allow["spec"]["ingress"] == [
        {
            "from": [
                {
                    "namespaceSelector": {
                        "matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}
                    }
                }
            ],
            "ports": [{"port": "http", "protocol": "TCP"}],
        }
    ]


def test_output_is_deterministic(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    flags = CASES["secrets"][0]
    assert main(["new", "k8s", "--dry-run", *flags]) == 0
    first = capsys.readouterr().out
    assert main(["new", "k8s", "--dry-run", *flags]) == 0
    assert capsys.readouterr().out == first
    assert first.startswith("--- k8s/payments-default-deny.yaml\n")


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        ([], "--image is required"),
        (["--image", "nginx"], "has no tag"),
        (["--image", "nginx:latest"], "`latest` is not a version"),
        (["--image", "nginx:1.27@sha256:3f3f"], "a digest is written @sha256: and 64"),
        (["--image", IMAGE, "--min-replicas", "1"], "--min-replicas must be 2 or more"),
        (["--image", IMAGE, "--max-replicas", "1"], "--max-replicas must not be below"),
        (["--image", IMAGE, "--secret-env", "TOKEN=oops"], "NAME=secret/key"),
        (["--image", IMAGE, "--cpu-request", "lots"], "--cpu-request takes a quantity"),
        (["--image", IMAGE, "--probe-path", "healthz"], "--probe-path takes an absolute"),
        (["--image", IMAGE, "--port", "70000"], "--port must lie between"),
    ],
)
def test_bad_options_exit_2(
    project: Path, capsys: pytest.CaptureFixture[str], flags: list[str], message: str
) -> None:
    assert main(["new", "k8s", *flags]) == 2
    assert message in capsys.readouterr().err


DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
        tier: front
    spec:
      containers:
        - name: web
          image: nginx:1.27.3
"""


def test_fix_writes_the_budget_and_the_default_deny_and_converges(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from opslint.generators.k8s import default_deny_manifest, pdb_manifest

    (project / "app").mkdir()
    (project / "app" / "web.yaml").write_text(DEPLOYMENT, encoding="utf-8")
    before = run_engine([project / "app"], select=("K8115", "K8117"), config=Config(root=project))
    assert [(f.code, f.span.line, f.fix is not None) for f in before.findings] == [
        ("K8115", 2, True),
        ("K8117", 2, True),
    ]
    select = ["--isolated", "--select", "K8115,K8117"]
    assert main(["fix", *select, "app"]) == 0
    out = capsys.readouterr().out
    assert "write app/web-pdb.yaml" in out
    assert "write app/shop-default-deny.yaml" in out
    budget = (project / "app" / "web-pdb.yaml").read_text(encoding="utf-8")
    assert budget == pdb_manifest("web", "shop", {"app": "web"})
    deny = (project / "app" / "shop-default-deny.yaml").read_text(encoding="utf-8")
    assert deny == default_deny_manifest("shop")
    assert main(["check", *select, "app"]) == 0
    # the file is recognised even when only the Deployment's file is checked
    assert main(["check", *select, "app/web.yaml"]) == 0
    # a second fix run changes nothing
    assert main(["fix", *select, "app"]) == 0
    assert "fixed" not in capsys.readouterr().out.split("\n")[0]
    assert (project / "app" / "web-pdb.yaml").read_text(encoding="utf-8") == budget


STATEFUL_AND_LEGACY = """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: zk
  namespace: data
spec:
  replicas: 3
  serviceName: zk
  selector:
    matchLabels:
      app: zk
  template:
    metadata:
      labels:
        app: zk
        release: stable
    spec:
      containers:
        - name: zk
          image: zookeeper:3.9.2
---
apiVersion: v1
kind: ReplicationController
metadata:
  name: legacy
spec:
  replicas: 2
  selector:
    app: legacy
  template:
    metadata:
      labels:
        app: legacy
        tier: back
    spec:
      containers:
        - name: legacy
          image: nginx:1.27.3
"""


def test_fix_writes_a_budget_for_each_replicated_kind(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from opslint.generators.k8s import pdb_manifest

    (project / "app").mkdir()
    (project / "app" / "data.yaml").write_text(STATEFUL_AND_LEGACY, encoding="utf-8")
    before = run_engine([project / "app"], select=("K8115",), config=Config(root=project))
    assert [(f.message, f.span.line, f.fix is not None) for f in before.findings] == [
        (
            "StatefulSet `zk` runs 3 replicas but no PodDisruptionBudget in namespace `data` "
            "selects its pods: add one",
            2,
            True,
        ),
        (
            "ReplicationController `legacy` runs 2 replicas but no PodDisruptionBudget in "
            "namespace `default` selects its pods: add one",
            23,
            True,
        ),
    ]
    assert main(["fix", "--isolated", "--select", "K8115", "app"]) == 0
    assert "write app/zk-pdb.yaml" in capsys.readouterr().out
    # each budget selects what the workload's own selector selects
    written = (project / "app" / "zk-pdb.yaml").read_text(encoding="utf-8")
    assert written == pdb_manifest("zk", "data", {"app": "zk"})
    written = (project / "app" / "legacy-pdb.yaml").read_text(encoding="utf-8")
    assert written == pdb_manifest("legacy", None, {"app": "legacy"})
    assert main(["check", "--isolated", "--select", "K8115", "app"]) == 0


def test_fix_never_overwrites_an_unrelated_file(project: Path) -> None:
    (project / "app").mkdir()
    (project / "app" / "web.yaml").write_text(DEPLOYMENT, encoding="utf-8")
    (project / "app" / "web-pdb.yaml").write_text("# notes\n", encoding="utf-8")
    report = run_engine([project / "app"], select=("K8115",), config=Config(root=project))
    assert [(f.code, f.fix) for f in report.findings] == [("K8115", None)]


def test_rendered_helm_objects_get_no_fix(project: Path) -> None:
    pytest.importorskip("helm_python", reason="the Helm SDK (helm-python) is not installed")
    assert main(["new", "helm-chart", "--image", IMAGE]) == 0
    chart = project / "charts" / "shop"
    (chart / "templates" / "pdb.yaml").unlink()
    (chart / "templates" / "networkpolicy.yaml").unlink()
    report = run_engine([chart], select=("K8115", "K8117"), config=Config(root=project))
    found = sorted({(f.code, f.fix) for f in report.findings})
    assert found == [("K8115", None), ("K8117", None)]
