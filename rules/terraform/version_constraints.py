"""TF107 version-constraints."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.indexes.terraform import TerraformModule
from opslint.model.terraform import Attribute, Block, Provider, TerraformFile, TypedBlock

from ._module import module_anchor

BUILTIN_PROVIDERS = frozenset({"terraform"})
"""Providers Terraform ships itself (`terraform_data`, `terraform_remote_state`)."""


def _provider_uses(module: TerraformModule) -> dict[str, Block]:
    """Each provider local name the module uses, with the first block that uses it."""
    uses: dict[str, Block] = {}
    for block in module.blocks():
        if isinstance(block, Provider):
            uses.setdefault(block.name, block)
        elif isinstance(block, TypedBlock):
            chosen = block.attribute("provider")
            name = block.provider_name
            if chosen is not None:
                text = getattr(chosen.value, "text", chosen.value)
                name = str(text).split(".", 1)[0]
            uses.setdefault(name, block)
    return {name: block for name, block in uses.items() if name not in BUILTIN_PROVIDERS}


@rule(
    "TF107",
    "version-constraints",
    Severity.WARNING,
    tags=("terraform", "reliability"),
    peers=("tflint terraform_required_version", "tflint terraform_required_providers"),
)
def version_constraints(document: TerraformFile, module: TerraformModule) -> Iterator[Finding]:
    """Modules pin `required_version` and each provider's `version` in `required_providers`.

    ## What it does
    Checks every module (the `.tf` files of one folder): a `terraform` block must set
    `required_version`, and each provider the module uses (by a `provider` block, or by
    the prefix or `provider` argument of a resource or data source) must be declared in
    `required_providers` with a `version` constraint. A module without `required_version`
    is reported at its `terraform` block (at its first block when it has none); an
    undeclared provider at the first block that uses it; a declaration without `version`
    at the declaration. Terraform's built-in `terraform` provider needs no declaration.
    A declaration in the legacy string form (`aws = "~> 5.0"`) is a version constraint
    and passes. A `version` argument in a `provider` block, which Terraform deprecated
    in favour of `required_providers`, is reported at the argument.

    ## Why it matters
    Without constraints `terraform init` takes the newest Terraform and provider
    releases, and a major release with breaking changes reaches production through an
    unrelated change. A pinned range makes upgrades a reviewed edit.

    ## Example
    ```hcl
    provider "aws" {
      region = "eu-west-1"
    }
    ```

    ## Use instead
    ```hcl
    terraform {
      required_version = ">= 1.6, < 2.0"

      required_providers {
        aws = {
          source  = "hashicorp/aws"
          version = "~> 5.40"
        }
      }
    }

    provider "aws" {
      region = "eu-west-1"
    }
    ```

    ## Fix
    None: the versions to allow are the team's to choose.

    ## Variants
    - `required_version` in any `terraform` block of the module (tflint
      terraform_required_version): covered, in every module, where tflint checks only the
      root module.
    - providers used through `provider` blocks, resource and data source prefixes, and
      `provider = aws.west` (also the old quoted `"aws.west"`) arguments (tflint
      terraform_required_providers): covered.
    - the built-in `terraform` provider, and a `source` under `terraform.io/builtin/`
      (tflint): covered: the `terraform` local name needs no declaration.
    - `configuration_aliases` beside `version` (tflint): covered: the declaration has its
      `version`.
    - the legacy string form `aws = "~> 5.0"` (tflint reports it as legacy): covered: it
      passes, since it is a version constraint; its older syntax is a style matter.
    - `version` inside a `provider` block (tflint terraform_required_providers): covered.
    - a declaration without `source` (tflint, `source` option): not covered: Terraform
      infers `hashicorp/<name>`, and the version is what this rule pins.
    - `.tf.json` files (tflint "JSON syntax"): covered.
    - provider-defined functions (`provider::aws::arn_parse(...)`) as a provider use
      (tflint): not covered: opslint does not read function calls inside expressions; a
      module calling one uses that provider's resources in practice.

    ## References
    - https://developer.hashicorp.com/terraform/language/terraform#terraform-required_version
    - https://developer.hashicorp.com/terraform/language/providers/requirements
    """
    settings = module.settings
    if not any(s.required_version is not None for s in settings):
        anchor = module_anchor(module, document)
        if anchor is not None:
            yield Finding(
                anchor.span,
                f"module `{module.directory.name}` sets no `required_version`",
                logical=anchor.logical,
            )
    declared: dict[str, Attribute] = {}
    for setting in settings:
        declared.update(setting.required_providers)
    for block in module.blocks():
        if isinstance(block, Provider) and block.span.path == document.path:
            pinned = block.attribute("version")
            if pinned is not None:
                yield Finding(
                    pinned.span,
                    f"provider `{block.name}` sets `version` in its `provider` block, which "
                    "Terraform deprecated: move the constraint to `required_providers`",
                    logical=block.logical,
                )
    for name, block in _provider_uses(module).items():
        entry = declared.get(name)
        if entry is None:
            if block.span.path == document.path:
                yield Finding(
                    block.span,
                    f"provider `{name}` is used but not declared in `required_providers`",
                    logical=block.logical,
                )
        elif (
            entry.span.path == document.path
            and entry.term.is_object
            and "version" not in entry.term.entries
        ):
            yield Finding(
                entry.span,
                f"provider `{name}` has no `version` constraint in `required_providers`",
                logical=entry.logical,
            )
