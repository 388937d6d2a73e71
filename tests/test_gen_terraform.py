"""`opslint new terraform`: every cloud, one and two environments, pass every rule.

Each case is checked by opslint with every rule on (no finding is expected: the generated
tree has nothing whose input cannot exist yet), parsed by python-hcl2, formatted by
`terraform fmt -check` when Terraform is installed, and compared byte for byte with its
snapshot under tests/data/generated/terraform/<case>/ (one case per cloud;
`OPSLINT_UPDATE_SNAPSHOTS=1` rewrites them). `terraform init`/`validate` are not run: they
download providers.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import hcl2
import pytest
from conftest import ROOT, run_engine

from opslint.cli import main
from opslint.config import Config
from opslint.detect import ProjectInfo
from opslint.generate import Artifact, GeneratorError, write_artifacts
from opslint.generators._hcl import Block, Call, Comment, Expr, block, render
from opslint.generators.terraform import TerraformOptions, is_production, terraform

SNAPSHOTS = ROOT / "tests" / "data" / "generated" / "terraform"

CASES: dict[str, TerraformOptions] = {
    f"{cloud}-{'-'.join(envs)}": TerraformOptions(provider=cloud, env=envs, name="shop")
    for cloud in ("aws", "gcp", "azure")
    for envs in (("staging",), ("staging", "production"))
}
SNAPSHOT_CASES = ("aws-staging-production", "gcp-staging-production", "azure-staging-production")

EXPECTED: set[str] = set()
"""Findings the generated trees may have: none. The state stores and provider downloads the
tree needs are outside it, and no rule reports their absence."""

MODULE_FILES = ("main.tf", "outputs.tf", "variables.tf", "versions.tf")
ROOT_FILES = (
    "backend.tf",
    "main.tf",
    "outputs.tf",
    "providers.tf",
    "terraform.tfvars",
    "variables.tf",
    "versions.tf",
)
_CIDR = re.compile(r'"\d+\.\d+\.\d+\.\d+/\d+"')


def generate(options: TerraformOptions, tmp_path: Path) -> list[Artifact]:
    return terraform(ProjectInfo(root=tmp_path, name="ignored"), options)


def tfvars(text: str) -> dict[str, Any]:
    """A `.tfvars` file's values, read by python-hcl2, with string quotes taken off."""

    def plain(value: Any) -> Any:
        if isinstance(value, str):
            return value[1:-1] if value.startswith('"') and value.endswith('"') else value
        if isinstance(value, list):
            return [plain(item) for item in value]
        if isinstance(value, dict):
            return {plain(k): plain(v) for k, v in value.items() if k != "__comments__"}
        return value

    result: dict[str, Any] = plain(hcl2.loads(text))
    return result


def terraform_binary() -> str | None:
    found = Path("/usr/local/bin/terraform")
    return str(found) if found.is_file() else shutil.which("terraform")


def test_hcl_writer_aligns_like_terraform_fmt() -> None:
    text = render(
        [
            Comment("A comment."),
            block(
                "resource",
                "aws_vpc",
                "this",
                {
                    "cidr_block": Expr("var.cidr"),
                    "enable_dns_support": True,
                    "tags": Call("merge", (Expr("var.tags"), {"Name": "a", "cost-center": "b"})),
                    "count": 2,
                    "zones": ["a", 'b"${x}'],
                },
                block("lifecycle", {"prevent_destroy": True}),
            ),
            block("provider", "azurerm", block("features")),
        ]
    )
    assert text == (
        "# A comment.\n"
        'resource "aws_vpc" "this" {\n'
        "  cidr_block         = var.cidr\n"
        "  enable_dns_support = true\n"
        "  tags = merge(var.tags, {\n"
        '    Name          = "a"\n'
        '    "cost-center" = "b"\n'
        "  })\n"
        "  count = 2\n"
        '  zones = ["a", "b\\"$${x}"]\n'
        "\n"
        "  lifecycle {\n"
        "    prevent_destroy = true\n"
        "  }\n"
        "}\n"
        "\n"
        'provider "azurerm" {\n'
        "  features {}\n"
        "}\n"
    )
    assert isinstance(block("x", "y"), Block)
    with pytest.raises(ValueError, match="label"):
        block("x", {"a": 1}, "late-label")


