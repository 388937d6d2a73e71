"""What a YAML file's layout shows before it is loaded.

A parallel run detects every file's kind before it checks any, in other processes than
the checks: a file loaded to be recognised would be loaded twice. Most manifests and
workflows are written in the plainest block layout, with every top-level key at the start
of a line, so their top-level keys can be read from the lines alone. `manifests` and
`workflow` read them so, and answer only when the layout leaves no doubt; the check that
loads the file confirms the answer (`opslint.hookspec.opslint_detect_kind`,
`provisional`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from opslint.model.source import SourceFile

_TOP_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_.-]*):(?:[ \t]+(.*))?$")
"""A top-level key written plain at the start of a line, and what follows it."""
_OPENERS = {'"': '"', "'": "'", "{": "}", "[": "]"}
_NEXT_TOP_LINE = re.compile(r"\n(?=[^ \t#\n])")
"""The start of the next line that begins at its first column (not blank, no comment)."""
_TEMPLATE = re.compile(r"(?<!\$)\{\{|\{%")
"""A template's opening, outside a GitHub expression (`${{`)."""
_JOB_KEY = re.compile(r"^[ \t]+(?:runs-on|steps|uses):", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Manifests:
    """A YAML file whose layout shows Kubernetes manifests."""

    crds_only: bool
    """Every document is a CustomResourceDefinition."""


def is_crd(api_version: str, kind: str) -> bool:
    """True for the `apiVersion` and `kind` of a CustomResourceDefinition."""
    return kind == "CustomResourceDefinition" and api_version.startswith("apiextensions.k8s.io/")


def manifests_of(source: SourceFile) -> Manifests | None:
    """`manifests` of the source's text, read once per source (detection asks twice)."""
    return source.derived(manifests_of, lambda: manifests(source.text))


def manifests(text: str) -> Manifests | None:
    """`Manifests` when the top-level keys of `text`, read line by line, show a document
    with `apiVersion` and `kind`; None when they do not, or when the layout leaves that to
    a load (see `top_keys`)."""
    if "{{" in text or "{%" in text:
        return None
    documents = top_keys(text)
    if documents is None or not any("apiVersion" in k and "kind" in k for k in documents):
        return None
    return Manifests(
        all(is_crd(keys.get("apiVersion", ""), keys.get("kind", "")) for keys in documents)
    )


def workflow(text: str) -> bool:
    """True when `text` is plainly one GitHub Actions workflow: one document whose
    top-level keys include `on` and a block `jobs:` under which a job names `runs-on`,
    `steps` or `uses`, and no `apiVersion` with `kind` (a manifest's)."""
    if _TEMPLATE.search(text):  # `${{ }}` is the workflow's own expression syntax
        return False
    documents = top_keys(text)
    if documents is None or len(documents) != 1:
        return False
    keys = documents[0]
    if "on" not in keys or keys.get("jobs") != "" or ("apiVersion" in keys and "kind" in keys):
        return False
    jobs = text.split("\njobs:", 1)[1] if not text.startswith("jobs:") else text[5:]
    section = _NEXT_TOP_LINE.split(jobs, 1)[0]
    return _JOB_KEY.search(section) is not None


def top_keys(text: str) -> list[dict[str, str]] | None:
    """The top-level keys of each document of `text` that has any, each with its value
    when written plain on its line, read line by line; None when the layout (a flow or
    quoted top-level node, a directive, a duplicate key, odd line breaks) leaves them to
    a load. A template (`{{ }}`, `{% %}`) is the caller's to rule out: it may load as
    YAML only once rendered."""
    if "\r" in text:
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
    return [keys for keys in documents if keys]


def _plain(value: str) -> str:
    """A one-line scalar's text: its comment and quotes left out."""
    if " #" in value:
        value = value[: value.index(" #")]
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value
