"""SE001 hardcoded-secret."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.facets import EnvVar
from opslint.ruleapi.secrets import LOOPBACK_HOSTS, secret_in, url_password

CI_SERVICE_ENV = frozenset(
    {"github service env", "gitlab service variables", "circleci service environment"}
)
"""Origins of the environment of a service container a CI job starts for itself."""
CI_JOB_ENV = frozenset(
    {"github env", "gitlab variables", "circleci environment", "jenkins environment"}
)
"""Origins of the environment of a CI job and its steps."""


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
    PRIVATE_KEY, SECRET_KEY, CREDENTIALS, ...), and any value that matches a well-known
    credential format (AWS access key IDs `AKIA...`, GitHub tokens `ghp_...`, GitLab tokens
    `glpat-...`, Slack tokens `xoxb-...`, PEM private keys), whatever the variable is
    called, and the password of a URL (`mysql://root:whalehello@db:3306/app`, reported at
    the password). A secret word anywhere in the name counts (`SECRET_BLAH`, as
    kube-linter's env-var-secret reads it) unless the rest of the name says otherwise
    (below). The value is judged as well as the name, as checkov and detect-secrets pair a
    keyword with the value's shape: a value that is a setting or a pointer is no secret,
    whatever its name says.

    Policy difference: kube-linter's read-secret-from-env-var also reports a Secret read
    into the environment through `secretKeyRef`; opslint does not, since that is the
    documented way to keep the value out of the config, which is what this rule is about.

    Not reported: empty values, booleans (`MYSQL_ALLOW_EMPTY_PASSWORD=yes`), values that
    hold a reference (`${DB_PASSWORD}`, `$CI_TOKEN`, `${{ secrets.TOKEN }}`,
    `{{ .Values.token }}`, Kubernetes `$(VAR)` and `secretKeyRef`), values that point into
    a secret store (`/run/secrets/db`, `vault:...`), substitution markers a deploy step
    fills in (`<your-token>`, `__TOKEN__`, `GOOGLE_API_KEY_VAL` for `GOOGLE_API_KEY`),
    Terraform references (`var.db_password`, `random_password.db.result`), durations
    (`3h`, `1h30m`, `15 days`, `P30D`), schedule expressions (`rate(15 days)`,
    `cron(0 3 ? * SUN *)`, `0 3 * * 1`), the key of a Secret (`postgres-password`,
    `api-token`: lower-case words of letters joined by hyphens, the last a secret word
    other than `pass`; `r00t-pass` is a password), names whose last word says the value
    is something else: `PASSWORD_FILE`, `TOKEN_URL`, `SECRET_NAME`, `*_PATH`,
    `*_ENDPOINT`, `TOKEN_TTL`, `API_KEY_ID`, `*_DURATION`, `*_EXPRESSION`, `*_SCHEDULE`,
    `*_INTERVAL`, `*_PERIOD`; names of a setting about the
    secret (`password_rotation_lambda_arn`: ROTATION after the secret word); names of the
    key of a Secret (`adminPasswordKey`, `tokenKey`: KEY after PASSWORD, TOKEN, ...;
    `secretKey`, `apiKey` and `privateKey` stay secret); names of an existing object
    (`existingSecret`); access keys (`MINIO_ACCESS_KEY`, `AWS_ACCESS_KEY_ID`, a
    provider's `access_key`), the public half of a key pair (an identifier or user name)
    whose secret half has a name of its own that is reported (`MINIO_SECRET_KEY`,
    `AWS_SECRET_ACCESS_KEY`, `secret_key`); an AWS access key ID (`AKIA...`) is still
    reported under any name, by its format. Azure's shared keys stand alone and stay
    secret: `AZURE`, `ARM`, `PRIMARY` or `SECONDARY` before `ACCESS_KEY`
    (`ARM_ACCESS_KEY`, `primary_access_key`). A URL whose password is a reference
    (`amqp://app:${PW}@queue`) is not reported.
    Placeholders that work as a value, such as `changeme`, are reported: they are the
    password the service really gets when nobody overrides them.

    The environment of a service container a CI job starts for itself (GitHub Actions
    `jobs.<id>.services.<name>.env`, GitLab `services[].variables`, CircleCI `environment`
    of the images after the first in `docker:`) is only checked for well-known credential
    formats: such a database or cache lives for one job, on the runner, and the password
    it is given there is a test fixture, as the services examples of GitHub, GitLab and
    CircleCI write it. actionlint's `credentials` and zizmor's
    `hardcoded-container-credentials` likewise check a service's registry `credentials`,
    which opslint checks too, and not its `env`. For the same reason a URL in a CI job's
    own environment (GitHub Actions `env`, GitLab `variables`, CircleCI `environment`,
    Jenkins `environment`) whose host is the runner itself (`localhost`, `127.0.0.1`,
    `[::1]`) is not reported for its password: it reaches such a service
    (`postgres://rails:password@localhost:5432/rails_test`). Its other secrets are.
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

    ## Variants
    - Names holding PASSWORD, SECRET, TOKEN anywhere (kube-linter env-var-secret, Polaris
      sensitiveContainerEnvVar): covered, with the value judged as well as the name.
    - `BEARER` in a name, `AZURE_*KEY` and `OCI_CLI_KEY_CONTENT` (Polaris): not covered
      yet: not in the name grammar.
    - `GOOGLE_APPLICATION_CREDENTIALS` (Polaris reports any value): not covered: its value
      is a file path, a pointer to the secret.
    - PEM private keys (Polaris, checkov CKV_SECRET_13, trivy private-key), AWS access keys
      (checkov CKV_SECRET_2, trivy aws-access-key-id), GitHub and GitLab tokens (trivy
      github-pat, gitlab-pat), Slack tokens (checkov CKV_SECRET_14): covered.
    - JWTs (checkov CKV_SECRET_9), npm tokens (CKV_SECRET_12), Stripe keys
      (CKV_SECRET_17), Azure storage `AccountKey=` (CKV_SECRET_3): not covered yet: no
      format recognised.
    - A password inside a URL: covered, at the password; in a CI job's environment, not
      for a URL to the runner itself (its service containers). A `Password=` inside a
      connection string: not covered yet.
    - High-entropy strings under any name (checkov CKV_SECRET_6, CKV_SECRET_19): not
      covered: entropy alone is imprecise.
    - `secretKeyRef` (kube-linter read-secret-from-env-var): not covered, by design: a
      reference is how a secret should arrive.
    - Literal `credentials.password` of GitHub job containers and services (zizmor
      hardcoded-container-credentials, actionlint credentials): covered. The environment
      of a CI job's own service containers: checked for credential formats only.
    - Dockerfile `ENV`/`ARG` secrets (trivy DS-0031, hadolint): covered.
    - Provider `access_key`/`secret_key` literals (checkov CKV_AWS_41): covered, the
      `secret_key` by its name and the `access_key` when its value is an AWS access key
      ID (`AKIA...`); checkov reports any 20-character upper-case `access_key`.
    - Access keys by name (`MINIO_ACCESS_KEY`, `S3_ACCESS_KEY`): not covered: it names the
      public half of a pair whose secret half is reported under its own name; Azure's
      shared keys (`ARM_ACCESS_KEY`, `primary_access_key`) are covered. A service whose
      only credential is called an access key (Sysdig's agent `ACCESS_KEY`) is missed
      unless it has a known format.

    ## References
    - https://docs.docker.com/build/building/secrets/
    - https://docs.docker.com/compose/how-tos/use-secrets/
    - https://kubernetes.io/docs/concepts/configuration/secret/
    - https://docs.github.com/en/actions/security-for-github-actions/security-guides/using-secrets-in-github-actions
    """
    found = secret_in(env)
    if found is None:
        return
    span, label = found
    if not label and env.origin in CI_SERVICE_ENV:
        return  # the password a throwaway service container of a CI job is set up with
    if label == "a password in a URL" and env.origin in CI_JOB_ENV and _to_loopback(env):
        return  # the job's own service container, reached on the runner
    if label:
        message = (
            f"`{env.name}` holds {label} in plain text: move it to a secret store and rotate it"
        )
    else:
        message = (
            f"`{env.name}` is set to a literal secret: pass it from a secret store or the "
            "environment instead"
        )
    yield Finding(span, message, logical=env.logical)


def _to_loopback(env: EnvVar) -> bool:
    """True when the URL password `secret_in` found is for a host on the machine itself."""
    match = url_password(env.value or "")
    return match is not None and match.group("host").lower() in LOOPBACK_HOSTS
