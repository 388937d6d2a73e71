"""SE001 hardcoded-secret."""

from __future__ import annotations

import re
from collections.abc import Iterator

from opslint import Finding, Severity, Span, rule
from opslint.model.facets import EnvVar
from opslint.secrets import is_secret_name, name_parts

BOOLEANS = frozenset(
    {"true", "false", "yes", "no", "on", "off", "y", "n", "0", "1", "none", "null", "~"}
)

SECRET_STORES = (
    "/run/secrets/",
    "/var/run/secrets/",
    "file:",
    "vault:",
    "op://",
    "ref+",
    "arn:aws:secretsmanager:",
    "arn:aws:ssm:",
    "secretsmanager:",
    "ssm:",
    "sm://",
    "gcpsm://",
    "azurekeyvault:",
    "keyvault:",
)
"""Values that say where the secret is kept rather than what it is."""

_REFERENCE = re.compile(
    r"\$\{\{.*?\}\}"  # GitHub Actions expressions
    r"|\{\{.*?\}\}"  # Helm and Go templates, Jinja
    r"|\$\{[^}]*\}"  # ${VAR}, ${VAR:-default}
    r"|\$\([A-Za-z_][A-Za-z0-9_]*\)"  # Kubernetes $(VAR)
    r"|\$[A-Za-z_][A-Za-z0-9_]*"  # $VAR
    r"|%[A-Za-z_][A-Za-z0-9_]*%"  # %VAR% (Windows runners)
    r"|<%=?.*?%>",  # ERB
    re.DOTALL,
)
_FILE_PATH = re.compile(r"(?:/|\./|~/)[\w.@/-]*/[\w.@-]+$")
_MARKER = re.compile(
    r"<[^<>]+>"  # <your-token>
    r"|__[A-Za-z0-9_]+__"  # __TOKEN__
    r"|@[A-Za-z0-9_]+@"  # @TOKEN@
    r"|#\{[^}]+\}#?"  # #{TOKEN}# (release token replacement)
)

CREDENTIAL_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an AWS access key ID", re.compile(r"(?<![A-Z0-9])AKIA[0-9A-Z]{16}(?![A-Z0-9])")),
    ("a GitHub token", re.compile(r"(?<![A-Za-z0-9_])gh[opsur]_[A-Za-z0-9]{36,}")),
    ("a GitHub token", re.compile(r"(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{22,}")),
    ("a GitLab token", re.compile(r"(?<![A-Za-z0-9_-])glpat-[A-Za-z0-9_-]{20,}")),
    ("a Slack token", re.compile(r"(?<![A-Za-z0-9])xox[abprs]-[A-Za-z0-9-]{10,}")),
    (
        "a private key",
        re.compile(r"-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----"),
    ),
)
"""Well-known credential formats, matched whatever the variable is called."""


def is_substitution_marker(name: str, value: str) -> bool:
    """True when `value` is a slot a deploy step fills in, not a usable value.

    `<your-token>`, `__TOKEN__`, `@TOKEN@`, `#{TOKEN}#`, and an upper-case word that
    repeats the variable's name (`GOOGLE_API_KEY_VAL`, `INSERT_DISCOVERY_TOKEN`).
    """
    if _MARKER.fullmatch(value):
        return True
    bare = "_".join(name_parts(name))
    return bool(bare) and re.fullmatch(r"[A-Z0-9_]+", value) is not None and bare in value


def is_literal_secret(value: str, name: str = "") -> bool:
    """True when a value of a secret-looking name is a real literal.

    Empty values, booleans, values that hold any variable or template reference, file
    paths, values that point into a secret store (`vault:...`) and substitution markers
    (`is_substitution_marker`) are not. Placeholders that work as a value, such as
    `changeme` or `password`, are: whatever the intent, they are the secret the deployed
    service ends up with.
    """
    text = value.strip()
    if not text or text.lower() in BOOLEANS:
        return False
    if _REFERENCE.search(text) or _FILE_PATH.match(text):
        return False
    if is_substitution_marker(name, text):
        return False
    return not text.lower().startswith(SECRET_STORES)


def value_span(env: EnvVar, value: str, start: int = 0, length: int | None = None) -> Span:
    """The span of `length` characters at `start` of the value, inside any quotes."""
    span = env.value_span
    if span.line != span.end_line:
        return span
    width = span.end_column - span.column
    quote = (width - len(value)) // 2 if width - len(value) in (0, 2) else None
    if quote is None:
        return span
    column = span.column + quote + start
    size = len(value) - start if length is None else length
    return Span(span.path, span.line, column, span.line, column + size)


