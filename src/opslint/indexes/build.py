"""Image references a build tool replaces before anything pulls them.

A development loop builds the images of a project and rewrites the manifests it deploys
to point at what it built, so the image a manifest names is a placeholder for a
reference the tool fills in:

- skaffold: a `skaffold.yaml` (every document, profiles included) in the manifest's
  folder or a folder above it lists the image under `build.artifacts[].image`; skaffold
  replaces it in the Kubernetes manifests and Helm releases it deploys with the
  reference it built, tag and digest included.
- Tilt: a `Tiltfile` in the folder or above names it in `docker_build('name', ...)`,
  `custom_build('name', ...)` or `docker_build_with_restart('name', ...)` (the file is
  read as text for those calls, lines commented out left aside, and never executed);
  Tilt replaces it in the Kubernetes and Compose files it loads.
- ko: a reference written `ko://<import path>` is a Go package that `ko resolve` builds
  and replaces by digest.
- kustomize: an `images:` entry of a Kustomization (or of a Component it includes)
  whose `name` is the image sets, in every resource the Kustomization builds (files it
  lists, and the files of the bases it lists as folders), a new tag (`newTag`), a
  digest (`digest`) or a new name (`newName`); only what it sets is replaced (a
  `newTag: latest` settles no tag).

Names match as the tools match them: the reference's repository (registry and path,
without tag or digest) equals the name. Files are read only inside the run's boundary,
each once per run; the search upwards stops at the repository root.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from opslint.model.facets import ImageRef
from opslint.model.source import SourceFile
from opslint.model.yamltree import YMap, YSeq
from opslint.run import Run
from opslint.safety.boundary import outside

SKAFFOLD_FILES = ("skaffold.yaml", "skaffold.yml")
TILT_FILE = "Tiltfile"
KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
KO_PREFIX = "ko://"
_TILT_BUILD = re.compile(
    r"\b(?:docker_build|custom_build|docker_build_with_restart)\(\s*(?:ref\s*=\s*)?"
    r"(?P<quote>['\"])(?P<name>[^'\"\n]+)(?P=quote)"
)
_COMMENT = re.compile(r"^[ \t]*#.*$", re.MULTILINE)
_DEVELOPMENT_KINDS = frozenset({"kubernetes", "helm-template"})
"""The files skaffold deploys: Kubernetes manifests, and Helm releases it renders."""
_TILT_KINDS = frozenset({"kubernetes", "helm-template", "compose"})
"""The files Tilt loads (`k8s_yaml`, `helm`, `docker_compose`)."""
_MOST_BASES = 16
"""How deep a chain of Kustomization bases is followed."""


@dataclass(frozen=True, slots=True)
class Replacement:
    """What a build tool replaces in one image reference."""

    tag: bool
    """The tag (the tool writes one, or a digest)."""
    digest: bool
    """The digest."""
    name: bool
    """The repository (registry and path)."""


@dataclass(frozen=True, slots=True)
class _Override:
    """One `images:` entry of a Kustomization."""

    name: str
    tag: bool
    digest: bool
    new_name: bool


def _documents(text: str, path: Path) -> list[YMap]:
    """The mappings at the top of each YAML document of `text` (none when it is no YAML)."""
    from opslint.parsers.yamlload import YamlError, load_yaml  # only runs with YAML load it

    try:
        loaded = load_yaml(text, path.as_posix())
    except YamlError:
        return []
    return [document.root for document in loaded.documents if isinstance(document.root, YMap)]


def _strings(node: YSeq | None, key: str) -> Iterator[str]:
    """The non-blank `key` strings of the mappings of a sequence."""
    for item in node.maps() if node is not None else ():
        value = item.string(key)
        if value and value.strip():
            yield value.strip()


def skaffold_artifacts(text: str, path: Path) -> frozenset[str]:
    """The images a `skaffold.yaml` builds: `build.artifacts[].image` of every document
    and profile."""
    names: set[str] = set()
    for root in _documents(text, path):
        builds = [root.map("build")]
        profiles = root.seq("profiles")
        builds.extend(profile.map("build") for profile in (profiles.maps() if profiles else ()))
        for build in builds:
            if build is not None:
                names.update(_strings(build.seq("artifacts"), "image"))
    return frozenset(names)


def tilt_images(text: str) -> frozenset[str]:
    """The images a Tiltfile builds (the first argument, or `ref=`, of its build calls;
    lines commented out do not count)."""
    code = _COMMENT.sub("", text)
    return frozenset(match.group("name").strip() for match in _TILT_BUILD.finditer(code))


def kustomize_overrides(root: YMap) -> list[_Override]:
    """The `images:` entries of a Kustomization or Component."""
    found: list[_Override] = []
    entries = root.seq("images")
    for entry in entries.maps() if entries is not None else ():
        name = entry.string("name")
        if not name or not name.strip():
            continue
        found.append(
            _Override(
                name.strip(),
                tag=bool(entry.string("digest") or entry.string("newTag") not in (None, "latest")),
                digest=bool(entry.string("digest")),
                new_name=bool(entry.string("newName")),
            )
        )
    return found


class BuildPlaceholders:
    """Which image references of the run a build tool replaces (see the module)."""

    def __init__(self, run: Run) -> None:
        self._run = run
        self._folders: dict[Path, list[tuple[frozenset[str], frozenset[str]]]] = {}
        """By folder, what its build files and those of the folders above it declare."""
        self._kustomized: dict[Path, list[_Override]] | None = None
        self._kustomizations: dict[Path, YMap | None] = {}

    @classmethod
    def for_subject(cls, run: Run, subject: object) -> BuildPlaceholders:
        """The run's placeholders, built as they are asked for (one view per run)."""
        return run.derived("build placeholders", lambda: cls(run))

    def replacement(self, image: ImageRef) -> Replacement | None:
        """What a build tool replaces in `image`, or None when no tool touches it."""
        if image.text.startswith(KO_PREFIX):
            return Replacement(tag=True, digest=True, name=True)
        source = self._run.sources.get(image.span.path)
        if source is None or source.kind not in _TILT_KINDS:
            return None  # no tool below replaces images in other files
        repository = image.repository
        for kinds, names in self._declared_above(source):
            if source.kind in kinds and repository in names:
                return Replacement(tag=True, digest=True, name=True)
        if source.kind != "kubernetes":
            return None
        overrides = [o for o in self._overrides(source.path) if o.name == repository]
        if not overrides:
            return None
        return Replacement(
            tag=any(o.tag for o in overrides),
            digest=any(o.digest for o in overrides),
            name=any(o.new_name for o in overrides),
        )

    def _declared_above(self, source: SourceFile) -> list[tuple[frozenset[str], frozenset[str]]]:
        """The (kinds of file it deploys, images) of each skaffold and Tilt file in the
        folder of `source` and the folders above it, up to the repository root."""
        try:
            return self._declared_from(source.path.absolute().parent)
        except OSError:
            return []

    def _declared_from(self, folder: Path) -> list[tuple[frozenset[str], frozenset[str]]]:
        if folder not in self._folders:
            found: list[tuple[frozenset[str], frozenset[str]]] = []
            if not outside(folder):
                for path in (folder / name for name in SKAFFOLD_FILES):
                    text = self._run.text(path)
                    if text is not None:
                        found.append((_DEVELOPMENT_KINDS, skaffold_artifacts(text, path)))
                path = folder / TILT_FILE
                text = self._run.text(path)
                if text is not None:
                    found.append((_TILT_KINDS, tilt_images(text)))
                if not (folder / ".git").exists() and folder.parent != folder:
                    found.extend(self._declared_from(folder.parent))
            self._folders[folder] = found
        return self._folders[folder]

    def _overrides(self, path: Path) -> list[_Override]:
        """The `images:` overrides of the Kustomizations that build the file at `path`."""
        if self._kustomized is None:
            from opslint.model.kubernetes import KubernetesFile  # not for a Dockerfile run

            self._kustomized = {}
            roots = [
                (document.source.path, obj.node)
                for document in self._run.of_type(KubernetesFile)
                for obj in document.manifests
                if obj.kind in ("Kustomization", "Component")
            ]
            for file, node in roots:
                self._apply(file.absolute(), node)
        key = _resolved(path)
        found = self._kustomized.get(key) if key is not None else None
        if found is None and key is not None:
            # the Kustomization beside a file pre-commit passed alone
            own = self._kustomization_in(key.parent)
            if own is not None:
                self._apply(*own)
            found = self._kustomized.setdefault(key, [])
        return found or []

    def _apply(
        self, file: Path, node: YMap, inherited: tuple[_Override, ...] = (), depth: int = 0
    ) -> None:
        """Record on every file the Kustomization `node` (read from `file`) builds its
        own overrides, those of the Components it includes, and `inherited` ones (from
        the overlays that list it as a base, `depth` of them)."""
        assert self._kustomized is not None
        if depth > _MOST_BASES:
            return  # a chain of bases that long is a cycle
        overrides = [*kustomize_overrides(node), *inherited]
        for entry in _strings_of(node.seq("components")):
            component = self._kustomization_in(_joined(file.parent, entry))
            if component is not None:
                overrides.extend(kustomize_overrides(component[1]))
        for entry in _strings_of(node.seq("resources")):
            target = _joined(file.parent, entry)
            base = self._kustomization_in(target)
            if base is not None:
                self._apply(*base, tuple(overrides), depth + 1)
            elif target is not None and overrides:
                known = self._kustomized.setdefault(target, [])
                known.extend(o for o in overrides if o not in known)

    def _kustomization_in(self, folder: Path | None) -> tuple[Path, YMap] | None:
        """The Kustomization file of `folder` (read once, inside the boundary)."""
        if folder is None:
            return None
        for name in KUSTOMIZATION_FILES:
            path = folder / name
            if path not in self._kustomizations:
                text = self._run.text(path)
                roots = _documents(text, path) if text is not None else []
                self._kustomizations[path] = roots[0] if roots else None
            found = self._kustomizations[path]
            if found is not None:
                return path, found
        return None


def _strings_of(node: YSeq | None) -> Iterator[str]:
    """The non-blank string items of a sequence."""
    for item in node.scalars() if node is not None else ():
        if isinstance(item.value, str) and item.value.strip():
            yield item.value.strip()


def _joined(folder: Path, entry: str) -> Path | None:
    """The local path a Kustomization entry names (None for a URL)."""
    if "://" in entry or entry.startswith("git@"):
        return None
    return _resolved(folder / entry)


def _resolved(path: Path) -> Path | None:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return None
