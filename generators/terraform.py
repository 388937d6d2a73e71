"""`opslint new terraform`: reusable modules and one root module per environment.

The tree is the usual split of Terraform code: `modules/` holds the network, the
Kubernetes cluster and the PostgreSQL database of one cloud, written once with every
size and range as an input; `environments/<env>/` holds one root module per environment
that calls them, with its own locked and encrypted remote state and its own values in
`terraform.tfvars`. Production-like environments (`production`, `prod*`, `live`) get
larger machines, highly available databases and longer backups; the others get the
small sizes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from opslint.detect import ProjectInfo
from opslint.generate import Artifact, GeneratorError, generator

from ._hcl import Block, Call, Comment, Expr, Item, Value, attributes, block, render

TERRAFORM_VERSION = ">= 1.10, < 2.0"
"""1.10 is the first release with S3-native state locking (`use_lockfile`)."""

PROVIDER_SOURCES: dict[str, tuple[str, str]] = {
    "aws": ("hashicorp/aws", "~> 5.70"),
    "google": ("hashicorp/google", "~> 6.10"),
    "azurerm": ("hashicorp/azurerm", "~> 4.10"),
    "random": ("hashicorp/random", "~> 3.6"),
}
"""Registry source and version range of every provider the tree uses."""

CLOUDS = ("aws", "gcp", "azure")
DEFAULT_REGIONS = {"aws": "eu-west-1", "gcp": "europe-west1", "azure": "westeurope"}
PRODUCTION_NAMES = ("production", "prod", "prd", "live")

MAX_ENVIRONMENTS = 24
"""Environments get the networks 10.10.0.0/16, 10.20.0.0/16, ... up to 10.240.0.0/16."""

_NAME = re.compile(r"^[a-z][a-z0-9-]*[a-z0-9]$")
_LABEL_VALUE = re.compile(r"^[a-z0-9_-]{1,63}$")
_REGION = re.compile(r"^[a-z]+[a-z0-9-]*[a-z0-9]$")


@dataclass(frozen=True)
class TerraformOptions:
    """The cloud, the environments and the names of the generated tree."""

    provider: str = "aws"
    """The cloud to build on: aws, gcp or azure."""
    env: tuple[str, ...] = ("staging", "production")
    """The environments, one root module each under environments/."""
    name: str = ""
    """The prefix of every resource name; default: the project's name."""
    region: str = ""
    """The region (Azure: location); default: eu-west-1, europe-west1 or westeurope."""
    team: str = ""
    """The value of the `team` tag (label on Google Cloud); default: the name."""
    cost_center: str = ""
    """The value of the `cost-center` tag (label on Google Cloud); default: the name."""
    state_bucket: str = ""
    """The bucket (Azure: storage account) holding the state; default: made from the name."""
    project_id: str = ""
    """Google Cloud project of each environment, `{env}` standing for its name;
    default: `<name>-{env}`."""
    path: str = ""
    """The folder the tree is written to; default: the output folder itself."""


@dataclass(frozen=True)
class Environment:
    """One environment: its name, its network block and whether it serves production."""

    name: str
    index: int
    production: bool

    @property
    def octet(self) -> int:
        """The second octet of the environment's 10.x.0.0/16 network."""
        return 10 * (self.index + 1)

    def cidr(self, third: int, prefix: int) -> str:
        """A range inside the environment's network: `10.<octet>.<third>.0/<prefix>`."""
        return f"10.{self.octet}.{third}.0/{prefix}"


@dataclass(frozen=True)
class Context:
    """Everything the files are made from, checked."""

    cloud: str
    name: str
    region: str
    team: str
    cost_center: str
    state_bucket: str
    project_id: str
    environments: tuple[Environment, ...]


@dataclass(frozen=True)
class Input:
    """A module's input variable, and in a root module the value `terraform.tfvars` gives."""

    name: str
    type: str
    description: str
    default: Value | None = None
    sensitive: bool = False


@dataclass(frozen=True)
class Section:
    """Root-module inputs that belong together, under a comment in `terraform.tfvars`."""

    title: str
    values: tuple[tuple[Input, Value], ...]


@dataclass(frozen=True)
class ModuleCode:
    """The files of one module under `modules/`."""

    providers: tuple[str, ...]
    inputs: tuple[Input, ...]
    main: tuple[Item, ...]
    outputs: tuple[tuple[str, str, str, bool], ...]
    """(name, value expression, description, sensitive) of each output."""


@dataclass(frozen=True)
class RootCode:
    """The files of one environment's root module."""

    providers: tuple[str, ...]
    backend: Block
    provider_blocks: tuple[Item, ...]
    sections: tuple[Section, ...]
    main: tuple[Item, ...]
    outputs: tuple[tuple[str, str, str, bool], ...]


def v(name: str) -> Expr:
    """A reference to input variable `name`."""
    return Expr(f"var.{name}")


def _prevent_destroy(*ignore_changes: str) -> Block:
    settings: dict[str, Value] = {"prevent_destroy": True}
    if ignore_changes:
        settings["ignore_changes"] = Expr("[" + ", ".join(ignore_changes) + "]")
    return block("lifecycle", settings)


# Files shared by every cloud ---------------------------------------------------------------


def _versions(providers: tuple[str, ...]) -> str:
    required = {
        name: {"source": PROVIDER_SOURCES[name][0], "version": PROVIDER_SOURCES[name][1]}
        for name in providers
    }
    return render(
        [
            block(
                "terraform",
                {"required_version": TERRAFORM_VERSION},
                block("required_providers", required),
            )
        ]
    )


def _variable(item: Input) -> Block:
    settings: dict[str, Value] = {"type": Expr(item.type), "description": item.description}
    if item.default is not None:
        settings["default"] = item.default
    if item.sensitive:
        settings["sensitive"] = True
    return block("variable", item.name, settings)


def _outputs(outputs: tuple[tuple[str, str, str, bool], ...]) -> str:
    blocks: list[Item] = []
    for name, value, description, sensitive in outputs:
        settings: dict[str, Value] = {"description": description, "value": Expr(value)}
        if sensitive:
            settings["sensitive"] = True
        blocks.append(block("output", name, settings))
    return render(blocks)


def _module_files(folder: str, code: ModuleCode) -> dict[str, str]:
    return {
        f"{folder}/main.tf": render(code.main),
        f"{folder}/outputs.tf": _outputs(code.outputs),
        f"{folder}/variables.tf": render([_variable(item) for item in code.inputs]),
        f"{folder}/versions.tf": _versions(code.providers),
    }


def _root_files(folder: str, code: RootCode) -> dict[str, str]:
    declared = [item for section in code.sections for item, _ in section.values]
    values: list[Item] = []
    for section in code.sections:
        values.append(Comment(section.title))
        values.extend(attributes({item.name: value for item, value in section.values}))
    return {
        f"{folder}/backend.tf": render(
            [
                Comment("The state store must exist before `terraform init`."),
                block("terraform", code.backend),
            ]
        ),
        f"{folder}/main.tf": render(code.main),
        f"{folder}/outputs.tf": _outputs(code.outputs),
        f"{folder}/providers.tf": render(code.provider_blocks),
        f"{folder}/terraform.tfvars": render(values),
        f"{folder}/variables.tf": render([_variable(item) for item in declared]),
        f"{folder}/versions.tf": _versions(code.providers),
    }


def _module_call(name: str, arguments: Mapping[str, Value], *after: str) -> Block:
    """`module "<name>"` with a local source, its arguments and its `depends_on`."""
    settings: dict[str, Value] = {"source": f"../../modules/{name}", **arguments}
    if after:
        settings["depends_on"] = Expr("[" + ", ".join(after) + "]")
    return block("module", name, settings)


def _tag_values(context: Context) -> dict[str, Value]:
    return {"team": context.team, "service": context.name, "cost-center": context.cost_center}


def _common_inputs(context: Context, environment: Environment, tags: str) -> Section:
    region = "location" if context.cloud == "azure" else "region"
    kind = "labels" if context.cloud == "gcp" else "tags"
    return Section(
        "Identity",
        (
            (Input("name", "string", "Prefix of every resource name."), context.name),
            (
                Input("environment", "string", "Name of the environment, in names and tags."),
                environment.name,
            ),
            (Input(region, "string", f"Cloud {region} of every resource."), context.region),
            (
                Input(
                    tags,
                    "map(string)",
                    f"Required {kind} of every resource; `environment` is added.",
                ),
                _tag_values(context),
            ),
        ),
    )


