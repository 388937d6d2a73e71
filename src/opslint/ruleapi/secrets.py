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
        "AUTHTOKEN",
    }
)
"""Name parts that mark a secret on their own."""

KEY_QUALIFIERS = frozenset({"API", "PRIVATE", "SECRET", "ENCRYPTION", "SIGNING", "MASTER", "AUTH"})
"""Name parts that make a following `KEY` a secret (`API_KEY`, `PRIVATE_KEY`, ...)."""

SHARED_ACCESS_KEY = frozenset({"AZURE", "ARM", "PRIMARY", "SECONDARY"})
"""Name parts that make a following `ACCESS_KEY` Azure's shared key, a secret on its own
(`ARM_ACCESS_KEY`, `primary_access_key`); elsewhere an access key is the public half of a
pair whose secret is named apart (`AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`,
`MINIO_ACCESS_KEY` and `MINIO_SECRET_KEY`)."""

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
        "DURATION",
        "EXPRESSION",
        "SCHEDULE",
        "INTERVAL",
        "PERIOD",
        "WINDOW",
        "DAYS",
        "HOURS",
        "MINUTES",
        "SECONDS",
    }
)
"""Last words that say a secret-sounding name holds something else (`PASSWORD_FILE`)."""

ABOUT_THE_SECRET = frozenset({"ROTATION", "ROTATE", "ROTATIONS"})
"""Words that, after a secret word, make the name a setting about the secret
(`master_user_password_rotation_automatically_after_days`)."""

KEY_OF_SECRET = frozenset(
    {"PASSWORD", "PASSWD", "PASS", "PWD", "PASSPHRASE", "TOKEN", "CREDENTIAL", "CREDENTIALS"}
)
"""Secret words that, followed by a last word `KEY`, name the key of a Kubernetes Secret that
holds the value (`adminPasswordKey: postgres-password`), not the value."""


def is_secret_name(name: str) -> bool:
    """True when a secret word appears in the name and its last word does not say otherwise.

    `DB_PASSWORD`, `GITHUB_TOKEN`, `AWS_SECRET_ACCESS_KEY`, `apiKey`, `SECRET_KEY_BASE`,
    `ARM_ACCESS_KEY` and `SECRET_BLAH` qualify; `PASSWORD_FILE`, `TOKEN_URL`, `SECRET_NAME`,
    `JWT_SECRET_PATH`, `TOKEN_TTL`, `API_KEY_ID`, `password_rotation_duration` and
    `rotation_schedule_expression` do not, since their last word says the value is
    something else (a file, an address, a name, a duration, an identifier, an expression).
    Nor do names of a setting about the secret (`password_rotation_lambda_arn`: ROTATION
    after the secret word), names of the key of a Secret that holds it
    (`adminPasswordKey`, `existingSecretPasswordKey`: `KEY` after PASSWORD, TOKEN, ...;
    `secretKey` and `apiKey` stay secret), names of an existing object
    (`existingSecret`), and access keys (`AWS_ACCESS_KEY_ID`, `MINIO_ACCESS_KEY`,
    `access_key`): the public half of a key pair whose secret has a name of its own
    (`AWS_SECRET_ACCESS_KEY`, `MINIO_SECRET_KEY`, `secret_key`), except Azure's shared
    keys (`AZURE`, `ARM`, `PRIMARY` or `SECONDARY` before `ACCESS_KEY`), which stand alone.
    """
    parts = name_parts(name)
    if parts in (["PWD"], ["PASS"]):  # the shell's working directory; a bare flag word
        return False
    if not parts or parts[-1] in NON_SECRET_SUFFIXES or parts[0] == "EXISTING":
        return False
    if len(parts) > 1 and parts[-1] == "KEY" and parts[-2] in KEY_OF_SECRET:
        return False
    for index, word in enumerate(parts):
        if word in SECRET_WORDS or (word == "PWD" and index > 0):
            return not ABOUT_THE_SECRET.intersection(parts[index + 1 :])
        if word == "KEY" and index > 0 and _secret_key_word(parts[:index]):
            return not ABOUT_THE_SECRET.intersection(parts[index + 1 :])
    return False