@pytest.mark.parametrize("case", sorted(CASES))
def test_generated_tree(tmp_path: Path, case: str) -> None:
    options = CASES[case]
    artifacts = generate(options, tmp_path)
    assert generate(options, tmp_path) == artifacts  # deterministic
    files = {artifact.path: artifact.text for artifact in artifacts}
    expected = [
        f"modules/{m}/{f}" for m in ("cluster", "database", "network") for f in MODULE_FILES
    ]
    expected += [f"environments/{e}/{f}" for e in sorted(options.env) for f in ROOT_FILES]
    assert sorted(files) == sorted(expected)
    for path, text in files.items():
        assert text.endswith("\n") and not text.endswith("\n\n"), path
        assert "\t" not in text, path
        hcl2.loads(text)  # python-hcl2 reads every file
        if not path.endswith(".tfvars"):
            ranges = set(_CIDR.findall(text)) - {'"0.0.0.0/0"'}
            assert not ranges, f"{path} hard-codes network ranges {ranges}"

    if case in SNAPSHOT_CASES:
        folder = SNAPSHOTS / case
        if os.environ.get("OPSLINT_UPDATE_SNAPSHOTS") == "1":
            shutil.rmtree(folder, ignore_errors=True)
            write_artifacts(artifacts, folder, force=True)
        stored = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
        assert stored == sorted(files)
        for path, text in files.items():
            assert (folder / path).read_bytes() == text.encode("utf-8"), path

    out = tmp_path / "tree"
    write_artifacts(artifacts, out, force=True)
    report = run_engine([out], select=("ALL",), config=Config(root=out))
    assert {f.code for f in report.findings} <= EXPECTED, [str(f) for f in report.findings]


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(CASES))
def test_terraform_fmt_accepts_the_tree(tmp_path: Path, case: str) -> None:
    binary = terraform_binary()
    if binary is None:
        pytest.skip("terraform is not installed (/usr/local/bin/terraform or on PATH)")
    write_artifacts(generate(CASES[case], tmp_path), tmp_path / "tree", force=True)
    result = subprocess.run(
        [binary, "fmt", "-check", "-recursive", "-diff", "."],
        cwd=tmp_path / "tree",
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_environments_differ_in_values_only(tmp_path: Path, cloud: str) -> None:
    options = TerraformOptions(provider=cloud, env=("staging", "production"), name="shop")
    files = {a.path: a.text for a in generate(options, tmp_path)}
    staging, production = "environments/staging/", "environments/production/"
    for name in ("main.tf", "outputs.tf", "providers.tf", "variables.tf", "versions.tf"):
        assert files[staging + name] == files[production + name], name
    values = {
        env: tfvars(files[f"environments/{env}/terraform.tfvars"])
        for env in ("staging", "production")
    }
    assert values["staging"]["environment"] == "staging"
    assert values["production"]["environment"] == "production"
    tags = "labels" if cloud == "gcp" else "tags"
    assert set(values["staging"][tags]) == {"team", "service", "cost-center"}
    backend = {env: files[f"environments/{env}/backend.tf"] for env in ("staging", "production")}
    assert backend["staging"] != backend["production"]  # one state per environment
    if cloud == "aws":
        assert "encrypt      = true" in backend["staging"]
        assert "use_lockfile = true" in backend["staging"]
        assert values["staging"]["vpc_cidr"] == "10.10.0.0/16"
        assert values["production"]["vpc_cidr"] == "10.20.0.0/16"
        assert values["production"]["db_multi_az"] is True
        assert values["staging"]["db_multi_az"] is False
        database = files["modules/database/main.tf"]
        assert "manage_master_user_password         = true" in database
    if cloud == "gcp":
        assert 'backend "gcs"' in backend["staging"]
        assert values["production"]["db_availability_type"] == "REGIONAL"
    if cloud == "azure":
        assert 'backend "azurerm"' in backend["staging"]
        assert values["production"]["db_high_availability"] is True
        assert "random_password.administrator.result" in files["modules/database/main.tf"]


def test_cli_writes_under_path_and_lists_the_generator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["new", "--list"]) == 0
    assert "terraform    Terraform modules" in capsys.readouterr().out
    arguments = ["new", "terraform", "--provider", "gcp", "--env", "dev", "--name", "shop"]
    assert main([*arguments, "--path", "infra", "--region", "us-central1"]) == 0
    written = capsys.readouterr().out
    assert "wrote infra/environments/dev/backend.tf\n" in written
    values = tfvars((tmp_path / "infra/environments/dev/terraform.tfvars").read_text("utf-8"))
    assert (values["project_id"], values["region"]) == ("shop-dev", "us-central1")
    assert values["machine_type"] == "e2-standard-2"  # not production-sized


def test_production_names() -> None:
    assert [is_production(n) for n in ("production", "prod-eu", "live", "staging", "dev")] == [
        True,
        True,
        True,
        False,
        False,
    ]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (TerraformOptions(provider="oracle"), "--provider takes one of aws, gcp, azure"),
        (TerraformOptions(env=()), "--env needs at least one environment"),
        (TerraformOptions(env=("prod", "prod")), "names an environment twice"),
        (TerraformOptions(env=("Prod",)), "environment 'Prod' must be"),
        (TerraformOptions(name="9lives"), "--name '9lives' must be"),
        (
            TerraformOptions(provider="gcp", name="averylongservicename", env=("production",)),
            "30 characters of a Google service account id",
        ),
        (TerraformOptions(provider="gcp", team="Platform"), "not a Google Cloud label value"),
        (TerraformOptions(provider="azure", state_bucket="My-State"), "storage account name"),
        (TerraformOptions(state_bucket="x"), "not a bucket name"),
    ],
)
def test_bad_options(tmp_path: Path, options: TerraformOptions, message: str) -> None:
    with pytest.raises(GeneratorError, match=re.escape(message)):
        generate(replace(options, name=options.name or "shop"), tmp_path)