def _locals(tags: str) -> Block:
    return block(
        "locals",
        {
            "name": Expr('"${var.name}-${var.environment}"'),
            tags: Expr(f"merge(var.{tags}, {{ environment = var.environment }})"),
        },
    )


def _sized(
    sizes: Mapping[str, Value], name: str, type_: str, description: str
) -> tuple[Input, Value]:
    """A root-module input whose value depends on whether the environment serves production."""
    return Input(name, type_, description), sizes[name]


_KUBERNETES_VERSION_INPUT = Input(
    "kubernetes_version", "string", "Kubernetes minor version, e.g. 1.32."
)
_KUBERNETES_VERSION_VALUE = (
    Input("kubernetes_version", "string", "Kubernetes minor version."),
    "1.32",
)
"""A root module's Kubernetes version and the version it gives."""
_DATABASE_NAME_INPUT = Input(
    "database_name", "string", "Name of the database created in the instance."
)
_DATABASE_NAME = Expr('replace(var.name, "-", "_")')
"""The database a root module creates: the resource prefix with underscores."""


# Amazon Web Services ------------------------------------------------------------------------


AWS_SIZES: dict[bool, dict[str, Value]] = {
    False: {
        "single_nat_gateway": True,
        "node_instance_types": ["t3.large"],
        "node_min_size": 1,
        "node_desired_size": 2,
        "node_max_size": 3,
        "db_instance_class": "db.t4g.medium",
        "db_allocated_storage": 20,
        "db_max_allocated_storage": 100,
        "db_multi_az": False,
        "db_backup_retention_days": 7,
    },
    True: {
        "single_nat_gateway": False,
        "node_instance_types": ["m6i.large"],
        "node_min_size": 3,
        "node_desired_size": 3,
        "node_max_size": 6,
        "db_instance_class": "db.m6g.large",
        "db_allocated_storage": 100,
        "db_max_allocated_storage": 500,
        "db_multi_az": True,
        "db_backup_retention_days": 30,
    },
}
"""Sizes of non-production and production environments."""


_AWS_TAGS_INPUT = Input(
    "tags",
    "map(string)",
    "Tags added to those of the provider's `default_tags`.",
    default={},
)


def _kms_key(name: str, description: str) -> Block:
    """A customer-managed key with rotation, kept from `terraform destroy`."""
    return block(
        "resource",
        "aws_kms_key",
        name,
        {
            "description": Expr(f'"{description}"'),
            "enable_key_rotation": True,
            "deletion_window_in_days": 30,
            "tags": v("tags"),
        },
        _prevent_destroy(),
    )


def _iam_role(name: str) -> Block:
    """Role `<name>` assumed through the policy document `<name>_assume_role`."""
    return block(
        "resource",
        "aws_iam_role",
        name,
        {
            "name": Expr(f'"${{var.name}}-{name}"'),
            "assume_role_policy": Expr(f"data.aws_iam_policy_document.{name}_assume_role.json"),
            "tags": v("tags"),
        },
    )


def _aws_tags(suffix: str = "", extra: Mapping[str, Value] | None = None) -> Call:
    """`merge(var.tags, { Name = ... })`: the module's tags and a `Name` tag."""
    name: Value = v("name") if not suffix else Expr(f'"${{var.name}}{suffix}"')
    return Call("merge", (v("tags"), {"Name": name, **(extra or {})}))


def _aws_network() -> ModuleCode:
    def subnets(kind: str, role: str) -> Block:
        return block(
            "resource",
            "aws_subnet",
            kind,
            {
                "count": Expr(f"length(var.{kind}_subnet_cidrs)"),
                "vpc_id": Expr("aws_vpc.this.id"),
                "cidr_block": Expr(f"var.{kind}_subnet_cidrs[count.index]"),
                "availability_zone": Expr(
                    "element(data.aws_availability_zones.available.names, count.index)"
                ),
                "tags": _aws_tags(f"-{kind}-${{count.index}}", {f"kubernetes.io/role/{role}": "1"}),
            },
        )

    main: tuple[Item, ...] = (
        block("data", "aws_availability_zones", "available", {"state": "available"}),
        block(
            "locals",
            {"nat_gateways": Expr("var.single_nat_gateway ? 1 : length(var.public_subnet_cidrs)")},
        ),
        block(
            "resource",
            "aws_vpc",
            "this",
            {
                "cidr_block": v("cidr_block"),
                "enable_dns_support": True,
                "enable_dns_hostnames": True,
                "tags": _aws_tags(),
            },
        ),
        Comment("Takes over the VPC's default security group and leaves it without rules."),
        block(
            "resource",
            "aws_default_security_group",
            "this",
            {"vpc_id": Expr("aws_vpc.this.id"), "tags": _aws_tags("-default")},
        ),
        block(
            "resource",
            "aws_internet_gateway",
            "this",
            {"vpc_id": Expr("aws_vpc.this.id"), "tags": _aws_tags()},
        ),
        subnets("public", "elb"),
        subnets("private", "internal-elb"),
        block(
            "resource",
            "aws_eip",
            "nat",
            {
                "count": Expr("local.nat_gateways"),
                "domain": "vpc",
                "tags": _aws_tags("-nat-${count.index}"),
            },
        ),
        block(
            "resource",
            "aws_nat_gateway",
            "this",
            {
                "count": Expr("local.nat_gateways"),
                "allocation_id": Expr("aws_eip.nat[count.index].id"),
                "subnet_id": Expr("aws_subnet.public[count.index].id"),
                "tags": _aws_tags("-${count.index}"),
                "depends_on": Expr("[aws_internet_gateway.this]"),
            },
        ),
        block(
            "resource",
            "aws_route_table",
            "public",
            {"vpc_id": Expr("aws_vpc.this.id"), "tags": _aws_tags("-public")},
            block(
                "route",
                {"cidr_block": "0.0.0.0/0", "gateway_id": Expr("aws_internet_gateway.this.id")},
            ),
        ),
        block(
            "resource",
            "aws_route_table_association",
            "public",
            {
                "count": Expr("length(aws_subnet.public)"),
                "subnet_id": Expr("aws_subnet.public[count.index].id"),
                "route_table_id": Expr("aws_route_table.public.id"),
            },
        ),
        block(
            "resource",
            "aws_route_table",
            "private",
            {
                "count": Expr("length(var.private_subnet_cidrs)"),
                "vpc_id": Expr("aws_vpc.this.id"),
                "tags": _aws_tags("-private-${count.index}"),
            },
            block(
                "route",
                {
                    "cidr_block": "0.0.0.0/0",
                    "nat_gateway_id": Expr(
                        "aws_nat_gateway.this[min(count.index, local.nat_gateways - 1)].id"
                    ),
                },
            ),
        ),
        block(
            "resource",
            "aws_route_table_association",
            "private",
            {
                "count": Expr("length(aws_subnet.private)"),
                "subnet_id": Expr("aws_subnet.private[count.index].id"),
                "route_table_id": Expr("aws_route_table.private[count.index].id"),
            },
        ),
    )
    return ModuleCode(
        providers=("aws",),
        inputs=(
            Input("name", "string", "Prefix of every resource name."),
            Input("cidr_block", "string", "Address range of the VPC."),
            Input(
                "public_subnet_cidrs",
                "list(string)",
                "Address ranges of the public subnets, one per availability zone.",
            ),
            Input(
                "private_subnet_cidrs",
                "list(string)",
                "Address ranges of the private subnets, one per availability zone.",
            ),
            Input(
                "single_nat_gateway",
                "bool",
                "One NAT gateway for every zone (cheaper) instead of one per zone.",
            ),
            _AWS_TAGS_INPUT,
        ),
        main=main,
        outputs=(
            ("vpc_id", "aws_vpc.this.id", "ID of the VPC.", False),
            ("public_subnet_ids", "aws_subnet.public[*].id", "IDs of the public subnets.", False),
            (
                "private_subnet_ids",
                "aws_subnet.private[*].id",
                "IDs of the private subnets.",
                False,
            ),
        ),
    )


def _assume_role(name: str, service: str) -> Block:
    return block(
        "data",
        "aws_iam_policy_document",
        name,
        block(
            "statement",
            {"actions": ["sts:AssumeRole"]},
            block("principals", {"type": "Service", "identifiers": [service]}),
        ),
    )


def _aws_managed_policy(name: str) -> str:
    return f'"arn:${{data.aws_partition.current.partition}}:iam::aws:policy/{name}"'


