"""GH105 dependency-cache."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from opslint import Finding, Severity, rule
from opslint.model.ci import GithubPipeline, GithubWorkflow, Step
from opslint.model.yamltree import YMap
from opslint.ruleapi.shell import Command, located_commands
from opslint.views import Files

from ._workflow import action, step_groups, step_input, uses_action

_CACHE_ACTIONS = ("actions/cache", "gradle/actions/setup-gradle", "gradle/gradle-build-action")
_VERSION = re.compile(r"^v?(\d+)")
_COMMENT_VERSION = re.compile(r"#\s*v?(\d+)(?:\.\d+)*\b")


def _node_install(command: Command) -> str | None:
    positionals = command.positionals
    if command.tool == "npm" and positionals[:1] in (["ci"], ["install"], ["i"]):
        return None if "-g" in command.arguments or "--global" in command.arguments else "npm"
    if command.tool == "yarn" and (not positionals or positionals[0] == "install"):
        return "yarn"
    if command.tool == "pnpm" and positionals[:1] in (["install"], ["i"]):
        return "pnpm"
    return None


def _python_install(command: Command) -> str | None:
    arguments = command.arguments
    if command.tool == "python" and arguments[:2] == ["-m", "pip"]:
        arguments = arguments[2:]
    elif not re.fullmatch(r"pip[0-9.]*", command.tool):
        if command.tool in ("poetry", "pipenv") and command.positionals[:1] in (
            ["install"],
            ["sync"],
        ):
            return command.tool
        return None
    if not arguments or arguments[0] != "install":
        return None
    rest = arguments[1:]
    if any(a in ("-r", "--requirement", "-e", "--editable", ".") for a in rest) or any(
        a.startswith(("-r", "--requirement=")) for a in rest
    ):
        return "pip"
    return None


def _java_build(command: Command) -> str | None:
    if command.tool == "mvn":
        return "maven"
    if command.tool in ("gradle", "sbt"):
        return command.tool
    return None


def _go_build(command: Command) -> str | None:
    if command.tool == "go" and command.positionals[:1] in (
        ["build"],
        ["test"],
        ["vet"],
        ["run"],
        ["install"],
        ["generate"],
        ["mod"],
    ):
        return "go"
    return None


_SETUPS = {
    "actions/setup-node": _node_install,
    "actions/setup-python": _python_install,
    "actions/setup-java": _java_build,
    "actions/setup-go": _go_build,
}


_LOCKFILES = {
    "npm": ("package-lock.json", "npm-shrinkwrap.json"),
    "yarn": ("yarn.lock",),
    "pnpm": ("pnpm-lock.yaml",),
}
"""The lock files setup-node keys its cache on, by package manager."""


def _lockless(pipeline: GithubPipeline, steps: list[Step], manager: str, files: Files) -> bool:
    """True when a workflow of a checkout we can see (`<root>/.github/workflows/`) has no
    lock file of `manager` in the root nor in a `working-directory` of the job's steps:
    setup-node's cache then fails the job instead of speeding it up."""
    names = _LOCKFILES.get(manager)
    path = Path(pipeline.source.path)
    if names is None or not isinstance(pipeline, GithubWorkflow):
        return False
    if path.parent.name != "workflows" or path.parent.parent.name != ".github":
        return False
    root = path.parent.parent.parent
    folders = [root]
    for step in steps:
        where = step.node.string("working-directory") if isinstance(step.node, YMap) else None
        if where and "${{" not in where:
            folders.append(root / where)
    return not any(files.exists(folder / name) for folder in folders for name in names)


def _major(step: Step, lines: Sequence[str]) -> int | None:
    """The action's major version, from its ref or from a `# vX.Y` comment after a SHA."""
    use = step.uses
    if use is None or use.ref is None:
        return None
    match = _VERSION.match(use.ref)
    if match and len(use.ref) < 40:
        return int(match.group(1))
    line = lines[use.span.line - 1] if 0 < use.span.line <= len(lines) else ""
    comment = _COMMENT_VERSION.search(line[use.span.end_column - 1 :])
    return int(comment.group(1)) if comment else None


