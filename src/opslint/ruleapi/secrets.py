"""Telling secret-looking names apart: `DB_PASSWORD` holds a secret, `PASSWORD_FILE` does not,
and telling a literal secret value from a reference to one.

Shared by every check that judges a name (environment variables, Terraform variables), by
SE001, and by the reports, which mask the values found here (`opslint.safety.redact`).
"""

from __future__ import annotations

import re

from opslint.model.base import Span
from opslint.model.facets import EnvVar

SECRET_WORDS = frozenset(
    {
        "PASSWORD",
        "PASSWD",
        "PASS",
        "PASSPHRASE",
        "SECRET",
        "TOKEN",
        "APIKEY",
        "CREDENTIAL",
        "CREDENTIALS",
        "CREDS",
        "PRIVATEKEY",
        "SECRETKEY",
        "ACCESSKEY",
        "AUTHTOKEN",
    }
)
"""Name parts that mark a secret on their own."""

KEY_QUALIFIERS = frozenset(
    {"API", "PRIVATE", "ACCESS", "SECRET", "ENCRYPTION", "SIGNING", "MASTER", "AUTH"}
)
"""Name parts that make a following `KEY` a secret (`API_KEY`, `PRIVATE_KEY`, ...)."""

_CAMEL = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


def name_parts(name: str) -> list[str]:
    """The upper-case words of a variable name (`db_Password`, `dbPassword` -> DB, PASSWORD)."""
    parts: list[str] = []
    for chunk in re.split(r"[^A-Za-z0-9]+", name):
        parts.extend(word.upper() for word in _CAMEL.findall(chunk))
    return parts


NON_SECRET_SUFFIXES = frozenset(
    {
        "FILE",
        "PATH",
        "DIR",
        "URL",
        "URI",
        "ENDPOINT",
        "HOST",
        "PORT",
        "NAME",
        "ID",
        "IDS",
        "TTL",
        "TIMEOUT",
        "EXPIRY",
        "EXPIRES",
        "EXPIRATION",
        "LIFETIME",
        "AGE",
        "TYPE",
        "LENGTH",
        "SIZE",
        "COUNT",
        "ENABLED",
        "DISABLED",
        "REQUIRED",
        "ENV",
        "VAR",
        "REF",
        "ARN",
        "VERSION",
        "HEADER",
        "PREFIX",
        "SUFFIX",
        "FORMAT",
        "POLICY",
        "MODE",
        "FIELD",
        "PARAM",
        "LOCATION",
        "PROVIDER",
        "STORE",
        "VAULT",
        "ALGORITHM",
        "ALG",
        "ISSUER",
        "AUDIENCE",
        "SCOPE",
        "SCOPES",
        "METHOD",
        "USER",
        "USERNAME",
        "LOGIN",
        "EMAIL",
    }
)
"""Last words that say a secret-sounding name holds something else (`PASSWORD_FILE`)."""


def is_secret_name(name: str) -> bool:
    """True when a secret word appears in the name and its last word does not say otherwise.

    `DB_PASSWORD`, `GITHUB_TOKEN`, `AWS_SECRET_ACCESS_KEY`, `apiKey`, `SECRET_KEY_BASE`
    and `SECRET_BLAH` qualify; `PASSWORD_FILE`, `TOKEN_URL`, `SECRET_NAME`,
    `JWT_SECRET_PATH`, `TOKEN_TTL` and `API_KEY_ID` do not, since their last word says the
    value is something else (a file, an address, a name, a duration, an identifier).
    """
    parts = name_parts(name)
    if parts in (["PWD"], ["PASS"]):  # the shell's working directory; a bare flag word
        return False
    if not parts or parts[-1] in NON_SECRET_SUFFIXES:
        return False
    for index, word in enumerate(parts):
        if word in SECRET_WORDS or (word == "PWD" and index > 0):
            return True
        if word == "KEY" and index > 0 and parts[index - 1] in KEY_QUALIFIERS:
            return True
    return False


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


def secret_in(env: EnvVar) -> tuple[Span, str] | None:
    """Where `env` holds a secret (SE001's finding), and what it is: a well-known credential
    format anywhere in the value (its label), or a literal for a secret-looking name ("")."""
    value = env.value
    if value is None or env.reference:
        return None
    for label, pattern in CREDENTIAL_PATTERNS:
        match = pattern.search(value)
        if match:
            return value_span(env, value, match.start(), match.end() - match.start()), label
    if is_secret_name(env.name) and is_literal_secret(value, env.name):
        return value_span(env, value), ""
    return None
