"""TF109 typed-documented-variables."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.terraform import Variable


@rule(
    "TF109",
    "typed-documented-variables",
    Severity.INFO,
    tags=("terraform", "maintainability"),
    peers=("tflint terraform_typed_variables", "tflint terraform_documented_variables"),
)
def typed_documented_variables(variable: Variable) -> Iterator[Finding]:
    """Input variables declare a `type` and a `description`.

    ## What it does
    Checks every `variable` block. A variable without `type` and a variable without
    `description` are reported at the `variable` header, each with its own message; a
    description that is empty or only whitespace is reported at its value. Any type
    constraint passes, `type = any` included: writing it is a deliberate choice. A
    description given as an expression (which Terraform rejects anyway) is left alone.

    ## Why it matters
    Without a type, Terraform accepts any value and the mistake surfaces deep inside a
    resource, or not at all (`"false"` where a bool was meant). The description is what
    `terraform-docs`, the registry and HCP Terraform show to the people who set the
    variable; without it they read the module's source to learn what it does.

    ## Example
    ```hcl
    variable "retention_days" {
      default = 30
    }
    ```

    ## Use instead
    ```hcl
    variable "retention_days" {
      type        = number
      description = "Days log objects are kept before they expire."
      default     = 30
    }
    ```

    ## Fix
    None: the type and the wording are the author's to choose.

    ## Variants
    - a variable without `type` (tflint terraform_typed_variables): covered.
    - `type = any` and complex types (`map(object({...}))`) (tflint): covered: both pass.
    - a variable without `description` (tflint terraform_documented_variables): covered.
    - an empty description `""` (tflint): covered; a description of only whitespace too,
      which tflint lets pass.
    - `.tf.json` variables (tflint "json with type", "json no type"): covered.
    - variables of child modules (tflint checks only the root module): covered: every
      module's variables are read by the people who call it.

    ## References
    - https://developer.hashicorp.com/terraform/language/values/variables#type-constraints
    - https://developer.hashicorp.com/terraform/language/values/variables#input-variable-documentation
    """
    if variable.attribute("type") is None:
        yield Finding(
            variable.span,
            f"variable `{variable.name}` has no `type`: declare one so bad values fail early",
            logical=variable.logical,
        )
    description = variable.attribute("description")
    if description is None:
        yield Finding(
            variable.span,
            f"variable `{variable.name}` has no `description`: say what it sets",
            logical=variable.logical,
        )
    elif isinstance(description.value, str) and not description.value.strip():
        yield Finding(
            description.value_span,
            f"variable `{variable.name}` has an empty `description`: say what it sets",
            logical=variable.logical,
        )
