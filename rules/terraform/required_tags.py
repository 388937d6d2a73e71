"""TF102 required-tags."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from opslint import Finding, Severity, rule
from opslint.indexes.terraform import TerraformModule
from opslint.model.terraform import Expression, Resource, Term

from ._taggable import AWS_TAGGABLE_TYPES

_MAX_DEPTH = 8


@dataclass(frozen=True)
class RequiredTagsOptions:
    """Which tags every taggable resource carries."""

    required: tuple[str, ...] = ("team", "environment", "service", "cost-center")
    """The tag keys every taggable resource must carry."""
    ignore_types: tuple[str, ...] = ()
    """Further resource types not to check."""


@dataclass
class _Tags:
    """Tag keys known to be set, and whether anything else may add more."""

    keys: set[str]
    open: bool = False
    """True when part of the value is decided elsewhere (a caller's variable, a data source)."""


def tag_keys(module: TerraformModule, term: Term | None, depth: int = 0) -> _Tags:
    """The keys a tags value sets: literal maps, `merge()`, locals, variables' known values."""
    if term is None or depth > _MAX_DEPTH:
        return _Tags(set(), open=term is not None)
    if term.is_object:
        return _Tags(set(term.entries), open=term.dynamic_keys)
    value = term.value
    if value is None:
        return _Tags(set())
    if not isinstance(value, Expression):
        return _Tags(set(), open=True)
    if value.function == "merge":
        result = _Tags(set())
        for argument in value.arguments:
            part = tag_keys(module, argument, depth + 1)
            result.keys |= part.keys
            result.open = result.open or part.open
        return result
    parts = value.text.split(".")
    if value.is_reference and len(parts) == 2 and parts[0] == "local":
        local = module.locals.get(parts[1])
        return tag_keys(module, local.term if local else None, depth + 1)
    if value.is_reference and len(parts) == 2 and parts[0] == "var":
        found = tag_keys(module, module.variable_value(parts[1]), depth + 1)
        if module.is_root and any(parts[1] in f.values for f in module.var_files):
            return found  # the value is set in a var file of the root module
        # otherwise the caller may pass any value: the default's keys only add
        return _Tags(found.keys, open=True)
    return _Tags(set(), open=True)


def default_tags(module: TerraformModule, resource: Resource) -> _Tags:
    """The `default_tags` of the AWS provider configuration the resource uses."""
    wanted = "aws"
    chosen = resource.attribute("provider")
    if chosen is not None and isinstance(chosen.value, Expression):
        wanted = chosen.value.text
    for provider in module.providers:
        name = provider.name if provider.alias is None else f"{provider.name}.{provider.alias}"
        if name == wanted and provider.name == "aws":
            tags = provider.default_tags
            return tag_keys(module, tags.term if tags else None)
    return _Tags(set())


AUTOSCALING_GROUP = "aws_autoscaling_group"
"""Tagged by `tag { key = ... }` blocks, not a `tags` map; `default_tags` do not reach it."""


def tag_block_keys(resource: Resource) -> _Tags:
    """The keys of an autoscaling group's `tag` blocks (open when one is computed)."""
    if any(b.labels[:1] == ("tag",) for b in resource.blocks_of("dynamic")):
        return _Tags(set(), open=True)
    found = _Tags(set())
    for block in resource.blocks_of("tag"):
        key = block.attribute("key")
        if key is not None and isinstance(key.value, str):
            found.keys.add(key.value)
        else:
            found.open = True
    return found


def taggable(resource_type: str, ignored: tuple[str, ...]) -> bool:
    """True for AWS resource types that accept `tags` (`AWS_TAGGABLE_TYPES`)."""
    return resource_type in AWS_TAGGABLE_TYPES and resource_type not in ignored


@rule(
    "TF102",
    "required-tags",
    Severity.WARNING,
    tags=("terraform", "governance"),
    peers=(
        "tflint aws_resource_missing_tags",
        "tflint aws_provider_missing_default_tags (partial)",
    ),
)
def required_tags(
    resource: Resource, options: RequiredTagsOptions, module: TerraformModule | None
) -> Iterator[Finding]:
    """Taggable resources carry the required tags.

    ## What it does
    Checks AWS resources that accept `tags` for the required keys (by default `team`,
    `environment`, `service` and `cost-center`). Which types accept `tags` comes from the
    AWS provider's schema: the list tflint-ruleset-aws generates from it
    (`rules/tags/resources.go`; provider 6.57.1), shipped as
    `aws_taggable_resources.json` with its commit and date. Types without a `tags`
    argument (`aws_secretsmanager_secret_rotation`, `aws_db_instance_role_association`,
    `aws_ec2_tag`) are not checked; neither are types newer than the list. An
    `aws_autoscaling_group` carries its tags as `tag { key = ... }` blocks, which the
    provider's `default_tags` do not reach: one that lacks a block for a required key is
    reported at its header, unless a `dynamic "tag"` block or a computed `key` may add it.
    The keys may come from the resource's `tags` (a literal map, `merge()` of maps, a
    `local` value) or from the AWS provider's `default_tags` in a file of the same folder
    (the same module); the provider named by the resource's `provider` argument is the one
    that counts. When tags come from an input variable, its default's keys count and the
    rest is left to the caller, so nothing is reported. A resource with no `tags` is
    reported at its header; one whose tags miss keys is reported at its `tags` attribute,
    naming the missing keys.

    ## Why it matters
    Tags are how cost reports, ownership lookups, incident routing and clean-up scripts
    find a resource. An untagged database has no owner to page and no budget to charge.

    ## Example
    ```hcl
    resource "aws_sqs_queue" "jobs" {
      name = "jobs"
      tags = { team = "payments" }
    }
    ```

    ## Use instead
    ```hcl
    provider "aws" {
      default_tags {
        tags = {
          team = "payments", environment = "prod", service = "billing", cost-center = "cc-42"
        }
      }
    }

    resource "aws_sqs_queue" "jobs" {
      name = "jobs"
    }
    ```

    ## Fix
    None: the values are the team's to choose.

    ## Options
    - `required`: the tag keys every taggable resource must carry.
    - `ignore-types`: resource types not to check.

    ## Variants
    - every type whose schema has `tags`, from tflint-ruleset-aws's generated list (tflint
      aws_resource_missing_tags): covered, from the same list.
    - keys from the resource's `tags`, the provider's `default_tags`, and the provider a
      resource picks with `provider = aws.alias` (tflint, "Default tags multiple
      providers", "provider aliases"): covered.
    - keys compared case-sensitively (tflint "Wanted tags: Bar,Foo, found: bar,foo"):
      covered.
    - tags from a variable whose value is unknown (tflint skips them): covered: the
      caller may add the keys, so nothing is reported.
    - `aws_autoscaling_group` `tag` blocks (tflint): covered.
    - `aws_autoscaling_group` with a `tags` list of objects (tflint): not covered: the
      AWS provider removed that argument in version 5.
    - an autoscaling group with both `tag` blocks and a `tags` list (tflint reports the
      mix): not covered: the provider rejects it, for the same reason.
    - `default_tags` missing on the provider (tflint aws_provider_missing_default_tags):
      covered in part: keys the provider's `default_tags` sets count, but a provider
      without them is not reported by itself; the resources are.
    - `exclude` of resource types (tflint): covered by `ignore-types`.

    ## References
    - https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html
    - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/guides/resource-tagging
    """
    if not options.required or resource.resource_type in options.ignore_types:
        return
    if resource.resource_type == AUTOSCALING_GROUP:
        yield from _autoscaling_group(resource, options.required)
        return
    if module is None or not taggable(resource.resource_type, options.ignore_types):
        return
    found = default_tags(module, resource)
    attribute = resource.attribute("tags")
    own = tag_keys(module, attribute.term if attribute else None)
    keys = found.keys | own.keys
    missing = [key for key in options.required if key not in keys]
    if not missing or own.open or found.open:
        return
    names = ", ".join(f"`{key}`" for key in missing)
    if attribute is None:
        yield Finding(
            resource.span,
            f"`{resource.address}` has no tags: it needs {names}",
            logical=resource.logical,
        )
    else:
        yield Finding(
            attribute.span,
            f"the tags of `{resource.address}` miss {names}",
            logical=resource.logical,
        )


def _autoscaling_group(resource: Resource, required: tuple[str, ...]) -> Iterator[Finding]:
    """An autoscaling group missing required `tag` blocks, reported at its header."""
    found = tag_block_keys(resource)
    missing = [key for key in required if key not in found.keys]
    if missing and not found.open:
        names = ", ".join(f"`{key}`" for key in missing)
        yield Finding(
            resource.span,
            f"`{resource.address}` has no `tag` block for {names}",
            logical=resource.logical,
        )