EKS_NODE_POLICIES = (
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryReadOnly",
)
"""AWS-managed policies the nodes' role needs."""


def _aws_cluster() -> ModuleCode:
    main: tuple[Item, ...] = (
        block("data", "aws_partition", "current"),
        _assume_role("cluster_assume_role", "eks.amazonaws.com"),
        _iam_role("cluster"),
        block(
            "resource",
            "aws_iam_role_policy_attachment",
            "cluster",
            {
                "role": Expr("aws_iam_role.cluster.name"),
                "policy_arn": Expr(_aws_managed_policy("AmazonEKSClusterPolicy")),
            },
        ),
        _kms_key("secrets", "Encryption of the Kubernetes secrets of ${var.name}"),
        block(
            "data",
            "aws_iam_policy_document",
            "cluster_encryption",
            block(
                "statement",
                {
                    "actions": ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
                    "resources": Expr("[aws_kms_key.secrets.arn]"),
                },
            ),
        ),
        block(
            "resource",
            "aws_iam_role_policy",
            "cluster_encryption",
            {
                "name": "secrets-encryption",
                "role": Expr("aws_iam_role.cluster.id"),
                "policy": Expr("data.aws_iam_policy_document.cluster_encryption.json"),
            },
        ),
        block(
            "resource",
            "aws_eks_cluster",
            "this",
            {
                "name": v("name"),
                "version": v("kubernetes_version"),
                "role_arn": Expr("aws_iam_role.cluster.arn"),
                "enabled_cluster_log_types": ["api", "audit", "authenticator"],
                "tags": v("tags"),
                "depends_on": Expr(
                    "[aws_iam_role_policy_attachment.cluster, "
                    "aws_iam_role_policy.cluster_encryption]"
                ),
            },
            block(
                "vpc_config",
                {
                    "subnet_ids": v("subnet_ids"),
                    "endpoint_private_access": True,
                    "endpoint_public_access": Expr("length(var.api_authorized_cidrs) > 0"),
                    "public_access_cidrs": v("api_authorized_cidrs"),
                },
            ),
            block("access_config", {"authentication_mode": "API"}),
            block(
                "encryption_config",
                {"resources": ["secrets"]},
                block("provider", {"key_arn": Expr("aws_kms_key.secrets.arn")}),
            ),
        ),
        _assume_role("node_assume_role", "ec2.amazonaws.com"),
        _iam_role("node"),
        block(
            "resource",
            "aws_iam_role_policy_attachment",
            "node",
            {
                "for_each": Call("toset", (list(EKS_NODE_POLICIES),)),
                "role": Expr("aws_iam_role.node.name"),
                "policy_arn": Expr(_aws_managed_policy("${each.value}")),
            },
        ),
        block(
            "resource",
            "aws_eks_node_group",
            "default",
            {
                "cluster_name": Expr("aws_eks_cluster.this.name"),
                "node_group_name": "default",
                "node_role_arn": Expr("aws_iam_role.node.arn"),
                "subnet_ids": v("subnet_ids"),
                "instance_types": v("node_instance_types"),
                "tags": v("tags"),
                "depends_on": Expr("[aws_iam_role_policy_attachment.node]"),
            },
            block(
                "scaling_config",
                {
                    "min_size": v("node_min_size"),
                    "desired_size": v("node_desired_size"),
                    "max_size": v("node_max_size"),
                },
            ),
            block("update_config", {"max_unavailable": 1}),
            Comment("The cluster autoscaler owns the node count once the group exists."),
            block("lifecycle", {"ignore_changes": Expr("[scaling_config[0].desired_size]")}),
        ),
    )
    return ModuleCode(
        providers=("aws",),
        inputs=(
            Input("name", "string", "Name of the cluster, prefix of its other resources."),
            _KUBERNETES_VERSION_INPUT,
            Input("subnet_ids", "list(string)", "Private subnets of the control plane and nodes."),
            Input(
                "api_authorized_cidrs",
                "list(string)",
                "Address ranges allowed to reach the Kubernetes API from the internet; "
                "empty keeps the API private.",
            ),
            Input("node_instance_types", "list(string)", "EC2 instance types of the nodes."),
            Input("node_min_size", "number", "Fewest nodes."),
            Input("node_desired_size", "number", "Nodes when the group is created."),
            Input("node_max_size", "number", "Most nodes."),
            _AWS_TAGS_INPUT,
        ),
        main=main,
        outputs=(
            ("name", "aws_eks_cluster.this.name", "Name of the cluster.", False),
            ("endpoint", "aws_eks_cluster.this.endpoint", "URL of the Kubernetes API.", False),
            (
                "certificate_authority_data",
                "aws_eks_cluster.this.certificate_authority[0].data",
                "Base64 CA certificate of the Kubernetes API.",
                False,
            ),
            (
                "security_group_id",
                "aws_eks_cluster.this.vpc_config[0].cluster_security_group_id",
                "Security group of the control plane and the managed nodes.",
                False,
            ),
            (
                "oidc_issuer_url",
                "aws_eks_cluster.this.identity[0].oidc[0].issuer",
                "OIDC issuer for IAM roles of service accounts.",
                False,
            ),
        ),
    )


def _aws_database() -> ModuleCode:
    main: tuple[Item, ...] = (
        _kms_key("database", "Encryption of the database of ${var.name}"),
        block(
            "resource",
            "aws_db_subnet_group",
            "this",
            {"name": v("name"), "subnet_ids": v("subnet_ids"), "tags": v("tags")},
        ),
        block(
            "resource",
            "aws_security_group",
            "database",
            {
                "name": Expr('"${var.name}-database"'),
                "description": Expr('"PostgreSQL of ${var.name}"'),
                "vpc_id": v("vpc_id"),
                "tags": v("tags"),
            },
        ),
        block(
            "resource",
            "aws_vpc_security_group_ingress_rule",
            "clients",
            {
                "security_group_id": Expr("aws_security_group.database.id"),
                "description": "PostgreSQL from the cluster",
                "referenced_security_group_id": v("client_security_group_id"),
                "ip_protocol": "tcp",
                "from_port": 5432,
                "to_port": 5432,
                "tags": v("tags"),
            },
        ),
        block(
            "resource",
            "aws_db_instance",
            "this",
            {
                "identifier": v("name"),
                "engine": "postgres",
                "engine_version": v("engine_version"),
                "instance_class": v("instance_class"),
                "allocated_storage": v("allocated_storage"),
                "max_allocated_storage": v("max_allocated_storage"),
                "storage_type": "gp3",
                "storage_encrypted": True,
                "kms_key_id": Expr("aws_kms_key.database.arn"),
                "db_name": v("database_name"),
                "username": v("master_username"),
                "manage_master_user_password": True,
                "master_user_secret_kms_key_id": Expr("aws_kms_key.database.arn"),
                "iam_database_authentication_enabled": True,
                "db_subnet_group_name": Expr("aws_db_subnet_group.this.name"),
                "vpc_security_group_ids": Expr("[aws_security_group.database.id]"),
                "publicly_accessible": False,
                "multi_az": v("multi_az"),
                "backup_retention_period": v("backup_retention_days"),
                "copy_tags_to_snapshot": True,
                "deletion_protection": True,
                "skip_final_snapshot": False,
                "final_snapshot_identifier": Expr('"${var.name}-final"'),
                "auto_minor_version_upgrade": True,
                "performance_insights_enabled": True,
                "performance_insights_kms_key_id": Expr("aws_kms_key.database.arn"),
                "enabled_cloudwatch_logs_exports": ["postgresql", "upgrade"],
                "tags": v("tags"),
            },
            _prevent_destroy(),
        ),
    )
    return ModuleCode(
        providers=("aws",),
        inputs=(
            Input("name", "string", "Identifier of the instance, prefix of its resources."),
            Input("vpc_id", "string", "VPC of the instance."),
            Input("subnet_ids", "list(string)", "Private subnets of the instance."),
            Input(
                "client_security_group_id",
                "string",
                "Security group allowed to connect (the cluster's).",
            ),
            Input("engine_version", "string", "PostgreSQL version, e.g. 16."),
            Input("instance_class", "string", "RDS instance class."),
            Input("allocated_storage", "number", "Storage at creation, in GiB."),
            Input("max_allocated_storage", "number", "Storage autoscaling ceiling, in GiB."),
            Input("multi_az", "bool", "A standby in a second availability zone."),
            Input("backup_retention_days", "number", "Days automated backups are kept."),
            _DATABASE_NAME_INPUT,
            Input(
                "master_username",
                "string",
                "Name of the master user; its password is managed in Secrets Manager.",
                default="app_admin",
            ),
            _AWS_TAGS_INPUT,
        ),
        main=main,
        outputs=(
            ("address", "aws_db_instance.this.address", "Host name of the database.", False),
            ("port", "aws_db_instance.this.port", "Port of the database.", False),
            (
                "master_user_secret_arn",
                "aws_db_instance.this.master_user_secret[0].secret_arn",
                "Secrets Manager secret holding the master user's password.",
                False,
            ),
        ),
    )


