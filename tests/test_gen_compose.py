"""`opslint new compose`: every option set passes every rule and the Compose schema."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, run_engine

from opslint.config import Config
from opslint.detect import detect
from opslint.generate import GeneratorError, write_artifacts
from opslint.generators.compose import ComposeOptions, compose
from opslint.generators.dockerfile import DockerfileOptions, dockerfile
from opslint.ruleapi.schemas import VENDOR_PACKAGE, package_dir

SNAPSHOTS = ROOT / "tests" / "data" / "generated" / "compose"

CASES: dict[str, dict[str, object]] = {
    "build": {},
    "build-postgres-redis": {"with_": ("postgres", "redis")},
    "image-redis": {"image": "ghcr.io/acme/shop:1.4.2", "with_": ("redis",), "port": 3000},
    "limits": {"with_": ("postgres",), "cpus": "1.5", "memory": "1G", "log_max_file": "5"},
}

EXPECTED = {"IM002"}
"""Findings generated files may have, and why: IM002 (image-digest-pinned, off by default)
wants `@sha256:` digests, which only `[tool.opslint.pins]` can give (never invented)."""


def make_project(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "package.json").write_text(json.dumps({"name": "shop"}), encoding="utf-8")
    (root / "package-lock.json").write_text("{}", encoding="utf-8")
    write_artifacts(dockerfile(detect(root), DockerfileOptions()), root, force=True)
    return root


def compose_schema_errors(text: str) -> list[str]:
    folder = package_dir(VENDOR_PACKAGE)
    schema_path = folder / "builtin_schemas" / "vendor" / "compose-spec.json" if folder else None
    if schema_path is None or not schema_path.is_file():
        pytest.skip("check-jsonschema (its vendored compose-spec schema) is not installed")
    from jsonschema.validators import validator_for  # type: ignore[import-untyped]

    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    validator = validator_for(schema)(schema)
    return [error.message for error in validator.iter_errors(yaml.safe_load(text))]


@pytest.mark.parametrize("case", sorted(CASES))
def test_generated_compose(tmp_path: Path, case: str) -> None:
    root = make_project(tmp_path / case)
    options = ComposeOptions(**CASES[case])  # type: ignore[arg-type]
    artifacts = compose(detect(root), options)
    files = {artifact.path: artifact.text for artifact in artifacts}
    assert list(files) == ["compose.yaml"]
    text = files["compose.yaml"]
    assert text.endswith("\n")
    assert compose(detect(root), options) == artifacts  # deterministic
    folder = SNAPSHOTS / case
    if os.environ.get("OPSLINT_UPDATE_SNAPSHOTS") == "1":
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        (folder / "compose.yaml").write_bytes(text.encode("utf-8"))
    assert (folder / "compose.yaml").read_bytes() == text.encode("utf-8")
    assert compose_schema_errors(text) == []
    write_artifacts(artifacts, root, force=True)
    report = run_engine([root], select=("ALL",), config=Config(root=root))
    assert {f.code for f in report.findings} <= EXPECTED, [str(f) for f in report.findings]
    data = yaml.safe_load(text)
    for name, service in data["services"].items():
        assert service["restart"] == "unless-stopped", name
        assert service["healthcheck"]["test"][0] == "CMD", name
        assert set(service["deploy"]["resources"]["limits"]) == {"cpus", "memory"}, name
        for value in service.get("environment", {}).values():
            assert "PASSWORD" not in value or "${POSTGRES_PASSWORD:?" in value


def test_secrets_come_from_the_environment(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    text = compose(detect(root), ComposeOptions(with_=("postgres",)))[0].text
    data = yaml.safe_load(text)
    password = data["services"]["postgres"]["environment"]["POSTGRES_PASSWORD"]
    assert password == "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}"
    assert data["services"]["app"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert data["volumes"] == {"postgres-data": {}}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (ComposeOptions(with_=("mysql",)), "--with takes postgres, redis, not mysql"),
        (ComposeOptions(port=0), "has no Dockerfile"),
    ],
)
def test_refusals(tmp_path: Path, options: ComposeOptions, message: str) -> None:
    (tmp_path / "go.mod").write_text("module x\n", encoding="utf-8")
    with pytest.raises(GeneratorError, match=message):
        compose(detect(tmp_path), options)
