"""TF103 remote-backend."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from opslint import Finding, Severity, rule
from opslint.indexes.terraform import TerraformModule
from opslint.model.terraform import TerraformFile

from ._module import backend_finding, module_anchor

LOCAL_BACKENDS = frozenset({"local"})


@dataclass(frozen=True)
class RemoteBackendOptions:
    """Which root modules may keep local state."""

    skip_folders: tuple[str, ...] = ("examples", "example", "fixtures", "tests", "test")
    """Modules in a folder of one of these names (`examples/<name>/`) are not checked."""


@rule("TF103", "remote-backend", Severity.WARNING, tags=("terraform", "reliability"))
def remote_backend(
    document: TerraformFile, options: RemoteBackendOptions, module: TerraformModule
) -> Iterator[Finding]:
    """A root module declares a remote backend.

    ## What it does
    Checks each root module (the `.tf` files of one folder that configure a provider, or
    come with a `.tfvars` or `.terraform.lock.hcl` file, or declare a backend) for a
    backend other than `local`, or a `cloud` block. A module with no backend is reported
    at its `terraform` block, or at its first block when it has none; a `local` backend at
    the backend block. Reusable modules (no provider configuration, no var files) are not
    root modules and are not checked, although they have a `terraform` block for their
    version constraints. Modules laid out as the registry's examples and tests are, one
    folder each in `examples/` (or `example/`, `fixtures/`, `tests/`, `test/`), are
    demonstrations and test fixtures that CI applies and destroys with throwaway state,
    and are skipped (option `skip-folders`). A root module that merely has
    `*.tftest.hcl` files beside it is still checked: `terraform test` runs with state of
    its own, which says nothing about how the module is applied for real.

    ## Why it matters
    Local state lives on one laptop or one CI runner: it is lost with it, cannot be
    shared, and cannot be locked, so two applies at once corrupt it. State also holds
    every secret of the infrastructure in plain text, which belongs in an encrypted,
    access-controlled store.

    ## Example
    ```hcl
    provider "aws" {
      region = "eu-west-1"
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

    provider "aws" {
      region = "eu-west-1"
    }
    ```

    ## Fix
    None: the backend's bucket and credentials are the team's to choose.

    ## Options
    - `skip-folders`: folder names whose modules are not checked.

    ## References
    - https://developer.hashicorp.com/terraform/language/backend
    - https://developer.hashicorp.com/terraform/language/state/remote
    """
    folders = PurePosixPath(document.path).parts[:-1]
    if not module.is_root or (len(folders) >= 2 and folders[-2] in options.skip_folders):
        return
    backend = module.backend
    if backend is not None:
        if backend.type in LOCAL_BACKENDS and backend.span.path == document.path:
            yield backend_finding(
                backend, "the `local` backend keeps state on one machine: use a remote backend"
            )
        return
    anchor = module_anchor(module, document)
    if anchor is None:
        return
    yield Finding(
        anchor.span,
        f"root module `{module.directory.name}` declares no backend: its state stays local",
        logical=anchor.logical,
    )
