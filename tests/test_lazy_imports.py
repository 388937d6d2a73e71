"""A run imports only what its files' kinds need: a Dockerfile never the YAML, HCL,
tree-sitter, schema or SARIF machinery, a Kubernetes manifest never HCL or tree-sitter."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from opslint.plugins import LAZY_REPORTS

HEAVY = (
    "yaml",
    "_yaml",
    "hcl2",
    "lark",
    "jsonschema",
    "sarif_om",
    "ruamel",
    "helm_python",
    "tree_sitter",
    "tree_sitter_hcl",
    "pygls",
    "lsprotocol",
)
DOCKERFILE = "FROM alpine:3.20\nRUN apk add --no-cache curl\nUSER app\n"
MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
"""
OTHER_MODELS = (
    "opslint.model.kubernetes",
    "opslint.model.helm",
    "opslint.model.ci",
    "opslint.model.terraform",
    "opslint.parsers.yamlload",
)
"""Models and parsers of other kinds, which a Dockerfile run never builds."""
NOT_FOR_KUBERNETES = ("hcl2", "lark", "tree_sitter", "sarif_om", "helm_python", "ruamel")
"""A manifest needs YAML; the schema rule K8123 (on by default) imports jsonschema only
for a manifest its quick check cannot prove valid."""


def imported_modules(cwd: Path, *args: str, top_level: bool = True) -> set[str]:
    """Names of every module `opslint *args` imports (top-level names only, unless
    `top_level` is false), from `-X importtime`."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "opslint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode in (0, 1), done.stderr[-2000:]
    names = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            module = line.rsplit("|", 1)[1].strip()
            names.add(module.split(".", 1)[0] if top_level else module)
    assert "opslint" in names
    return names


def modules_after(cwd: Path, *args: str) -> set[str]:
    """Every module in `sys.modules` after `opslint *args` ran in a fresh process (this sees
    the modules `importlib.import_module` loads, which `-X importtime` does not list)."""
    script = (
        "import sys\n"
        "from opslint.cli import main\n"
        f"code = main({list(args)!r})\n"
        "print(code, *sorted(sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=cwd, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    code, *modules = done.stdout.strip().splitlines()[-1].split()
    assert code in ("0", "1"), done.stdout
    return set(modules)


@pytest.mark.parametrize("output", ["text", "json"])
def test_dockerfile_run_stays_light(tmp_path: Path, output: str) -> None:
    (tmp_path / "Dockerfile").write_text(DOCKERFILE, encoding="utf-8")
    names = imported_modules(tmp_path, "check", "--format", output, "Dockerfile")
    assert not names & set(HEAVY), sorted(names & set(HEAVY))
    modules = modules_after(tmp_path, "check", "-q", "-f", output, "--no-cache", "Dockerfile")
    assert not modules & set(LAZY_REPORTS), sorted(modules & set(LAZY_REPORTS))
    assert not {"xml.etree.ElementTree", "gzip", "hashlib", "opslint.engine.parallel"} & modules


@pytest.mark.parametrize("output", ["sarif", "junit", "html", "gitlab", "github-summary"])
def test_a_report_plugin_is_imported_for_its_format(tmp_path: Path, output: str) -> None:
    (tmp_path / "Dockerfile").write_text(DOCKERFILE, encoding="utf-8")
    modules = modules_after(tmp_path, "check", "-q", "-o", "out", "--format", output, "Dockerfile")
    writers = [name for name, formats in LAZY_REPORTS.items() if output in formats]
    assert len(writers) == 1 and writers[0] in modules
    assert (tmp_path / "out").stat().st_size > 0


def test_lazy_report_plugins_name_their_formats() -> None:
    """Each stand-in names exactly the formats its module writes, under the module's name."""
    from opslint.plugins import PluginManager

    plugins = PluginManager()
    plugins.load(autoload=False)
    for name, formats in LAZY_REPORTS.items():
        module = importlib.import_module(name)
        assert module.opslint_report_formats() == list(formats)
        assert plugins.get_plugin(name).opslint_report_formats() == list(formats)
    assert plugins.report_formats() == sorted(
        ["text", "json", *(f for formats in LAZY_REPORTS.values() for f in formats)]
    )


