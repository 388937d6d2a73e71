"""TF105 no-state-in-repo."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.terraform import TerraformStateFile


@rule(
    "TF105",
    "no-state-in-repo",
    Severity.ERROR,
    tags=("terraform", "security"),
    security_severity=7.5,
)
def no_state_in_repo(state: TerraformStateFile) -> Iterator[Finding]:
    """No Terraform state files (`*.tfstate`, `*.tfstate.backup`) in the tree.

    ## What it does
    Reports every `*.tfstate` and `*.tfstate.backup` file among the checked files, at its
    first line. The file's content is never read.

    ## Why it matters
    State holds every attribute of every managed resource in plain text: database
    passwords, private keys, access tokens. Committed, it leaks them to everyone with read
    access and to every clone and fork, forever. A state file in a working tree also
    means it is not in a locked remote backend, so two people can apply at once.

    ## Example
    ```text
    infra/terraform.tfstate
    infra/terraform.tfstate.backup
    ```

    ## Use instead
    ```hcl
    terraform {
      backend "s3" {
        bucket       = "acme-terraform-state"
        key          = "infra/terraform.tfstate"
        region       = "eu-west-1"
        encrypt      = true
        use_lockfile = true
      }
    }
    ```
    and in `.gitignore`: `*.tfstate` and `*.tfstate.*`.

    ## Fix
    None: move the state to a remote backend (`terraform init -migrate-state`), delete the
    file from the repository and its history, and rotate the secrets it held.

    ## Variants
    No linter among opslint's peers checks for state files; the variants are
    Terraform's own file names.
    - `terraform.tfstate`, `terraform.tfstate.backup` and any other `*.tfstate` name
      (`errored.tfstate`, workspace states under `terraform.tfstate.d/`): covered.
    - `.terraform/terraform.tfstate`, the backend settings `terraform init` caches:
      covered when it is among the checked files; a `.gitignore` that leaves `.terraform/`
      out keeps it out of the run, as it keeps it out of the repository.

    ## References
    - https://developer.hashicorp.com/terraform/language/state/sensitive-data
    - https://developer.hashicorp.com/terraform/language/backend
    """
    yield Finding(
        state.span,
        f"Terraform state `{state.path}` is in the tree: it holds secrets in plain text; "
        "use a remote backend and ignore `*.tfstate*`",
        logical=state.logical,
    )
