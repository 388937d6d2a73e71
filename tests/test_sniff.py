"""Provisional detection: Kubernetes manifests read from their layout, confirmed by the check."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from opslint.cli import main
from opslint.engine.options import MIN_PARALLEL_FILES
from opslint.parsers.sniff import Manifests, manifests, workflow

DEPLOYMENT = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n"
CRD = (
    "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n"
    "  name: widgets.example.com\nspec:\n  group: example.com\n"
)
BINDING = (
    "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: b\n"
    "subjects:\n- kind: ServiceAccount\n  name: web\nroleRef:\n  kind: Role\n  name: r\n"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (DEPLOYMENT, Manifests(crds_only=False)),
        (CRD, Manifests(crds_only=True)),
        ("# header\n---\n" + CRD + "---\n" + CRD + "---\n", Manifests(crds_only=True)),
        (CRD + "--- # next\n" + DEPLOYMENT, Manifests(crds_only=False)),
        (CRD.replace("apiextensions.k8s.io/v1", '"apiextensions.k8s.io/v1"'), Manifests(True)),
        (CRD.replace("apiextensions.k8s.io", "example.com"), Manifests(crds_only=False)),
        # a block sequence under a top-level key may start at the start of a line
        (BINDING, Manifests(crds_only=False)),
        (CRD + "---\nfoo: bar\n", Manifests(crds_only=False)),
        ("text: plain\n  more\nlist:\n- a\n" + DEPLOYMENT, Manifests(crds_only=False)),
    ],
)
def test_a_plain_layout_shows_its_manifests(text: str, expected: Manifests) -> None:
    assert manifests(text) == expected
    loaded = [d for d in yaml.safe_load_all(text) if d]
    assert any("apiVersion" in d and "kind" in d for d in loaded)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "foo: bar\n",
        "apiVersion: v1\n---\nkind: Secret\n",  # the two keys in different documents
        "- apiVersion: v1\n  kind: Secret\n",  # a top-level sequence
        '"apiVersion": v1\nkind: Secret\n',  # a quoted key
        "{apiVersion: v1, kind: Secret}\n",
        "%YAML 1.2\n---\n" + DEPLOYMENT,
        "--- |\n" + DEPLOYMENT,
        DEPLOYMENT + "...\n",
        DEPLOYMENT.replace("\n", "\r\n"),
        DEPLOYMENT + "kind: Service\n",  # a duplicate key
        "name: {{ .Values.name }}\n" + DEPLOYMENT,
        'note: "goes on\napiVersion: v1\nkind: Secret"\n',  # inside a quoted scalar
        "items: [a,\nb]\n" + DEPLOYMENT,
        "key: value\n- item\n" + DEPLOYMENT,  # a sequence item after a key with a value
    ],
)
def test_only_a_load_can_tell(text: str) -> None:
    assert manifests(text) is None


WORKFLOW = (
    "name: ci\non:\n  push:\n    branches: [main]\njobs:\n  test:\n"
    "    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.sha }}\n"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (WORKFLOW, True),
        ("# comment\n---\n" + WORKFLOW, True),
        (WORKFLOW.replace("runs-on: ubuntu-latest", "uses: ./.github/workflows/x.yml"), True),
        (WORKFLOW.replace("on:", "true:"), False),  # no `on`
        (WORKFLOW.replace("jobs:\n", "jobs: {}\n"), False),  # jobs written in flow style
        (WORKFLOW.replace("runs-on", "container").replace("steps", "services"), False),
        (WORKFLOW + "---\nname: second\n", False),  # two documents
        (WORKFLOW.replace("${{", "{{"), False),  # a template
        (WORKFLOW + "apiVersion: v1\nkind: ConfigMap\n", False),  # a manifest's keys
        ("jobs:\n  a:\n    runs-on: x\non: push\n", True),
    ],
)
def test_a_plain_workflow_shows_itself(text: str, expected: bool) -> None:
    assert workflow(text) is expected
    if expected:
        loaded = yaml.load(text, Loader=yaml.BaseLoader)  # `on` stays a string key
        assert "on" in loaded and any(
            "runs-on" in j or "uses" in j for j in loaded["jobs"].values()
        )


def check(tree: Path, out: Path, capsys: pytest.CaptureFixture[str], *flags: str) -> str:
    status = main(["check", str(tree), "--no-cache", "-f", "json", "-o", str(out), *flags])
    assert status == 1
    return re.sub(r"\[\d+\.\d+s\]", "[s]", capsys.readouterr().err)


def test_a_misleading_layout_is_checked_from_exact_detection(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file whose layout looks like a manifest but is not one, and a file of CRDs that
    does not load: workers report what one process reports."""
    tree = tmp_path / "tree"
    (tree / "k8s").mkdir(parents=True)
    # an escaped quote: the scalar goes on over the lines that look like keys
    misleading = 'note: "a\\"\napiVersion: v1\nkind: Secret"\n'
    assert manifests(misleading) == Manifests(crds_only=False)
    assert yaml.safe_load(misleading) == {"note": 'a" apiVersion: v1 kind: Secret'}
    (tree / "k8s" / "note.yaml").write_text(misleading)
    broken = CRD + "  names: [unclosed\n"
    assert manifests(broken) == Manifests(crds_only=True)
    (tree / "k8s" / "crds.yaml").write_text(broken)
    (tree / "k8s" / "deploy.yaml").write_text(
        DEPLOYMENT + "spec:\n  template:\n    spec:\n      containers:\n"
        "        - name: web\n          image: nginx:latest\n"
    )
    for number in range(MIN_PARALLEL_FILES):
        folder = tree / "images" / f"s{number:02}"
        folder.mkdir(parents=True)
        (folder / "Dockerfile").write_text(f"FROM alpine:3.{number}\n")
    one = check(tree, tmp_path / "one.json", capsys, "-j", "1")
    two = check(tree, tmp_path / "two.json", capsys, "-j", "2")
    assert one == two
    assert (tmp_path / "one.json").read_bytes() == (tmp_path / "two.json").read_bytes()
    found = json.loads((tmp_path / "two.json").read_text())
    k8s = [
        (Path(f["path"]).name, f["code"], f["line"])
        for f in found["findings"]
        if "/k8s/" in f["path"]
    ]
    assert ("crds.yaml", "OP001", 8) in k8s
    assert {name for name, _, _ in k8s} == {"crds.yaml", "deploy.yaml"}
    # the note is YAML of no kind: not a checked file
    assert found["summary"]["files"] == 2 + MIN_PARALLEL_FILES
