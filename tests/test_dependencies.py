"""The declared dependencies are what the code imports, no more and no less.

Every module of the installed package (`conftest.package_modules`: `src/opslint`, with the
`rules` and `generators` folders it links to) is read with `ast`: imports at module level,
inside functions (lazy) and under `if TYPE_CHECKING:` (typing only), plus the packages
located with `find_spec` without being imported. Import names map to distributions through
`packages_distributions()`.

- A distribution the package imports is a runtime dependency, or belongs to the extra of
  `EXTRA_MODULES` whose module imports it, lazily, so that the core runs without it.
- Every runtime dependency is imported at run time somewhere, and every distribution of
  `helm` and `schemas` is reached by that extra's modules.
- What the tests import is a runtime dependency or in the `test` extra.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from conftest import package_modules

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]["name"]

EXTRA_MODULES = {
    "helm": frozenset({"opslint.parsers.helm_render", "opslint.parsers.helm"}),
    "schemas": frozenset({"opslint.ruleapi.schemas"}),
    "lsp": frozenset({"opslint.server.protocol"}),
}
"""The only modules that reach an extra's distributions, inside functions (unless they serve
it alone, `SERVES_AN_EXTRA`): Helm's SDK
renders charts (`helm_render`; `parsers.helm` asks whether it is installed); jsonschema,
referencing and regress validate against the schemas that check-jsonschema and
kubernetes-validate ship (`schemas`); pygls and lsprotocol speak LSP (`lsp`)."""

SERVES_AN_EXTRA = frozenset({"opslint.server.protocol"})
"""Modules that exist for their extra alone and import it at the top: the command line
imports them inside a function (`opslint server`), and `opslint check` never does
(`test_lazy_imports`)."""

When = Literal["top", "lazy", "typing"]


@dataclass(frozen=True)
class Import:
    """One top-level name a module imports or locates: where, which, and when."""

    module: str
    line: int
    name: str
    when: When

    def __str__(self) -> str:
        return f"{self.module}:{self.line} {self.name} ({self.when})"


def canonical(name: str) -> str:
    """A distribution name as PEP 503 compares them (`ruamel.yaml` is `ruamel-yaml`)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement(text: str) -> tuple[str, list[str]]:
    """The distribution and the extras of a requirement string (`opslint[helm]` ...)."""
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?", text)
    assert match, text
    extras = [extra.strip() for extra in (match.group(2) or "").split(",") if extra.strip()]
    return canonical(match.group(1)), extras


def declared(requirements: Iterable[str]) -> frozenset[str]:
    """The distributions of `requirements`, this project's own extras expanded."""
    extras = PYPROJECT["project"]["optional-dependencies"]
    found: set[str] = set()
    for text in requirements:
        name, wanted = _requirement(text)
        if name == canonical(PROJECT):
            for extra in wanted:
                found |= declared(extras[extra])
        else:
            found.add(name)
    return frozenset(found)


RUNTIME = declared(PYPROJECT["project"]["dependencies"])
EXTRAS = {
    extra: declared(requirements)
    for extra, requirements in PYPROJECT["project"]["optional-dependencies"].items()
}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _called(call: ast.Call) -> str | None:
    """The name of the function `call` calls (`find_spec` for `importlib.util.find_spec`)."""
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return call.func.id if isinstance(call.func, ast.Name) else None


