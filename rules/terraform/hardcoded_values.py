"""TF106 hardcoded-values."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass

from opslint import Finding, Severity, rule
from opslint.model.terraform import Block, Resource, Term

IMAGE_AND_SIZE_ARGUMENTS = (
    "ami",
    "image_id",
    "instance_type",
    "instance_class",
    "node_type",
    "machine_type",
    "size",
    "vm_size",
)
"""Arguments naming a machine image or a machine size."""

CIDR_ARGUMENTS = (
    "cidr_block",
    "cidr_blocks",
    "ipv6_cidr_block",
    "ipv6_cidr_blocks",
    "cidr_ipv4",
    "cidr_ipv6",
    "ip_cidr_range",
    "address_space",
    "address_prefixes",
)
"""Arguments holding network ranges (a CIDR or a list of CIDRs)."""

SIZE_ONLY_ON = ("azurerm_",)
"""`size` is the machine size only on Azure virtual machines (elsewhere it is disk GiB...)."""

_TAG_ARGUMENTS = frozenset({"tags", "tags_all", "labels", "default_tags"})
"""Free-form maps whose keys are never arguments."""


@dataclass(frozen=True)
class HardcodedValuesOptions:
    """Which resource arguments must not hold literal values."""

    arguments: tuple[str, ...] = IMAGE_AND_SIZE_ARGUMENTS + CIDR_ARGUMENTS
    """The argument names checked, in resources and their nested blocks."""


def is_catch_all(value: str) -> bool:
    """True for a network range covering every address (`0.0.0.0/0`, `::/0`)."""
    network = _network(value)
    return network is not None and network.prefixlen == 0


def _network(value: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        return None


def _applies(name: str, resource: Resource) -> bool:
    """`size` counts on Azure virtual machines only; every other name everywhere."""
    if name != "size":
        return True
    kind = resource.resource_type
    return kind.startswith(SIZE_ONLY_ON) and "virtual_machine" in kind


def hardcoded_terms(name: str, term: Term) -> Iterator[Term]:
    """The literal values of argument `name` that should come from a variable.

    A list yields its literal items one by one (a list that mixes references and literals
    still has literal items). Empty strings, non-strings and, for network ranges, values
    that are not a CIDR or that cover every address are left out.
    """
    items = term.items if term.is_tuple else [term]
    for item in items:
        value = item.value
        if not isinstance(value, str) or not value.strip():
            continue
        if name in CIDR_ARGUMENTS:
            network = _network(value)
            if network is None or network.prefixlen == 0:
                continue
        yield item


def _nested(term: Term) -> Iterator[Term]:
    """The objects of an attribute written as a block (`ingress = [{...}]`, JSON syntax)."""
    if term.is_object:
        yield term
    for item in term.items:
        if item.is_object:
            yield item


def _walk_term(
    term: Term, resource: Resource, names: tuple[str, ...], depth: int
) -> Iterator[tuple[str, Term]]:
    if depth > 8:
        return
    for obj in _nested(term):
        for key, value in obj.entries.items():
            if key in names and _applies(key, resource):
                yield from ((key, t) for t in hardcoded_terms(key, value))
            elif key not in _TAG_ARGUMENTS:
                yield from _walk_term(value, resource, names, depth + 1)


def _walk(
    block: Block, resource: Resource, names: tuple[str, ...], depth: int = 0
) -> Iterator[tuple[str, Term]]:
    if depth > 8:
        return
    for name, attribute in block.attributes.items():
        if name in names and _applies(name, resource):
            yield from ((name, t) for t in hardcoded_terms(name, attribute.term))
        elif name not in _TAG_ARGUMENTS:
            yield from _walk_term(attribute.term, resource, names, depth + 1)
    for nested in block.blocks:
        yield from _walk(nested, resource, names, depth + 1)


@rule(
    "TF106",
    "hardcoded-values",
    Severity.WARNING,
    tags=("terraform", "maintainability"),
)
def hardcoded_values(resource: Resource, options: HardcodedValuesOptions) -> Iterator[Finding]:
    """Resources take machine images, sizes and network ranges from variables.

    ## What it does
    Checks the arguments of `resource` blocks, and of the blocks nested in them (`ingress`,
    `node_config`, `default_node_pool`, `dynamic` contents...), that pick a machine image,
    a machine size or a network range: `ami`, `image_id` (launch templates),
    `instance_type`, `instance_class`, `node_type`, `machine_type`, `vm_size`, `size`
    (Azure virtual machines only: elsewhere `size` is a disk or volume size),
    `cidr_block(s)`, `ipv6_cidr_block(s)`, `cidr_ipv4`, `cidr_ipv6`, `ip_cidr_range`,
    `address_space` and `address_prefixes`. A literal string is reported at the value
    itself; in a list, each literal item is reported. Arguments written with the attribute
    syntax of a block (`ingress = [{ ... }]`) and `.tf.json` files are read the same way.

    Only literals count: `var.x`, `local.x`, `data.*`, other resources' attributes,
    interpolated strings and function calls (`cidrsubnet(var.cidr, 8, 1)`) are fine. The
    catch-all ranges `0.0.0.0/0` and `::/0` are policy rather than an environment's value
    and are left to TF112. Values in `variable` defaults, `locals`, `.tfvars` files and
    module call arguments are where such values belong and are never reported; data
    sources are not checked either (their filters describe what to look up). Resources in
    a module's `examples/` folder are checked like any other: copied examples are how
    hard-coded values spread.

    ## Why it matters
    The same configuration is applied to several environments and regions. An AMI id
    exists in one region only, a literal instance size cannot differ between staging and
    production, and literal network ranges collide the day a second VPC is peered. Values
    kept in variables or locals are reviewed, overridden and changed in one place.

    ## Example
    ```hcl
    resource "aws_instance" "web" {
      ami           = "ami-0c55b159cbfafe1f0"
      instance_type = "t3.large"
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_instance" "web" {
      ami           = data.aws_ami.web.id
      instance_type = var.web_instance_type
    }
    ```

    ## Fix
    None: the variable's name and its default are the team's to choose.

    ## Options
    - `arguments`: the argument names checked (replaces the built-in list), for example
      `["ami", "instance_type"]` to leave network ranges alone.

    ## Variants
    No linter among opslint's peers checks hard-coded sizes and ranges; the variants are
    the providers' argument names.
    - AWS `ami`, `image_id`, `instance_type`, `instance_class`, `node_type`; Google
      `machine_type`; Azure `vm_size` and `size` on virtual machines: covered.
    - network ranges `cidr_block(s)`, `ipv6_cidr_block(s)`, `cidr_ipv4`, `cidr_ipv6`,
      `ip_cidr_range`, `address_space`, `address_prefixes`: covered; the catch-all
      `0.0.0.0/0` and `::/0` are TF112's.
    - the same arguments in nested blocks, in `ingress = [{...}]` attribute syntax and in
      `.tf.json`: covered.

    ## References
    - https://developer.hashicorp.com/terraform/language/values/variables
    - https://developer.hashicorp.com/terraform/language/values/locals
    """
    for name, term in _walk(resource, resource, options.arguments):
        yield Finding(
            term.span,
            f"`{resource.address}` hard-codes `{name}` as `{term.value}`: "
            "take it from a variable, a local or a data source",
            logical=resource.logical,
        )
