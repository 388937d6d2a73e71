"""GH108 immutable-image-tag."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from opslint import Finding, Severity, rule
from opslint.model.base import Span
from opslint.model.ci import GithubPipeline, GithubWorkflow, Job, Step
from opslint.model.facets import split_image
from opslint.model.yamltree import YMap, YScalar, YSeq, text_span

from ._workflow import action, expression_true, matching, step_groups, step_input


class Kind(enum.Enum):
    """What a tag says about the image it names."""

    IMMUTABLE = "immutable"
    MUTABLE = "mutable"
    UNKNOWN = "unknown"
    TAG_EVENT = "tag-event"
    """Only produced on a git tag push (docker/metadata-action `type=semver`)."""


_IMMUTABLE = re.compile(
    r"github\.sha|github_sha|head\.sha|head_sha|rev-parse|github\.run_(id|number)"
    r"|github_run_(id|number)|\{\{\s*sha\s*\}\}|release\.tag_name|commit_sha"
)
_REF_NAME = re.compile(r"github\.(ref_name|head_ref|ref)\b|github_(ref_name|head_ref|ref)\b")
_VERSION = re.compile(r"^v?\d+(\.\d+)*([-+._][0-9a-z.]+)?$")
_VARIABLE = re.compile(r"\$\{\{\s*env\.([A-Za-z_]\w*)\s*\}\}|\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)")
_ASSIGNMENT = re.compile(r"(?:^|[\s\"'])(?:export\s+)?([A-Za-z_]\w*)=([^\s\"'>;]*)")


@dataclass
class Context:
    """What tag values can be resolved against: variables, and whether only tags trigger."""

    tag_only: bool
    variables: dict[str, list[str | None]] = field(default_factory=dict)

    def add(self, name: str, value: str | None) -> None:
        self.variables.setdefault(name, []).append(value)


def classify(tag: str, context: Context, depth: int = 0) -> Kind:
    """Whether a tag (as written, possibly with variables) names one build for good."""
    text = tag.strip().lower()
    if not text:
        return Kind.UNKNOWN
    if _IMMUTABLE.search(text):
        return Kind.IMMUTABLE
    if _REF_NAME.search(text):
        return Kind.IMMUTABLE if context.tag_only else Kind.MUTABLE
    names = [next(g for g in match.groups() if g) for match in _VARIABLE.finditer(tag)]
    if names:
        if depth > 3:
            return Kind.UNKNOWN
        kinds: list[Kind] = []
        for name in names:
            values = context.variables.get(name)
            if not values or any(value is None for value in values):
                return Kind.UNKNOWN
            kinds.extend(classify(value or "", context, depth + 1) for value in values)
        if Kind.IMMUTABLE in kinds:
            return Kind.IMMUTABLE
        return Kind.UNKNOWN if Kind.UNKNOWN in kinds else Kind.MUTABLE
    if "${{" in text or "$(" in text or "`" in text:
        return Kind.UNKNOWN
    return Kind.IMMUTABLE if _VERSION.match(text) else Kind.MUTABLE


def split_reference(reference: str) -> tuple[str, str | None]:
    """The repository and the tag of an image reference (None when it names no tag)."""
    if "@" in reference and "${{" not in reference:
        return reference.split("@", 1)[0], "@digest"
    parts = split_image(reference)
    if parts.tag is None or "${{" in parts.repository.rsplit("/", 1)[-1]:
        return reference, None
    return parts.repository, parts.tag


def classify_reference(reference: str, context: Context, depth: int = 0) -> Kind:
    """Classify the tag of a full reference; a reference without a tag means `latest`."""
    _, tag = split_reference(reference)
    if tag == "@digest":
        return Kind.IMMUTABLE
    if tag is not None:
        return classify(tag, context)
    names = [next(g for g in match.groups() if g) for match in _VARIABLE.finditer(reference)]
    if names or "${{" in reference or "$(" in reference:
        if len(names) == 1 and depth < 3 and _VARIABLE.fullmatch(reference.split("/")[-1]):
            values = context.variables.get(names[0]) or [None]
            kinds = [
                classify_reference(value, context, depth + 1) if value else Kind.UNKNOWN
                for value in values
            ]
            if Kind.IMMUTABLE in kinds:
                return Kind.IMMUTABLE
            return Kind.UNKNOWN if Kind.UNKNOWN in kinds else Kind.MUTABLE
        return Kind.UNKNOWN
    return Kind.MUTABLE


_METADATA_DEFAULT = (
    "type=schedule",
    "type=ref,event=branch",
    "type=ref,event=tag",
    "type=ref,event=pr",
)


def metadata_rule(line: str, context: Context) -> Kind:
    """Classify one `tags:` entry of docker/metadata-action."""
    text = line.strip()
    attributes = dict(part.strip().split("=", 1) for part in text.split(",") if "=" in part.strip())
    kind = attributes.get("type", "").lower()
    if not kind:
        return classify(text, context)
    if kind == "sha":
        return Kind.IMMUTABLE
    if kind in ("semver", "pep440", "match") or (
        kind == "ref" and attributes.get("event", "").lower() == "tag"
    ):
        return Kind.IMMUTABLE if context.tag_only else Kind.TAG_EVENT
    if kind in ("edge", "schedule") or kind == "ref":
        return Kind.MUTABLE
    if kind == "raw":
        return classify(attributes.get("value", ""), context)
    return Kind.UNKNOWN


def _tag_only(pipeline: GithubPipeline) -> bool:
    """True when the workflow runs only for git tags and releases."""
    if not isinstance(pipeline, GithubWorkflow) or not pipeline.triggers:
        return False
    on = pipeline.on
    for trigger in pipeline.triggers:
        if trigger == "release":
            continue
        if trigger == "push" and isinstance(on, YMap):
            push = on.map("push")
            if (
                push is not None
                and "tags" in push
                and not ("branches" in push or "branches-ignore" in push)
            ):
                continue
        return False
    return True


def _context(pipeline: GithubPipeline, job: Job | None, steps: list[Step]) -> Context:
    context = Context(_tag_only(pipeline))
    for env in pipeline.env_vars:
        if env.logical in ("workflow", "runs"):
            context.add(env.name, env.value)
    for env in job.env if job is not None else []:
        context.add(env.name, env.value)
    for step in steps:
        for env in step.env:
            context.add(env.name, env.value)
        if step.run is not None:
            for match in _ASSIGNMENT.finditer(step.run.text):
                context.add(match.group(1), match.group(2))
    return context


def _lines(node: YScalar, lines: Sequence[str], commas: bool) -> Iterator[tuple[str, Span]]:
    """Each entry of a list-valued scalar (newline, or with `commas` comma, separated)."""
    span = text_span(node)
    if "\n" not in node.text and node.style not in ("|", ">"):
        offset = 0
        for part in node.text.split(",") if commas else [node.text]:
            entry = part.strip()
            if entry:
                start = offset + part.index(entry)
                written = lines[span.line - 1][span.column - 1 :] if span.line <= len(lines) else ""
                if written.startswith(node.text):
                    yield (
                        entry,
                        Span(
                            span.path,
                            span.line,
                            span.column + start,
                            span.line,
                            span.column + start + len(entry),
                        ),
                    )
                else:
                    yield entry, span
            offset += len(part) + 1
        return
    line_number = span.line + (1 if node.style in ("|", ">") else 0)
    for raw in node.text.split("\n"):
        entry = raw.strip()
        if not entry or entry.startswith("#"):
            continue  # the docker actions read `#` lines as comments
        found = span
        for number in range(line_number, min(len(lines), span.end_line + 1) + 1):
            column = lines[number - 1].find(entry)
            if column >= 0:
                found = Span(span.path, number, column + 1, number, column + 1 + len(entry))
                line_number = number + 1
                break
        yield entry, found


def _tag_entries(step: Step, lines: Sequence[str]) -> Iterator[tuple[str, Span]]:
    tags = step_input(step, "tags")
    if isinstance(tags, YScalar) and tags.value is not None:
        yield from _lines(tags, lines, action(step) != "docker/metadata-action")
    elif isinstance(tags, YSeq):
        for item in tags.scalars():
            if item.value is not None:
                yield item.text, text_span(item)


def _judge(kinds: list[Kind]) -> bool:
    """True when the tags make no immutable name for the image."""
    if not kinds or Kind.IMMUTABLE in kinds or Kind.UNKNOWN in kinds:
        return False
    return Kind.MUTABLE in kinds


def _build_push(
    step: Step, steps: list[Step], context: Context, lines: Sequence[str]
) -> Finding | None:
    entries = list(_tag_entries(step, lines))
    if not entries or step.uses is None:
        return None
    kinds: list[Kind] = []
    anchor: Span | None = None
    help = "with docker/metadata-action, `type=sha` in its `tags` writes that tag"
    for entry, span in entries:
        output = re.search(r"steps\.([\w-]+)\.outputs\.(tags|json)", entry)
        if output is None:
            kind = classify_reference(entry, context)
            kinds.append(kind)
            if kind is Kind.MUTABLE and anchor is None:
                anchor = span
            continue
        meta = next((s for s in steps if s.id == output.group(1)), None)
        if meta is None or action(meta) != "docker/metadata-action":
            kinds.append(Kind.UNKNOWN)
            continue
        rules = list(_tag_entries(meta, lines))
        if not rules:
            help = (
                "docker/metadata-action's default tags (branch, pull request, git tag) all "
                "move: add `type=sha` to its `tags`"
            )
            kinds.extend(metadata_rule(text, context) for text in _METADATA_DEFAULT)
            anchor = anchor or span
            continue
        for text, rule_span in rules:
            kind = metadata_rule(text, context)
            kinds.append(kind)
            if kind is Kind.MUTABLE and anchor is None:
                anchor = rule_span
    if not _judge(kinds) or anchor is None:
        return None
    return Finding(
        anchor,
        f"`{step.uses.target}` pushes images tagged only with moving names: add a tag with "
        "the commit SHA (`${{ github.sha }}`)",
        logical=step.logical,
        help=help,
    )


_PUSH_COMMANDS: tuple[tuple[str, ...], ...] = (
    ("docker", "push"),
    ("docker", "image", "push"),
    ("podman", "push"),
    ("podman", "image", "push"),
    ("nerdctl", "push"),
    ("nerdctl", "image", "push"),
)


def _command_pushes(steps: list[Step], context: Context) -> Iterator[Finding]:
    by_repository: dict[str, list[tuple[Kind, Span, str, str]]] = {}
    for step in steps:
        if step.run is None:
            continue
        for command in matching(step.run, _PUSH_COMMANDS):
            if any(a in ("-a", "--all-tags") for a in command.arguments):
                continue
            words = [w for w in command.words[1:] if not w.text.startswith("-")]
            words = [w for w in words if w.text not in ("push", "image")]
            if not words:
                continue
            word = words[0]
            kind = classify_reference(word.text, context)
            repository, _ = split_reference(word.text)
            span = step.run.locate(word.start, word.end - word.start)
            verb = next((i for i, w in enumerate(command.words) if w.text == "push"), None)
            words_to_verb = command.words[: verb + 1] if verb is not None else []
            head = " ".join(w.text for w in words_to_verb) or f"{command.tool} push"
            pushed = f"{head} {word.text}"
            by_repository.setdefault(repository, []).append((kind, span, pushed, step.logical))
    for repository, pushes in by_repository.items():
        if _judge([kind for kind, _, _, _ in pushes]):
            _, span, pushed, logical = pushes[0]
            yield Finding(
                span,
                f"`{pushed}` pushes `{repository}` only under a moving tag: also "
                "tag and push it with the commit SHA (`${{ github.sha }}`)",
                logical=logical,
            )


@rule("GH108", "immutable-image-tag", Severity.WARNING, tags=("github", "delivery"))
def immutable_image_tag(pipeline: GithubPipeline) -> Iterator[Finding]:
    """Pushed images are tagged with the commit SHA, not only `latest` or a branch name.

    ## What it does
    Checks the images a job pushes and reports those whose every tag moves from build to
    build. Pushes are `docker/build-push-action` steps with `push:` true (or an
    expression) and `docker push`, `podman push` and `nerdctl push` commands (also as
    `<tool> image push`). A tag is immutable when it
    holds the commit SHA (`${{ github.sha }}`, `$GITHUB_SHA`, `git rev-parse`,
    docker/metadata-action `type=sha`), the run id or number, or a literal version
    (`1.4.2`, `v2`); it moves when it is `latest` (or missing), a fixed word, a branch
    (`${{ github.ref_name }}`, `type=ref,event=branch`, `type=edge`) or a pull request
    (`type=ref,event=pr`). Version tags from git tags (`type=semver`,
    `type=ref,event=tag`, `${{ github.ref_name }}`) count only when the workflow runs for
    tags and releases alone: on a branch push they produce no tag at all. Variables are
    resolved from `env:` and from assignments in the job's scripts; a tag that cannot be
    resolved is given the benefit of the doubt. The finding points at the first moving
    tag (or at the `tags:` value when docker/metadata-action uses its defaults).

    ## Why it matters
    A moving tag names a different image after every build: a deployment cannot say
    which commit it runs, a rollback to "the previous image" has nothing to point at, and
    nodes that pulled at different times run different code under the same name. A tag
    with the commit SHA is a permanent name for exactly one build.

    ## Example
    ```yaml
    - uses: docker/build-push-action@v6
      with:
        push: true
        tags: ghcr.io/acme/web:latest
    ```

    ## Use instead
    ```yaml
    - uses: docker/build-push-action@v6
      with:
        push: true
        tags: |
          ghcr.io/acme/web:${{ github.sha }}
          ghcr.io/acme/web:latest
    ```

    ## Fix
    None: the tag scheme is the team's choice.

    ## Variants
    No peer checks the tags of pushed images (checkov's CKV_CIRCLECIPIPELINES_1 and
    zizmor's unpinned-images judge the images a pipeline pulls, which IM001 owns). The
    forms a push takes:
    - `docker push` and `docker image push`: covered.
    - `podman push`, `podman image push`, `nerdctl push` and `nerdctl image push`:
      covered.
    - `docker/build-push-action` with `push:` true or an expression: covered.
    - `docker push --all-tags`: not covered: the tags it pushes were set by earlier
      commands the rule does not follow.
    - `buildah push`, `skopeo copy`, `crane push` and `ko` publishing: not covered: their
      destination is written differently (`docker://...`, a separate argument) and none
      appears in the corpus.

    ## References
    - https://github.com/docker/metadata-action#typesha
    - https://docs.docker.com/build/ci/github-actions/manage-tags-labels/
    - https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/store-information-in-variables#default-environment-variables
    """
    lines = pipeline.source.lines
    for job, steps in step_groups(pipeline):
        context = _context(pipeline, job, steps)
        for step in steps:
            if action(step) == "docker/build-push-action" and expression_true(
                step.with_.get("push")
            ):
                finding = _build_push(step, steps, context, lines)
                if finding is not None:
                    yield finding
        yield from _command_pushes(steps, context)
