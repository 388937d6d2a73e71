"""Terraform modules: the `.tf` files of one folder read together, with known variable values.

Terraform reads every `.tf` and `.tf.json` file of a folder as one module, so the model
does too: resources, data sources, module calls, variables, locals, outputs, providers
(with `default_tags`), the `terraform` settings and the backend, across all files.
Variable values come from `terraform.tfvars`, `*.auto.tfvars` (and their `.json`
forms) beside the files, and from the var files the run names; failing those, from the
variable's default. `resolve` follows `var.x` and `local.y` to what they name where that
is known, so a rule can see that `tags = var.tags` is a map with known keys.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from opslint.model.base import Derived
from opslint.model.terraform import (
    Attribute,
    Backend,
    Block,
    DataSource,
    Module,
    Output,
    Provider,
    Resource,
    Term,
    TerraformFile,
    TerraformSettings,
    TerraformVarsFile,
    Variable,
)
from opslint.run import Run

MAX_RESOLVE_DEPTH = 8
_AUTO_VAR_FILES = ("terraform.tfvars", "terraform.tfvars.json")
_AUTO_VAR_SUFFIXES = (".auto.tfvars", ".auto.tfvars.json")


@dataclass(eq=False)
class TerraformModule(Derived):
    """The Terraform files of one folder, read as Terraform reads them.

    Its blocks by type, variables and locals are gathered once, on first use: the module
    is complete by then (see `module_of`).
    """

    directory: Path
    files: list[TerraformFile] = field(default_factory=list)
    var_files: list[TerraformVarsFile] = field(default_factory=list)
    """Variable definition files, in the order Terraform applies them (last wins)."""
    has_lock_file: bool = False

    @classmethod
    def for_subject(cls, run: Run, subject: object) -> TerraformModule | None:
        """The module of a Terraform file, or of the file a block was read from (None for
        a block whose file is not a checked Terraform file)."""
        if isinstance(subject, TerraformFile):
            return module_of(subject, run)
        if isinstance(subject, Block):
            return module_containing(subject, run)
        return None

    def blocks(self) -> Iterator[Block]:
        """Every top-level block of every file, files in name order."""
        for document in self.files:
            yield from document.blocks

    @cached_property
    def resources(self) -> list[Resource]:
        return [b for b in self.blocks() if isinstance(b, Resource)]

    @cached_property
    def data_sources(self) -> list[DataSource]:
        return [b for b in self.blocks() if isinstance(b, DataSource)]

    @cached_property
    def module_calls(self) -> list[Module]:
        return [b for b in self.blocks() if isinstance(b, Module)]

    @cached_property
    def outputs(self) -> list[Output]:
        return [b for b in self.blocks() if isinstance(b, Output)]

    @cached_property
    def providers(self) -> list[Provider]:
        return [b for b in self.blocks() if isinstance(b, Provider)]

    @cached_property
    def settings(self) -> list[TerraformSettings]:
        """The `terraform {}` blocks."""
        return [b for b in self.blocks() if isinstance(b, TerraformSettings)]

    @cached_property
    def variables(self) -> dict[str, Variable]:
        """Declared input variables by name."""
        return {b.name: b for b in self.blocks() if isinstance(b, Variable)}

    @cached_property
    def locals(self) -> dict[str, Attribute]:
        """Every local value by name."""
        result: dict[str, Attribute] = {}
        for document in self.files:
            result.update(document.locals)
        return result

    @property
    def backend(self) -> Backend | None:
        """The backend (or `cloud` block) of the module's `terraform` settings."""
        return next((s.backend for s in self.settings if s.backend is not None), None)

    @property
    def is_root(self) -> bool:
        """True for a module meant to be applied, not called.

        A backend or `cloud` block, a provider configuration, a variable definitions file
        or a dependency lock file marks a root module. A `terraform {}` block alone does
        not: reusable modules declare `required_providers` too.
        """
        return bool(
            self.backend is not None or self.providers or self.var_files or self.has_lock_file
        )

    def variable_value(self, name: str) -> Term | None:
        """The value a variable takes: the last var file that sets it, else its default."""
        for var_file in reversed(self.var_files):
            attribute = var_file.values.get(name)
            if attribute is not None:
                return attribute.term
        variable = self.variables.get(name)
        default = variable.default if variable is not None else None
        return default.term if default is not None else None

    def resolve(self, term: Term, depth: int = 0) -> Term:
        """Follow `var.x` and `local.y` to the term they name, as far as that is known."""
        expression = term.expression
        if expression is None or not expression.is_reference or depth > MAX_RESOLVE_DEPTH:
            return term
        parts = expression.text.split(".")
        if len(parts) != 2:
            return term
        target: Term | None = None
        if parts[0] == "local":
            local = self.locals.get(parts[1])
            target = local.term if local is not None else None
        elif parts[0] == "var":
            target = self.variable_value(parts[1])
        return self.resolve(target, depth + 1) if target is not None else term

    def first_block(self) -> Block | None:
        """The module's first block, in file name order (an anchor for module findings)."""
        return next(self.blocks(), None)


def module_of(document: TerraformFile, run: Run) -> TerraformModule:
    """The module `document` belongs to, with its sibling files loaded once per run."""
    folder = document.source.path.absolute().parent
    cache: dict[Path, TerraformModule] = run.derived("terraform modules", dict)
    module = cache.get(folder)
    if module is None:
        module = _load(folder, document, run)
        cache[folder] = module
    return module


def module_containing(block: Block, run: Run) -> TerraformModule | None:
    """The module of the file a block was read from."""
    source = run.sources.get(block.span.path)
    document = run.load(source.path) if source is not None else None
    return module_of(document, run) if isinstance(document, TerraformFile) else None


def _load(folder: Path, document: TerraformFile, run: Run) -> TerraformModule:
    module = TerraformModule(folder)
    names = sorted(
        path
        for path in (folder.iterdir() if folder.is_dir() else ())
        if path.name.endswith((".tf", ".tf.json"))
    )
    for path in names:
        if path.absolute() == document.source.path.absolute():
            module.files.append(document)
            continue
        loaded = run.load(path)
        if isinstance(loaded, TerraformFile):
            module.files.append(loaded)
    if document not in module.files:
        module.files.append(document)
    auto = [folder / name for name in _AUTO_VAR_FILES]
    auto.extend(
        sorted(p for p in folder.glob("*") if p.name.endswith(_AUTO_VAR_SUFFIXES))
        if folder.is_dir()
        else []
    )
    for path in auto:
        loaded = run.load(path) if path.is_file() else None
        if isinstance(loaded, TerraformVarsFile):
            module.var_files.append(loaded)
    module.has_lock_file = (folder / ".terraform.lock.hcl").is_file()
    if module.is_root:
        for path in run.config.terraform_var_files:
            loaded = run.load(path) if path.is_file() else None
            if isinstance(loaded, TerraformVarsFile):
                module.var_files.append(loaded)
    return module
