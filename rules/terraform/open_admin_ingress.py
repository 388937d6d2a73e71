"""TF112 open-admin-ingress."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass, field

from opslint import Finding, Severity, rule
from opslint.model.terraform import Block, Resource, Term

ALL_PORTS = (0, 65535)
PORT_NAMES = {22: "SSH", 3389: "RDP"}
AZURE_ANYWHERE = frozenset({"*", "internet", "any"})
"""Azure source address prefixes (lower-case) that mean every address."""
AWS_SECURITY_GROUPS = ("aws_security_group", "aws_default_security_group")
AZURE_SECURITY_GROUP = "azurerm_network_security_group"


@dataclass(frozen=True)
class OpenAdminIngressOptions:
    """Which ports are administrative."""

    ports: tuple[int, ...] = (22, 3389)
    """The ports that must not be reachable from every address."""


@dataclass
class _Body:
    """The arguments and nested blocks of a block, written as a block or as an object."""

    terms: dict[str, Term]
    children: dict[str, list[_Body]] = field(default_factory=dict)

    @classmethod
    def of_block(cls, block: Block) -> _Body:
        body = cls({name: a.term for name, a in block.attributes.items()})
        for nested in block.blocks:
            body.children.setdefault(nested.type, []).append(cls.of_block(nested))
        return body

    @classmethod
    def of_object(cls, term: Term) -> _Body:
        return cls(dict(term.entries))

    def term(self, name: str) -> Term | None:
        """The value of argument `name`."""
        return self.terms.get(name)

    def nested(self, name: str) -> list[_Body]:
        """Nested blocks `name`, also when written as an attribute (`ingress = [{...}]`)."""
        found = list(self.children.get(name, []))
        term = self.terms.get(name)
        if term is not None:
            if term.is_object:
                found.append(_Body.of_object(term))
            found.extend(_Body.of_object(item) for item in term.items if item.is_object)
        return found

    def text(self, name: str) -> str | None:
        """The literal value of `name` as lower-case text (numbers included)."""
        return literal_text(self.terms.get(name))


def literal_text(term: Term | None) -> str | None:
    """A literal string or number as stripped lower-case text; None otherwise."""
    if term is None:
        return None
    value = term.value
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return str(value).strip().lower()


def parse_port_range(text: str) -> tuple[int, int] | None:
    """The (first, last) ports of `22`, `20-30` or `*`; None when it is neither."""
    text = text.strip()
    if text == "*":
        return ALL_PORTS
    first, dash, last = text.partition("-")
    if not first.strip().isdigit() or (dash and not last.strip().isdigit()):
        return None
    low = int(first)
    high = int(last) if dash else low
    if low > high or high > 65535:
        return None
    return low, high


def is_anywhere(value: str, azure: bool = False) -> bool:
    """True for a source covering every address: `0.0.0.0/0`, `::/0` (Azure: `*`, ...)."""
    text = value.strip()
    if azure and text.lower() in AZURE_ANYWHERE:
        return True
    try:
        return ipaddress.ip_network(text, strict=False).prefixlen == 0
    except ValueError:
        return False


def _anywhere_terms(term: Term | None, azure: bool = False) -> list[Term]:
    """The literal items of a source argument (one value or a list) that mean anywhere."""
    if term is None:
        return []
    items = term.items if term.is_tuple else [term]
    return [i for i in items if isinstance(i.value, str) and is_anywhere(i.value, azure)]


def _covered(ranges: list[tuple[int, int]], ports: tuple[int, ...]) -> list[int]:
    return [p for p in ports if any(low <= p <= high for low, high in ranges)]


def _int(term: Term | None) -> int | None:
    text = literal_text(term)
    return int(text) if text is not None and text.lstrip("-").isdigit() else None


# AWS ------------------------------------------------------------------------------------


def _aws_ports(body: _Body, protocol_key: str, ports: tuple[int, ...]) -> list[int]:
    """The admin ports an AWS rule opens (empty when unknown or none)."""
    protocol = body.text(protocol_key)
    if protocol in ("-1", "all"):
        return list(ports)
    if protocol not in ("tcp", "6"):
        return []
    low, high = _int(body.term("from_port")), _int(body.term("to_port"))
    if low is None or high is None or low > high:
        return []
    return _covered([(max(low, 0), high)], ports)


def _aws(resource: Resource, ports: tuple[int, ...]) -> Iterator[tuple[Term, list[int]]]:
    kind = resource.resource_type
    body = _Body.of_block(resource)
    if kind in AWS_SECURITY_GROUPS:
        rules = body.nested("ingress")
    elif kind == "aws_security_group_rule":
        rules = [body] if body.text("type") == "ingress" else []
    elif kind == "aws_vpc_security_group_ingress_rule":
        opened = _aws_ports(body, "ip_protocol", ports)
        if opened:
            for name in ("cidr_ipv4", "cidr_ipv6"):
                yield from ((t, opened) for t in _anywhere_terms(body.term(name)))
        return
    else:
        return
    for item in rules:
        opened = _aws_ports(item, "protocol", ports)
        if opened:
            for name in ("cidr_blocks", "ipv6_cidr_blocks"):
                yield from ((t, opened) for t in _anywhere_terms(item.term(name)))


# Google Cloud ----------------------------------------------------------------------------


def _allow_ports(allow: _Body, ports: tuple[int, ...]) -> list[int]:
    """The admin ports one `allow` block opens."""
    protocol = allow.text("protocol")
    if protocol == "all":
        return list(ports)
    if protocol not in ("tcp", "6"):
        return []
    listed = allow.term("ports")
    if listed is None:
        return list(ports)
    items = listed.items if listed.is_tuple else [listed]
    ranges = [r for r in (parse_port_range(t) for t in map(literal_text, items) if t) if r]
    return _covered(ranges, ports)


def _google(resource: Resource, ports: tuple[int, ...]) -> Iterator[tuple[Term, list[int]]]:
    body = _Body.of_block(resource)
    direction = body.term("direction")
    if direction is not None and literal_text(direction) != "ingress":
        return
    disabled = body.term("disabled")
    if disabled is not None and disabled.value is True:
        return
    opened = sorted({p for allow in body.nested("allow") for p in _allow_ports(allow, ports)})
    if opened:
        yield from ((t, opened) for t in _anywhere_terms(body.term("source_ranges")))


# Azure -----------------------------------------------------------------------------------


def _azure_rule(rule_body: _Body, ports: tuple[int, ...]) -> Iterator[tuple[Term, list[int]]]:
    if rule_body.text("direction") != "inbound" or rule_body.text("access") != "allow":
        return
    if rule_body.text("protocol") not in ("tcp", "*"):
        return
    ranges: list[tuple[int, int]] = []
    single = rule_body.text("destination_port_range")
    if single:
        ranges.extend(r for r in [parse_port_range(single)] if r)
    listed = rule_body.term("destination_port_ranges")
    if listed is not None:
        texts = [literal_text(i) for i in listed.items]
        ranges.extend(r for r in (parse_port_range(t) for t in texts if t) if r)
    opened = _covered(ranges, ports)
    if opened:
        for name in ("source_address_prefix", "source_address_prefixes"):
            yield from ((t, opened) for t in _anywhere_terms(rule_body.term(name), azure=True))


def _azure(resource: Resource, ports: tuple[int, ...]) -> Iterator[tuple[Term, list[int]]]:
    body = _Body.of_block(resource)
    if resource.resource_type == "azurerm_network_security_rule":
        yield from _azure_rule(body, ports)
    elif resource.resource_type == AZURE_SECURITY_GROUP:
        for item in body.nested("security_rule"):
            yield from _azure_rule(item, ports)


def open_admin_sources(
    resource: Resource, ports: tuple[int, ...] = (22, 3389)
) -> list[tuple[Term, list[int]]]:
    """Each literal anywhere-source of `resource` with the admin ports it opens."""
    if resource.resource_type.startswith("aws_"):
        return list(_aws(resource, ports))
    if resource.resource_type == "google_compute_firewall":
        return list(_google(resource, ports))
    if resource.resource_type.startswith("azurerm_"):
        return list(_azure(resource, ports))
    return []


def _port_names(ports: list[int]) -> str:
    return " and ".join(f"{PORT_NAMES[p]} ({p})" if p in PORT_NAMES else f"port {p}" for p in ports)


@rule(
    "TF112",
    "open-admin-ingress",
    Severity.ERROR,
    tags=("terraform", "security"),
    security_severity=8.0,
    peers=(
        "checkov CKV_AWS_24",
        "checkov CKV_AWS_25",
        "checkov CKV_GCP_2",
        "checkov CKV_GCP_3",
        "checkov CKV_AZURE_10",
        "checkov CKV_AZURE_9",
        "trivy AWS-0107",
        "trivy GCP-0071",
        "trivy GCP-0070",
        "trivy AZU-0050",
        "trivy AZU-0048",
    ),
)
def open_admin_ingress(resource: Resource, options: OpenAdminIngressOptions) -> Iterator[Finding]:
    """Firewall rules do not open SSH or RDP to the whole internet.

    ## What it does
    Checks inbound firewall rules that let every address (`0.0.0.0/0`, `::/0`) reach SSH
    (22) or RDP (3389):

    - AWS: `ingress` blocks of `aws_security_group` and `aws_default_security_group`,
      `aws_security_group_rule` with `type = "ingress"` (`cidr_blocks`,
      `ipv6_cidr_blocks`), and `aws_vpc_security_group_ingress_rule` (`cidr_ipv4`,
      `cidr_ipv6`). The protocol must be TCP (`tcp`, `6`) with a `from_port`..`to_port`
      range holding the port, or all traffic (`-1`, `all`), which opens every port.
    - Google Cloud: `google_compute_firewall` with direction `INGRESS` (the default),
      not `disabled`, whose `source_ranges` hold an open range and whose `allow` blocks
      open the port: protocol `tcp` with `ports` such as `"22"` or `"20-30"`, `tcp` with
      no `ports` (every port), or protocol `all`.
    - Azure: `azurerm_network_security_rule` and the `security_rule` blocks of
      `azurerm_network_security_group` with direction `Inbound`, access `Allow`, protocol
      `Tcp` or `*`, a `destination_port_range(s)` holding the port (`22`, `0-65535`,
      `*`), and a `source_address_prefix(es)` of `*`, `Internet`, `Any` or an open CIDR.

    The finding points at the open address itself. Only literal values can prove a rule
    open: when the ports, the protocol or the direction come from variables or `dynamic`
    blocks, nothing is reported, since their values are decided elsewhere. Protocols
    other than TCP (UDP, ICMP) cannot carry SSH or RDP sessions and are not reported.
    Unlike checkov, an AWS rule that also names `self` or a security group is still
    reported when it holds an open CIDR (the sources add up), and a rule without any
    source is not.

    ## Why it matters
    Ports 22 and 3389 on public addresses are scanned within minutes of coming up.
    Leaked keys, weak passwords and unpatched daemons then give a shell or a desktop on
    the machine, inside the network.

    ## Example
    ```hcl
    resource "aws_security_group" "bastion" {
      ingress {
        from_port   = 22
        to_port     = 22
        protocol    = "tcp"
        cidr_blocks = ["0.0.0.0/0"]
      }
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_security_group" "bastion" {
      ingress {
        from_port   = 22
        to_port     = 22
        protocol    = "tcp"
        cidr_blocks = var.admin_cidr_blocks
      }
    }
    ```
    Better still, close the port and reach machines through AWS Systems Manager Session
    Manager, Google Cloud IAP TCP forwarding or Azure Bastion.

    ## Fix
    None: the addresses that need access are the team's to decide.

    ## Options
    - `ports`: the ports checked (replaces `[22, 3389]`), for example to add WinRM
      (5985, 5986).

    ## Variants
    - AWS `aws_security_group` `ingress` blocks, `aws_security_group_rule` of type
      `ingress`, `aws_vpc_security_group_ingress_rule` (checkov CKV_AWS_24/25, trivy
      AWS-0107): covered, with `aws_default_security_group` and `ingress = [{...}]`
      written as an attribute.
    - protocol `-1` or `all` as every port (checkov, trivy): covered.
    - IPv6 `::/0` and its long spelling `0000:...:0000/0` (checkov, trivy): covered: any
      network of prefix length 0 counts.
    - UDP rules (trivy AWS-0107 and AZU-0048/0050 count UDP and anything but ICMP): not
      covered: SSH runs over TCP only, and RDP's UDP transport starts from a TCP
      connection, so a UDP rule alone opens no session.
    - checkov's AWS reading of `from_port = 0, to_port = 0` as every port with protocol
      `tcp`: not covered: for TCP that is port 0; `-1` is what opens every port.
    - an AWS rule with no source at all (checkov reports it): not covered: AWS rejects a
      rule without a source.
    - `prefix_list_ids`, `self` and security-group sources (checkov passes the rule):
      covered in spirit: only literal open CIDRs are reported, alongside whatever else
      the rule names.
    - Google `google_compute_firewall` with `ports` ranges (`"20-30"`) and `source_ranges`
      (checkov CKV_GCP_2/3, trivy GCP-0070/0071): covered; an `allow` without `ports`,
      which opens every port, is covered too, where checkov lets it pass; `disabled =
      true` rules pass, as trivy's `enforced` does.
    - Azure `azurerm_network_security_rule` and `security_rule` blocks, port `*`, ranges
      and `destination_port_ranges`, sources `*`, `Internet`, `Any` (checkov CKV_AZURE_9/
      10, trivy AZU-0048/0050): covered.
    - Azure sources `0.0.0.0`, `/0` and `<nw>/0` (checkov): not covered: `0.0.0.0` is one
      address and the others are not valid prefixes, so they open nothing.

    ## References
    - https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
    - https://cloud.google.com/firewall/docs/firewalls
    - https://learn.microsoft.com/en-us/azure/virtual-network/network-security-groups-overview
    - https://cloud.google.com/iap/docs/using-tcp-forwarding
    """
    for term, opened in open_admin_sources(resource, options.ports):
        yield Finding(
            term.span,
            f"`{resource.address}` opens {_port_names(opened)} to `{term.value}`: "
            "allow known address ranges only",
            logical=resource.logical,
        )
