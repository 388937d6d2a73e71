"""TF110 sensitive-variables."""

from __future__ import annotations

import re
from collections.abc import Iterator

from opslint import Anchor, Edit, Finding, Fix, Severity, rule
from opslint.edits.hcl import add_attribute, editable
from opslint.model.terraform import Variable
from opslint.ruleapi.secrets import is_secret_name
from opslint.views import SourceText

_NOT_TEXT_TYPE = re.compile(r"^(?:bool|number)$")
"""Type constraints whose values cannot hold a secret (`create_password = true`)."""


def holds_text(variable: Variable) -> bool:
    """False when the type or the default shows the variable is a flag or a number."""
    constraint = variable.type_expression
    if constraint is not None and _NOT_TEXT_TYPE.match(constraint.strip()):
        return False
    default = variable.default
    return default is None or not isinstance(default.value, bool | int | float)


@rule(
    "TF110",
    "sensitive-variables",
    Severity.WARNING,
    fix="safe",
    tags=("terraform", "security"),
)
def sensitive_variables(variable: Variable, text: SourceText) -> Iterator[Finding]:
    """Variables whose name says they hold a secret are declared `sensitive = true`.

    ## What it does
    Checks every `variable` block whose name looks secret, by the same test as SE001
    (`db_password`, `api_token`, `client_secret`, `private_key`; not `password_length`,
    `secret_name`, `kms_key_arn`, `master_user_password_rotation_duration` or
    `..._rotation_schedule_expression`, whose last word says the value is something else,
    nor `password_rotation_lambda_arn`, a setting about rotating the secret, nor
    `existing_secret`, the name of one, nor `access_key` or `aws_access_key_id`, the public
    half of a key pair whose `secret_key` is checked). A
    variable of type `bool` or `number`, or with a bool or number default, is a setting
    about a secret (`create_random_password = true`), not one, and is skipped. Without
    `sensitive` the variable is reported at its `variable` header; `sensitive = false` is
    reported at the value. `ephemeral = true` keeps a value out of state but does not
    replace `sensitive`, so it is not accepted instead.

    Outputs are not checked: once the variable is sensitive, Terraform itself refuses an
    output that exposes it without `sensitive = true`.

    ## Why it matters
    Terraform prints plan and apply output in CI logs that many people can read. A value
    from a variable not marked sensitive is shown in clear text wherever it lands in a
    resource argument; `sensitive = true` redacts it, and makes every output that carries
    it declare the same.

    ## Example
    ```hcl
    variable "db_password" {
      type = string
    }
    ```

    ## Use instead
    ```hcl
    variable "db_password" {
      type      = string
      sensitive = true
    }
    ```

    ## Fix
    Safe: writes `sensitive = true` on a new line after the variable's last attribute (or
    as its first line when it has none; an empty `{}` is opened onto lines), in the
    indentation of its other attributes. Where the attributes above it align their `=`
    signs, as `terraform fmt` does, the new line joins that alignment, widening their
    padding when `sensitive` is the longer name. `sensitive = false` becomes `true`. No
    config is needed. `.tf.json` files and variables written on one line with an attribute
    get no edit. Only what Terraform prints changes; outputs that expose the value then
    need `sensitive = true` too, which Terraform reports at plan time.

    ## Variants
    No peer checks this (tflint, checkov and trivy have no rule for a variable's
    `sensitive` flag); the spellings the rule reads:
    - Secret-looking names, read with SE001's name grammar (`db_password`, `api_token`;
      not `password_rotation_days`, `secret_name`, `token_ttl`): covered.
    - Access key IDs (`access_key`, `aws_access_key_id`): not covered: the public half of
      a key pair, read as SE001 reads it; the `secret_key` and Azure's shared keys
      (`arm_access_key`, `primary_access_key`) are covered.
    - `sensitive = false` written out: covered, at its value.
    - `type = bool` or `number`, or a boolean or numeric default: covered, as not
      reported.
    - `ephemeral = true` (Terraform 1.10) without `sensitive`: covered: reported, since it
      keeps the value out of state but does not redact it.
    - Secret attributes inside an object type (`object({ password = string })`): not
      covered: Terraform marks only whole variables sensitive.
    - Outputs: not covered: Terraform refuses an unmarked output of a sensitive value.

    ## References
    - https://developer.hashicorp.com/terraform/language/values/variables#suppressing-values-in-cli-output
    - https://developer.hashicorp.com/terraform/tutorials/configuration-language/sensitive-variables
    """
    if variable.sensitive or not is_secret_name(variable.name) or not holds_text(variable):
        return
    setting = variable.attribute("sensitive")
    if setting is None:
        edits = add_attribute(variable, "sensitive", "true", text.lines)
        yield Finding(
            variable.span,
            f"variable `{variable.name}` looks secret but is not `sensitive = true`: "
            "its value would show in plan output",
            fix=Fix("add `sensitive = true`", edits) if edits else None,
            logical=variable.logical,
        )
        return
    value = setting.value
    if value is False or (isinstance(value, str) and value.strip().lower() == "false"):
        fix = None
        if editable(variable):
            fix = Fix(
                "set `sensitive = true`",
                (Edit(setting.value_span, "true", Anchor(setting.name_span, setting.name)),),
            )
        yield Finding(
            setting.value_span,
            f"variable `{variable.name}` looks secret but sets `sensitive = false`",
            fix=fix,
            logical=variable.logical,
        )
