"""Every Kubernetes object of a run, for rules that look from one object at the others.

Plain manifests and the objects Helm charts rendered are read together. A chart rendered
with several values files gives one *render* per values set, and the objects of different
renders never see each other: the HorizontalPodAutoscaler that production values switch on
does not target the Deployment of the default values. Plain manifests see every render, and
every render sees the plain manifests.

Files that a Kustomization applies as patches (`patches`, `patchesStrategicMerge`) and
objects marked `$patch` hold partial objects: they are set apart and never stand for an
object of their own.

An object's namespace is the one it names, else `default`; a plain manifest listed in the
`resources` of a Kustomization that sets `namespace` is in that namespace (kustomize
overrides the namespace of every resource it lists). Bases that a Kustomization names as
folders are not followed: one base is usually deployed by several overlays, into several
namespaces.

The index also answers the lookups the Kubernetes rules make across files: the Helm
template a reported path belongs to, the ServiceAccounts by name, and whether a folder
holds a Kustomization file.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import overload

from opslint.model.base import Derived
from opslint.model.helm import HelmChart, HelmTemplate
from opslint.model.kubernetes import K8sObject, KubernetesFile
from opslint.model.source import SourceFile
from opslint.model.yamltree import YMap, YNode, YScalar, string_map
from opslint.run import Run

DEFAULT_NAMESPACE = "default"
KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


@dataclass(eq=False)
class K8sIndex(Derived):
    """The Kubernetes objects of one run, grouped into plain manifests and Helm renders."""

    plain: list[K8sObject] = field(default_factory=list)
    """Objects of the checked manifest files, in file order."""
    renders: list[list[K8sObject]] = field(default_factory=list)
    """The objects of each render of each chart (one list per chart and values set)."""
    render_of: dict[K8sObject, int] = field(default_factory=dict)
    """The position in `renders` of every rendered object."""
    kustomized: dict[K8sObject, str] = field(default_factory=dict)
    """The namespace a Kustomization gives a plain object."""
    patches: set[K8sObject] = field(default_factory=set)
    """Partial objects that patch others (kustomize patches, `$patch: delete`): left out
    of `plain`, and not checked by the cross-object rules."""
    templates: dict[str, HelmTemplate] = field(default_factory=dict)
    """The Helm templates of the run by reported path."""
    accounts: dict[str, list[K8sObject]] = field(default_factory=dict)
    """The ServiceAccounts of every manifest and render by name (any namespace)."""

    @classmethod
    def for_subject(cls, run: Run, subject: object) -> K8sIndex:
        """The run's index (see `index_of`)."""
        return index_of(run)

    def template_at(self, path: str) -> HelmTemplate | None:
        """The Helm template a reported path belongs to (objects rendered from it carry it)."""
        return self.templates.get(path)

    def service_accounts(self, name: str) -> list[K8sObject]:
        """The ServiceAccount objects of the run named `name` (any namespace)."""
        return self.accounts.get(name, [])

    def has_kustomization(self, folder: Path) -> bool:
        """True when `folder` holds a Kustomization file, looked up once per folder and run."""
        found: dict[Path, bool] = self.derived("kustomized folders", dict)
        if folder not in found:
            found[folder] = any((folder / name).is_file() for name in KUSTOMIZATION_FILES)
        return found[folder]

    def all(self) -> Iterator[K8sObject]:
        """Every object: plain manifests, then each render."""
        yield from self.plain
        for render in self.renders:
            yield from render

    def visible(self, obj: K8sObject) -> list[K8sObject]:
        """The objects `obj` may refer to: plain manifests and its own render, or, for a
        plain object, every object of the run."""
        position = self.render_of.get(obj)
        if position is None:
            return list(self.all())
        return [*self.plain, *self.renders[position]]

    def scopes(
        self, test: Callable[[K8sObject], bool]
    ) -> Iterator[tuple[list[K8sObject], set[str]]]:
        """(judged, namespaces) pairs: the plain objects with the namespaces of every
        object in view that passes `test`, then each render's objects with those of the
        plain ones and of their own render. Each object is tested once."""
        plain = {self.namespace_of(o) for o in self.plain if test(o)}
        rendered = [{self.namespace_of(o) for o in render if test(o)} for render in self.renders]
        yield self.plain, plain.union(*rendered)
        for render, namespaces in zip(self.renders, rendered, strict=True):
            yield render, plain | namespaces

    def is_patch(self, obj: K8sObject) -> bool:
        """True for a partial object that a Kustomization applies as a patch."""
        return obj in self.patches

    def namespace_of(self, obj: K8sObject) -> str:
        """The namespace `obj` is deployed to (see the module documentation)."""
        return self.kustomized.get(obj) or obj.namespace or DEFAULT_NAMESPACE

    def peers(self, obj: K8sObject, *kinds: str) -> Iterator[K8sObject]:
        """Objects of `kinds` that `obj` sees in its own namespace (itself excluded), in
        the order of `visible`. For one kind they are found as they are asked for, so a
        caller that stops at the first does not pay for the rest."""
        if len(set(kinds)) == 1:
            return (o for o in self.lookup(obj, "kind", _kind, kinds[0]) if o is not obj)
        found = [
            other
            for kind in dict.fromkeys(kinds)
            for other in self.lookup(obj, "kind", _kind, kind)
            if other is not obj
        ]
        order = self.derived("order", lambda: {o: n for n, o in enumerate(self.all())})
        found.sort(key=order.__getitem__)
        return iter(found)

    def lookup(
        self,
        obj: K8sObject,
        table: str,
        keys_of: Callable[[K8sObject], Iterable[Hashable]],
        key: Hashable,
    ) -> Sequence[K8sObject]:
        """The objects `obj` sees in its own namespace (itself included) that `keys_of`
        gives `key`, in the order of `visible`. The table of `keys_of` over every object
        is built once per run and named `table` (one name, one `keys_of`). The answer
        is a view, made in constant time however many objects it holds."""
        entries = self.derived(("table", table), lambda: self._table(keys_of))
        found = entries.get((self.namespace_of(obj), key))
        if found is None:
            return []
        position = self.render_of.get(obj)
        if position is None:
            return found.every
        return _Joined(found.plain, found.rendered.get(position, []))

    def _table(
        self, keys_of: Callable[[K8sObject], Iterable[Hashable]]
    ) -> dict[tuple[str, Hashable], _Entry]:
        entries: dict[tuple[str, Hashable], _Entry] = {}
        for obj in self.all():
            namespace = self.namespace_of(obj)
            position = self.render_of.get(obj)
            for key in dict.fromkeys(keys_of(obj)):
                entry = entries.get((namespace, key))
                if entry is None:
                    entry = entries[(namespace, key)] = _Entry()
                entry.every.append(obj)
                if position is None:
                    entry.plain.append(obj)
                else:
                    entry.rendered.setdefault(position, []).append(obj)
        return entries


