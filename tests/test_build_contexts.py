"""The build contexts Compose files give Dockerfiles: found once per run, in file order."""

from __future__ import annotations

from pathlib import Path

import pytest

from opslint.config import Config
from opslint.engine.runner import Session
from opslint.indexes.compose import BuildContexts
from opslint.model.compose import ComposeFile
from opslint.model.dockerfile import Dockerfile
from opslint.plugins import PluginManager
from opslint.run import Run

FROM = "FROM alpine:3.20\n"


def collect(root: Path) -> Run:
    config = Config(root=root)
    plugins = PluginManager()
    plugins.load(autoload=False)
    session = Session(config, plugins)
    run = Run(config, session.load)
    session.collect([root], run)
    return run


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


def dockerfile(run: Run, path: Path) -> Dockerfile:
    return next(d for d in run.of_type(Dockerfile) if d.source.path.resolve() == path.resolve())


def test_contexts_in_file_and_service_order_each_once(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app/Dockerfile": FROM,
            "worker/Dockerfile": FROM,
            "lone/Dockerfile": FROM,
            "compose.yaml": (
                "services:\n"
                "  web:\n    build: {context: ., dockerfile: app/Dockerfile}\n"
                "  api:\n    build: app\n"
                "  again:\n    build: {context: ., dockerfile: app/Dockerfile}\n"
                "  jobs:\n    build: worker\n"
                "  db:\n    image: postgres:16\n"
            ),
            "deploy/compose.yaml": "services:\n  web:\n    build: ../app\n",
        },
    )
    run = collect(tmp_path)
    contexts = BuildContexts.for_subject(run, None)
    root = tmp_path.resolve()
    assert len(list(run.of_type(ComposeFile))) == 2
    # compose.yaml names the root, then app/ (and the root again); deploy/ names app/ again
    assert contexts.of(dockerfile(run, tmp_path / "app/Dockerfile")) == [root, root / "app"]
    assert contexts.of(dockerfile(run, tmp_path / "worker/Dockerfile")) == [root / "worker"]
    # no Compose file builds it: its own folder
    assert contexts.of(dockerfile(run, tmp_path / "lone/Dockerfile")) == [root / "lone"]


def test_the_work_grows_with_dockerfiles_plus_services_not_their_product(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Thirty Dockerfiles built by thirty services: a path resolved per Dockerfile and two
    per service (its Dockerfile and its context), not every service per Dockerfile."""
    count = 30
    files = {f"svc{n}/Dockerfile": FROM for n in range(count)}
    services = "".join(f"  svc{n}:\n    build: svc{n}\n" for n in range(count))
    write(tmp_path, {**files, "compose.yaml": f"services:\n{services}"})
    run = collect(tmp_path)
    documents = list(run.of_type(Dockerfile))
    assert len(documents) == count
    contexts = BuildContexts.for_subject(run, None)
    resolved: list[Path] = []
    resolve = Path.resolve

    def counted(self: Path, strict: bool = False) -> Path:
        resolved.append(self)
        return resolve(self, strict)

    monkeypatch.setattr(Path, "resolve", counted)
    found = [contexts.of(document) for document in documents]
    monkeypatch.undo()
    root = tmp_path.resolve()
    assert sorted(found) == sorted([[root / f"svc{n}"] for n in range(count)])
    assert len(resolved) == count + 2 * count
