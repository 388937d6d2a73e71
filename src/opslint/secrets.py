"""Telling secret-looking names apart: `DB_PASSWORD` holds a secret, `PASSWORD_FILE` does not.

Shared by every check that judges a name (environment variables, Terraform variables).
"""

from __future__ import annotations

import re

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
