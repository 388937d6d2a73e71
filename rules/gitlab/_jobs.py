"""Helpers of the GitLab CI rules: how jobs inherit from templates, GitLab-only tags."""

from __future__ import annotations

from collections.abc import Sequence

from opslint.model.ci import GitlabJob, GitlabPipeline
from opslint.model.yamltree import YNode


def job_lineage(pipeline: GitlabPipeline, job: GitlabJob) -> list[GitlabJob]:
    """The job, then the templates it extends, nearest first (as GitLab merges them)."""
    by_id = pipeline.derived(
        "gitlab jobs by id", lambda: {candidate.id: candidate for candidate in pipeline.gitlab_jobs}
    )
    order: list[GitlabJob] = []
    seen: set[str] = set()

    def visit(current: GitlabJob) -> None:
        if current.id in seen:
            return
        seen.add(current.id)
        order.append(current)
        for parent in reversed(current.extends):
            known = by_id.get(parent)
            if known is not None:
                visit(known)

    visit(job)
    return order


def is_reference(node: YNode, lines: Sequence[str]) -> bool:
    """True when `node` is written as a `!reference [...]`, which only GitLab resolves."""
    from opslint.parsers.yamldoc import has_tag  # the YAML machinery loads on use

    return has_tag(node, lines, "!reference")