@rule(
    "SE001",
    "hardcoded-secret",
    Severity.ERROR,
    tags=("security", "secrets"),
    security_severity=8.0,
    peers=(
        "hadolint DL3064 (partial)",
        "checkov CKV_SECRET_2 (partial)",
        "checkov CKV_SECRET_10 (partial)",
        "checkov CKV_SECRET_13 (partial)",
        "checkov CKV_AWS_41 (partial)",
        "kube-linter env-var-secret (partial)",
        "polaris sensitiveContainerEnvVar",
        "zizmor hardcoded-container-credentials (partial)",
        "actionlint credentials (partial)",
        "trivy DS-0031 (partial)",
        "trivy aws-access-key-id (partial)",
        "trivy github-pat (partial)",
        "trivy gitlab-pat (partial)",
        "trivy private-key (partial)",
    ),
)
def hardcoded_secret(env: EnvVar) -> Iterator[Finding]:
    """Secrets come from a secret store or the environment, never a literal in the config.

    ## What it does
    Checks every environment-like name/value pair, whichever file holds it: Dockerfile `ENV`
    and `ARG` defaults, Compose `environment`, Kubernetes `env[].value`, Helm values, GitHub
    Actions `env` and `with` (also of job containers and services, and their `credentials`),
    GitLab `variables` (also of services), CircleCI `environment`, Jenkins `environment`,
    Terraform variable defaults, arguments and `.tfvars`. It reports a literal value for a
    secret-looking name (a name ending in PASSWORD, PASSWD, PASS, SECRET, TOKEN, API_KEY,
    PRIVATE_KEY, ACCESS_KEY, CREDENTIALS, ...), and any value that matches a well-known
    credential format (AWS access key IDs `AKIA...`, GitHub tokens `ghp_...`, GitLab tokens
    `glpat-...`, Slack tokens `xoxb-...`, PEM private keys), whatever the variable is
    called. A secret word anywhere in the name counts (`SECRET_BLAH`, as kube-linter's
    env-var-secret reads it) unless the last word says otherwise (below).

    Policy difference: kube-linter's read-secret-from-env-var also reports a Secret read
    into the environment through `secretKeyRef`; opslint does not, since that is the
    documented way to keep the value out of the config, which is what this rule is about.

    Not reported: empty values, booleans (`MYSQL_ALLOW_EMPTY_PASSWORD=yes`), values that
    hold a reference (`${DB_PASSWORD}`, `$CI_TOKEN`, `${{ secrets.TOKEN }}`,
    `{{ .Values.token }}`, Kubernetes `$(VAR)` and `secretKeyRef`), values that point into
    a secret store (`/run/secrets/db`, `vault:...`), substitution markers a deploy step
    fills in (`<your-token>`, `__TOKEN__`, `GOOGLE_API_KEY_VAL` for `GOOGLE_API_KEY`),
    and names whose last word says the value is something else: `PASSWORD_FILE`,
    `TOKEN_URL`, `SECRET_NAME`, `*_PATH`, `*_ENDPOINT`, `TOKEN_TTL`, `API_KEY_ID`.
    Placeholders that work as a value, such as `changeme`, are reported: they are the
    password the service really gets when nobody overrides them.
    The finding points at the value and names the variable; it never repeats the value.

    ## Why it matters
    A literal secret is readable by everyone who can read the repository, its forks and
    its CI logs, and it stays in the Git history after it is removed. In a Dockerfile it
    is also baked into every image layer and visible to `docker history` and
    `docker inspect`.

    ## Example
    ```dockerfile
    ENV DB_PASSWORD=s3cr3t-passw0rd
    ```

    ## Use instead
    ```dockerfile
    # pass it at run time (docker run -e DB_PASSWORD, a Compose or Kubernetes secret),
    # or, for a build step, mount it: RUN --mount=type=secret,id=db_password ...
    ENV DB_PASSWORD_FILE=/run/secrets/db_password
    ```

    ## Fix
    None: the secret must move to a secret store, and a leaked value must be rotated.

    ## References
    - https://docs.docker.com/build/building/secrets/
    - https://docs.docker.com/compose/how-tos/use-secrets/
    - https://kubernetes.io/docs/concepts/configuration/secret/
    - https://docs.github.com/en/actions/security-for-github-actions/security-guides/using-secrets-in-github-actions
    """
    value = env.value
    if value is None or env.reference:
        return
    for label, pattern in CREDENTIAL_PATTERNS:
        match = pattern.search(value)
        if match:
            yield Finding(
                value_span(env, value, match.start(), match.end() - match.start()),
                f"`{env.name}` holds {label} in plain text: move it to a secret store "
                "and rotate it",
                logical=env.logical,
            )
            return
    if is_secret_name(env.name) and is_literal_secret(value, env.name):
        yield Finding(
            value_span(env, value),
            f"`{env.name}` is set to a literal secret: pass it from a secret store or the "
            "environment instead",
            logical=env.logical,
        )