def _aws_root(context: Context, environment: Environment) -> RootCode:
    sizes = AWS_SIZES[environment.production]
    public = [environment.cidr(third, 20) for third in (0, 16, 32)]
    private = [environment.cidr(third, 18) for third in (64, 128, 192)]
    sections = (
        _common_inputs(context, environment, "tags"),
        Section(
            "Network",
            (
                (Input("vpc_cidr", "string", "Address range of the VPC."), environment.cidr(0, 16)),
                (
                    Input("public_subnet_cidrs", "list(string)", "Public subnets, one per zone."),
                    public,
                ),
                (
                    Input("private_subnet_cidrs", "list(string)", "Private subnets, one per zone."),
                    private,
                ),
                _sized(
                    sizes, "single_nat_gateway", "bool", "One NAT gateway instead of one per zone."
                ),
            ),
        ),
        Section(
            "Kubernetes (EKS)",
            (
                _KUBERNETES_VERSION_VALUE,
                (
                    Input(
                        "api_authorized_cidrs",
                        "list(string)",
                        "Address ranges allowed to reach the Kubernetes API from the "
                        "internet; empty keeps it private.",
                    ),
                    [],
                ),
                _sized(
                    sizes, "node_instance_types", "list(string)", "EC2 instance types of nodes."
                ),
                _sized(sizes, "node_min_size", "number", "Fewest nodes."),
                _sized(sizes, "node_desired_size", "number", "Nodes at creation."),
                _sized(sizes, "node_max_size", "number", "Most nodes."),
            ),
        ),
        Section(
            "PostgreSQL (RDS)",
            (
                (Input("db_engine_version", "string", "PostgreSQL major version."), "16"),
                _sized(sizes, "db_instance_class", "string", "RDS instance class."),
                _sized(sizes, "db_allocated_storage", "number", "Storage at creation, in GiB."),
                _sized(sizes, "db_max_allocated_storage", "number", "Storage ceiling, in GiB."),
                _sized(sizes, "db_multi_az", "bool", "A standby in a second zone."),
                _sized(sizes, "db_backup_retention_days", "number", "Days backups are kept."),
            ),
        ),
    )
    main: tuple[Item, ...] = (
        _locals("tags"),
        _module_call(
            "network",
            {
                "name": Expr("local.name"),
                "cidr_block": v("vpc_cidr"),
                "public_subnet_cidrs": v("public_subnet_cidrs"),
                "private_subnet_cidrs": v("private_subnet_cidrs"),
                "single_nat_gateway": v("single_nat_gateway"),
            },
        ),
        _module_call(
            "cluster",
            {
                "name": Expr("local.name"),
                "kubernetes_version": v("kubernetes_version"),
                "subnet_ids": Expr("module.network.private_subnet_ids"),
                "api_authorized_cidrs": v("api_authorized_cidrs"),
                "node_instance_types": v("node_instance_types"),
                "node_min_size": v("node_min_size"),
                "node_desired_size": v("node_desired_size"),
                "node_max_size": v("node_max_size"),
            },
        ),
        _module_call(
            "database",
            {
                "name": Expr("local.name"),
                "vpc_id": Expr("module.network.vpc_id"),
                "subnet_ids": Expr("module.network.private_subnet_ids"),
                "client_security_group_id": Expr("module.cluster.security_group_id"),
                "engine_version": v("db_engine_version"),
                "instance_class": v("db_instance_class"),
                "allocated_storage": v("db_allocated_storage"),
                "max_allocated_storage": v("db_max_allocated_storage"),
                "multi_az": v("db_multi_az"),
                "backup_retention_days": v("db_backup_retention_days"),
                "database_name": _DATABASE_NAME,
            },
        ),
    )
    backend = block(
        "backend",
        "s3",
        {
            "bucket": context.state_bucket,
            "key": f"{context.name}/{environment.name}/terraform.tfstate",
            "region": context.region,
            "encrypt": True,
            "use_lockfile": True,
        },
    )
    provider = block(
        "provider",
        "aws",
        {"region": v("region")},
        block("default_tags", {"tags": Expr("local.tags")}),
    )
    return RootCode(
        providers=("aws",),
        backend=backend,
        provider_blocks=(provider,),
        sections=sections,
        main=main,
        outputs=(
            ("cluster_name", "module.cluster.name", "Name of the EKS cluster.", False),
            ("cluster_endpoint", "module.cluster.endpoint", "URL of the Kubernetes API.", False),
            ("database_address", "module.database.address", "Host name of PostgreSQL.", False),
            (
                "database_secret_arn",
                "module.database.master_user_secret_arn",
                "Secret holding the database master password.",
                False,
            ),
        ),
    )


# Google Cloud -------------------------------------------------------------------------------


GCP_SIZES: dict[bool, dict[str, Value]] = {
    False: {
        "machine_type": "e2-standard-2",
        "node_min_count": 1,
        "node_max_count": 2,
        "db_tier": "db-custom-1-3840",
        "db_availability_type": "ZONAL",
        "db_disk_size_gb": 20,
        "db_retained_backups": 7,
    },
    True: {
        "machine_type": "e2-standard-4",
        "node_min_count": 1,
        "node_max_count": 5,
        "db_tier": "db-custom-2-7680",
        "db_availability_type": "REGIONAL",
        "db_disk_size_gb": 100,
        "db_retained_backups": 30,
    },
}

GCP_SERVICES = (
    "compute.googleapis.com",
    "container.googleapis.com",
    "iam.googleapis.com",
    "secretmanager.googleapis.com",
    "servicenetworking.googleapis.com",
    "sqladmin.googleapis.com",
)
"""APIs the tree uses, turned on in each environment's project."""

GKE_NODE_ROLES = (
    "roles/artifactregistry.reader",
    "roles/logging.logWriter",
    "roles/monitoring.metricWriter",
    "roles/monitoring.viewer",
)
"""What the nodes' own service account may do (instead of the default compute account)."""


def _gcp_network() -> ModuleCode:
    main: tuple[Item, ...] = (
        block(
            "resource",
            "google_compute_network",
            "this",
            {"name": v("name"), "auto_create_subnetworks": False, "routing_mode": "REGIONAL"},
        ),
        block(
            "resource",
            "google_compute_subnetwork",
            "this",
            {
                "name": v("name"),
                "region": v("region"),
                "network": Expr("google_compute_network.this.id"),
                "ip_cidr_range": v("subnet_cidr"),
                "private_ip_google_access": True,
            },
            block("secondary_ip_range", {"range_name": "pods", "ip_cidr_range": v("pods_cidr")}),
            block(
                "secondary_ip_range",
                {"range_name": "services", "ip_cidr_range": v("services_cidr")},
            ),
            block(
                "log_config",
                {
                    "aggregation_interval": "INTERVAL_10_MIN",
                    "flow_sampling": 0.5,
                    "metadata": "INCLUDE_ALL_METADATA",
                },
            ),
        ),
        block(
            "resource",
            "google_compute_router",
            "this",
            {
                "name": v("name"),
                "region": v("region"),
                "network": Expr("google_compute_network.this.id"),
            },
        ),
        Comment("Outbound internet access for nodes without public addresses."),
        block(
            "resource",
            "google_compute_router_nat",
            "this",
            {
                "name": v("name"),
                "region": v("region"),
                "router": Expr("google_compute_router.this.name"),
                "nat_ip_allocate_option": "AUTO_ONLY",
                "source_subnetwork_ip_ranges_to_nat": "ALL_SUBNETWORKS_ALL_IP_RANGES",
            },
            block("log_config", {"enable": True, "filter": "ERRORS_ONLY"}),
        ),
        Comment("Private services access: Cloud SQL gets an address inside the network."),
        block(
            "resource",
            "google_compute_global_address",
            "private_services",
            {
                "name": Expr('"${var.name}-private-services"'),
                "purpose": "VPC_PEERING",
                "address_type": "INTERNAL",
                "address": Expr("cidrhost(var.private_services_cidr, 0)"),
                "prefix_length": Expr('tonumber(split("/", var.private_services_cidr)[1])'),
                "network": Expr("google_compute_network.this.id"),
            },
        ),
        block(
            "resource",
            "google_service_networking_connection",
            "private_services",
            {
                "network": Expr("google_compute_network.this.id"),
                "service": "servicenetworking.googleapis.com",
                "reserved_peering_ranges": Expr(
                    "[google_compute_global_address.private_services.name]"
                ),
            },
        ),
    )
    return ModuleCode(
        providers=("google",),
        inputs=(
            Input("name", "string", "Name of the network, prefix of its resources."),
            Input("region", "string", "Region of the subnetwork."),
            Input("subnet_cidr", "string", "Address range of the nodes."),
            Input("pods_cidr", "string", "Secondary range of the pods."),
            Input("services_cidr", "string", "Secondary range of the Kubernetes services."),
            Input(
                "private_services_cidr",
                "string",
                "Range reserved for Google-managed services (Cloud SQL).",
            ),
        ),
        main=main,
        outputs=(
            ("network_id", "google_compute_network.this.id", "ID of the network.", False),
            (
                "subnetwork_id",
                "google_compute_subnetwork.this.id",
                "ID of the subnetwork.",
                False,
            ),
            (
                "pods_range_name",
                "google_compute_subnetwork.this.secondary_ip_range[0].range_name",
                "Name of the pods' secondary range.",
                False,
            ),
            (
                "services_range_name",
                "google_compute_subnetwork.this.secondary_ip_range[1].range_name",
                "Name of the services' secondary range.",
                False,
            ),
        ),
    )


