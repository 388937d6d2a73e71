"""`opslint new deploy`: rolling, blue-green and canary (Istio or NGINX) manifests and plans.

Every strategy is generated, compared byte for byte with its snapshot under
tests/data/generated/deploy/<case>/, its core objects validated against the newest
Kubernetes schema kubernetes-validate ships, the Istio objects checked field by field, and
every rule run over it. `OPSLINT_UPDATE_SNAPSHOTS=1` rewrites the snapshots instead.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import compare_snapshot, run_engine

from opslint.cli import main
from opslint.config import Config

SNAPSHOTS = Path(__file__).parent / "data" / "generated" / "deploy"
IMAGE = "ghcr.io/acme/shop:1.4.2"
DIGEST = "sha256:" + "3f" * 32
ISTIO_KINDS = ("DestinationRule", "VirtualService")

CASES: dict[str, tuple[list[str], list[str]]] = {
    # (flags, codes expected from `check --select ALL`)
    # IM002 (digest pin) is expected once per Deployment whose image is given by tag only:
    # the digest of an image exists only once it is built and pushed.
    "rolling": (["--strategy", "rolling", "--image", IMAGE], ["IM002"]),
    "rolling-digest": (
        ["--strategy", "rolling", "--image", f"{IMAGE}@{DIGEST}", "--replicas", "4"],
        [],
    ),
    "blue-green": (["--strategy", "blue-green", "--image", IMAGE], ["IM002", "IM002"]),
    "canary-istio": (
        ["--strategy", "canary", "--mesh", "istio", "--image", IMAGE, "--namespace", "prod"],
        ["IM002", "IM002"],
    ),
    "canary-nginx": (
        [
            "--strategy",
            "canary",
            "--mesh",
            "nginx",
            "--image",
            IMAGE,
            "--host",
            "shop.acme.dev",
            "--secret-env",
            "DATABASE_URL=shop-db/url",
        ],
        ["IM002", "IM002"],
    ),
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "package.json").write_text(json.dumps({"name": "shop"}), encoding="utf-8")
    return tmp_path


def objects_of(folder: Path) -> list[dict[str, Any]]:
    return [
        document
        for path in sorted(folder.glob("*.yaml"))
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8"))
        if document
    ]


@pytest.mark.parametrize("case", sorted(CASES))
def test_generated_strategy(project: Path, case: str) -> None:
    kubernetes_validate = pytest.importorskip(
        "kubernetes_validate", reason="kubernetes-validate is not installed"
    )
    from kubernetes_validate.utils import latest_version

    flags, expected = CASES[case]
    assert main(["new", "deploy", *flags]) == 0
    folder = project / "deploy"
    compare_snapshot(folder, SNAPSHOTS / case)
    strategy = flags[1]
    assert (folder / f"shop-{strategy}-plan.md").is_file()
    for obj in objects_of(folder):
        if obj["kind"] not in ISTIO_KINDS:
            kubernetes_validate.validate(obj, latest_version(), strict=True)
    report = run_engine([folder], select=("ALL",), config=Config(root=project))
    assert sorted(f.code for f in report.findings) == expected


def test_blue_green_switches_the_service_by_slot(project: Path) -> None:
    assert main(["new", "deploy", *CASES["blue-green"][0]]) == 0
    objects = objects_of(project / "deploy")
    deployments = {o["metadata"]["name"]: o for o in objects if o["kind"] == "Deployment"}
    assert sorted(deployments) == ["shop-blue", "shop-green"]
    for slot in ("blue", "green"):
        labels = deployments[f"shop-{slot}"]["spec"]["template"]["metadata"]["labels"]
        assert labels == {"app.kubernetes.io/name": "shop", "slot": slot}
    services = {
        o["metadata"]["name"]: o["spec"]["selector"] for o in objects if o["kind"] == "Service"
    }
    assert services == {
        "shop": {"app.kubernetes.io/name": "shop", "slot": "blue"},
        "shop-preview": {"app.kubernetes.io/name": "shop", "slot": "green"},
    }
    plan = (project / "deploy" / "shop-blue-green-plan.md").read_text(encoding="utf-8")
    assert (
        "`kubectl --namespace shop patch service shop --type merge "
        """-p '{"spec":{"selector":{"slot":"blue"}}}'`"""
    ) in plan


def test_canary_istio_routes_by_weight(project: Path) -> None:
    assert main(["new", "deploy", *CASES["canary-istio"][0]]) == 0
    objects = objects_of(project / "deploy")
    by_kind = {o["kind"]: o for o in objects if o["kind"] in ISTIO_KINDS}
    service = by_kind["VirtualService"]
    assert service["apiVersion"] == "networking.istio.io/v1"
    assert service["metadata"] == {
        "name": "shop",
        "namespace": "prod",
        "labels": {"app.kubernetes.io/name": "shop"},
    }
    assert service["spec"]["hosts"] == ["shop"]
    routes = service["spec"]["http"][0]["route"]
    assert [
        (r["destination"]["host"], r["destination"]["subset"], r["weight"]) for r in routes
    ] == [
        ("shop", "stable", 100),
        ("shop", "canary", 0),
    ]
    rule = by_kind["DestinationRule"]
    assert rule["spec"]["host"] == "shop"
    assert rule["spec"]["subsets"] == [
        {"name": "stable", "labels": {"track": "stable"}},
        {"name": "canary", "labels": {"track": "canary"}},
    ]
    tracks = {
        o["metadata"]["name"]: o["spec"]["template"]["metadata"]["labels"]["track"]
        for o in objects
        if o["kind"] == "Deployment"
    }
    assert tracks == {"shop-stable": "stable", "shop-canary": "canary"}
    plan = (project / "deploy" / "shop-canary-plan.md").read_text(encoding="utf-8")
    for weight in (5, 25, 50, 100):
        patched = json.dumps(
            {
                "spec": {
                    "http": [
                        {
                            "route": [
                                {
                                    "destination": {"host": "shop", "subset": "stable"},
                                    "weight": 100 - weight,
                                },
                                {
                                    "destination": {"host": "shop", "subset": "canary"},
                                    "weight": weight,
                                },
                            ]
                        }
                    ]
                }
            },
            separators=(",", ":"),
        )
        assert f"--type merge -p '{patched}'" in plan


def test_canary_nginx_plan_steps_and_rollbacks(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flags = CASES["canary-nginx"][0]
    assert main(["new", "deploy", "--dry-run", *flags]) == 0
    shown = capsys.readouterr().out
    assert "--- deploy/shop-canary-plan.md\n# shop: canary (nginx) plan\n" in shown
    assert main(["new", "deploy", *flags]) == 0
    folder = project / "deploy"
    ingresses = {o["metadata"]["name"]: o for o in objects_of(folder) if o["kind"] == "Ingress"}
    canary = ingresses["shop-canary"]["metadata"]["annotations"]
    assert canary == {
        "nginx.ingress.kubernetes.io/canary": "true",
        "nginx.ingress.kubernetes.io/canary-weight": "0",
    }
    assert "annotations" not in ingresses["shop"]["metadata"]
    for ingress in ingresses.values():
        assert ingress["spec"]["tls"] == [{"hosts": ["shop.acme.dev"], "secretName": "shop-tls"}]
    plan = (folder / "shop-canary-plan.md").read_text(encoding="utf-8")
    steps = re.findall(r"- Do: send (\d+)% of the traffic", plan)
    assert steps == ["5", "25", "50", "100"]
    undo = (
        "- Roll back: `kubectl --namespace shop patch ingress shop-canary --type merge -p "
        """'{"metadata":{"annotations":{"nginx.ingress.kubernetes.io/canary-weight":"0"}}}'`"""
    )
    assert plan.count(undo) == 4
    assert plan.count('http_requests_total{job="shop",track="canary",code=~"5.."}') == 4
    assert plan.count("http_request_duration_seconds_bucket{") == 5


def test_rolling_strategy_is_tuned(project: Path) -> None:
    assert main(["new", "deploy", *CASES["rolling"][0]]) == 0
    deployment = next(o for o in objects_of(project / "deploy") if o["kind"] == "Deployment")
    assert deployment["spec"]["replicas"] == 3
    assert deployment["spec"]["strategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0},
    }
    plan = (project / "deploy" / "shop-rolling-plan.md").read_text(encoding="utf-8")
    assert "`kubectl --namespace shop rollout undo deployment/shop`" in plan


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--strategy", "big-bang", "--image", IMAGE], "--strategy takes rolling"),
        (["--strategy", "canary", "--mesh", "linkerd", "--image", IMAGE], "--mesh takes istio"),
        (["--image", IMAGE, "--replicas", "1"], "--replicas must be 2 or more"),
        (["--strategy", "canary"], "--image is required"),
    ],
)
def test_bad_options_exit_2(
    project: Path, capsys: pytest.CaptureFixture[str], flags: list[str], message: str
) -> None:
    assert main(["new", "deploy", *flags]) == 2
    assert message in capsys.readouterr().err
