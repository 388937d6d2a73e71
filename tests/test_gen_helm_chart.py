"""`opslint new helm-chart`: snapshots, real renders with the Helm SDK, schema validation
of every rendered object, `helm lint`, and every rule on the chart as opslint renders it.

`OPSLINT_UPDATE_SNAPSHOTS=1` rewrites the snapshots under
tests/data/generated/helm-chart/<case>/ instead of comparing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import compare_snapshot, run_engine

from opslint.cli import main
from opslint.config import Config, HelmSettings

SNAPSHOTS = Path(__file__).parent / "data" / "generated" / "helm-chart"
IMAGE = "ghcr.io/acme/shop:1.4.2"
DIGEST = "sha256:" + "3f" * 32
VALUES = ("values.yaml", "values-staging.yaml", "values-production.yaml")

CASES: dict[str, tuple[list[str], list[str]]] = {
    # (flags, codes expected from `check --select ALL` over every values file)
    # IM002 (digest pin) is expected whenever the image is given by tag only: the digest
    # of an image exists only once it is built and pushed, so it cannot be generated.
    "default": (["--image", IMAGE], ["IM002"]),
    "options": (
        [
            "--image",
            IMAGE,
            "--name",
            "storefront",
            "--chart-version",
            "1.2.0",
            "--port",
            "3000",
            "--domain",
            "shop.acme.dev",
            "--secret-env",
            "DATABASE_URL=shop-db/url",
            "--allow-from-namespace",
            "ingress-nginx",
        ],
        ["IM002"],
    ),
    "digest": (["--image", f"{IMAGE}@{DIGEST}"], []),
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "package.json").write_text(json.dumps({"name": "shop"}), encoding="utf-8")
    return tmp_path


def render(chart: Path, values_file: str, namespace: str) -> list[dict[str, Any]]:
    """The objects the Helm SDK renders from the chart with one values file."""
    helm_python = pytest.importorskip(
        "helm_python", reason="the Helm SDK (helm-python) is not installed"
    )
    values = yaml.safe_load((chart / values_file).read_text(encoding="utf-8"))
    with helm_python.Chart.load(str(chart)) as loaded:
        rendered: dict[str, str] = loaded.render(values, name=chart.name, namespace=namespace)
    return [
        document
        for name, text in sorted(rendered.items())
        if name.endswith(".yaml")
        for document in yaml.safe_load_all(text)
        if document
    ]


@pytest.mark.parametrize("case", sorted(CASES))
def test_generated_chart(project: Path, case: str) -> None:
    kubernetes_validate = pytest.importorskip(
        "kubernetes_validate", reason="kubernetes-validate is not installed"
    )
    from kubernetes_validate.utils import latest_version

    flags, expected = CASES[case]
    assert main(["new", "helm-chart", *flags]) == 0
    name = "storefront" if case == "options" else "shop"
    chart = project / "charts" / name
    compare_snapshot(chart, SNAPSHOTS / case)
    for values_file in VALUES:
        objects = render(chart, values_file, name)
        assert sorted(o["kind"] for o in objects) == [
            "Deployment",
            "HorizontalPodAutoscaler",
            "Ingress",
            "NetworkPolicy",
            "NetworkPolicy",
            "PodDisruptionBudget",
            "Service",
            "ServiceAccount",
        ]
        for obj in objects:
            kubernetes_validate.validate(obj, latest_version(), strict=True)
            assert obj["metadata"]["namespace"] == name
    # opslint renders the chart itself, with values.yaml and each values-*.yaml, in the
    # namespace the chart is installed to (K8126 judges objects in that namespace)
    config = Config(root=project, helm=HelmSettings(namespace=name, renderer="sdk"))
    report = run_engine([chart], select=("ALL",), config=config)
    assert sorted({f.code for f in report.findings}) == expected
    assert not any("not rendered" in note or "not checked" in note for note in report.notes)


def test_helm_lint_is_clean(project: Path) -> None:
    helm_python = pytest.importorskip(
        "helm_python", reason="the Helm SDK (helm-python) is not installed"
    )
    assert main(["new", "helm-chart", *CASES["options"][0]]) == 0
    result = helm_python.lint(str(project / "charts" / "storefront"), strict=True)
    assert result["errors"] == []
    assert [m for m in result["messages"] if m["severity"] >= 2] == []


def test_stages_differ_where_they_should(project: Path) -> None:
    assert main(["new", "helm-chart", *CASES["default"][0]]) == 0
    chart = project / "charts" / "shop"
    staging, production = (render(chart, f, "shop") for f in VALUES[1:])

    def pick(objects: list[dict[str, Any]], kind: str) -> dict[str, Any]:
        return next(o for o in objects if o["kind"] == kind)

    assert pick(staging, "HorizontalPodAutoscaler")["spec"]["minReplicas"] == 2
    assert pick(production, "HorizontalPodAutoscaler")["spec"]["minReplicas"] == 3
    ingress = pick(staging, "Ingress")["spec"]
    assert ingress["tls"] == [{"hosts": ["shop.staging.example.com"], "secretName": "shop-tls"}]
    assert ingress["rules"][0]["host"] == "shop.staging.example.com"
    resources = pick(production, "Deployment")["spec"]["template"]["spec"]["containers"][0]
    assert resources["resources"]["limits"] == {"cpu": "1000m", "memory": "512Mi"}
    chart_yaml = yaml.safe_load((chart / "Chart.yaml").read_text(encoding="utf-8"))
    assert (chart_yaml["apiVersion"], chart_yaml["version"], chart_yaml["appVersion"]) == (
        "v2",
        "0.1.0",
        "1.4.2",
    )


def test_values_schema_rejects_bad_values(project: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is not installed")
    assert main(["new", "helm-chart", *CASES["default"][0]]) == 0
    chart = project / "charts" / "shop"
    schema = json.loads((chart / "values.schema.json").read_text(encoding="utf-8"))
    values = yaml.safe_load((chart / "values.yaml").read_text(encoding="utf-8"))
    jsonschema.validate(values, schema)
    values["image"]["tag"] = "latest"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(values, schema)


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        ([], "--image is required"),
        (["--image", IMAGE, "--chart-version", "1.0"], "SemVer"),
        (["--image", IMAGE, "--domain", "localhost"], "--domain takes a DNS domain"),
        (["--image", f"ghcr.io/acme/shop@{DIGEST}"], "needs a tag as well"),
    ],
)
def test_bad_options_exit_2(
    project: Path, capsys: pytest.CaptureFixture[str], flags: list[str], message: str
) -> None:
    assert main(["new", "helm-chart", *flags]) == 2
    assert message in capsys.readouterr().err