def _gcp_cluster() -> ModuleCode:
    main: tuple[Item, ...] = (
        block(
            "resource",
            "google_service_account",
            "nodes",
            {
                "account_id": Expr('"${var.name}-nodes"'),
                "display_name": Expr('"Nodes of ${var.name}"'),
            },
        ),
        block(
            "resource",
            "google_project_iam_member",
            "nodes",
            {
                "for_each": Call("toset", (list(GKE_NODE_ROLES),)),
                "project": v("project_id"),
                "role": Expr("each.value"),
                "member": Expr('"serviceAccount:${google_service_account.nodes.email}"'),
            },
        ),
        block(
            "resource",
            "google_container_cluster",
            "this",
            {
                "name": v("name"),
                "location": v("region"),
                "network": v("network_id"),
                "subnetwork": v("subnetwork_id"),
                "remove_default_node_pool": True,
                "initial_node_count": 1,
                "deletion_protection": True,
            },
            block("release_channel", {"channel": v("release_channel")}),
            block(
                "ip_allocation_policy",
                {
                    "cluster_secondary_range_name": v("pods_range_name"),
                    "services_secondary_range_name": v("services_range_name"),
                },
            ),
            block(
                "private_cluster_config",
                {
                    "enable_private_nodes": True,
                    "enable_private_endpoint": False,
                    "master_ipv4_cidr_block": v("control_plane_cidr"),
                },
            ),
            Comment("Only these ranges reach the API from outside; none when the list is empty."),
            block(
                "master_authorized_networks_config",
                block(
                    "dynamic",
                    "cidr_blocks",
                    {"for_each": v("api_authorized_cidrs")},
                    block(
                        "content",
                        {
                            "cidr_block": Expr("cidr_blocks.value"),
                            "display_name": Expr("cidr_blocks.value"),
                        },
                    ),
                ),
            ),
            block(
                "workload_identity_config",
                {"workload_pool": Expr('"${var.project_id}.svc.id.goog"')},
            ),
        ),
        block(
            "resource",
            "google_container_node_pool",
            "default",
            {
                "name": "default",
                "cluster": Expr("google_container_cluster.this.id"),
                "location": v("region"),
            },
            block(
                "autoscaling",
                {"min_node_count": v("node_min_count"), "max_node_count": v("node_max_count")},
            ),
            block("management", {"auto_repair": True, "auto_upgrade": True}),
            block(
                "node_config",
                {
                    "machine_type": v("machine_type"),
                    "service_account": Expr("google_service_account.nodes.email"),
                    "oauth_scopes": ["https://www.googleapis.com/auth/cloud-platform"],
                },
                block("workload_metadata_config", {"mode": "GKE_METADATA"}),
                block(
                    "shielded_instance_config",
                    {"enable_secure_boot": True, "enable_integrity_monitoring": True},
                ),
            ),
        ),
    )
    return ModuleCode(
        providers=("google",),
        inputs=(
            Input("name", "string", "Name of the cluster, prefix of its other resources."),
            Input("project_id", "string", "Project of the cluster."),
            Input("region", "string", "Region of the (regional) cluster."),
            Input("network_id", "string", "Network of the cluster."),
            Input("subnetwork_id", "string", "Subnetwork of the nodes."),
            Input("pods_range_name", "string", "Secondary range of the pods."),
            Input("services_range_name", "string", "Secondary range of the services."),
            Input("control_plane_cidr", "string", "The /28 range of the control plane."),
            Input(
                "api_authorized_cidrs",
                "list(string)",
                "Address ranges allowed to reach the Kubernetes API from outside.",
            ),
            Input("release_channel", "string", "GKE release channel: RAPID, REGULAR or STABLE."),
            Input("machine_type", "string", "Machine type of the nodes."),
            Input("node_min_count", "number", "Fewest nodes per zone."),
            Input("node_max_count", "number", "Most nodes per zone."),
        ),
        main=main,
        outputs=(
            ("name", "google_container_cluster.this.name", "Name of the cluster.", False),
            (
                "endpoint",
                "google_container_cluster.this.endpoint",
                "Address of the Kubernetes API.",
                False,
            ),
            (
                "ca_certificate",
                "google_container_cluster.this.master_auth[0].cluster_ca_certificate",
                "Base64 CA certificate of the Kubernetes API.",
                False,
            ),
        ),
    )


def _gcp_database() -> ModuleCode:
    main: tuple[Item, ...] = (
        block(
            "resource",
            "google_sql_database_instance",
            "this",
            {
                "name": v("name"),
                "region": v("region"),
                "database_version": v("database_version"),
                "deletion_protection": True,
            },
            block(
                "settings",
                {
                    "edition": "ENTERPRISE",
                    "tier": v("tier"),
                    "availability_type": v("availability_type"),
                    "disk_type": "PD_SSD",
                    "disk_size": v("disk_size_gb"),
                    "disk_autoresize": True,
                    "user_labels": v("labels"),
                },
                block(
                    "backup_configuration",
                    {
                        "enabled": True,
                        "point_in_time_recovery_enabled": True,
                        "start_time": "02:00",
                    },
                    block("backup_retention_settings", {"retained_backups": v("retained_backups")}),
                ),
                block(
                    "ip_configuration",
                    {
                        "ipv4_enabled": False,
                        "private_network": v("network_id"),
                        "ssl_mode": "ENCRYPTED_ONLY",
                    },
                ),
                block("insights_config", {"query_insights_enabled": True}),
                block("maintenance_window", {"day": 7, "hour": 3, "update_track": "stable"}),
            ),
            _prevent_destroy(),
        ),
        block(
            "resource",
            "google_sql_database",
            "this",
            {
                "name": v("database_name"),
                "instance": Expr("google_sql_database_instance.this.name"),
            },
            _prevent_destroy(),
        ),
        block("resource", "random_password", "app", {"length": 32, "special": False}),
        block(
            "resource",
            "google_sql_user",
            "app",
            {
                "name": v("user_name"),
                "instance": Expr("google_sql_database_instance.this.name"),
                "password": Expr("random_password.app.result"),
            },
        ),
        Comment("The application reads its password from Secret Manager."),
        block(
            "resource",
            "google_secret_manager_secret",
            "app_password",
            {"secret_id": Expr('"${var.name}-database-password"')},
            block("replication", block("auto")),
            _prevent_destroy(),
        ),
        block(
            "resource",
            "google_secret_manager_secret_version",
            "app_password",
            {
                "secret": Expr("google_secret_manager_secret.app_password.id"),
                "secret_data": Expr("random_password.app.result"),
            },
        ),
    )
    return ModuleCode(
        providers=("google", "random"),
        inputs=(
            Input("name", "string", "Name of the instance, prefix of its resources."),
            Input("region", "string", "Region of the instance."),
            Input("network_id", "string", "Network the instance gets its private address in."),
            Input("database_version", "string", "Cloud SQL version, e.g. POSTGRES_16."),
            Input("tier", "string", "Machine tier of the instance."),
            Input("availability_type", "string", "ZONAL, or REGIONAL for a standby."),
            Input("disk_size_gb", "number", "Disk size at creation, in GB (it grows)."),
            Input("retained_backups", "number", "Number of daily backups kept."),
            _DATABASE_NAME_INPUT,
            Input("user_name", "string", "Name of the application's user.", default="app"),
            Input("labels", "map(string)", "Labels of the instance.", default={}),
        ),
        main=main,
        outputs=(
            (
                "connection_name",
                "google_sql_database_instance.this.connection_name",
                "Connection name for the Cloud SQL connectors.",
                False,
            ),
            (
                "private_ip_address",
                "google_sql_database_instance.this.private_ip_address",
                "Private address of the instance.",
                False,
            ),
            (
                "password_secret_id",
                "google_secret_manager_secret.app_password.id",
                "Secret Manager secret holding the user's password.",
                False,
            ),
        ),
    )


