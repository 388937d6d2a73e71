"""TF101 prevent-destroy."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from opslint import Finding, Severity, rule
from opslint.edits.hcl import add_attribute, add_block, editable
from opslint.model.base import Anchor, Edit, Fix
from opslint.model.terraform import Block, Expression, Resource
from opslint.views import SourceText

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


def _set(block: Block | None, name: str, off: str | bool | int) -> bool:
    """True when `block` sets `name` to something other than `off` (compared as written,
    case aside): a literal, or an expression whose value the file does not show."""
    attribute = block.attribute(name) if block is not None else None
    if attribute is None or attribute.value is None:
        return False
    value = attribute.value
    return isinstance(value, Expression) or str(value).strip().lower() != str(off).lower()


def _google_redis_persists(resource: Resource) -> bool:
    """Memorystore for Redis with RDB persistence (`persistence_mode` other than DISABLED)."""
    return _set(resource.block("persistence_config"), "persistence_mode", "DISABLED")


def _azure_redis_persists(resource: Resource) -> bool:
    """Azure Cache for Redis with RDB or AOF backups."""
    config = resource.block("redis_configuration")
    return _set(config, "rdb_backup_enabled", False) or _set(config, "aof_backup_enabled", False)


def _elasticache_keeps_snapshots(resource: Resource) -> bool:
    """An ElastiCache replication group that keeps automatic snapshots."""
    return _set(resource, "snapshot_retention_limit", 0)


CACHES: dict[str, Callable[[Resource], bool]] = {
    "google_redis_instance": _google_redis_persists,
    "azurerm_redis_cache": _azure_redis_persists,
    "aws_elasticache_replication_group": _elasticache_keeps_snapshots,
}
"""Redis caches of the built-in list, with the test that says one keeps its data: RDB or
AOF persistence, or automatic snapshots. One that does not is reported only when
`extra-stateful-types` names its type."""


@dataclass(frozen=True)
class PreventDestroyOptions:
    """Which resource types hold state."""

    stateful_types: tuple[str, ...] = STATEFUL_TYPES
    """The resource types checked (replaces the default list)."""
    extra_stateful_types: tuple[str, ...] = ()
    """Resource types checked in addition to `stateful-types`."""


def _insertion_fix(resource: Resource, lines: Sequence[str]) -> Fix | None:
    """Insert `prevent_destroy = true` into the lifecycle block, or a new lifecycle block."""
    lifecycle = resource.lifecycle
    if lifecycle is not None:
        edits = add_attribute(lifecycle, "prevent_destroy", "true", lines)
    else:
        edits = add_block(resource, "lifecycle", [("prevent_destroy", "true")], lines)
    return Fix("add `prevent_destroy = true`", edits) if edits else None


@rule(
    "TF101",
    "prevent-destroy",
    Severity.WARNING,
    fix="safe",
    tags=("terraform", "reliability"),
    peers=("checkov CKV_GCP_82 (partial)",),
)
def prevent_destroy(
    resource: Resource, options: PreventDestroyOptions, text: SourceText
) -> Iterator[Finding]:
    """Stateful resources set `lifecycle { prevent_destroy = true }`.

    ## What it does
    Checks resources that hold data (databases, buckets, tables, file systems, disks, KMS
    keys, secrets, on AWS, Google Cloud and Azure). A resource without
    `prevent_destroy` is reported at its `resource` header; `prevent_destroy = false` is
    reported at the value.

    A cache is state only when it keeps its data: losing a plain cache costs a warm-up.
    The Redis caches of the list are checked only when they persist or back up what they
    hold: `google_redis_instance` with a `persistence_config` whose `persistence_mode`
    is not `DISABLED`, `azurerm_redis_cache` with `rdb_backup_enabled` or
    `aof_backup_enabled` in `redis_configuration`, and
    `aws_elasticache_replication_group` with a `snapshot_retention_limit` above 0. A
    value the file does not show (`var.persistence`) counts as set. Memcached
    (`aws_elasticache_cluster`, `google_memcache_instance`), which never persists, is not
    in the list. Naming a cache type in `extra-stateful-types` checks it whatever its
    settings.

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
    Safe: adds `prevent_destroy = true` after the last attribute of an existing `lifecycle`
    block (joining the alignment of the `=` signs above it, as `terraform fmt` would), or a
    new `lifecycle { prevent_destroy = true }` block at the end of the resource, after a
    blank line, in the indentation of the resource's other arguments. `prevent_destroy =
    false` becomes `true`. No config is needed. `.tf.json` files and blocks written on
    one line with content get no edit. Plans are unchanged unless they would destroy the
    resource.

    ## Options
    - `stateful-types`: the resource types checked (replaces the built-in list).
    - `extra-stateful-types`: resource types checked in addition to that list; a Redis
      cache named here is checked even without persistence.

    ## Variants
    - `google_kms_crypto_key` without `prevent_destroy` (checkov CKV_GCP_82): covered,
      with `google_kms_key_ring` and the stateful types of AWS, Google Cloud and Azure
      listed above.
    - `prevent_destroy = false`, also written as the string `"false"`: covered, at the
      value.
    - Caches: Redis (`google_redis_instance`, `azurerm_redis_cache`,
      `aws_elasticache_replication_group`) covered only with persistence or snapshots
      (RDB/AOF, `snapshot_retention_limit`); a Memorystore `tier = "STANDARD_HA"` is
      availability, not durability, and does not count. Memcached: not covered: it holds
      nothing a restart does not lose anyway. `aws_memorydb_cluster`, a durable
      database, is always covered.
    - the providers' own deletion protection (`deletion_protection = true` on
      `aws_db_instance` and `aws_rds_cluster`, checkov CKV_AWS_293 and CKV_AWS_139;
      `google_bigquery_table`, `google_spanner_database`, `google_bigtable_instance`,
      checkov CKV_GCP_121, CKV_GCP_119, CKV_GCP_122): not covered, and not taken in
      place of `prevent_destroy`: the provider's flag stops a delete from any client once
      applied, while `prevent_destroy` stops the plan that would replace or destroy the
      resource (a renamed resource, a `ForceNew` argument) before anything runs; each is
      worth its own check.

    ## References
    - https://developer.hashicorp.com/terraform/language/meta-arguments/lifecycle#prevent_destroy
    """
    kind = resource.resource_type
    if kind not in options.stateful_types and kind not in options.extra_stateful_types:
        return
    persists = CACHES.get(kind)
    if persists and kind not in options.extra_stateful_types and not persists(resource):
        return  # a cache: losing it costs a warm-up, not data
    setting = resource.prevent_destroy
    if setting is None:
        lines = text.lines
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
            fix=Fix(
                "set `prevent_destroy = true`",
                (Edit(setting.value_span, "true", Anchor(setting.name_span, setting.name)),),
            )
            if editable(resource)
            else None,
            logical=resource.logical,
        )