def _secret_key_word(before: list[str]) -> bool:
    """True when the words `before` a `KEY` make it a secret: a qualifier (`API_KEY`), or
    `ACCESS` after a word of Azure's shared keys (`ARM_ACCESS_KEY`)."""
    if before[-1] in KEY_QUALIFIERS:
        return True
    return before[-1] == "ACCESS" and bool(SHARED_ACCESS_KEY.intersection(before[:-1]))


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
_HCL_REFERENCE = re.compile(
    r"(?:(?:var|local|module|data|each|count|path|terraform)"  # var.db_password, local.x
    r"|[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z_][\w-]*)"  # random_password.db.result
    r"\.[A-Za-z_][\w-]*(?:\.[\w-]+|\[[^\]]*\])*"
)
"""A Terraform reference written without `${}` (`var.x`, `random_password.db.result`)."""
_DURATION = re.compile(
    r"(?:\d+(?:\.\d+)?\s*(?:ns|us|µs|ms|s|m|h|d|w|y|secs?|seconds?|mins?|minutes?"
    r"|hours?|days?|weeks?|months?|years?)\s*)+"  # 30d, 1h30m, 15 days
    r"|P(?=\d|T\d)(?:\d+[YMWD])*(?:T(?=\d)(?:\d+(?:\.\d+)?[HMS])+)?",  # ISO 8601: P30D
    re.IGNORECASE,
)
_SCHEDULE = re.compile(
    r"(?:rate|cron|at)\(.*\)"  # AWS schedule expressions: rate(15 days), cron(0 3 * * ? *)
    r"|@(?:yearly|annually|monthly|weekly|daily|midnight|hourly|every\s.+)"
    r"|(?:[\d*?/,LW#-]+\s+){4,6}[\w*?/,#-]+",  # a cron line: 0 3 * * 1
    re.IGNORECASE,
)
_KEY_NAME = re.compile(r"[a-z]+(?:-[a-z]+)+")
"""The shape of the key of a Secret (`postgres-password`): lower-case words of letters joined
by hyphens; one counts when its last word is a secret word (see `is_key_name`)."""
_KEY_LAST_WORDS = SECRET_WORDS - {"PASS"}
"""Last words of a Secret's key (`redis-pass` reads as a password as much as a key)."""
_KEY_KINDS = KEY_QUALIFIERS | {"ACCESS"}
"""Words before a last word `KEY` of a Secret's key (`api-key`, `access-key`)."""
URL_PASSWORD = re.compile(
    r"[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]*:(?P<password>[^/\s@]+)@(?P<host>\[[^]/\s]*\]|[^:/\s?#]*)"
)
"""The password and host of a URL's user information (`mysql://root:whalehello@db:3306/x`)."""
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]", "0.0.0.0"})
"""Hosts of a URL that name the machine it is used on."""
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


def is_key_name(value: str) -> bool:
    """True when `value` is shaped like the key of a Secret that holds the secret: lower-case
    words of letters joined by hyphens, the last one a secret word other than `pass`
    (`postgres-password`, `api-token`, `api-key`, `access-key`; not `r00t-pass` or
    `s3cr3t-password`)."""
    if _KEY_NAME.fullmatch(value) is None:
        return False
    parts = name_parts(value)
    return parts[-1] in _KEY_LAST_WORDS or (parts[-1] == "KEY" and parts[-2] in _KEY_KINDS)


def is_literal_secret(value: str, name: str = "") -> bool:
    """True when a value of a secret-looking name is a real literal.

    Empty values, booleans, values that hold any variable or template reference
    (Terraform's `var.x` too), file paths, values that point into a secret store
    (`vault:...`), substitution markers (`is_substitution_marker`), durations (`30d`,
    `1h30m`, `P30D`, `15 days`), schedule expressions (`rate(15 days)`, `cron(...)`,
    `0 3 * * *`) and the key of a Secret (`is_key_name`) are not: a value of those shapes
    is a setting or a pointer whatever its name says. Placeholders that work as a value,
    such as `changeme` or `password`, are: whatever the intent, they are the secret the
    deployed service ends up with.
    """
    text = value.strip()
    if not text or text.lower() in BOOLEANS:
        return False
    if _REFERENCE.search(text) or _FILE_PATH.match(text) or _HCL_REFERENCE.fullmatch(text):
        return False
    if _DURATION.fullmatch(text) or _SCHEDULE.fullmatch(text) or is_key_name(text):
        return False
    if is_substitution_marker(name, text):
        return False
    return not text.lower().startswith(SECRET_STORES)


def url_password(value: str) -> re.Match[str] | None:
    """The literal password of the first URL in `value` that carries one (its `password`
    group), or None; a reference or a marker in its place (`${DB_PASSWORD}`) is none."""
    for match in URL_PASSWORD.finditer(value):
        password = match.group("password")
        if not (_REFERENCE.search(password) or _MARKER.fullmatch(password)):
            return match
    return None


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
    format anywhere in the value (its label), a literal for a secret-looking name (""), or
    the literal password of a URL in the value (at the password)."""
    value = env.value
    if value is None or env.reference:
        return None
    for label, pattern in CREDENTIAL_PATTERNS:
        match = pattern.search(value)
        if match:
            return value_span(env, value, match.start(), match.end() - match.start()), label
    if is_secret_name(env.name) and is_literal_secret(value, env.name):
        return value_span(env, value), ""
    password = url_password(value)
    if password is not None:
        start, end = password.span("password")
        return value_span(env, value, start, end - start), "a password in a URL"
    return None
