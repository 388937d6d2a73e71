"""The cross-format rules SE001 and SH001: exact positions, and their building blocks."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_engine

from opslint.config import Config
from opslint.model.base import Finding, Span
from opslint.ruleapi.secrets import is_literal_secret, is_secret_name
from opslint.rules.crossformat.lockfile_install import npm_lacks_ci, problems


def check(tmp_path: Path, text: str, code: str, config: Config | None = None) -> list[Finding]:
    path = tmp_path / "Dockerfile"
    path.write_text(text, encoding="utf-8")
    report = run_engine([path], select=(code,), kind="dockerfile", config=config)
    return [f for f in report.findings if f.code == code]


def where(finding: Finding) -> tuple[int, int, int, int]:
    span = finding.span
    return (span.line, span.column, span.end_line, span.end_column)


# --- SE001 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "DB_PASSWORD",
        "MYSQL_ROOT_PASSWORD",
        "PASSWD",
        "REDIS_PASS",
        "MYSQL_PWD",
        "GITHUB_TOKEN",
        "NPM_AUTH_TOKEN",
        "CLIENT_SECRET",
        "API_KEY",
        "APIKEY",
        "apiKey",
        "x-api-key",
        "PRIVATE_KEY",
        "AWS_SECRET_ACCESS_KEY",
        "SECRET_KEY_BASE",
        "GOOGLE_CREDENTIALS",
        "SSH_PASSPHRASE",
        "secretKey",
        "MINIO_SECRET_KEY",
        "signingKey",
        "ARM_ACCESS_KEY",
        "AZURE_STORAGE_ACCESS_KEY",
        "primary_access_key",
    ],
)
def test_secret_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "PASSWORD_FILE",
        "TOKEN_URL",
        "SECRET_NAME",
        "JWT_SECRET_PATH",
        "TOKEN_ENDPOINT",
        "TOKEN_TTL",
        "API_KEY_ID",
        "AWS_ACCESS_KEY_ID",
        "AWS_ACCESS_KEY",
        "MINIO_ACCESS_KEY",
        "access_key",
        "accessKey",
        "ACCESSKEY",
        "PASSWORD_MIN_LENGTH",
        "CACHE_KEY",
        "PWD",
        "KEY",
        "USER",
        "TOKENIZER",
        "PASSENGER_APP_ENV",
        "master_user_password_rotation_duration",
        "master_user_password_rotation_schedule_expression",
        "password_rotation_lambda_arn",
        "adminPasswordKey",
        "existingSecretPasswordKey",
        "existingSecret",
        "TOKEN_REFRESH_INTERVAL",
    ],
)
def test_not_secret_names(name: str) -> None:
    assert not is_secret_name(name)


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        ("hunter2", True),
        ("changeme", True),
        ("  ", False),
        ("yes", False),
        ("false", False),
        ("${DB_PASSWORD}", False),
        ("${DB_PASSWORD:-}", False),
        ("$CI_JOB_TOKEN", False),
        ("${{ secrets.TOKEN }}", False),
        ("{{ .Values.token }}", False),
        ("$(TOKEN)", False),
        ("Bearer ${TOKEN}", False),
        ("/run/secrets/db_password", False),
        ("vault:secret/data/app#password", False),
        ("var.db_password", False),
        ("random_password.db.result", False),
        ("3h", False),
        ("1h30m", False),
        ("15 days", False),
        ("P30D", False),
        ("rate(15 days)", False),
        ("cron(0 3 ? * SUN *)", False),
        ("0 3 * * 1", False),
        ("postgres-password", False),
        ("redis-api-key", False),
        ("storage-access-key", False),
        ("s3cr3t-passw0rd", True),
        ("12345", True),
        ("open-sesame-2024", True),
        ("r00t-pass", True),
        ("s3cr3t-password", True),
        ("redis-pass", True),
    ],
)
def test_literal_values(value: str, literal: bool) -> None:
    assert is_literal_secret(value) is literal


@pytest.mark.parametrize(
    ("name", "value", "literal"),
    [
        ("GOOGLE_API_KEY", "GOOGLE_API_KEY_VAL", False),
        ("ETCD_DISCOVERY_TOKEN", "INSERT_ETCD_DISCOVERY_TOKEN", False),
        ("API_TOKEN", "<your-api-token>", False),
        ("API_TOKEN", "__API_TOKEN__", False),
        ("API_TOKEN", "#{ApiToken}#", False),
        ("DB_PASSWORD", "PASSWORD", True),
        ("DB_PASSWORD", "password", True),
        ("API_TOKEN", "SOMETHING_ELSE", True),
    ],
)
def test_substitution_markers(name: str, value: str, literal: bool) -> None:
    assert is_literal_secret(value, name) is literal


def test_secret_points_at_the_value_inside_quotes(tmp_path: Path) -> None:
    findings = check(
        tmp_path,
        'FROM alpine:3.20\nENV A=1 DB_PASSWORD="s3cret" B=2\nARG TOKEN=abc123\n',
        "SE001",
    )
    assert [where(f) for f in findings] == [(2, 22, 2, 28), (3, 11, 3, 17)]
    assert findings[0].message.startswith("`DB_PASSWORD` is set to a literal secret")
    assert "s3cret" not in findings[0].message
    assert findings[0].logical == "stage:0"


def test_secret_on_a_continuation_line(tmp_path: Path) -> None:
    text = "FROM alpine:3.20\nENV APP=web \\\n    API_TOKEN=t0k3n-value \\\n    LEVEL=info\n"
    findings = check(tmp_path, text, "SE001")
    assert [where(f) for f in findings] == [(3, 15, 3, 26)]


def test_credential_patterns_whatever_the_name(tmp_path: Path) -> None:
    text = (
        "FROM alpine:3.20\n"
        "ENV AWS_KEY=AKIAZ7XQ3MPLE4WR2NQT\n"
        "ENV CLONE_URL=https://oauth2:glpat-abcdefghij0123456789@gitlab.example.com/x.git\n"
        "ENV SLACK_HOOK=xoxb-1234567890-abcdefghij\n"
        'ENV KEY_PEM="-----BEGIN RSA PRIVATE KEY-----"\n'
        "ENV NOTE=AKIA_is_how_aws_ids_begin\n"
    )
    findings = check(tmp_path, text, "SE001")
    assert [where(f) for f in findings] == [
        (2, 13, 2, 33),
        (3, 30, 3, 56),
        (4, 16, 4, 42),
        (5, 14, 5, 45),
    ]
    assert "an AWS access key ID" in findings[0].message
    assert "a GitLab token" in findings[1].message
    assert "glpat-" not in findings[1].message
    assert "a Slack token" in findings[2].message
    assert "a private key" in findings[3].message


def test_password_in_a_url_points_at_the_password(tmp_path: Path) -> None:
    text = (
        "FROM alpine:3.20\n"
        "ENV DATABASE_URL=mysql://root:whalehello@db:3306/x\n"
        'ENV CACHE_URL="redis://:s3cret@cache:6379/0"\n'
        "ENV QUEUE_URL=amqp://app:${QUEUE_PASSWORD}@queue/\n"
        "ENV MIRROR=https://mirror.example.com:8443/x\n"
    )
    findings = check(tmp_path, text, "SE001")
    assert [where(f) for f in findings] == [(2, 31, 2, 41), (3, 25, 3, 31)]
    assert findings[0].message == (
        "`DATABASE_URL` holds a password in a URL in plain text: move it to a secret store "
        "and rotate it"
    )


def test_no_secret_for_empty_or_reference_values(tmp_path: Path) -> None:
    text = (
        "FROM alpine:3.20\n"
        "ARG NPM_TOKEN\n"
        "ENV DB_PASSWORD=\n"
        "ENV DB_PASSWORD=${DB_PASSWORD}\n"
        "ENV REDIS_PASSWORD=$REDIS_PASSWORD\n"
    )
    assert check(tmp_path, text, "SE001") == []


# --- SH001 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("script", "words"),
    [
        ("npm install", ["install"]),
        ("npm i --no-audit --omit=dev", ["i"]),
        ("npm --prefix /app install", ["install"]),
        ("cd app && npm install && npm test", ["install"]),
        ("if [ -f x ]; then npm install; fi", ["install"]),
        ("yarn", ["yarn"]),
        ("yarn --production", ["yarn"]),
        ("yarn install --check-files", ["install"]),
        ("pnpm i", ["i"]),
        ("pnpm install --frozen-lockfile=false", ["install"]),
        ("pnpm install --no-frozen-lockfile", ["install"]),
        ("bun install", ["install"]),
        ("bun i --production", ["i"]),
        ("bun --cwd app install", ["install"]),
        ("npm ci", []),
        ("npm install express", []),
        ("npm i -D typescript@5", []),
        ("npm install -g", []),
        ("npm run install", []),
        ("yarn build", []),
        ("yarn --frozen-lockfile", []),
        ("yarn install --immutable", []),
        ("pnpm install --frozen-lockfile", []),
        ("pnpm add react", []),
        ("bun install --frozen-lockfile", []),
        ("bun install --lockfile-only", []),
        ("bun add zod", []),
        ("bun install -g typescript", []),
        ("echo npm install", []),
        ("pip install -r requirements.txt", []),
    ],
)
def test_lockfile_problems(script: str, words: list[str]) -> None:
    assert [p.word.text for p in problems(script)] == words


@pytest.mark.parametrize(
    ("script", "words"),
    [
        ("pnpm install", []),
        ("pnpm i --prod", []),
        ("pnpm install --no-frozen-lockfile", ["install"]),
        ("pnpm install --frozen-lockfile=false", ["install"]),
        ("yarn install", ["install"]),
        ("bun install", ["install"]),
    ],
)
def test_lockfile_problems_in_ci(script: str, words: list[str]) -> None:
    """In a CI job pnpm freezes the lockfile unless told not to; Yarn 1 and Bun do not."""
    assert [p.word.text for p in problems(script, in_ci=True)] == words


@pytest.mark.parametrize(
    ("script", "found"),
    [
        ("pip install -r requirements.txt", True),
        ("pip3 install --no-cache-dir -rrequirements.txt", True),
        ("python3 -m pip install --requirement=requirements/prod.txt", True),
        ("/usr/local/bin/pip install -r req.txt", True),
        ("pip install --require-hashes -r requirements.txt", False),
        ("pip install flask==3.0.3", False),
        ("python -m venv .venv", False),
    ],
)
def test_pip_problems_only_with_the_option(script: str, found: bool) -> None:
    assert list(problems(script)) == []
    assert bool(list(problems(script, pip_require_hashes=True))) is found


@pytest.mark.parametrize(
    ("image", "lacks"),
    [
        ("node:0.10", True),
        ("node:8.9-alpine", True),
        ("node:carbon-alpine", True),
        ("docker.io/library/node:6", True),
        ("registry.example.com:5000/node:9@sha256:" + "a" * 64, True),
        ("node:10", False),
        ("node:22.11.0-slim", False),
        ("node:lts", False),
        ("node", False),
        ("ghcr.io/example/node:8", False),
        ("mynode:6", False),
        ("", False),
    ],
)
def test_npm_lacks_ci(image: str, lacks: bool) -> None:
    assert npm_lacks_ci(image) is lacks


def test_npm_install_points_at_install_and_offers_ci(tmp_path: Path) -> None:
    text = (
        "FROM node:22.11-bookworm-slim\n"
        "RUN apt-get update \\\n"
        "    && npm install --omit=dev \\\n"
        "    && npm run build\n"
        "RUN yarn install\n"
        'RUN ["npm", "install"]\n'
    )
    findings = check(tmp_path, text, "SH001")
    assert [where(f) for f in findings] == [(3, 12, 3, 19), (5, 10, 5, 17), (6, 5, 6, 23)]
    fix = findings[0].fix
    assert fix is not None
    assert [(e.span, e.text) for e in fix.edits] == [
        (Span(findings[0].span.path, 3, 12, 3, 19), "ci")
    ]
    assert findings[1].fix is None  # yarn: the flag depends on the Yarn version
    assert findings[2].fix is None  # exec form: no verbatim position for the word
    assert findings[0].logical == "stage:0"


def test_heredoc_script(tmp_path: Path) -> None:
    text = "FROM node:22.11-bookworm-slim\nRUN <<EOF\nset -e\n  npm install\nEOF\n"
    findings = check(tmp_path, text, "SH001")
    assert [where(f) for f in findings] == [(4, 7, 4, 14)]


def test_pip_option_from_config(tmp_path: Path) -> None:
    text = "FROM python:3.12-slim\nRUN pip install --no-cache-dir -r requirements.txt\n"
    assert check(tmp_path, text, "SH001") == []
    config = Config(root=tmp_path, rule_options={"SH001": {"pip-require-hashes": True}})
    findings = check(tmp_path, text, "SH001", config=config)
    assert [where(f) for f in findings] == [(2, 9, 2, 16)]
    assert "--require-hashes" in findings[0].message
