"""The layers contract: no module of the installed package imports from a layer above its own.

Layers, bottom first; a module may import from its own layer and those below. An entry names
one module, or with `.*` every module below a package; every module of the package falls
under exactly one entry, so a new module must be placed here.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

import pytest
from conftest import package_modules

LAYERS: list[tuple[str, tuple[str, ...]]] = [
    (
        "foundation",
        (
            "opslint.severity",
            "opslint.safety",
            "opslint.safety.boundary",
            "opslint.safety.budget",
            "opslint.edits",
            "opslint.edits.leftovers",
            "opslint.edits.atomicwrite",
            "opslint.jsondata",
        ),
    ),
    ("config", ("opslint.config", "opslint.safety.trust", "opslint.defaults")),
    ("model", ("opslint.model.*",)),
    ("parsers", ("opslint.parsers", "opslint.parsers.*")),
    ("edits", ("opslint.edits.yaml", "opslint.edits.hcl")),
    (
        "run and its indexes",
        ("opslint.run", "opslint.views", "opslint.indexes", "opslint.indexes.*"),
    ),
    (
        # What rules, generators and plugins are written against: the `opslint` façade, the
        # hook specs and markers, the report they receive, and the helpers they call.
        "rule helpers and the plugin API",
        (
            "opslint",
            "opslint.rule",
            "opslint.hookspec",
            "opslint.plugins",
            "opslint.report",
            "opslint.safety.redact",
            "opslint.ruleapi",
            "opslint.ruleapi.*",
            "opslint.detect",
            "opslint.generate",
        ),
    ),
    ("generators", ("opslint.generators", "opslint.generators.*")),
    ("rules", ("opslint.rules", "opslint.rules.*")),
    (
        "engine",
        (
            "opslint.engine",
            "opslint.engine.*",
            "opslint.docs",
        ),
    ),
    (
        # Report writers and the builtin plugins (parsers, suppressions, Helm values).
        "reporters and builtin plugins",
        (
            "opslint.report.*",
            "opslint.builtin",
            "opslint.builtin.parsers",
            "opslint.builtin.helm_values",
            "opslint.builtin.suppressions",
        ),
    ),
    ("command line", ("opslint.cli", "opslint.__main__", "opslint.server", "opslint.server.*")),
]

MODEL_IMPORTS = ("opslint.model.*", "opslint.severity")
"""All the model may import: it reads no file, parses nothing, and knows no config or run."""


@dataclass(frozen=True)
class Import:
    """`module` (in `path`, at `line`) imports `target`."""

    module: str
    path: Path
    line: int
    target: str


def _imported(
    node: ast.AST, module: str, is_package: bool, known: Collection[str]
) -> Iterator[str]:
    """The modules one import statement names (`from a import b` names `a.b` when that is
    a module, else `a`; relative imports resolved), or `importlib.import_module("...")`."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
    elif isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            parts = module.split(".")[: len(module.split(".")) - node.level + is_package]
            base = ".".join([*parts, *([node.module] if node.module else [])])
        for alias in node.names:
            yield f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name | ast.Attribute)
        and (node.func.id if isinstance(node.func, ast.Name) else node.func.attr) == "import_module"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ):
        yield node.args[0].value


def imports_of(modules: dict[str, Path]) -> list[Import]:
    """Every `opslint` import of `modules`: at module level, in functions, under
    `TYPE_CHECKING`, relative ones resolved."""
    found: list[Import] = []
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        is_package = path.name == "__init__.py"
        for node in ast.walk(tree):
            for target in _imported(node, module, is_package, modules):
                if target == "opslint" or target.startswith("opslint."):
                    found.append(Import(module, path, getattr(node, "lineno", 0), target))
    return sorted(found, key=lambda found: (str(found.path), found.line, found.target))


def matches(pattern: str, module: str) -> bool:
    """True when a layer entry covers `module`."""
    return fnmatchcase(module, pattern) if pattern.endswith(".*") else module == pattern


def layers_of(module: str, layers: list[tuple[str, tuple[str, ...]]]) -> list[int]:
    """The index of every layer with an entry covering `module` (one, when placed)."""
    return [
        number
        for number, (_, patterns) in enumerate(layers)
        if any(matches(pattern, module) for pattern in patterns)
    ]


