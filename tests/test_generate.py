"""`opslint new`: the generator machinery, project detection, and the alerts generator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import run_engine

from opslint.cli import main
from opslint.config import Config
from opslint.detect import detect, dns_name
from opslint.generate import Artifact, write_artifacts


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "package.json").write_text(
        json.dumps({"name": "@acme/Checkout", "scripts": {"test": "jest", "lint": "eslint ."}}),
        encoding="utf-8",
    )
    (tmp_path / "package-lock.json").write_text("{}", encoding="utf-8")
    (tmp_path / ".nvmrc").write_text("v22.3.0\n", encoding="utf-8")
    return tmp_path


def test_detect_node(project: Path) -> None:
    info = detect(project)
    assert (info.name, info.language, info.package_manager, info.lockfile) == (
        "checkout",
        "node",
        "npm",
        "package-lock.json",
    )
    assert info.manifests == ["package.json", "package-lock.json"]
    assert info.runtime_version == "22"
    assert info.commands == {"test": "npm run test", "lint": "npm run lint"}


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {
                "pyproject.toml": '[project]\nname = "Billing_API"\nrequires-python = ">=3.12"\n'
                "[tool.pytest.ini_options]\n",
                "uv.lock": "",
            },
            ("billing-api", "python", "uv", "3.12", "python -m pytest"),
        ),
        (
            {"go.mod": "module github.com/acme/ledger\n\ngo 1.22\n", "go.sum": ""},
            ("ledger", "go", "go", "1.22", "go test ./..."),
        ),
        (
            {"Cargo.toml": '[package]\nname = "shipper"\n', "Cargo.lock": ""},
            ("shipper", "rust", "cargo", None, "cargo test --locked"),
        ),
        (
            {"pom.xml": "<project><artifactId>orders</artifactId></project>"},
            ("orders", "java", "maven", None, "mvn -B verify"),
        ),
    ],
)
def test_detect_other_stacks(
    tmp_path: Path, files: dict[str, str], expected: tuple[object, ...]
) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    info = detect(tmp_path)
    found = (info.name, info.language, info.package_manager, info.runtime_version)
    assert (*found, info.commands.get("test")) == expected


def test_dns_names() -> None:
    assert dns_name("@Acme/My_Service.v2") == "my-service-v2"
    assert dns_name("___") == "app"


def test_list_shows_generators_and_options(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", "--list"]) == 0
    out = capsys.readouterr().out
    assert "alerts       Prometheus alert rules" in out
    assert "    --slo TEXT  The availability objective, in percent. (default: 99.9)" in out


def test_shared_workload_options_keep_their_help(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """k8s, deploy and helm-chart take the workload options of one dataclass; a field a
    generator declares again (the chart's `name`) shows its own help."""
    assert main(["new", "--list"]) == 0
    out = capsys.readouterr().out
    probe = (
        "    --probe-path TEXT  The HTTP path of the startup, liveness and readiness probes. "
        "(default: /healthz)\n"
    )
    assert out.count(probe) == 3
    objects = "    --name TEXT  The name of every object; default: the project's name.\n"
    chart = "    --name TEXT  The chart's name; default: the project's name.\n"
    assert (out.count(objects), out.count(chart)) == (2, 1)


def test_write_dry_run_force_and_determinism(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = project / "monitoring" / "checkout-alerts.yaml"
    assert main(["new", "alerts", "--dry-run"]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith("--- monitoring/checkout-alerts.yaml\ngroups:\n")
    assert not target.exists()
    assert main(["new", "alerts"]) == 0
    assert capsys.readouterr().out == "wrote monitoring/checkout-alerts.yaml\n"
    first = target.read_bytes()
    assert shown.split("\n", 1)[1].encode() == first
    assert main(["new", "alerts"]) == 0  # same bytes: nothing to overwrite
    assert capsys.readouterr().out == "unchanged monitoring/checkout-alerts.yaml\n"
    assert main(["new", "alerts", "--slo", "99.5"]) == 2
    assert "would overwrite monitoring/checkout-alerts.yaml" in capsys.readouterr().err
    assert target.read_bytes() == first
    assert main(["new", "alerts", "--slo", "99.5", "--force"]) == 0
    assert target.read_bytes() != first


def test_options_come_from_flags_then_config(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / ".opslint.toml").write_text(
        '[new.alerts]\nservice = "payments"\nslo = "99.0"\n', encoding="utf-8"
    )
    assert main(["new", "alerts", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("--- monitoring/payments-alerts.yaml\n")
    assert "99% SLO" in out
    assert main(["new", "alerts", "--dry-run", "--service=orders"]) == 0
    assert capsys.readouterr().out.startswith("--- monitoring/orders-alerts.yaml\n")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["new", "nonsense"], "unknown generator 'nonsense'"),
        (["new", "alerts", "--colour", "red"], "has no option --colour"),
        (["new", "alerts", "--slo"], "--slo needs a value"),
        (["new", "alerts", "--slo", "250"], "--slo must lie between 90 and 100"),
        (["new", "alerts", "--path", "../escape.yaml"], "would land outside"),
    ],
)
def test_bad_requests_exit_2(
    project: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    assert main(arguments) == 2
    assert message in capsys.readouterr().err


def test_generated_alerts_pass_every_rule(project: Path) -> None:
    assert main(["new", "alerts", "--slo", "99.95"]) == 0
    path = project / "monitoring" / "checkout-alerts.yaml"
    report = run_engine([path], select=("ALL",), config=Config(root=project))
    assert report.findings == []
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    names = [rule["alert"] for group in data["groups"] for rule in group["rules"]]
    assert names == [
        "HighLatency",
        "NoTraffic",
        "HighErrorRate",
        "CPUSaturation",
        "MemorySaturation",
        "ErrorBudgetFastBurn",
        "ErrorBudgetSlowBurn",
    ]
    fast = data["groups"][1]["rules"][0]["expr"]
    assert fast.endswith("> 0.0072")  # 14.4 times the 0.05% budget


@pytest.mark.parametrize("options", [[], ["--slo", "99.5", "--latency-seconds", "0.25"]])
def test_generated_alert_expressions_parse_as_promql(project: Path, options: list[str]) -> None:
    """Prometheus's own PromQL grammar (the promql-parser port) reads every expression."""
    promql = pytest.importorskip("promql_parser", reason="promql-parser is in the test extra")
    assert main(["new", "alerts", "--force", *options]) == 0
    path = project / "monitoring" / "checkout-alerts.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    expressions = [rule["expr"] for group in data["groups"] for rule in group["rules"]]
    assert len(expressions) == 7
    for expression in expressions:
        promql.parse(expression)  # raises ValueError on a syntax error


def test_written_artifacts_get_their_mode_and_leave_no_temporary_file(tmp_path: Path) -> None:
    (tmp_path / "run.sh").write_text("echo old\n", encoding="utf-8")
    (tmp_path / "run.sh").chmod(0o600)
    artifacts = [Artifact("run.sh", "#!/bin/sh\necho new\n"), Artifact("conf/app.yaml", "a: 1\n")]
    result = write_artifacts(artifacts, tmp_path, force=True)
    assert [p.relative_to(tmp_path).as_posix() for p in result.written] == [
        "run.sh",
        "conf/app.yaml",
    ]
    assert (tmp_path / "run.sh").read_text(encoding="utf-8") == "#!/bin/sh\necho new\n"
    assert (tmp_path / "run.sh").stat().st_mode & 0o777 == 0o755
    assert (tmp_path / "conf" / "app.yaml").stat().st_mode & 0o777 == 0o644
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["app.yaml", "conf", "run.sh"]