def _gcp_root(context: Context, environment: Environment) -> RootCode:
    sizes = GCP_SIZES[environment.production]
    project_id = context.project_id.replace("{env}", environment.name)
    common = _common_inputs(context, environment, "labels")
    sections = (
        Section(
            common.title,
            (
                (
                    Input("project_id", "string", "Google Cloud project of the environment."),
                    project_id,
                ),
                *common.values,
            ),
        ),
        Section(
            "Network",
            (
                (
                    Input("subnet_cidr", "string", "Address range of the nodes."),
                    environment.cidr(0, 20),
                ),
                (
                    Input("services_cidr", "string", "Range of the Kubernetes services."),
                    environment.cidr(16, 20),
                ),
                (
                    Input("control_plane_cidr", "string", "The /28 of the control plane."),
                    environment.cidr(32, 28),
                ),
                (
                    Input("private_services_cidr", "string", "Range of Cloud SQL addresses."),
                    environment.cidr(48, 20),
                ),
                (
                    Input("pods_cidr", "string", "Range of the pods."),
                    environment.cidr(128, 17),
                ),
            ),
        ),
        Section(
            "Kubernetes (GKE)",
            (
                (Input("release_channel", "string", "GKE release channel."), "REGULAR"),
                (
                    Input(
                        "api_authorized_cidrs",
                        "list(string)",
                        "Address ranges allowed to reach the Kubernetes API from outside.",
                    ),
                    [],
                ),
                _sized(sizes, "machine_type", "string", "Machine type of the nodes."),
                _sized(sizes, "node_min_count", "number", "Fewest nodes per zone."),
                _sized(sizes, "node_max_count", "number", "Most nodes per zone."),
            ),
        ),
        Section(
            "PostgreSQL (Cloud SQL)",
            (
                (Input("db_version", "string", "Cloud SQL database version."), "POSTGRES_16"),
                _sized(sizes, "db_tier", "string", "Machine tier of the instance."),
                _sized(sizes, "db_availability_type", "string", "ZONAL or REGIONAL."),
                _sized(sizes, "db_disk_size_gb", "number", "Disk size at creation, in GB."),
                _sized(sizes, "db_retained_backups", "number", "Daily backups kept."),
            ),
        ),
    )
    services = Call("toset", (list(GCP_SERVICES),))
    main: tuple[Item, ...] = (
        _locals("labels"),
        block(
            "resource",
            "google_project_service",
            "apis",
            {"for_each": services, "service": Expr("each.value"), "disable_on_destroy": False},
        ),
        _module_call(
            "network",
            {
                "name": Expr("local.name"),
                "region": v("region"),
                "subnet_cidr": v("subnet_cidr"),
                "pods_cidr": v("pods_cidr"),
                "services_cidr": v("services_cidr"),
                "private_services_cidr": v("private_services_cidr"),
            },
            "google_project_service.apis",
        ),
        _module_call(
            "cluster",
            {
                "name": Expr("local.name"),
                "project_id": v("project_id"),
                "region": v("region"),
                "network_id": Expr("module.network.network_id"),
                "subnetwork_id": Expr("module.network.subnetwork_id"),
                "pods_range_name": Expr("module.network.pods_range_name"),
                "services_range_name": Expr("module.network.services_range_name"),
                "control_plane_cidr": v("control_plane_cidr"),
                "api_authorized_cidrs": v("api_authorized_cidrs"),
                "release_channel": v("release_channel"),
                "machine_type": v("machine_type"),
                "node_min_count": v("node_min_count"),
                "node_max_count": v("node_max_count"),
            },
            "google_project_service.apis",
        ),
        _module_call(
            "database",
            {
                "name": Expr("local.name"),
                "region": v("region"),
                "network_id": Expr("module.network.network_id"),
                "database_version": v("db_version"),
                "tier": v("db_tier"),
                "availability_type": v("db_availability_type"),
                "disk_size_gb": v("db_disk_size_gb"),
                "retained_backups": v("db_retained_backups"),
                "database_name": _DATABASE_NAME,
                "labels": Expr("local.labels"),
            },
            "module.network",
        ),
    )
    backend = block(
        "backend",
        "gcs",
        {"bucket": context.state_bucket, "prefix": f"{context.name}/{environment.name}"},
    )
    provider = block(
        "provider",
        "google",
        {
            "project": v("project_id"),
            "region": v("region"),
            "default_labels": Expr("local.labels"),
        },
    )
    return RootCode(
        providers=("google", "random"),
        backend=backend,
        provider_blocks=(provider,),
        sections=sections,
        main=main,
        outputs=(
            ("cluster_name", "module.cluster.name", "Name of the GKE cluster.", False),
            (
                "cluster_endpoint",
                "module.cluster.endpoint",
                "Address of the Kubernetes API.",
                False,
            ),
            (
                "database_connection_name",
                "module.database.connection_name",
                "Cloud SQL connection name.",
                False,
            ),
            (
                "database_password_secret_id",
                "module.database.password_secret_id",
                "Secret holding the database password.",
                False,
            ),
        ),
    )


# Microsoft Azure ----------------------------------------------------------------------------


AZURE_SIZES: dict[bool, dict[str, Value]] = {
    False: {
        "sku_tier": "Free",
        "node_vm_size": "Standard_D2s_v5",
        "node_min_count": 1,
        "node_max_count": 3,
        "db_sku_name": "B_Standard_B2s",
        "db_storage_mb": 32768,
        "db_backup_retention_days": 7,
        "db_geo_redundant_backup": False,
        "db_high_availability": False,
    },
    True: {
        "sku_tier": "Standard",
        "node_vm_size": "Standard_D4s_v5",
        "node_min_count": 3,
        "node_max_count": 6,
        "db_sku_name": "GP_Standard_D2ds_v5",
        "db_storage_mb": 131072,
        "db_backup_retention_days": 35,
        "db_geo_redundant_backup": True,
        "db_high_availability": True,
    },
}


def _azure_placement() -> dict[str, Value]:
    return {
        "location": v("location"),
        "resource_group_name": v("resource_group_name"),
    }


_AZURE_PLACEMENT_INPUTS = (
    Input("location", "string", "Azure location of the resources."),
    Input("resource_group_name", "string", "Resource group of the resources."),
    Input("tags", "map(string)", "Tags of every resource."),
)


def _azure_network() -> ModuleCode:
    main: tuple[Item, ...] = (
        block(
            "resource",
            "azurerm_virtual_network",
            "this",
            {
                "name": v("name"),
                **_azure_placement(),
                "address_space": v("address_space"),
                "tags": v("tags"),
            },
        ),
        block(
            "resource",
            "azurerm_subnet",
            "cluster",
            {
                "name": "cluster",
                "resource_group_name": v("resource_group_name"),
                "virtual_network_name": Expr("azurerm_virtual_network.this.name"),
                "address_prefixes": v("cluster_subnet_prefixes"),
            },
        ),
        block(
            "resource",
            "azurerm_subnet",
            "database",
            {
                "name": "database",
                "resource_group_name": v("resource_group_name"),
                "virtual_network_name": Expr("azurerm_virtual_network.this.name"),
                "address_prefixes": v("database_subnet_prefixes"),
            },
            block(
                "delegation",
                {"name": "postgresql"},
                block(
                    "service_delegation",
                    {
                        "name": "Microsoft.DBforPostgreSQL/flexibleServers",
                        "actions": ["Microsoft.Network/virtualNetworks/subnets/join/action"],
                    },
                ),
            ),
        ),
    )
    return ModuleCode(
        providers=("azurerm",),
        inputs=(
            Input("name", "string", "Name of the virtual network."),
            *_AZURE_PLACEMENT_INPUTS,
            Input("address_space", "list(string)", "Address ranges of the virtual network."),
            Input("cluster_subnet_prefixes", "list(string)", "Ranges of the cluster's subnet."),
            Input(
                "database_subnet_prefixes",
                "list(string)",
                "Ranges of the subnet delegated to PostgreSQL.",
            ),
        ),
        main=main,
        outputs=(
            (
                "virtual_network_id",
                "azurerm_virtual_network.this.id",
                "ID of the virtual network.",
                False,
            ),
            ("cluster_subnet_id", "azurerm_subnet.cluster.id", "ID of the cluster subnet.", False),
            (
                "database_subnet_id",
                "azurerm_subnet.database.id",
                "ID of the database subnet.",
                False,
            ),
        ),
    )


