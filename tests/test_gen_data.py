"""The generators' fixed text under generators/data/: linted, every file used, modules pinned
as the root modules are.

The Terraform modules are complete modules on their own, so `opslint check --select ALL`
runs over the shipped files themselves. The Helm templates are not a chart without the
Chart.yaml and values the generator writes: tests/test_gen_helm_chart.py lints them as the
generator renders them (every rule; only IM002 where the image has no digest).
"""

from __future__ import annotations

from pathlib import Path

import hcl2
import pytest
from conftest import ROOT, run_engine

from opslint.cli import main
from opslint.generators import helm_chart
from opslint.generators.dockerfile import IGNORE_LANGUAGES
from opslint.generators.terraform import PROVIDER_SOURCES, TERRAFORM_VERSION

DATA = ROOT / "generators" / "data"


def relative(paths: list[Path]) -> list[str]:
    return sorted(path.resolve().relative_to(DATA).as_posix() for path in paths)


def test_every_data_file_is_listed() -> None:
    """The data tree holds exactly the Terraform modules, the Helm chart's fixed files and the
    .dockerignore parts, so nothing shipped is left unread."""
    shipped = relative([path for path in DATA.rglob("*") if path.is_file()])
    modules = [
        f"terraform/{cloud}/modules/{module}/{name}"
        for cloud in ("aws", "azure", "gcp")
        for module in ("cluster", "database", "network")
        for name in ("main.tf", "outputs.tf", "variables.tf", "versions.tf")
    ]
    helm = [f"helm/templates/{name}" for name in helm_chart.TEMPLATES]
    ignore = [f"dockerignore/{part}" for part in ("common", "package-json", *IGNORE_LANGUAGES)]
    assert shipped == sorted([*modules, *helm, "helm/values.schema.json", *ignore])


def test_terraform_modules_pass_every_rule() -> None:
    report = run_engine([DATA], select=("ALL",))
    assert [(f.code, f.span.path, f.span.line, f.span.column) for f in report.findings] == []
    assert report.notes == []
    assert relative([source.path for source in report.sources.values()]) == relative(
        list(DATA.glob("terraform/**/*.tf"))
    )
    assert {source.kind for source in report.sources.values()} == {"terraform"}
    assert report.files_checked == 36


def test_check_select_all_over_the_data_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--select", "ALL", str(DATA)]) == 0
    assert capsys.readouterr().out.startswith("0 findings in 36 files ")


def test_module_versions_follow_the_root_modules() -> None:
    """The fixed modules pin Terraform and their providers as the generated root modules do."""
    pinned: dict[str, set[tuple[str, str]]] = {}
    for path in sorted(DATA.glob("terraform/*/modules/*/versions.tf")):
        (settings,) = hcl2.loads(path.read_text(encoding="utf-8"))["terraform"]
        assert settings["required_version"] == f'"{TERRAFORM_VERSION}"'
        for providers in settings["required_providers"]:
            for name, spec in providers.items():
                if name != "__is_block__":
                    found = (spec["source"].strip('"'), spec["version"].strip('"'))
                    pinned.setdefault(name, set()).add(found)
    assert pinned == {name: {PROVIDER_SOURCES[name]} for name in PROVIDER_SOURCES}