@dataclass(eq=False, slots=True)
class _Entry:
    """The objects of one namespace and key of a lookup table, in the order of `all`:
    every one, the plain ones, and those of each render by its position."""

    every: list[K8sObject] = field(default_factory=list)
    plain: list[K8sObject] = field(default_factory=list)
    rendered: dict[int, list[K8sObject]] = field(default_factory=dict)


class _Joined(Sequence[K8sObject]):
    """Two lists read as one, without copying either."""

    __slots__ = ("first", "second")

    def __init__(self, first: list[K8sObject], second: list[K8sObject]) -> None:
        self.first = first
        self.second = second

    def __len__(self) -> int:
        return len(self.first) + len(self.second)

    def __iter__(self) -> Iterator[K8sObject]:
        return chain(self.first, self.second)

    @overload
    def __getitem__(self, position: int) -> K8sObject: ...

    @overload
    def __getitem__(self, position: slice) -> Sequence[K8sObject]: ...

    def __getitem__(self, position: int | slice) -> K8sObject | Sequence[K8sObject]:
        return [*self.first, *self.second][position]


def _kind(obj: K8sObject) -> tuple[str]:
    return (obj.kind,)


def template_labels(obj: K8sObject) -> dict[str, str] | None:
    """The labels of the pods `obj` runs: a Pod's own, else its pod template's; None for an
    object without a pod spec."""
    if obj.pod_spec is None:
        return None
    if obj.kind == "Pod":
        return dict(obj.labels)
    if obj.kind == "CronJob":
        found = obj.node.path("spec", "jobTemplate", "spec", "template", "metadata", "labels")
    else:
        found = obj.node.path("spec", "template", "metadata", "labels")
    return string_map(found)


