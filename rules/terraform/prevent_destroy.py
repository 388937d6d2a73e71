"""TF101 prevent-destroy."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from opslint import Finding, Severity, rule
from opslint.model.base import Edit, Fix, Span
from opslint.model.terraform import Block, Resource
from opslint.project import Project
from opslint.ruleutil import source_lines

STATEFUL_TYPES = (
    # AWS
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_rds_global_cluster",
    "aws_docdb_cluster",
    "aws_neptune_cluster",
    "aws_redshift_cluster",
    "aws_s3_bucket",
    "aws_dynamodb_table",
    "aws_efs_file_system",
    "aws_fsx_lustre_file_system",
    "aws_fsx_windows_file_system",
    "aws_fsx_ontap_file_system",
    "aws_ebs_volume",
    "aws_kms_key",
    "aws_elasticache_replication_group",
    "aws_memorydb_cluster",
    "aws_opensearch_domain",
    "aws_elasticsearch_domain",
    "aws_kinesis_stream",
    "aws_msk_cluster",
    "aws_backup_vault",
    "aws_secretsmanager_secret",
    "aws_ecr_repository",
    # Google Cloud
    "google_sql_database_instance",
    "google_sql_database",
    "google_storage_bucket",
    "google_bigquery_dataset",
    "google_bigquery_table",
    "google_kms_crypto_key",
    "google_kms_key_ring",
    "google_spanner_instance",
    "google_spanner_database",
    "google_bigtable_instance",
    "google_bigtable_table",
    "google_redis_instance",
    "google_filestore_instance",
    "google_compute_disk",
    "google_alloydb_cluster",
    "google_firestore_database",
    "google_secret_manager_secret",
    # Azure
    "azurerm_storage_account",
    "azurerm_mssql_server",
    "azurerm_mssql_database",
    "azurerm_postgresql_flexible_server",
    "azurerm_postgresql_server",
    "azurerm_mysql_flexible_server",
    "azurerm_cosmosdb_account",
    "azurerm_key_vault",
    "azurerm_managed_disk",
    "azurerm_redis_cache",
    "azurerm_recovery_services_vault",
)


@dataclass(frozen=True)
class PreventDestroyOptions:
    """Which resource types hold state."""

    stateful_types: tuple[str, ...] = STATEFUL_TYPES
    """The resource types checked (replaces the default list)."""
    extra_stateful_types: tuple[str, ...] = ()
    """Resource types checked in addition to `stateful-types`."""


def _closing_brace_line(block: Block, lines: list[str]) -> tuple[int, str] | None:
    """The line of a block's closing brace and its indentation, when it stands alone."""
    end = block.body_span
    if end.end_line <= block.span.line or end.end_line > len(lines):
        return None
    text = lines[end.end_line - 1]
    if text.strip() != "}":
        return None
    return end.end_line, text[: len(text) - len(text.lstrip())]


def _insertion_fix(resource: Resource, lines: list[str]) -> Fix | None:
    """Insert `prevent_destroy = true` into the lifecycle block, or a new lifecycle block."""
    if resource.span.path.endswith(".json"):
        return None
    lifecycle = resource.lifecycle
    target = lifecycle if lifecycle is not None else resource
    found = _closing_brace_line(target, lines)
    if found is None:
        return None
    line, indent = found
    if lifecycle is not None:
        text = f"{indent}  prevent_destroy = true\n"
    else:
        text = (
            f"{indent}\n{indent}  lifecycle {{\n{indent}    prevent_destroy = true\n{indent}  }}\n"
        )
    span = Span(resource.span.path, line, 1, line, 1)
    return Fix("add `prevent_destroy = true`", (Edit(span, text),))


@rule(
    "TF101",
    "prevent-destroy",
    Severity.WARNING,
    fix="safe",
    tags=("terraform", "reliability"),
    peers=("checkov CKV_GCP_82",),
)
def prevent_destroy(
    resource: Resource, options: PreventDestroyOptions, project: Project
) -> Iterator[Finding]:
    """Stateful resources set `lifecycle { prevent_destroy = true }`.

    ## What it does
    Checks resources that hold data (databases, buckets, tables, file systems, disks, KMS
    keys, caches, secrets, on AWS, Google Cloud and Azure). A resource without
    `prevent_destroy` is reported at its `resource` header; `prevent_destroy = false` is
    reported at the value.

    ## Why it matters
    A rename, a changed argument that forces replacement, or a stray `terraform destroy`
    deletes the data with the resource. `prevent_destroy` makes Terraform refuse any plan
    that would destroy it, so the loss needs a deliberate edit first.

    ## Example
    ```hcl
    resource "aws_db_instance" "main" {
      engine         = "postgres"
      instance_class = var.instance_class
    }
    ```

    ## Use instead
    ```hcl
    resource "aws_db_instance" "main" {
      engine         = "postgres"
      instance_class = var.instance_class

      lifecycle {
        prevent_destroy = true
      }
    }
    ```

    ## Fix
    Safe: adds `prevent_destroy = true` (in the existing `lifecycle` block, or in a new one)
    or turns `false` into `true`. Plans are unchanged unless they would destroy the resource.

    ## Options
    - `stateful-types`: the resource types checked (replaces the built-in list).
    - `extra-stateful-types`: resource types checked in addition to that list.

    ## References
    - https://developer.hashicorp.com/terraform/language/meta-arguments/lifecycle#prevent_destroy
    """
    kind = resource.resource_type
    if kind not in options.stateful_types and kind not in options.extra_stateful_types:
        return
    setting = resource.prevent_destroy
    if setting is None:
        lines = source_lines(project, resource.span.path)
        yield Finding(
            resource.span,
            f"`{resource.address}` holds state and has no `lifecycle {{ prevent_destroy = true }}`",
            fix=_insertion_fix(resource, lines) if lines else None,
            logical=resource.logical,
        )
        return
    value = setting.value
    if value is False or (isinstance(value, str) and value.strip().lower() == "false"):
        yield Finding(
            setting.value_span,
            f"`{resource.address}` holds state but sets `prevent_destroy = false`",
            fix=Fix("set `prevent_destroy = true`", (Edit(setting.value_span, "true"),)),
            logical=resource.logical,
        )
