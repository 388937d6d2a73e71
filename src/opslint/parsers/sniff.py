"""What a YAML file's layout shows before it is loaded.

A parallel run detects every file's kind before it checks any, in other processes than
the checks: a manifest loaded to be recognised would be loaded twice. Most manifests are
written in the plainest block layout, with every top-level key at the start of a line, so
their top-level keys can be read from the lines alone. `manifests` reads them so, and
answers only when the layout leaves no doubt; the check that loads the file confirms the
answer (`opslint.hookspec.opslint_detect_kind`, `provisional`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOP_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_.-]*):(?:[ \t]+(.*))?$")
"""A top-level key written plain at the start of a line, and what follows it."""
_CRD_API = "apiextensions.k8s.io/"
_OPENERS = {'"': '"', "'": "'", "{": "}", "[": "]"}


@dataclass(frozen=True, slots=True)
class Manifests:
    """A YAML file whose layout shows Kubernetes manifests."""

    crds_only: bool
    """Every document is a CustomResourceDefinition."""


def manifests(text: str) -> Manifests | None:
    """`Manifests` when the top-level keys of `text`, read line by line, show a document
    with `apiVersion` and `kind`; None when they do not, or when the layout (a template, a
    flow or quoted top-level node, a directive, a tab, a duplicate key, odd line breaks)
    leaves that to a load."""
    if "{{" in text or "{%" in text or "\r" in text:
        return None
    documents: list[dict[str, str]] = [{}]
    opened = False
    """The last top-level key has no value on its line: its block sequence may start
    at the start of a line (`subjects:` then `- kind: ServiceAccount`)."""
    for line in text.split("\n"):
        if not line or line[0] in " #":
            continue
        if line.startswith("---"):
            rest = line[3:].strip()
            if line[3:4] not in ("", " ", "\t") or (rest and not rest.startswith("#")):
                return None
            documents.append({})
            opened = False
            continue
        if line[0] == "-" and line[1:2] in ("", " "):
            if not opened:
                return None
            continue
        matched = _TOP_KEY.match(line)
        if matched is None or matched.group(1) in documents[-1]:
            return None
        written = (matched.group(2) or "").strip()
        if written[:1] in _OPENERS and written[-1] != _OPENERS[written[0]]:
            return None  # a quoted or flow value that goes on below
        value = _plain(written)
        documents[-1][matched.group(1)] = value
        opened = not value
    written = [keys for keys in documents if keys]
    if not any("apiVersion" in keys and "kind" in keys for keys in written):
        return None
    return Manifests(
        all(
            keys.get("kind") == "CustomResourceDefinition"
            and keys.get("apiVersion", "").startswith(_CRD_API)
            for keys in written
        )
    )


def _plain(value: str) -> str:
    """A one-line scalar's text: its comment and quotes left out."""
    if " #" in value:
        value = value[: value.index(" #")]
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value