def _azure_cluster() -> ModuleCode:
    main: tuple[Item, ...] = (
        Comment("A private cluster: the API has an address inside the virtual network only."),
        block(
            "resource",
            "azurerm_kubernetes_cluster",
            "this",
            {
                "name": v("name"),
                **_azure_placement(),
                "dns_prefix": v("name"),
                "kubernetes_version": v("kubernetes_version"),
                "sku_tier": v("sku_tier"),
                "automatic_upgrade_channel": "patch",
                "node_os_upgrade_channel": "NodeImage",
                "private_cluster_enabled": True,
                "oidc_issuer_enabled": True,
                "workload_identity_enabled": True,
                "local_account_disabled": True,
                "role_based_access_control_enabled": True,
                "tags": v("tags"),
            },
            block(
                "default_node_pool",
                {
                    "name": "system",
                    "vm_size": v("node_vm_size"),
                    "vnet_subnet_id": v("subnet_id"),
                    "auto_scaling_enabled": True,
                    "min_count": v("node_min_count"),
                    "max_count": v("node_max_count"),
                    "tags": v("tags"),
                },
                block("upgrade_settings", {"max_surge": "10%"}),
            ),
            block("identity", {"type": "SystemAssigned"}),
            block("azure_active_directory_role_based_access_control", {"azure_rbac_enabled": True}),
            block(
                "network_profile",
                {
                    "network_plugin": "azure",
                    "network_policy": "azure",
                    "load_balancer_sku": "standard",
                    "service_cidr": v("service_cidr"),
                    "dns_service_ip": Expr("cidrhost(var.service_cidr, 10)"),
                },
            ),
            Comment("The autoscaler owns the node count."),
            block("lifecycle", {"ignore_changes": Expr("[default_node_pool[0].node_count]")}),
        ),
        Comment("The cluster manages load balancers and addresses in its subnet."),
        block(
            "resource",
            "azurerm_role_assignment",
            "cluster_network",
            {
                "scope": v("subnet_id"),
                "role_definition_name": "Network Contributor",
                "principal_id": Expr("azurerm_kubernetes_cluster.this.identity[0].principal_id"),
            },
        ),
    )
    return ModuleCode(
        providers=("azurerm",),
        inputs=(
            Input("name", "string", "Name of the cluster and its DNS prefix."),
            *_AZURE_PLACEMENT_INPUTS,
            Input("subnet_id", "string", "Subnet of the nodes."),
            _KUBERNETES_VERSION_INPUT,
            Input("sku_tier", "string", "Free, or Standard for the uptime SLA."),
            Input("node_vm_size", "string", "Virtual machine size of the nodes."),
            Input("node_min_count", "number", "Fewest nodes."),
            Input("node_max_count", "number", "Most nodes."),
            Input(
                "service_cidr",
                "string",
                "Range of the Kubernetes services, outside the virtual network.",
            ),
        ),
        main=main,
        outputs=(
            ("name", "azurerm_kubernetes_cluster.this.name", "Name of the cluster.", False),
            (
                "oidc_issuer_url",
                "azurerm_kubernetes_cluster.this.oidc_issuer_url",
                "OIDC issuer for workload identities.",
                False,
            ),
        ),
    )


def _azure_database() -> ModuleCode:
    main: tuple[Item, ...] = (
        block(
            "resource",
            "azurerm_private_dns_zone",
            "this",
            {
                "name": Expr('"${var.name}.private.postgres.database.azure.com"'),
                "resource_group_name": v("resource_group_name"),
                "tags": v("tags"),
            },
        ),
        block(
            "resource",
            "azurerm_private_dns_zone_virtual_network_link",
            "this",
            {
                "name": v("name"),
                "resource_group_name": v("resource_group_name"),
                "private_dns_zone_name": Expr("azurerm_private_dns_zone.this.name"),
                "virtual_network_id": v("virtual_network_id"),
                "tags": v("tags"),
            },
        ),
        block(
            "resource",
            "random_password",
            "administrator",
            {
                "length": 32,
                "special": False,
                "min_lower": 1,
                "min_upper": 1,
                "min_numeric": 1,
            },
        ),
        block(
            "resource",
            "azurerm_postgresql_flexible_server",
            "this",
            {
                "name": v("name"),
                **_azure_placement(),
                "version": v("postgres_version"),
                "sku_name": v("sku_name"),
                "storage_mb": v("storage_mb"),
                "auto_grow_enabled": True,
                "backup_retention_days": v("backup_retention_days"),
                "geo_redundant_backup_enabled": v("geo_redundant_backup"),
                "delegated_subnet_id": v("subnet_id"),
                "private_dns_zone_id": Expr("azurerm_private_dns_zone.this.id"),
                "public_network_access_enabled": False,
                "administrator_login": v("administrator_login"),
                "administrator_password": Expr("random_password.administrator.result"),
                "tags": v("tags"),
                "depends_on": Expr("[azurerm_private_dns_zone_virtual_network_link.this]"),
            },
            block(
                "dynamic",
                "high_availability",
                {"for_each": Expr('var.high_availability ? ["ZoneRedundant"] : []')},
                block("content", {"mode": Expr("high_availability.value")}),
            ),
            Comment("Azure picks the zones; later plans keep them."),
            _prevent_destroy("zone", "high_availability[0].standby_availability_zone"),
        ),
        block(
            "resource",
            "azurerm_postgresql_flexible_server_database",
            "this",
            {
                "name": v("database_name"),
                "server_id": Expr("azurerm_postgresql_flexible_server.this.id"),
                "charset": "UTF8",
                "collation": "en_US.utf8",
            },
            _prevent_destroy(),
        ),
    )
    return ModuleCode(
        providers=("azurerm", "random"),
        inputs=(
            Input("name", "string", "Name of the server, prefix of its resources."),
            *_AZURE_PLACEMENT_INPUTS,
            Input("subnet_id", "string", "Subnet delegated to PostgreSQL."),
            Input("virtual_network_id", "string", "Virtual network resolving the server's name."),
            Input("postgres_version", "string", "PostgreSQL major version, e.g. 16."),
            Input("sku_name", "string", "SKU of the server, e.g. GP_Standard_D2ds_v5."),
            Input("storage_mb", "number", "Storage at creation, in MiB (it grows)."),
            Input("backup_retention_days", "number", "Days backups are kept (7 to 35)."),
            Input("geo_redundant_backup", "bool", "Backups copied to the paired region."),
            Input("high_availability", "bool", "A zone-redundant standby (General Purpose SKUs)."),
            Input("database_name", "string", "Name of the database created in the server."),
            Input(
                "administrator_login",
                "string",
                "Name of the administrator; its password is generated.",
                default="app_admin",
            ),
        ),
        main=main,
        outputs=(
            ("fqdn", "azurerm_postgresql_flexible_server.this.fqdn", "Host name.", False),
            (
                "administrator_login",
                "azurerm_postgresql_flexible_server.this.administrator_login",
                "Name of the administrator.",
                False,
            ),
            (
                "administrator_password",
                "random_password.administrator.result",
                "Password of the administrator.",
                True,
            ),
        ),
    )


