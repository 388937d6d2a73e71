"""TF108 module-source-pinned."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from urllib.parse import parse_qsl

from opslint import Finding, Severity, rule
from opslint.model.terraform import Module


class SourceKind(Enum):
    """What a module `source` address points at."""

    LOCAL = "local"
    REGISTRY = "registry"
    GIT = "git"
    MERCURIAL = "mercurial"
    ARCHIVE = "archive"
    """An HTTP(S) URL, or an object in S3 or GCS."""
    UNKNOWN = "unknown"


MOVING_REFS = ("main", "master", "develop", "development", "dev", "trunk", "default", "head")
"""Ref names that follow a branch's tip rather than a fixed revision (compared lower-case)."""

_REGISTRY_PART = r"[A-Za-z0-9][A-Za-z0-9_-]*"
_REGISTRY = re.compile(
    rf"^(?:(?P<host>[A-Za-z0-9.-]+\.[A-Za-z0-9-]+(?::\d+)?)/)?"
    rf"{_REGISTRY_PART}/{_REGISTRY_PART}/{_REGISTRY_PART}(?://.*)?$"
)
_GIT_SHORTHANDS = ("github.com/", "bitbucket.org/")
_SHA = re.compile(r"^[0-9a-fA-F]{7,40}$")
_VERSION_TAG = re.compile(r"^(?:refs/tags/|tags/)?[A-Za-z._/-]*v?\d+(?:\.\d+)+(?:[-+.\w]*)$")


@dataclass(frozen=True)
class ModuleSourcePinnedOptions:
    """Which refs count as moving."""

    moving_refs: tuple[str, ...] = ()
    """Further branch names that count as unpinned, besides the built-in ones."""
    strict: bool = False
    """Accept only a commit SHA or a version-numbered tag as a git ref."""


def classify_source(source: str) -> SourceKind:
    """The kind of module source address `source` is, by Terraform's rules."""
    text = source.strip()
    if text.startswith(("./", "../", ".\\", "..\\")) or text in (".", ".."):
        return SourceKind.LOCAL
    forced, separator, _ = text.partition("::")
    if separator and re.fullmatch(r"[a-z0-9]+", forced):
        if forced == "git":
            return SourceKind.GIT
        if forced == "hg":
            return SourceKind.MERCURIAL
        if forced in ("s3", "gcs", "http", "https"):
            return SourceKind.ARCHIVE
        return SourceKind.UNKNOWN
    lowered = text.lower()
    if lowered.startswith(_GIT_SHORTHANDS) or lowered.startswith(("git@", "git://")):
        return SourceKind.GIT
    if lowered.startswith(("https://", "http://")):
        return SourceKind.ARCHIVE
    if lowered.startswith(("s3-", "s3.")) and ".amazonaws.com/" in lowered:
        return SourceKind.ARCHIVE
    if lowered.startswith("storage.googleapis.com/"):
        return SourceKind.ARCHIVE
    if _REGISTRY.match(text):
        return SourceKind.REGISTRY
    return SourceKind.UNKNOWN


def source_ref(source: str, kind: SourceKind) -> str | None:
    """The revision a git (`ref=`) or Mercurial (`rev=`) source asks for, if any."""
    _, _, query = source.partition("?")
    key = "rev" if kind is SourceKind.MERCURIAL else "ref"
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name == key:
            return value.strip()
    return None


def is_fixed_ref(ref: str) -> bool:
    """True for a commit SHA or a version-numbered tag (`v1.2.0`, `tags/1.4`)."""
    return _SHA.match(ref) is not None or _VERSION_TAG.match(ref) is not None


def unpinned_reason(source: str, options: ModuleSourcePinnedOptions) -> str | None:
    """Why a git or Mercurial `source` is not pinned, or None when it is (or is not VCS)."""
    kind = classify_source(source)
    if kind not in (SourceKind.GIT, SourceKind.MERCURIAL):
        return None
    ref = source_ref(source, kind)
    key = "rev" if kind is SourceKind.MERCURIAL else "ref"
    if not ref:
        return f"has no `?{key}=`, so it follows the default branch"
    moving = {name.lower() for name in (*MOVING_REFS, *options.moving_refs)}
    if kind is SourceKind.MERCURIAL:
        moving.add("tip")
    if ref.lower() in moving:
        return f"uses `{key}={ref}`, a branch that moves"
    if options.strict and not is_fixed_ref(ref):
        return f"uses `{key}={ref}`, neither a commit SHA nor a version tag"
    return None


