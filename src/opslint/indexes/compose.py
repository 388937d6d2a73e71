"""The build contexts Compose files give Dockerfiles."""

from __future__ import annotations

from pathlib import Path

from opslint.model.compose import ComposeFile
from opslint.model.dockerfile import Dockerfile
from opslint.run import Run


class BuildContexts:
    """Which build contexts the run's Compose files build each Dockerfile in."""

    def __init__(self, composes: list[ComposeFile]) -> None:
        self._composes = composes
        self._contexts: dict[Path, list[Path]] | None = None

    @classmethod
    def for_subject(cls, run: Run, subject: object) -> BuildContexts:
        """The run's build contexts, built once per run."""
        return run.derived("compose build contexts", lambda: cls(list(run.of_type(ComposeFile))))

    def of(self, dockerfile: Dockerfile) -> list[Path]:
        """The build contexts of `dockerfile`: those Compose files name, else its folder."""
        path = dockerfile.source.path.resolve()
        return list(self._by_dockerfile().get(path, ())) or [path.parent]

    def _by_dockerfile(self) -> dict[Path, list[Path]]:
        """Each Dockerfile the Compose files build, resolved, to its contexts in the order
        the files and services name them; worked out once, not once per Dockerfile."""
        if self._contexts is None:
            self._contexts = {}
            for compose in self._composes:
                for service in compose.services:
                    target = service.dockerfile_path
                    if target is None or service.build is None:
                        continue
                    folder = compose.source.path.parent / (service.build.context or ".")
                    found = self._contexts.setdefault(target.resolve(), [])
                    if (context := folder.resolve()) not in found:
                        found.append(context)
        return self._contexts