def test_sys_modules_after_an_in_process_run(tmp_path: Path) -> None:
    """No heavy library, and of the rule families only those a Dockerfile needs."""
    (tmp_path / "Dockerfile").write_text(DOCKERFILE, encoding="utf-8")
    script = (
        "import sys\n"
        "from opslint.cli import main\n"
        "code = main(['check', '--quiet', 'Dockerfile'])\n"
        f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})\n"
        "print(code, heavy)\n"
        "print(sorted({m.split('.')[2] for m in sys.modules if m.startswith('opslint.rules.')}))\n"
        f"print(sorted(m for m in {OTHER_MODELS!r} if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    heavy, families, models = done.stdout.strip().splitlines()[-3:]
    assert heavy.endswith(" []"), done.stdout
    assert families == "['_index', 'crossformat', 'dockerfile', 'engine']", done.stdout
    assert models == "[]", done.stdout


def test_kubernetes_run_stays_light(tmp_path: Path) -> None:
    (tmp_path / "deploy.yaml").write_text(MANIFEST, encoding="utf-8")
    modules = imported_modules(tmp_path, "check", "deploy.yaml", top_level=False)
    names = {module.split(".", 1)[0] for module in modules}
    assert not names & set(NOT_FOR_KUBERNETES), sorted(names & set(NOT_FOR_KUBERNETES))
    assert "yaml" in names  # the probe sees what the run does need
    # the manifest is valid: the schema rule proves it without jsonschema
    assert not {"jsonschema", "referencing"} & names
    # kind detection asks whether a YAML file belongs to a Helm chart without the renderer
    assert "opslint.parsers.helm_layout" in modules
    assert not {"opslint.parsers.helm", "opslint.parsers.helm_render"} & modules


def test_an_invalid_manifest_loads_jsonschema_for_its_errors(tmp_path: Path) -> None:
    (tmp_path / "deploy.yaml").write_text(MANIFEST.replace("replicas: 2", "replicas: two"))
    names = imported_modules(tmp_path, "check", "--select", "K8123", "deploy.yaml")
    assert "jsonschema" in names


def test_kubernetes_run_without_schema_rule_skips_jsonschema(tmp_path: Path) -> None:
    """jsonschema is loaded for the schema rule only: ignoring it leaves it out."""
    (tmp_path / "deploy.yaml").write_text(MANIFEST, encoding="utf-8")
    names = imported_modules(tmp_path, "check", "--ignore", "K8123", "deploy.yaml")
    assert "jsonschema" not in names
    assert "referencing" not in names


def test_a_yaml_run_does_load_yaml(tmp_path: Path) -> None:
    """The check above is meaningful: the same probe sees YAML when a YAML file is checked."""
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: x:1\n", encoding="utf-8")
    names = imported_modules(tmp_path, "check", "compose.yaml")
    assert "yaml" in names


def test_every_rule_folder_declares_its_families() -> None:
    """The rule pack's table is the one declaration: every folder is in it, every rule's
    code prefix is a family of its folder."""
    import opslint.rules
    from opslint.plugins import PluginManager
    from opslint.rule import spec_of

    plugins = PluginManager()
    plugins.load(autoload=False)
    folders = {
        path.name
        for path in Path(opslint.rules.__file__).parent.iterdir()
        if (path / "__init__.py").is_file()
    }
    assert folders == set(opslint.rules.FAMILIES)
    for _, function in plugins.rule_functions():
        folder = function.__module__.split(".")[2]
        spec = spec_of(function)
        assert spec is not None and spec.code[:2] in opslint.rules.FAMILIES[folder], spec
