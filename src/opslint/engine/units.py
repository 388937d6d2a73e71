"""Units: the files of a run that must be checked together, because a view joins them.

Checking each unit on its own gives exactly the findings of one run over every file. The
views that look across documents decide the grouping, from what each iterates among the
run's checked documents (`Run.documents`, `Run.of_type`, `Run.sources`):

- `K8sIndex` joins every Kubernetes manifest and every Helm chart's renders, and
  `BuildPlaceholders` reads the Kustomizations among the manifests: every file of kind
  `kubernetes` or `helm-chart` (a chart's templates and values stand for its
  `Chart.yaml`) is one unit. A manifest file that holds nothing but
  CustomResourceDefinitions is the exception (`Target.standalone`): no cross-object
  rule looks up a CRD, and a CRD's own findings read nothing of other objects, so it is
  a unit of its own. CRDs are the largest manifests by far (the Prometheus operator's
  are about 400 KiB each): set apart, they are checked in parallel, and their trees are
  dropped once their own rules have run.
- `BuildContexts` joins the Compose files with the Dockerfiles their services build: a
  Compose file, and every checked Dockerfile one of its services names, are one unit
  (several Compose files naming one Dockerfile join all of them).
- `TerraformModule` reads a folder's `.tf` files as one module, and its var files: the
  Terraform files (`terraform*` kinds) of one folder are one unit.
- `WorkflowFolders` reads the workflows beside a GitHub workflow: the workflows of one
  folder are one unit.

Files a view only loads from disk beside the checked ones (`Run.load`, `Run.text`: a
skaffold.yaml, a Tiltfile, a `.dockerignore`, a Kustomization a manifest's folder holds)
give the same result whether checked or not, so they need not share a unit. Every other
file is a unit of its own. A unit is keyed by its files' reported paths, sorted, so the
partition and the keys are the same on every run over the same tree.

`OP002` and the report's rule list depend on the kinds of the whole run: the parallel
engine chooses the rules from every unit's kinds before any unit is checked.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

KUBERNETES_KINDS = frozenset({"kubernetes", "helm-chart", "helm-template", "helm-values"})
COMPOSE, DOCKERFILE, KUBERNETES = "compose", "dockerfile", "kubernetes"
WORKFLOW = "github-workflow"


@dataclass(frozen=True, slots=True)
class Target:
    """One document of the walk: the first file (by walk `order`) it covers, and its kind.

    `kind` is None when detection failed: the unit then detects it again, as one run
    would, and reports why.
    """

    order: int
    path: Path
    display: str
    kind: str | None
    seconds: float = 0.0
    """Time detection took, out of the file's budget."""
    builds: tuple[str, ...] = ()
    """For a Compose file: the resolved paths of the Dockerfiles its services build."""
    standalone: bool = False
    """For a Kubernetes manifest file: True when no cross-object view joins its objects
    with others (see the module)."""


@dataclass(frozen=True, slots=True)
class Unit:
    """Documents checked together, in walk order."""

    targets: tuple[Target, ...]

    @property
    def key(self) -> str:
        """A stable digest of the unit's sorted reported paths."""
        joined = "\0".join(sorted(target.display for target in self.targets))
        return hashlib.sha256(joined.encode("utf-8", "surrogateescape")).hexdigest()

    @property
    def size(self) -> int:
        return len(self.targets)


def _group(target: Target) -> tuple[str, str] | None:
    """The group a target joins by its kind alone (None: none)."""
    if target.kind in KUBERNETES_KINDS and not target.standalone:
        return ("kubernetes", "")
    if target.kind is not None and target.kind.startswith("terraform"):
        return ("terraform", target.path.absolute().parent.as_posix())
    if target.kind == WORKFLOW:
        return ("workflows", target.path.absolute().parent.as_posix())
    return None


def partition(targets: Iterable[Target]) -> list[Unit]:
    """The units of `targets` (see the module), in the walk order of their first file."""
    ordered = sorted(targets, key=lambda target: target.order)
    parent = list(range(len(ordered)))

    def find(item: int) -> int:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def join(first: int, second: int) -> None:
        roots = sorted((find(first), find(second)))
        parent[roots[1]] = roots[0]

    groups: dict[tuple[str, str], int] = {}
    dockerfiles: dict[str, int] = {}
    for position, target in enumerate(ordered):
        group = _group(target)
        if group is not None:
            join(groups.setdefault(group, position), position)
        if target.kind == DOCKERFILE:
            dockerfiles.setdefault(_resolved(target.path), position)
    for position, target in enumerate(ordered):
        for built in target.builds if target.kind == COMPOSE else ():
            if built in dockerfiles:
                join(dockerfiles[built], position)
    members: dict[int, list[Target]] = {}
    for position, target in enumerate(ordered):
        members.setdefault(find(position), []).append(target)
    return [Unit(tuple(found)) for _, found in sorted(members.items())]


def _resolved(path: Path) -> str:
    try:
        return path.resolve().as_posix()
    except (OSError, RuntimeError):
        return path.absolute().as_posix()


def shard(units: list[Unit], index: int, count: int) -> list[Unit]:
    """The units of shard `index` (1-based) of `count`: each unit whole, the shards balanced
    by file count. Units are dealt largest first (ties by key) to the shard with the fewest
    files so far, so every shard of a run over the same tree computes the same split."""
    loads = [0] * count
    chosen: set[str] = set()
    for unit in sorted(units, key=lambda unit: (-unit.size, unit.key)):
        lightest = min(range(count), key=lambda position: (loads[position], position))
        loads[lightest] += unit.size
        if lightest == index - 1:
            chosen.add(unit.key)
    return [unit for unit in units if unit.key in chosen]
