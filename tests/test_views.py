"""Rules receive views of the run by parameter annotation; no view outlives its run."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from opslint import Finding, Severity, rule
from opslint.config import Config
from opslint.engine.runner import Session
from opslint.indexes import kubernetes
from opslint.indexes.kubernetes import K8sIndex
from opslint.model.dockerfile import Dockerfile
from opslint.model.kubernetes import K8sObject, KubernetesFile
from opslint.plugins import PluginManager, hookimpl
from opslint.report import Report
from opslint.rule import RuleDefinitionError, make_rule
from opslint.run import Run
from opslint.views import Defaults, Files, Notes, SourceText

DEPLOYMENT = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: shop\n"
"""A Deployment of one name (a pod-less object: the cross-object rules stay quiet)."""


class Rules:
    """A plugin that hands the engine the rule functions it is given."""

    def __init__(self, *functions: Callable[..., object]) -> None:
        self.functions = functions

    @hookimpl
    def opslint_collect_rules(self) -> list[object]:
        return list(self.functions)


def session(folder: Path, *functions: Callable[..., object], select: str) -> Session:
    """A session over `folder` with the builtin plugins and `functions` as rules."""
    manager = PluginManager()
    manager.load(autoload=False)
    manager.register(Rules(*functions), name="test-rules")
    config = Config(
        root=folder,
        select=tuple(select.split(",")),
        defaults={"probe-path": "/healthz"},
    )
    return Session(config, manager)


def messages(report: Report) -> list[tuple[str, str, int, str]]:
    return [(f.code, f.span.path, f.span.line, f.message) for f in report.findings]


def write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")


@rule("XV001", "sees-views", Severity.INFO)
def sees_views(
    document: KubernetesFile, index: K8sIndex, defaults: Defaults, files: Files, notes: Notes
) -> Iterator[Finding]:
    """Reports what its views show."""
    beside = document.source.path.parent / "notes.txt"
    names = sorted(obj.name or "" for obj in index.all())
    notes.add(f"XV001 saw {document.path}")
    yield Finding(
        document.span,
        f"objects {names}; probe-path {defaults.get('probe-path')}; "
        f"notes.txt {files.text(beside)!r}; exists {files.exists(beside)}",
    )


def test_a_rule_gets_the_views_it_annotates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(
        tmp_path,
        {
            "web.yaml": DEPLOYMENT.format(name="web"),
            "api.yaml": DEPLOYMENT.format(name="api"),
            "notes.txt": "hello\n",
        },
    )
    monkeypatch.chdir(tmp_path)
    report = session(tmp_path, sees_views, select="XV001").run([Path()])
    seen = "objects ['api', 'web']; probe-path /healthz; notes.txt 'hello\\n'; exists True"
    assert messages(report) == [
        ("XV001", "api.yaml", 1, seen),
        ("XV001", "web.yaml", 1, seen),
    ]
    assert report.notes == ["XV001 saw api.yaml", "XV001 saw web.yaml"]


def test_an_optional_view_and_the_whole_run_are_served() -> None:
    @rule("XV002", "optional", Severity.INFO)
    def optional(obj: K8sObject, index: K8sIndex | None, run: Run) -> None:
        """Takes an optional view and the run."""

    made = make_rule(optional, "test", {})
    assert made.subject is K8sObject
    assert made.views == (("index", K8sIndex), ("run", Run))


def test_an_annotation_the_engine_cannot_serve_is_a_definition_error() -> None:
    @rule("XV003", "two-subjects", Severity.INFO)
    def two_subjects(obj: K8sObject, dockerfile: Dockerfile) -> None:
        """Asks for two subjects."""

    with pytest.raises(RuleDefinitionError) as raised:
        make_rule(two_subjects, "test", {})
    assert str(raised.value) == (
        "XV003: parameter 'dockerfile' asks for Dockerfile, which the engine cannot serve: "
        "the subject is already 'obj', and a view needs a `for_subject(run, subject)` "
        "classmethod"
    )

    @rule("XV004", "not-a-class", Severity.INFO)
    def not_a_class(obj: K8sObject, names: list[str]) -> None:
        """Asks for a generic alias."""

    with pytest.raises(RuleDefinitionError) as raised:
        make_rule(not_a_class, "test", {})
    assert str(raised.value) == (
        "XV004: parameter 'names' needs a class annotation: a model type, an options "
        "dataclass or a view (a class with `for_subject`)"
    )


def test_views_are_built_once_per_run_and_once_per_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    received: list[tuple[str, K8sIndex, Defaults, Files, SourceText]] = []

    @rule("XV005", "collects-views", Severity.INFO)
    def collects(
        obj: K8sObject, index: K8sIndex, defaults: Defaults, files: Files, text: SourceText
    ) -> None:
        """Keeps the views it is given."""
        received.append((obj.name or "", index, defaults, files, text))

    write(
        tmp_path,
        {
            "a.yaml": DEPLOYMENT.format(name="a") + "---\n" + DEPLOYMENT.format(name="b"),
            "c.yaml": DEPLOYMENT.format(name="c"),
        },
    )
    monkeypatch.chdir(tmp_path)
    built: list[K8sIndex] = []
    build = kubernetes._build

    def counted(run: Run) -> K8sIndex:
        built.append(build(run))
        return built[-1]

    monkeypatch.setattr(kubernetes, "_build", counted)
    engine = session(tmp_path, collects, select="XV005")
    engine.run([Path()])
    assert sorted(name for name, *_ in received) == ["a", "b", "c"]
    assert len(built) == 1
    assert {id(item[1]) for item in received} == {id(built[0])}
    assert len({id(item[2]) for item in received}) == 1
    assert len({id(item[3]) for item in received}) == 1
    texts = {item[4].path: item[4] for item in received}
    assert sorted(texts) == ["a.yaml", "c.yaml"]
    assert len({id(item[4]) for item in received}) == 2
    engine.run([Path()])
    assert len(built) == 2  # the next run builds its own


@rule("XV006", "lists-the-index", Severity.INFO)
def lists_the_index(document: KubernetesFile, index: K8sIndex) -> Iterator[Finding]:
    """Reports every object name its index holds."""
    yield Finding(document.span, " ".join(sorted(obj.name or "" for obj in index.all())))


def test_two_runs_in_one_process_share_no_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    write(first, {"app.yaml": DEPLOYMENT.format(name="old")})
    write(second, {"app.yaml": DEPLOYMENT.format(name="new")})
    monkeypatch.chdir(tmp_path)
    engine = session(tmp_path, lists_the_index, select="XV006")
    assert messages(engine.run([first])) == [("XV006", "first/app.yaml", 1, "old")]
    assert messages(engine.run([second])) == [("XV006", "second/app.yaml", 1, "new")]


def test_a_kustomization_removed_between_runs_is_seen_gone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """K8126 asks whether a folder holds a Kustomization: each run looks again."""
    write(
        tmp_path,
        {
            "deploy/web.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n",
            "deploy/kustomization.yaml": "resources:\n  - web.yaml\n",
        },
    )
    monkeypatch.chdir(tmp_path)
    engine = session(tmp_path, select="K8126")
    assert messages(engine.run([Path("deploy/web.yaml")])) == []
    (tmp_path / "deploy" / "kustomization.yaml").unlink()
    [finding] = engine.run([Path("deploy/web.yaml")]).findings
    assert (finding.code, finding.span.path, finding.span.line) == ("K8126", "deploy/web.yaml", 3)


def test_at_most_five_builtin_rules_take_the_whole_run() -> None:
    manager = PluginManager()
    manager.load(autoload=False)
    rules = Session(Config(root=Path.cwd()), manager).all_rules()
    takers = [r.code for r in rules if any(view is Run for _, view in r.views)]
    assert takers == ["OP002"]
    assert len(takers) <= 5