class _Collector(ast.NodeVisitor):
    """The absolute imports of one module, and the names given to `find_spec`."""

    def __init__(self, module: str, constants: dict[str, str], locators: set[str]) -> None:
        self.module = module
        self.constants = constants
        self.locators = locators
        self.functions = 0
        self.typing = False
        self.found: list[Import] = []

    def _add(self, name: str, node: ast.stmt | ast.expr) -> None:
        when: When = "typing" if self.typing else "lazy" if self.functions else "top"
        self.found.append(Import(self.module, node.lineno, name.split(".")[0], when))

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.functions += 1
        self.generic_visit(node)
        self.functions -= 1

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_If(self, node: ast.If) -> None:
        if not _is_type_checking(node.test):
            self.generic_visit(node)
            return
        outer, self.typing = self.typing, True
        for child in node.body:
            self.visit(child)
        self.typing = outer
        for child in node.orelse:
            self.visit(child)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(alias.name, node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level == 0 and node.module:
            self._add(node.module, node)

    def visit_Call(self, node: ast.Call) -> None:
        if _called(node) in self.locators and node.args:
            argument = node.args[0]
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                self._add(argument.value, node)
            elif isinstance(argument, ast.Name) and argument.id in self.constants:
                self._add(self.constants[argument.id], node)
        self.generic_visit(node)


LOCATORS = frozenset({"find_spec", "importorskip"})
"""Calls that name a package to find or to skip on, without importing it."""


def _locators(tree: ast.Module) -> set[str]:
    """`LOCATORS` and the functions of the module that hand their first parameter to one."""
    found = set(LOCATORS)
    for function in tree.body:
        if not isinstance(function, ast.FunctionDef) or not function.args.args:
            continue
        parameter = function.args.args[0].arg
        for node in ast.walk(function):
            if (
                isinstance(node, ast.Call)
                and _called(node) in LOCATORS
                and node.args
                and isinstance(node.args[0], ast.Name)
                and node.args[0].id == parameter
            ):
                found.add(function.name)
    return found


def module_imports(module: str, source: str) -> list[Import]:
    """Every absolute import in `source`, and every package it locates or skips on by name:
    `find_spec("x")`, `pytest.importorskip("x")`, or `CONSTANT = "x"` handed to one of
    them or to a function of the module that hands its parameter to one."""
    tree = ast.parse(source)
    constants = {
        target.id: statement.value.value
        for statement in tree.body
        if isinstance(statement, ast.Assign)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
        for target in statement.targets
        if isinstance(target, ast.Name)
    }
    collector = _Collector(module, constants, _locators(tree))
    collector.visit(tree)
    return collector.found


def imports_of(files: Iterable[tuple[str, Path]]) -> list[Import]:
    """The imports of each (module name, file)."""
    return [
        found
        for module, path in files
        for found in module_imports(module, path.read_text(encoding="utf-8"))
    ]


PACKAGE_IMPORTS = imports_of(package_modules().items())
LOCAL_TEST_MODULES = frozenset(path.stem for path in (ROOT / "tests").glob("*.py"))
TEST_IMPORTS = [
    found
    for found in imports_of((path.stem, path) for path in sorted((ROOT / "tests").glob("*.py")))
    if found.name not in LOCAL_TEST_MODULES
]


DISTRIBUTIONS = importlib.metadata.packages_distributions()


def distribution(name: str) -> str | None:
    """The distribution providing the top-level import `name`; None for the standard
    library and this project."""
    if name in sys.stdlib_module_names or name == PROJECT:
        return None
    providers = DISTRIBUTIONS.get(name)
    assert providers, f"{name} is imported but no installed distribution provides it"
    assert len(set(providers)) == 1, f"{name} is provided by several distributions {providers}"
    return canonical(providers[0])


def undeclared(
    imports: Iterable[Import], runtime: frozenset[str], extras: dict[str, frozenset[str]]
) -> list[str]:
    """Why each import of the package breaks the rules above (empty when none does)."""
    problems = []
    for found in imports:
        dist = distribution(found.name)
        if dist is None or dist in runtime:
            continue
        owners = [extra for extra, dists in extras.items() if dist in dists]
        guarded = [extra for extra in owners if found.module in EXTRA_MODULES.get(extra, ())]
        if not owners:
            problems.append(f"{found}: {dist} is declared nowhere")
        elif not guarded:
            problems.append(f"{found}: {dist} is in {owners} but this module is not theirs")
        elif found.when == "top" and found.module not in SERVES_AN_EXTRA:
            problems.append(f"{found}: {dist} of {guarded} must be imported inside a function")
    return problems


def test_every_import_of_the_package_is_declared() -> None:
    extras = {extra: EXTRAS[extra] for extra in EXTRA_MODULES}
    assert undeclared(PACKAGE_IMPORTS, RUNTIME, extras) == []


def test_every_runtime_dependency_is_imported_at_run_time() -> None:
    reached = {distribution(found.name) for found in PACKAGE_IMPORTS if found.when != "typing"}
    assert sorted(RUNTIME - reached) == []


def test_every_distribution_of_an_extra_is_reached_by_its_modules() -> None:
    for extra, modules in EXTRA_MODULES.items():
        reached = {distribution(found.name) for found in PACKAGE_IMPORTS if found.module in modules}
        assert sorted(EXTRAS[extra] - reached) == [], extra


def test_what_the_tests_import_is_in_the_test_extra() -> None:
    problems = [
        f"{found}: {dist} is not in the dependencies or the test extra"
        for found in TEST_IMPORTS
        if (dist := distribution(found.name)) is not None and dist not in RUNTIME | EXTRAS["test"]
    ]
    assert problems == []


def test_the_collector_tells_top_level_lazy_and_typing_imports_apart() -> None:
    source = (
        "import yaml\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from tree_sitter import Node\n"
        "PACKAGE = 'check_jsonschema'\n"
        "def load():\n"
        "    from jsonschema.validators import extend\n"
        "    return importlib.util.find_spec(PACKAGE)\n"
        "def where(package):\n"
        "    return importlib.util.find_spec(package)\n"
        "from . import sibling\n"
        "FOUND = where('kubernetes_validate')\n"
    )
    assert [str(found) for found in module_imports("opslint.example", source)] == [
        "opslint.example:1 yaml (top)",
        "opslint.example:2 typing (top)",
        "opslint.example:4 tree_sitter (typing)",
        "opslint.example:7 jsonschema (lazy)",
        "opslint.example:8 check_jsonschema (lazy)",
        "opslint.example:12 kubernetes_validate (top)",
    ]


def test_the_rules_report_each_kind_of_misplaced_import() -> None:
    imports = [
        Import("opslint.ruleapi.schemas", 3, "jsonschema", "top"),
        Import("opslint.ruleapi.schemas", 9, "jsonschema", "lazy"),
        Import("opslint.engine.runner", 5, "helm_python", "lazy"),
        Import("opslint.engine.runner", 6, "ruamel", "top"),
        Import("opslint.engine.runner", 7, "json", "top"),
        Import("opslint.engine.runner", 8, "yaml", "top"),
    ]
    extras = {"helm": EXTRAS["helm"], "schemas": EXTRAS["schemas"]}
    assert undeclared(imports, frozenset({"pyyaml"}), extras) == [
        "opslint.ruleapi.schemas:3 jsonschema (top): jsonschema of ['schemas'] must be imported "
        "inside a function",
        "opslint.engine.runner:5 helm_python (lazy): helm-python-sdk is in ['helm'] but this "
        "module is not theirs",
        "opslint.engine.runner:6 ruamel (top): ruamel-yaml is declared nowhere",
    ]


def test_the_package_reaches_its_optional_packages_lazily() -> None:
    """The scan sees the real code: the lazy imports the rules above depend on are there."""
    seen = {(found.module, found.name, found.when) for found in PACKAGE_IMPORTS}
    assert {
        ("opslint.parsers.yamlload", "yaml", "top"),
        ("opslint.parsers.terraform", "tree_sitter_hcl", "lazy"),
        ("opslint.parsers.terraform_hcl2", "lark", "top"),
        ("opslint.report.sarif", "attr", "lazy"),
        ("opslint.ruleapi.schemas", "jsonschema", "lazy"),
        ("opslint.ruleapi.schemas", "kubernetes_validate", "lazy"),
        ("opslint.parsers.helm_render", "helm_python", "lazy"),
        ("opslint.parsers.jenkins", "tree_sitter", "typing"),
    } <= seen
