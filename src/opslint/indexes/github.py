"""The workflows of a `.github/workflows` folder, seen from one of them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from opslint.model.ci import GithubWorkflow
from opslint.run import Run


class WorkflowFolders:
    """The other workflows beside a checked one, parsed once per run when first asked for."""

    def __init__(self, run: Run) -> None:
        self._run = run

    @classmethod
    def for_subject(cls, run: Run, subject: object) -> WorkflowFolders:
        """The run's workflow folders (one view per run)."""
        return run.derived("workflow folders", lambda: cls(run))

    def siblings(self, workflow: GithubWorkflow) -> Iterator[GithubWorkflow]:
        """The other workflows of the same `.github/workflows` folder, in name order."""
        folder = Path(workflow.source.path).parent
        if folder.name != "workflows" or folder.parent.name != ".github" or not folder.is_dir():
            return
        for path in sorted(folder.iterdir()):
            if (
                path.suffix in (".yml", ".yaml")
                and path.resolve() != Path(workflow.source.path).resolve()
            ):
                other = self._run.load(path)
                if isinstance(other, GithubWorkflow):
                    yield other