@rule("GH105", "dependency-cache", Severity.INFO, tags=("github", "performance"))
def dependency_cache(pipeline: GithubPipeline, files: Files) -> Iterator[Finding]:
    """Jobs that install dependencies cache them (`cache:` of the setup action, or actions/cache).

    ## What it does
    Reports the `uses:` of an `actions/setup-node`, `setup-python`, `setup-java` or
    `setup-go` step without a `cache:` input, in a job (or composite action) that then
    installs dependencies with that toolchain (`npm ci`, `yarn`, `pnpm install`,
    `pip install -r`, `poetry install`, `mvn`, `gradle`, `go build`/`go test`) and has no
    `actions/cache` step (nor `gradle/actions/setup-gradle`, which caches by itself).
    `setup-go` caches by default from v4 on, so only older versions are reported (a SHA
    pin is read through its `# vX.Y.Z` comment). An explicit `cache: false` (or an empty
    value) is a deliberate choice, for instance in release jobs wary of cache poisoning,
    and is accepted; so are jobs that install no dependencies of the toolchain, since the
    setup action's cache then has nothing to key on. For the same reason a
    `setup-node` step is not reported in a workflow of a repository (a file in
    `<root>/.github/workflows/`) with no lock file of the package manager the job uses
    (`package-lock.json` or `npm-shrinkwrap.json`, `yarn.lock`, `pnpm-lock.yaml`) in its
    root nor in a `working-directory` of the job's steps: setup-node's cache fails the
    job without one. A workflow outside such a folder (a template) is checked as before.

    ## Why it matters
    Downloading the same dependencies on every run makes each job slower and more
    fragile: a registry outage or rate limit fails the build. The setup actions cache
    the package manager's download cache keyed on the lock file, which is one line.

    ## Example
    ```yaml
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 22
      - run: npm ci
    ```

    ## Use instead
    ```yaml
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 22
          cache: npm
      - run: npm ci
    ```

    ## Fix
    None: the cache type depends on the package manager and the lock file's location.

    ## Variants
    - `actions/setup-node` `cache`, `setup-python` `cache`, `setup-java` `cache`,
      `setup-go` `cache` (on by default from v4) (zizmor cache-poisoning): covered.
    - `actions/cache` and `gradle/actions/setup-gradle` as caching steps: covered.
    - `setup-node` in a repository without the package manager's lock file, where
      `cache:` would fail: covered, as not reported.
    - `setup-node` v5's `package-manager-cache` (on by default when package.json names
      `packageManager`) (zizmor): not covered: v5 without `cache:` is still reported.
    - `actions/setup-dotnet` `cache`, `ruby/setup-ruby` `bundler-cache`,
      `astral-sh/setup-uv` `enable-cache`, `graalvm/setup-graalvm` `cache`,
      `oven-sh/setup-bun`, `Swatinem/rust-cache`, `jdx/mise-action` (zizmor): not
      covered: the rule does not judge these toolchains.
    - `cache: false` in release jobs (zizmor's cache-poisoning concern, the opposite
      direction): covered, as accepted.

    ## References
    - https://github.com/actions/setup-node#caching-global-packages-data
    - https://github.com/actions/setup-python#caching-packages-dependencies
    - https://github.com/actions/setup-java#caching-packages-dependencies
    - https://github.com/actions/setup-go#caching-dependency-files-and-build-outputs
    - https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/caching-dependencies-to-speed-up-workflows
    """
    lines = pipeline.source.lines
    for _, steps in step_groups(pipeline):
        if any(uses_action(step, _CACHE_ACTIONS) for step in steps):
            continue
        scripts = [step.run for step in steps if step.run is not None]
        for step in steps:
            setup = action(step)
            detect = _SETUPS.get(setup)
            if detect is None or step.uses is None:
                continue
            if _cache_key_present(step):
                continue
            if setup == "actions/setup-go":
                major = _major(step, lines)
                if major is None or major >= 4:
                    continue
            kinds = [kind for s in scripts for c in located_commands(s) if (kind := detect(c))]
            if not kinds:
                continue
            if setup == "actions/setup-node" and _lockless(pipeline, steps, kinds[0], files):
                continue
            yield Finding(
                step.uses.span,
                f"`{step.uses.target}` sets no `cache` while the job installs dependencies "
                f"with {kinds[0]}: set `cache: {_cache_value(setup, kinds[0])}` (or add an "
                "`actions/cache` step)",
                logical=step.logical,
            )


def _cache_key_present(step: Step) -> bool:
    """True when `with:` has a `cache` key whatever its value (null included)."""
    return "cache" in step.with_ or step_input(step, "cache") is not None


def _cache_value(setup: str, kind: str) -> str:
    if setup == "actions/setup-go":
        return "true"
    return kind