def index_of(run: Run) -> K8sIndex:
    """The index of the run's Kubernetes objects, built once per run."""
    return run.derived("kubernetes index", lambda: _build(run))


def _build(run: Run) -> K8sIndex:
    index = K8sIndex()
    files = list(run.of_type(KubernetesFile))
    index.patches = _patches(files)
    for document in files:
        index.plain.extend(obj for obj in document.manifests if obj not in index.patches)
    for chart in run.of_type(HelmChart):
        groups: dict[str, list[K8sObject]] = {}
        for template in chart.templates:
            for position, manifest in enumerate(template.rendered):
                key = manifest.render or f"#{position}"
                groups.setdefault(key, []).extend(manifest.manifests)
        for objects in groups.values():
            for obj in objects:
                index.render_of[obj] = len(index.renders)
            index.renders.append(objects)
    _kustomize(files, index)
    index.templates = {template.path: template for template in run.of_type(HelmTemplate)}
    rendered = (m for t in run.of_type(HelmTemplate) for r in t.rendered for m in r.manifests)
    for obj in chain((m for d in files for m in d.manifests), rendered):
        if obj.kind == "ServiceAccount" and obj.name:
            index.accounts.setdefault(obj.name, []).append(obj)
    return index


def stands_alone(source: SourceFile, provisional: bool = False) -> bool:
    """True for a manifest file that holds CustomResourceDefinitions and nothing else: no
    lookup of this index finds a CRD, and a CRD's own findings read nothing of other
    objects, so the file may be checked apart from the other manifests. A file not loaded
    yet is not, unless the answer is `provisional` and its layout shows CRDs alone
    (`opslint.parsers.sniff`); a file that does not load is not."""
    from opslint.parsers.sniff import is_crd, manifests_of
    from opslint.parsers.yamlload import LoadedYaml, yaml_of

    loaded = source.known(yaml_of)
    if loaded is None and provisional:
        sniffed = manifests_of(source)
        return sniffed is not None and sniffed.crds_only
    if not isinstance(loaded, LoadedYaml):
        return False
    roots = [
        document.root
        for document in loaded.documents
        if not (
            document.root is None
            or (isinstance(document.root, YScalar) and document.root.value is None)
        )
    ]
    return bool(roots) and all(
        isinstance(root, YMap)
        and is_crd(root.string("apiVersion") or "", root.string("kind") or "")
        for root in roots
    )


def _by_path(files: list[KubernetesFile]) -> dict[Path, KubernetesFile]:
    found: dict[Path, KubernetesFile] = {}
    for document in files:
        try:
            found[document.source.path.resolve()] = document
        except OSError:
            continue
    return found


def _listed(document: KubernetesFile, entry: YNode | None) -> Path | None:
    """The file a Kustomization entry names (a local path, not a URL)."""
    if not isinstance(entry, YScalar) or not isinstance(entry.value, str):
        return None
    if "://" in entry.value or not entry.value.strip():
        return None
    try:
        return (document.source.path.parent / entry.value.strip()).resolve()
    except (OSError, ValueError):
        return None


def _patches(files: list[KubernetesFile]) -> set[K8sObject]:
    by_path = _by_path(files)
    found = {obj for document in files for obj in document.manifests if "$patch" in obj.node}
    for document in files:
        for obj in document.manifests:
            if obj.kind not in ("Kustomization", "Component"):
                continue
            entries: list[YNode | None] = []
            listed = obj.node.seq("patchesStrategicMerge")
            entries.extend(listed.items if listed is not None else ())
            patches = obj.node.seq("patches")
            entries.extend(item.get("path") for item in (patches.maps() if patches else ()))
            for entry in entries:
                target = by_path.get(_listed(document, entry) or Path())
                if target is not None:
                    found.update(target.manifests)
    return found


def _kustomize(files: list[KubernetesFile], index: K8sIndex) -> None:
    by_path = _by_path(files)
    for document in files:
        for obj in document.manifests:
            if obj.kind != "Kustomization":
                continue
            namespace = obj.node.string("namespace")
            resources = obj.node.seq("resources")
            if not namespace or resources is None:
                continue
            for entry in resources.scalars():
                target = by_path.get(_listed(document, entry) or Path())
                if target is None:
                    continue
                for member in target.manifests:
                    index.kustomized.setdefault(member, namespace)
