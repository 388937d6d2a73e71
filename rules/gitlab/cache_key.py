"""GL103 cache-key."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from opslint import Finding, Severity, rule
from opslint.model.base import Span
from opslint.model.ci import GitlabJob, GitlabPipeline
from opslint.model.yamltree import YMap, YNode, YScalar, YSeq

from ._jobs import is_reference, job_lineage


@dataclass(frozen=True, slots=True)
class _Cache:
    """One cache definition without a key: where to report it and what owns it."""

    span: Span
    logical: str
    owner: str
    pull: bool = False
    """True for `policy: pull`: the job reads the cache and never writes it."""


def _pulls_only(cache: YMap) -> bool:
    policy = cache.get("policy")
    return isinstance(policy, YScalar) and policy.text.strip() == "pull"


def _has_key(cache: YMap) -> bool:
    key = cache.get("key")
    if isinstance(key, YScalar):
        return key.value is not None and key.text.strip() != ""
    return isinstance(key, YMap | YSeq) and len(key) > 0


def _unkeyed(
    holder: YMap, inherited: list[YMap], lines: Sequence[str], logical: str, owner: str
) -> Iterator[_Cache]:
    """The caches under `holder`'s `cache:` that have no key, also among `inherited` maps.

    `inherited` are the `cache` mappings of extended templates: `extends` merges mappings
    deeply, so a key written in a template counts for a job whose own cache lacks one.
    """
    node: YNode | None = holder.get("cache")
    if node is None or is_reference(node, lines):
        return
    if isinstance(node, YMap):
        if len(node) == 0 or _has_key(node) or any(_has_key(m) for m in inherited):
            return  # `cache: {}` switches an inherited cache off
        pull = _pulls_only(node) or any(_pulls_only(m) for m in inherited)
        yield _Cache(holder.key_span("cache"), logical, owner, pull)
    elif isinstance(node, YSeq):
        for index, item in enumerate(node):
            if isinstance(item, YMap) and len(item) > 0 and not _has_key(item):
                if is_reference(item, lines):
                    continue
                span = item.span.start().to_line_end(lines)
                yield _Cache(span, f"{logical}/cache:{index}", owner, _pulls_only(item))


def _writes_unknown_key(node: YNode | None, lines: Sequence[str]) -> bool:
    """True when a `cache:` is written as a `!reference` (or holds one), whose key this
    file does not show: it may write the `default` cache."""
    if node is None:
        return False
    if is_reference(node, lines):
        return True
    return isinstance(node, YSeq) and any(is_reference(item, lines) for item in node)


def _default_writers(
    pipeline: GitlabPipeline,
    lineages: dict[str, list[GitlabJob]],
    inheriting: list[GitlabJob],
    lines: Sequence[str],
) -> set[str]:
    """Ids of the jobs that may write the `default` cache key: their cache (their own, a
    template's, or the global one they inherit) has no key, or is a `!reference` whose
    key the file does not show, and does not only pull."""
    found: set[str] = set()
    for job in pipeline.gitlab_jobs:
        lineage = lineages[job.id]
        writer = next((j for j in lineage if "cache" in j.node), None)
        if writer is None:
            holders = [h for h in (pipeline.default, pipeline.root) if h is not None]
            if job not in inheriting:
                continue
        else:
            holders = [writer.node]
        inherited = [m for j in lineage if (m := j.node.map("cache")) is not None]
        for holder in holders:
            node = holder.get("cache")
            if _writes_unknown_key(node, lines) or any(
                not cache.pull for cache in _unkeyed(holder, inherited, lines, "", "")
            ):
                found.add(job.id)
    return found


def _inherits_default_cache(job: GitlabJob) -> bool:
    """False when `inherit: default:` keeps the `default:` cache away from the job."""
    inherit = job.node.map("inherit")
    value = inherit.get("default") if inherit is not None else None
    if isinstance(value, YScalar):
        return value.value is not False
    if isinstance(value, YSeq):
        return any(item.text == "cache" for item in value.scalars())
    return True


@rule("GL103", "cache-key", Severity.INFO, tags=("gitlab", "performance"))
def cache_key(pipeline: GitlabPipeline) -> Iterator[Finding]:
    """Every GitLab CI cache names its `key`.

    ## What it does
    Reports a `cache` without `key`: in a job, in `default:` and at the top level (the
    older global form). A mapping is reported at its `cache:` key; each entry of a list
    of caches is checked on its own and reported at the entry. `key: {files: [...]}`
    counts as a key.

    Decisions:
    - `extends` merges mappings deeply, so a job whose own `cache` lacks a key passes
      when a template it extends writes one in its `cache` mapping, and a template is
      judged through the jobs that extend it (one of them may add the key). A template's
      cache without key that reaches a job is reported once, at the template, however
      many jobs extend it; a template no job of the file extends is checked on its own.
    - `cache: []`, `cache: {}` and `cache:` (null) turn an inherited cache off and
      pass; caches written as `!reference` tags are not followed.
    - The global or `default:` cache is reported only when a job of the file uses it
      (one without a `cache` of its own that does not opt out through
      `inherit: default:`), or when the file has no jobs at all (a file other files
      include): a default that every job replaces is never used.
    - A cache that several jobs receive through one YAML anchor is reported once.
    - A pull-only cache without key (`policy: pull`) of a job is not reported when the
      job `needs` a job whose cache writes the `default` key (it has no key, or is a
      `!reference` whose key the file does not show): it reads what that job writes,
      which only works on the same key. The writer is where the key belongs, and is
      reported there when the file shows its cache.

    ## Why it matters
    A cache without key uses the key `default`: every job and every branch of the
    project reads and overwrites the same archive. A Python job restores the Node job's
    `node_modules`, a branch with new dependencies evicts the main branch's cache, and
    the cache never notices that the lock file changed. A key per purpose, derived from
    the lock file, restores exactly what the job needs and rebuilds it when dependencies
    change.

    ## Example
    ```yaml
    install:
      script: npm ci --cache .npm
      cache:
        paths:
          - .npm/
    ```

    ## Use instead
    ```yaml
    install:
      script: npm ci --cache .npm
      cache:
        key:
          files:
            - package-lock.json
        paths:
          - .npm/
    ```

    ## Fix
    None: the right key (a lock file, the job name, the branch) depends on what the
    cache holds.

    ## Variants
    No peer checks cache keys. The forms GitLab gives a cache:
    - `cache:` as a mapping in a job, in `default:`, at the top level: covered.
    - A list of caches, each entry judged: covered.
    - `key: {files: [...]}` with or without `prefix`: covered, as keyed.
    - `key:` null or `key: ""`: covered, as no key.
    - `extends` deep merge, `cache: []`/`{}`/null opt-outs, `inherit: default:`: covered.
    - A pull-only cache of a job that needs the job writing the default key: covered, as
      not reported.
    - `!reference` caches: not covered: they are not followed.

    ## References
    - https://docs.gitlab.com/ci/yaml/#cachekey
    - https://docs.gitlab.com/ci/caching/
    """
    lines = pipeline.source.lines
    found: list[_Cache] = []
    lineages = {job.id: job_lineage(pipeline, job) for job in pipeline.gitlab_jobs}
    runnable = [job for job in pipeline.gitlab_jobs if not job.hidden]
    inheriting = [
        job
        for job in runnable
        if _inherits_default_cache(job) and not any("cache" in j.node for j in lineages[job.id])
    ]
    if inheriting or not runnable:
        if pipeline.root is not None:
            found.extend(_unkeyed(pipeline.root, [], lines, "cache", "the global `cache`"))
        if pipeline.default is not None:
            found.extend(_unkeyed(pipeline.default, [], lines, "default", "the `default` cache"))
    extended = {parent.id for lineage in lineages.values() for parent in lineage[1:]}
    default_writers = _default_writers(pipeline, lineages, inheriting, lines)
    reads_default: set[str] = set()
    """Logical paths of the caches of jobs that need a job writing the `default` key."""
    for job in pipeline.gitlab_jobs:
        if job.hidden and job.id in extended:
            continue  # judged through the jobs that extend it, which may add the key
        lineage = lineages[job.id]
        writer = next((j for j in lineage if "cache" in j.node), None)
        if writer is None:
            continue
        inherited = [
            mapping
            for parent in lineage[lineage.index(writer) + 1 :]
            if (mapping := parent.node.map("cache")) is not None
        ]
        what = "template" if writer.hidden else "job"
        caches = list(
            _unkeyed(
                writer.node, inherited, lines, writer.logical, f"the cache of {what} `{writer.id}`"
            )
        )
        if writer is job and default_writers.intersection(job.needs):
            reads_default.update(cache.logical for cache in caches)
        found.extend(caches)
    seen: set[tuple[int, int]] = set()
    for cache in found:
        if cache.pull and cache.logical in reads_default:
            continue  # it reads the `default` cache a job it needs writes, on purpose
        if (cache.span.line, cache.span.column) in seen:
            continue
        seen.add((cache.span.line, cache.span.column))
        yield Finding(
            cache.span,
            f"{cache.owner} has no `key`, so it shares the `default` cache "
            "with every other job and branch: key it on what it holds",
            logical=cache.logical,
            help="for a dependency cache, key it on the lock file: "
            "`key: {files: [package-lock.json]}`",
        )
