"""TF104 backend-locking-encryption."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.terraform import Attribute, Backend, Expression
from opslint.model.terraform import Literal as TerraformLiteral

from ._module import backend_finding


def _setting(backend: Backend, name: str) -> Attribute | None:
    return backend.settings.get(name)


def _value(attribute: Attribute | None) -> TerraformLiteral | Expression:
    return attribute.value if attribute is not None else None


def _is_false(attribute: Attribute | None) -> bool:
    return attribute is not None and attribute.value in (False, "false")


def _is_true(attribute: Attribute | None) -> bool:
    return attribute is not None and attribute.value in (True, "true")


def _set(attribute: Attribute | None) -> bool:
    """True when the setting has a value that is not empty (a literal or an expression)."""
    value = _value(attribute)
    return isinstance(value, Expression) or value not in (None, "", False)


@rule("TF104", "backend-locking-encryption", Severity.ERROR, tags=("terraform", "security"))
def backend_locking_encryption(backend: Backend) -> Iterator[Finding]:
    """Remote state is encrypted and locked.

    ## What it does
    Checks the backend's own settings:
    - `s3`: `encrypt = true`, and locking through `use_lockfile = true` (S3-native,
      Terraform 1.10 and later) or a `dynamodb_table`;
    - `oss`: `encrypt = true` and a `tablestore_table` for locking;
    - `cos`: `encrypt` not turned off;
    - `consul`: `lock` not turned off;
    - `http`: a `lock_address`, without which the state is never locked.
    `gcs`, `azurerm`, `kubernetes`, `pg`, `remote` and `cloud` encrypt at rest and lock
    by themselves and are not reported. A missing setting
    is reported at the `backend` header, a wrong one at its value. A backend block with
    no settings at all is configured at `terraform init` (`-backend-config`) and is not
    checked.

    ## Why it matters
    State holds every secret of the infrastructure (database passwords, private keys) in
    plain text, so the object that stores it must be encrypted. Without a lock two
    applies can run at once, and the state one of them writes loses the other's
    resources.

    ## Example
    ```hcl
    terraform {
      backend "s3" {
        bucket = "acme-terraform-state"
        key    = "checkout/terraform.tfstate"
        region = "eu-west-1"
      }
    }
    ```

    ## Use instead
    ```hcl
    terraform {
      backend "s3" {
        bucket       = "acme-terraform-state"
        key          = "checkout/terraform.tfstate"
        region       = "eu-west-1"
        encrypt      = true
        use_lockfile = true
      }
    }
    ```

    ## Fix
    None: turning on locking may need a lock table that does not exist yet.

    ## Variants
    No linter among opslint's peers checks backend settings; the variants are the
    backends' own.
    - `s3` locking by `use_lockfile` (Terraform 1.10+) or by `dynamodb_table`, which
      Terraform 1.11 deprecates but still honours: covered, either passes.
    - `s3` encryption by `encrypt = true`: covered. A `kms_key_id` or a
      `sse_customer_key` without `encrypt` is not read as encryption: the rule asks for
      `encrypt = true` itself and does not judge the key arguments.
    - `oss`, `cos`, `consul` and `http` locking and encryption settings: covered.
    - settings given at `terraform init -backend-config=...`: covered for a backend block
      with no settings, which is skipped; not covered for a block that writes some
      settings and passes the rest at init: opslint cannot see them.

    ## References
    - https://developer.hashicorp.com/terraform/language/backend/s3
    - https://developer.hashicorp.com/terraform/language/state/locking
    """
    settings = backend.settings
    if not settings:
        return
    kind = backend.type
    if kind in ("s3", "oss", "cos"):
        encrypt = _setting(backend, "encrypt")
        if _is_false(encrypt):
            assert encrypt is not None
            yield backend_finding(
                backend,
                f"the {kind} backend stores state unencrypted: set `encrypt = true`",
                encrypt.value_span,
            )
        elif encrypt is None and kind != "cos":
            yield backend_finding(
                backend,
                f"the {kind} backend does not set `encrypt = true`: state is stored unencrypted",
            )
    if kind == "s3":
        lockfile = _setting(backend, "use_lockfile")
        locked = _is_true(lockfile) or isinstance(_value(lockfile), Expression)
        if not locked and not _set(_setting(backend, "dynamodb_table")):
            yield backend_finding(
                backend,
                "the s3 backend does not lock state: set `use_lockfile = true` "
                "(or a `dynamodb_table`)",
            )
    elif kind == "oss" and not _set(_setting(backend, "tablestore_table")):
        yield backend_finding(
            backend, "the oss backend does not lock state: set a `tablestore_table`"
        )
    elif kind == "consul" and _is_false(lock := _setting(backend, "lock")):
        assert lock is not None
        yield backend_finding(backend, "`lock = false` turns off state locking", lock.value_span)
    elif kind == "http" and not _set(_setting(backend, "lock_address")):
        yield backend_finding(
            backend, "the http backend has no `lock_address`: state is never locked"
        )