@rule(
    "TF108",
    "module-source-pinned",
    Severity.WARNING,
    tags=("terraform", "reproducibility", "supply-chain"),
    peers=(
        "tflint terraform_module_pinned_source",
        "tflint terraform_module_version",
        "checkov CKV_TF_2",
        "checkov CKV_TF_1 (partial)",
    ),
)
def module_source_pinned(module: Module, options: ModuleSourcePinnedOptions) -> Iterator[Finding]:
    """Module calls pin what they download: a git ref or a registry version.

    ## What it does
    Checks the `source` of every `module` block:

    - git sources (`git::...`, `github.com/...`, `bitbucket.org/...`, `git@host:...`,
      `git://...`) need a `?ref=` that is not a moving branch; Mercurial
      sources (`hg::...`) need a `?rev=`. Reported at the `source` value.
    - registry modules (`namespace/name/provider`, optionally behind a registry host and
      with a `//subdir`) need a `version` argument. Reported at the `module` header.
    - local paths (`./`, `../`) ship with the configuration and are always fine.

    A ref counts as pinned unless it names a branch that moves: `main`, `master`,
    `develop`, `development`, `dev`, `trunk`, `default`, `HEAD` (and `tip` for Mercurial),
    plus the `moving-refs` option. This is tflint's "flexible" style: a name such as
    `release-2024-05` may be a tag, and opslint cannot ask the remote. The `strict` option
    accepts only a commit SHA (7 to 40 hex digits) or a tag with a version number
    (`v1.2.0`, `tags/1.4`), like tflint's "semver" style and checkov's CKV_TF_1/CKV_TF_2.
    A registry module with any `version` constraint passes, as in tflint's
    terraform_module_version; checkov's CKV_TF_1 asks for a commit hash even there, which
    a registry source cannot take.

    HTTP(S) archives and S3 or GCS objects are not reported: whether such a URL is
    immutable depends on how it is published (a versioned file name, a bucket with
    object versioning), which the address alone does not tell.

    ## Why it matters
    A module call without a pin downloads whatever the branch or the registry holds on the
    day `terraform init` runs: two runs of the same commit can plan different
    infrastructure, and a change pushed upstream reaches production without review.

    ## Example
    ```hcl
    module "vpc" {
      source = "git::https://example.com/network/vpc.git?ref=main"
    }

    module "eks" {
      source = "terraform-aws-modules/eks/aws"
    }
    ```

    ## Use instead
    ```hcl
    module "vpc" {
      source = "git::https://example.com/network/vpc.git?ref=v3.4.1"
    }

    module "eks" {
      source  = "terraform-aws-modules/eks/aws"
      version = "~> 20.8"
    }
    ```

    ## Fix
    None: which release to pin is the team's choice.

    ## Options
    - `moving-refs`: further branch names that count as unpinned (added to the built-in
      list).
    - `strict`: accept only commit SHAs and version-numbered tags as git refs.

    ## Variants
    - git sources without `?ref=`: `git::https://`, `git::ssh://`, `github.com/...`,
      `git@github.com:...`, `bitbucket.org/...`, with or without a `//subdir` (tflint
      terraform_module_pinned_source): covered.
    - a ref naming a default branch (`main`, `master`, `develop`, `default`) (tflint
      "flexible" style): covered, with `dev`, `development`, `trunk`, `HEAD` as well;
      further names through `moving-refs` (tflint `default_branches`).
    - Mercurial sources (`hg::...`) without `?rev=` or on `default`/`tip` (tflint):
      covered.
    - a ref that is not a version (tflint "semver" style, checkov CKV_TF_2) or not a
      commit hash (checkov CKV_TF_1): covered by the `strict` option, which accepts
      either.
    - registry modules without `version`, also on a custom registry host (tflint
      terraform_module_version, checkov CKV_TF_2): covered.
    - tflint's `exact` option (only `version = "1.2.3"`): not covered: a range such as
      `~> 20.8` is a reviewed pin, and a lock on one release is a team choice.
    - `version = null` or a `source` from a variable (tflint evaluates known variables):
      not covered: opslint judges what is written, and a module `source` cannot be a
      variable in Terraform.
    - a commit hash asked of registry modules (checkov CKV_TF_1): not covered: a registry
      source takes no ref.
    - a source URL that is not valid (tflint): not covered: `terraform init` rejects it.

    ## References
    - https://developer.hashicorp.com/terraform/language/modules/sources
    - https://developer.hashicorp.com/terraform/language/modules/syntax#version
    """
    attribute = module.attribute("source")
    source = module.source
    if attribute is None or source is None:
        return
    kind = classify_source(source)
    if kind is SourceKind.REGISTRY:
        if module.attribute("version") is None:
            yield Finding(
                module.span,
                f"module `{module.name}` takes registry module `{source}` without a "
                "`version`: pin the release it was tested with",
                logical=module.logical,
                help="without one, every `terraform init` downloads the newest release",
            )
        return
    reason = unpinned_reason(source, options)
    if reason is not None:
        yield Finding(
            attribute.value_span,
            f"the source of module `{module.name}` {reason}: pin a tag or a commit SHA",
            logical=module.logical,
        )