def back_imports(
    imports: Iterable[Import],
    layers: list[tuple[str, tuple[str, ...]]],
    allowed: frozenset[tuple[str, str]] = frozenset(),
) -> list[str]:
    """Each import of a module from a layer above its own, as `path:line: message`, but
    those `allowed` as (module, target); modules placed in no layer or in two are left to
    `test_every_module_is_in_exactly_one_layer`."""
    found = []
    for each in imports:
        own, theirs = layers_of(each.module, layers), layers_of(each.target, layers)
        placed = len(own) == len(theirs) == 1
        if placed and theirs[0] > own[0] and (each.module, each.target) not in allowed:
            found.append(
                f"{each.path}:{each.line}: {each.module} ({layers[own[0]][0]}) imports "
                f"{each.target} ({layers[theirs[0]][0]})"
            )
    return found


@pytest.fixture(scope="module")
def modules() -> dict[str, Path]:
    return package_modules()


@pytest.fixture(scope="module")
def imports(modules: dict[str, Path]) -> list[Import]:
    return imports_of(modules)


def test_the_package_is_all_there(modules: dict[str, Path]) -> None:
    """The walk finds the three folders the package is built from."""
    assert {"opslint", "opslint.model.source", "opslint.cli"} <= modules.keys()
    assert {"opslint.rules", "opslint.rules.dockerfile.dockerignore"} <= modules.keys()
    assert {"opslint.generators", "opslint.generators.k8s"} <= modules.keys()


def test_every_module_is_in_exactly_one_layer(
    modules: dict[str, Path], imports: list[Import]
) -> None:
    names = sorted({*modules, *(each.target for each in imports)})
    misplaced = {
        name: [LAYERS[number][0] for number in layers_of(name, LAYERS)]
        for name in names
        if len(layers_of(name, LAYERS)) != 1
    }
    assert misplaced == {}, "place each module in exactly one of LAYERS"


def test_no_module_imports_from_a_layer_above(imports: list[Import]) -> None:
    assert back_imports(imports, LAYERS, frozenset()) == []


def test_the_model_imports_only_itself_and_severity(imports: list[Import]) -> None:
    found = [
        f"{each.path}:{each.line}: {each.module} imports {each.target}"
        for each in imports
        if matches("opslint.model.*", each.module)
        and not any(matches(pattern, each.target) for pattern in MODEL_IMPORTS)
    ]
    assert found == []


def test_the_checker_fails_on_a_back_import(tmp_path: Path) -> None:
    """A fake package whose model imports the engine three ways, each found at its line."""
    package = tmp_path / "opslint"
    (package / "model").mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "engine.py").write_text("from opslint.model import nodes\n", encoding="utf-8")
    (package / "model" / "__init__.py").write_text("", encoding="utf-8")
    nodes = package / "model" / "nodes.py"
    nodes.write_text(
        "from typing import TYPE_CHECKING\n"
        "from . import sibling\n"
        "if TYPE_CHECKING:\n"
        "    from ..engine import Session\n"
        "def run() -> None:\n"
        "    import opslint.engine\n"
        "    importlib.import_module('opslint.engine')\n",
        encoding="utf-8",
    )
    (package / "model" / "sibling.py").write_text("", encoding="utf-8")
    modules = {
        "opslint.engine": package / "engine.py",
        "opslint.model": package / "model" / "__init__.py",
        "opslint.model.nodes": nodes,
        "opslint.model.sibling": package / "model" / "sibling.py",
    }
    layers = [("model", ("opslint.model.*",)), ("engine", ("opslint.engine",))]
    found = imports_of(modules)
    assert [(each.module, each.line, each.target) for each in found] == [
        ("opslint.engine", 1, "opslint.model.nodes"),
        ("opslint.model.nodes", 2, "opslint.model.sibling"),
        ("opslint.model.nodes", 4, "opslint.engine"),
        ("opslint.model.nodes", 6, "opslint.engine"),
        ("opslint.model.nodes", 7, "opslint.engine"),
    ]
    message = "opslint.model.nodes (model) imports opslint.engine (engine)"
    assert back_imports(found, layers) == [f"{nodes}:{line}: {message}" for line in (4, 6, 7)]
    allowed = frozenset({("opslint.model.nodes", "opslint.engine")})
    assert back_imports(found, layers, allowed) == []
    assert layers_of("opslint.modelling", layers) == []
    assert layers_of("opslint.model.nodes", layers) == [0]