def _azure_root(context: Context, environment: Environment) -> RootCode:
    sizes = AZURE_SIZES[environment.production]
    sections = (
        _common_inputs(context, environment, "tags"),
        Section(
            "Network",
            (
                (
                    Input("address_space", "list(string)", "Ranges of the virtual network."),
                    [environment.cidr(0, 16)],
                ),
                (
                    Input("cluster_subnet_prefixes", "list(string)", "Ranges of the nodes."),
                    [environment.cidr(0, 18)],
                ),
                (
                    Input("database_subnet_prefixes", "list(string)", "Ranges of PostgreSQL."),
                    [environment.cidr(64, 24)],
                ),
                (
                    Input("service_cidr", "string", "Kubernetes services, outside the network."),
                    "172.16.0.0/16",
                ),
            ),
        ),
        Section(
            "Kubernetes (AKS)",
            (
                _KUBERNETES_VERSION_VALUE,
                _sized(sizes, "sku_tier", "string", "AKS pricing tier."),
                _sized(sizes, "node_vm_size", "string", "Virtual machine size of the nodes."),
                _sized(sizes, "node_min_count", "number", "Fewest nodes."),
                _sized(sizes, "node_max_count", "number", "Most nodes."),
            ),
        ),
        Section(
            "PostgreSQL (flexible server)",
            (
                (Input("db_version", "string", "PostgreSQL major version."), "16"),
                _sized(sizes, "db_sku_name", "string", "SKU of the server."),
                _sized(sizes, "db_storage_mb", "number", "Storage at creation, in MiB."),
                _sized(sizes, "db_backup_retention_days", "number", "Days backups are kept."),
                _sized(sizes, "db_geo_redundant_backup", "bool", "Backups in the paired region."),
                _sized(sizes, "db_high_availability", "bool", "A zone-redundant standby."),
            ),
        ),
    )
    placement: dict[str, Value] = {
        "location": Expr("azurerm_resource_group.this.location"),
        "resource_group_name": Expr("azurerm_resource_group.this.name"),
        "tags": Expr("local.tags"),
    }
    main: tuple[Item, ...] = (
        _locals("tags"),
        block(
            "resource",
            "azurerm_resource_group",
            "this",
            {"name": Expr("local.name"), "location": v("location"), "tags": Expr("local.tags")},
        ),
        _module_call(
            "network",
            {
                "name": Expr("local.name"),
                **placement,
                "address_space": v("address_space"),
                "cluster_subnet_prefixes": v("cluster_subnet_prefixes"),
                "database_subnet_prefixes": v("database_subnet_prefixes"),
            },
        ),
        _module_call(
            "cluster",
            {
                "name": Expr("local.name"),
                **placement,
                "subnet_id": Expr("module.network.cluster_subnet_id"),
                "kubernetes_version": v("kubernetes_version"),
                "sku_tier": v("sku_tier"),
                "node_vm_size": v("node_vm_size"),
                "node_min_count": v("node_min_count"),
                "node_max_count": v("node_max_count"),
                "service_cidr": v("service_cidr"),
            },
        ),
        _module_call(
            "database",
            {
                "name": Expr("local.name"),
                **placement,
                "subnet_id": Expr("module.network.database_subnet_id"),
                "virtual_network_id": Expr("module.network.virtual_network_id"),
                "postgres_version": v("db_version"),
                "sku_name": v("db_sku_name"),
                "storage_mb": v("db_storage_mb"),
                "backup_retention_days": v("db_backup_retention_days"),
                "geo_redundant_backup": v("db_geo_redundant_backup"),
                "high_availability": v("db_high_availability"),
                "database_name": _DATABASE_NAME,
            },
        ),
    )
    account = context.state_bucket
    backend = block(
        "backend",
        "azurerm",
        {
            "resource_group_name": f"{context.name}-tfstate",
            "storage_account_name": account,
            "container_name": "tfstate",
            "key": f"{context.name}/{environment.name}.tfstate",
            "use_azuread_auth": True,
        },
    )
    provider = block("provider", "azurerm", block("features"))
    return RootCode(
        providers=("azurerm", "random"),
        backend=backend,
        provider_blocks=(
            Comment("azurerm 4 reads the subscription from ARM_SUBSCRIPTION_ID."),
            provider,
        ),
        sections=sections,
        main=main,
        outputs=(
            ("cluster_name", "module.cluster.name", "Name of the AKS cluster.", False),
            ("database_fqdn", "module.database.fqdn", "Host name of PostgreSQL.", False),
            (
                "database_administrator_password",
                "module.database.administrator_password",
                "Password of the PostgreSQL administrator.",
                True,
            ),
        ),
    )


# The generator ------------------------------------------------------------------------------


CLOUD_CODE: dict[
    str,
    tuple[dict[str, Callable[[], ModuleCode]], Callable[[Context, Environment], RootCode]],
] = {
    "aws": (
        {"network": _aws_network, "cluster": _aws_cluster, "database": _aws_database},
        _aws_root,
    ),
    "gcp": (
        {"network": _gcp_network, "cluster": _gcp_cluster, "database": _gcp_database},
        _gcp_root,
    ),
    "azure": (
        {"network": _azure_network, "cluster": _azure_cluster, "database": _azure_database},
        _azure_root,
    ),
}
"""Each cloud's modules and the builder of its environments' root modules."""


def is_production(name: str) -> bool:
    """True for environment names that serve production (`production`, `prod-eu`, `live`)."""
    return name in PRODUCTION_NAMES or name.startswith("prod")


def _check_name(what: str, value: str, longest: int) -> str:
    if not _NAME.match(value) or len(value) > longest or "--" in value:
        raise GeneratorError(
            f"{what} {value!r} must be {longest} characters at most: lower-case letters, "
            "digits and single dashes, starting with a letter"
        )
    return value


def _context(project: ProjectInfo, options: TerraformOptions) -> Context:
    cloud = options.provider.strip().lower()
    if cloud not in CLOUDS:
        raise GeneratorError(f"--provider takes one of {', '.join(CLOUDS)}, not {cloud!r}")
    name = _check_name("--name", options.name or project.name, 20)
    names = list(options.env)
    if not names:
        raise GeneratorError("--env needs at least one environment")
    if len(set(names)) != len(names):
        raise GeneratorError(f"--env names an environment twice: {','.join(names)}")
    if len(names) > MAX_ENVIRONMENTS:
        raise GeneratorError(f"--env takes at most {MAX_ENVIRONMENTS} environments")
    for env in names:
        _check_name("environment", env, 12)
        if cloud == "gcp" and len(f"{name}-{env}-nodes") > 30:
            raise GeneratorError(
                f"`{name}-{env}-nodes` is longer than the 30 characters of a Google service "
                "account id: choose a shorter --name or environment"
            )
    region = options.region or DEFAULT_REGIONS[cloud]
    if not _REGION.match(region):
        raise GeneratorError(f"--region {region!r} is not a region name")
    team = options.team or name
    cost_center = options.cost_center or name
    if cloud == "gcp":
        for flag, value in (("--team", team), ("--cost-center", cost_center)):
            if not _LABEL_VALUE.match(value):
                raise GeneratorError(
                    f"{flag} {value!r} is not a Google Cloud label value (lower-case letters, "
                    "digits, `-` and `_`)"
                )
    if cloud == "azure":
        bucket = options.state_bucket or (re.sub(r"[^a-z0-9]", "", name)[:17] + "tfstate")
        if not re.fullmatch(r"[a-z0-9]{3,24}", bucket):
            raise GeneratorError(
                f"--state-bucket {bucket!r} is not a storage account name "
                "(3 to 24 lower-case letters and digits)"
            )
    else:
        bucket = options.state_bucket or f"{name}-terraform-state"
        if not re.fullmatch(r"[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]", bucket):
            raise GeneratorError(f"--state-bucket {bucket!r} is not a bucket name")
    project_id = options.project_id or f"{name}-{{env}}"
    environments = tuple(
        Environment(env, index, is_production(env)) for index, env in enumerate(names)
    )
    return Context(cloud, name, region, team, cost_center, bucket, project_id, environments)


@generator("terraform")
def terraform(project: ProjectInfo, options: TerraformOptions) -> list[Artifact]:
    """Terraform modules (network, Kubernetes, PostgreSQL) and a root module per environment."""
    context = _context(project, options)
    modules, root = CLOUD_CODE[context.cloud]
    files: dict[str, str] = {}
    for folder, build in modules.items():
        files.update(_module_files(f"modules/{folder}", build()))
    for environment in context.environments:
        files.update(_root_files(f"environments/{environment.name}", root(context, environment)))
    base = options.path.strip("/")
    prefix = f"{base}/" if base else ""
    return [Artifact(prefix + path, text) for path, text in sorted(files.items())]
