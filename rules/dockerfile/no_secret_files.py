"""DF109 no-secret-files."""

from __future__ import annotations

import re
from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.dockerfile import Instruction

from ._run import copy_paths
from ._scripts import logical

SECRET_NAMES = {
    ".env": "an environment file",
    "id_rsa": "a private SSH key",
    "id_dsa": "a private SSH key",
    "id_ecdsa": "a private SSH key",
    "id_ed25519": "a private SSH key",
    ".npmrc": "an npm config that holds registry tokens",
    ".pypirc": "a PyPI config that holds upload credentials",
    ".netrc": "a netrc file with login passwords",
    ".git-credentials": "stored Git credentials",
    "credentials": "a credentials file",
    "credentials.json": "a credentials file",
    ".htpasswd": "a password file",
}
SECRET_PATHS = {
    ".aws/credentials": "AWS credentials",
    ".docker/config.json": "registry logins",
    ".kube/config": "a kubeconfig with cluster credentials",
    ".ssh": "an SSH folder with keys",
}
SECRET_SUFFIXES = {
    ".pem": "a PEM file, usually a private key",
    ".key": "a private key",
    ".p12": "a PKCS#12 key store",
    ".pfx": "a PKCS#12 key store",
}
CREDENTIAL_FILE_VARIABLES = {
    "GOOGLE_APPLICATION_CREDENTIALS": "the Google credentials file",
    "AWS_SHARED_CREDENTIALS_FILE": "the AWS credentials file",
    "HF_TOKEN_PATH": "the Hugging Face token file",
}
"""Environment variables that name a file holding a credential, as tools read them."""
_VARIABLE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$")
_ENV_TEMPLATES = re.compile(r"\.env\.(example|sample|template|dist|defaults?|tpl)$", re.IGNORECASE)
_PUBLIC = re.compile(r"(cert|chain|bundle|(^|[._-])ca([._-]|$)|pub|root|gpg|signing|trust)", re.I)


def secret_kind(path: str) -> str | None:
    """What secret a copied path names, or None for an ordinary file."""
    cleaned = path.strip().rstrip("/")
    lowered = cleaned.lower()
    name = lowered.rsplit("/", 1)[-1]
    if _ENV_TEMPLATES.search(name):
        return None
    for suffix, what in SECRET_PATHS.items():
        if lowered == suffix or lowered.endswith("/" + suffix):
            return what
    if name in SECRET_NAMES:
        return SECRET_NAMES[name]
    if name.startswith(".env.") or name.endswith(".env"):
        return "an environment file"
    for suffix, what in SECRET_SUFFIXES.items():
        if name.endswith(suffix) and not _PUBLIC.search(name[: -len(suffix)]):
            return what
    return None


@rule(
    "DF109",
    "no-secret-files",
    Severity.ERROR,
    tags=("dockerfile", "security"),
    security_severity=8.0,
    peers=("trivy DS-0031 (partial)",),
)
def no_secret_files(instruction: Instruction) -> Iterator[Finding]:
    """COPY and ADD put no secret files into the image.

    ## What it does
    Reports a COPY or ADD source (also under ONBUILD, and `COPY --from` too: the file
    lands in this image all the same) that names a secret, at the source:

    - environment files: `.env`, `.env.production`, `prod.env` (templates such as
      `.env.example`, `.env.sample`, `.env.template` pass);
    - private keys: `id_rsa`, `id_dsa`, `id_ecdsa`, `id_ed25519`, `*.key`, `*.pem`,
      `*.p12`, `*.pfx`; names that say the file is public or a certificate (`ca.pem`,
      `cert.pem`, `fullchain.pem`, `server-cert.key`, `signing-pub.key`, `repo.gpg.key`)
      pass, since certificates and public keys are meant to ship;
    - credential stores: `.npmrc`, `.pypirc`, `.netrc`, `.git-credentials`,
      `credentials`, `credentials.json`, `.htpasswd`, `.aws/credentials`,
      `.docker/config.json`, `.kube/config`, and a `.ssh` folder;
    - whatever is copied to the file a credential variable names, whatever its own name:
      `COPY sa.json $GOOGLE_APPLICATION_CREDENTIALS` (also `AWS_SHARED_CREDENTIALS_FILE`,
      `HF_TOKEN_PATH`; `${NAME}` too).

    Globs are judged by their pattern (`COPY *.pem /certs/`).

    ## Why it matters
    Every layer of an image is readable by anyone who can pull it: a key or token copied
    in stays in the layer even if a later RUN deletes it, and leaks with every push to a
    registry, every cache export and every `docker save`.

    ## Example
    ```dockerfile
    FROM node:22-slim
    COPY .npmrc package.json package-lock.json ./
    RUN npm ci && rm .npmrc
    ```

    ## Use instead
    ```dockerfile
    FROM node:22-slim
    COPY package.json package-lock.json ./
    RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
    ```

    ## Fix
    None: the secret has to move to a build secret (`RUN --mount=type=secret`) or to
    runtime configuration, which only the author can arrange.

    ## Variants
    - A COPY to `$GOOGLE_APPLICATION_CREDENTIALS` or `$HF_TOKEN_PATH` (trivy DS-0031):
      covered, and `$AWS_SHARED_CREDENTIALS_FILE`. trivy's `$AWS_CONFIG_FILE` is not: that
      file holds profiles and regions; the credentials live in the shared credentials file.
    - A credential variable set by ENV to a path under a COPY's destination (trivy
      DS-0031): not covered: a folder copied there may or may not hold the file, which
      the Dockerfile does not show.
    - Secret-named ENV and ARG values (trivy DS-0031): SE001's, which reads every
      Dockerfile ENV and ARG default.
    - RUN commands that write credentials (`aws configure set ...` without a secret mount)
      (trivy DS-0031): not covered: this rule judges the files COPY and ADD put in place.
    - Stages before the final one (trivy DS-0031 reads only the final stage): covered: a
      secret in a build stage sits in its layers and the build cache, and reaches the
      image through `COPY --from`.

    ## References
    - https://docs.docker.com/build/building/secrets/
    - https://docs.docker.com/build/concepts/context/#dockerignore-files
    """
    copy = instruction.effective
    if copy.keyword not in ("COPY", "ADD"):
        return
    sources, destination = copy_paths(copy)
    named = _VARIABLE.match(destination.text.rstrip("/")) if destination else None
    to_credentials = CREDENTIAL_FILE_VARIABLES.get(named.group(1)) if named else None
    for source in sources:
        if "://" in source.text:
            continue
        what = secret_kind(source.text) or to_credentials
        if what is not None:
            yield Finding(
                source.span,
                f"{copy.keyword} puts `{source.text}` ({what}) into the image: pass it as a "
                "build secret (`RUN --mount=type=secret`) or at run time instead",
                logical=logical(instruction),
            )
