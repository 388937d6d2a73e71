"""`opslint new terraform`: reusable modules and one root module per environment.

The tree is the usual split of Terraform code: `modules/` holds the network, the
Kubernetes cluster and the PostgreSQL database of one cloud, written once with every
size and range as an input (fixed files, shipped as package data under
`data/terraform/<cloud>/modules/`); `environments/<env>/` holds one root module per environment
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

from ._data import data_tree
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


_KUBERNETES_VERSION_VALUE = (
    Input("kubernetes_version", "string", "Kubernetes minor version."),
    "1.32",
)
"""A root module's Kubernetes version and the version it gives."""
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


ROOT_BUILDERS: dict[str, Callable[[Context, Environment], RootCode]] = {
    "aws": _aws_root,
    "gcp": _gcp_root,
    "azure": _azure_root,
}
"""The builder of each cloud's environment root modules; the modules they call are fixed
files under `data/terraform/<cloud>/modules/`."""


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
    root = ROOT_BUILDERS[context.cloud]
    files = {
        f"modules/{path}": text
        for path, text in data_tree("terraform", context.cloud, "modules").items()
    }
    for environment in context.environments:
        files.update(_root_files(f"environments/{environment.name}", root(context, environment)))
    base = options.path.strip("/")
    prefix = f"{base}/" if base else ""
    return [Artifact(prefix + path, text) for path, text in sorted(files.items())]
