"""DF106 package-cache-cleanup."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property

from opslint import Finding, Fix, Severity, rule
from opslint.model.dockerfile import Dockerfile
from opslint.ruleapi.shell import Command, verb

from ._fix import after_word, flag_fix
from ._run import (
    APK_VALUE_FLAGS,
    APT,
    APT_VALUE_FLAGS,
    PIP_VALUE_FLAGS,
    RunStep,
    done_before,
    in_image,
    installs_nothing,
    mount_targets,
    pip_words,
    run_steps,
)

_DOCKER_CLEAN = ("/etc/apt/apt.conf.d/docker-clean",)
_APK_CACHES = ("/var/cache/apk", "/etc/apk/cache")
_PIP_CACHES = ("/root/.cache/pip", "/root/.cache")


def _removes(step: RunStep, prefixes: tuple[str, ...]) -> bool:
    """True when an `rm` of the step deletes a path under one of `prefixes`."""
    for command in step.commands():
        if command.name != "rm":
            continue
        for word in command.words[1:]:
            path = word.text.replace("~", "/root", 1) if word.text.startswith("~") else word.text
            if any(path == p or path.startswith(p + "/") for p in prefixes):
                return True
    return False


def _mounted(targets: set[str], paths: tuple[str, ...]) -> bool:
    """True when one of `paths` is a mount target or lies below one."""
    return any(path == t or path.startswith(t + "/") for path in paths for t in targets)


def _apt_action(command: Command) -> str | None:
    """The action of an apt command (`update`, `install`, ...), or None."""
    if command.name not in APT:
        return None
    action, _ = verb(command.words[1:], APT_VALUE_FLAGS)
    return action.text if action is not None else None


def _pip_env_stages(dockerfile: Dockerfile) -> set[int]:
    """Indexes of the stages with an instruction that `ENV PIP_NO_CACHE_DIR=...` starts on."""
    stage_at = {i.span.line: s.index for s in dockerfile.stages for i in s.instructions}
    return {
        stage_at[var.span.line]
        for var in dockerfile.env_vars
        if var.name == "PIP_NO_CACHE_DIR" and var.origin == "ENV" and var.span.line in stage_at
    }


class _Step:
    """One RUN step and what it does about caches, each worked out once."""

    def __init__(self, dockerfile: Dockerfile, step: RunStep) -> None:
        self.dockerfile = dockerfile
        self.step = step
        self.targets = mount_targets(dockerfile, step.run)

    @cached_property
    def docker_clean_removed(self) -> bool:
        """True when a RUN up to this one (in this stage or one it builds on) deletes
        Debian's `docker-clean` apt hook."""
        return done_before(
            self.dockerfile, self.step, "removes docker-clean", lambda s: _removes(s, _DOCKER_CLEAN)
        )

    @cached_property
    def apk_cache_handled(self) -> bool:
        """True when the step mounts or deletes apk's cache."""
        return _mounted(self.targets, _APK_CACHES) or _removes(self.step, _APK_CACHES)

    @cached_property
    def pip_cache_handled(self) -> bool:
        """True when the step mounts or deletes pip's cache, runs `pip cache purge`, or
        PIP_NO_CACHE_DIR is set by ENV in its stage (or those it builds on) or inline."""
        if any(t.endswith(("/.cache/pip", "/.cache")) for t in self.targets):
            return True
        if _removes(self.step, _PIP_CACHES) or self._pip_cache_off():
            return True
        for other in self.step.commands():
            other_words = pip_words(other)
            if other_words and [w.text for w in other_words[:2]] == ["cache", "purge"]:
                return True
        return False

    def _pip_cache_off(self) -> bool:
        if any("PIP_NO_CACHE_DIR=" in script.text for script in self.step.scripts):
            return True
        stage = self.step.instruction.stage
        if stage is None:
            return False
        dockerfile = self.dockerfile
        stages = dockerfile.derived("PIP_NO_CACHE_DIR stages", lambda: _pip_env_stages(dockerfile))
        return any(s.index in stages for s in self.dockerfile.lineage(stage))

    @cached_property
    def last_apt(self) -> dict[int, Command]:
        """The last apt command of each script of the step, by the script's id."""
        last: dict[int, Command] = {}
        for command in self.step.commands():
            if _apt_action(command) is not None:
                last[id(command.script)] = command
        return last


_DISTCLEAN = frozenset({"distclean", "dist-clean"})
"""apt's `clean` that also deletes the package lists (apt 2.7.8, Debian 13)."""


def _apt(facts: _Step) -> Iterator[Finding]:
    step, targets = facts.step, facts.targets
    lists_done = _removes(step, ("/var/lib/apt/lists", "/var/lib/apt")) or _mounted(
        targets, ("/var/lib/apt/lists",)
    )
    commands = list(step.commands())
    archives_done: bool | None = None
    for index, command in enumerate(commands):
        if command.name not in APT:
            continue
        action, _ = verb(command.words[1:], APT_VALUE_FLAGS)
        if action is None:
            continue
        if (
            action.text == "update"
            and not lists_done
            and not any(_apt_action(later) in _DISTCLEAN for later in commands[index + 1 :])
        ):
            message = (
                f"`{command.name} update` leaves the package lists in the image: end the same "
                "RUN with `rm -rf /var/lib/apt/lists/*`"
            )
            fix = _remove_lists(facts, command)
            help_line = "a cache mount at /var/lib/apt keeps them out of the image too"
            if fix is None and _lone_update(facts, command):
                help_line = (
                    "no automatic fix: nothing in this RUN uses the lists, so move the update "
                    "into the RUN that installs"
                )
            yield Finding(
                command.word_span(action), message, fix=fix, logical=step.logical, help=help_line
            )
        elif action.text == "install" and not installs_nothing(command):
            if archives_done is None:
                archives_done = (
                    not facts.docker_clean_removed
                    or _mounted(targets, ("/var/cache/apt/archives",))
                    or _removes(step, ("/var/cache/apt",))
                    or any(_apt_action(c) in _DISTCLEAN | {"clean"} for c in commands)
                )
            if not archives_done:
                yield Finding(
                    command.word_span(action),
                    "the docker-clean hook is removed, so the downloaded .deb files stay in "
                    "the image: mount a cache at /var/cache/apt too, or run `apt-get clean`",
                    logical=step.logical,
                )
                archives_done = True


_FOLLOWERS = ("&&", "||", ";", "\n")
"""What may follow the command the list removal is chained to (not a pipe or redirection)."""


def _remove_lists(facts: _Step, update: Command) -> Fix | None:
    """`&& rm -rf /var/lib/apt/lists/*` after the last apt command of the update's script."""
    last = facts.last_apt.get(id(update.script))
    if last is None or _apt_action(last) == "update":
        return None  # nothing here uses the lists: a later RUN may still need them
    word = last.words[-1]
    rest = last.script.text[word.end :].lstrip(" \t")
    if rest.strip() and not rest.startswith(_FOLLOWERS):
        return None
    edit = after_word(facts.dockerfile, last.script, word, " && rm -rf /var/lib/apt/lists/*")
    return Fix("remove the apt lists in the same RUN", (edit,)) if edit is not None else None


def _lone_update(facts: _Step, update: Command) -> bool:
    """True when the update is the last apt command of its script."""
    last = facts.last_apt.get(id(update.script))
    return last is not None and _apt_action(last) == "update"


def _apk(facts: _Step, command: Command) -> Finding | None:
    action, _ = verb(command.words[1:], APK_VALUE_FLAGS)
    if action is None or action.text != "add" or installs_nothing(command):
        return None
    texts = command.texts()
    if "--no-cache" in texts or "--no-network" in texts or facts.apk_cache_handled:
        return None
    return Finding(
        command.word_span(action),
        "`apk add` keeps the package index in the image: use `apk add --no-cache`",
        fix=flag_fix(facts.dockerfile, command, action, "--no-cache"),
        logical=facts.step.logical,
    )


def _pip(facts: _Step, command: Command) -> Finding | None:
    words = pip_words(command)
    if words is None:
        return None
    action, _ = verb(words, PIP_VALUE_FLAGS)
    if action is None or action.text != "install":
        return None
    texts = [w.text for w in words]
    if "--no-cache-dir" in texts or any(t.startswith("--no-cache-dir=") for t in texts):
        return None
    if facts.pip_cache_handled:
        return None
    return Finding(
        command.word_span(action),
        "`pip install` keeps its download cache in the image: add `--no-cache-dir` "
        "(or set `ENV PIP_NO_CACHE_DIR=1`)",
        fix=flag_fix(facts.dockerfile, command, action, "--no-cache-dir"),
        logical=facts.step.logical,
    )


@rule(
    "DF106",
    "package-cache-cleanup",
    Severity.INFO,
    fix="safe",
    tags=("dockerfile", "size"),
    peers=("hadolint DL3009", "hadolint DL3019", "hadolint DL3042", "trivy DS-0025 (partial)"),
    yields_to=("DF123",),
)
def package_cache_cleanup(dockerfile: Dockerfile) -> Iterator[Finding]:
    """Package managers leave no caches or indexes in the image's layers.

    ## What it does
    Reads every RUN and `ONBUILD RUN` (command line and here-documents) and reports:

    - `apt-get update` (also `apt update`, `aptitude update`) in a RUN that does not also
      delete the lists (`rm -rf /var/lib/apt/lists/*`, or a later `apt-get distclean` or
      `dist-clean`, apt 2.7.8's `clean` that also deletes the lists) and does not mount a
      cache or tmpfs at `/var/lib/apt` or `/var/lib/apt/lists`;
    - `apt-get install` after Debian's `/etc/apt/apt.conf.d/docker-clean` hook has been
      deleted (the usual first step of apt cache mounts), unless the RUN mounts
      `/var/cache/apt`, runs `apt-get clean` (or `distclean`) or deletes `/var/cache/apt`;
    - `apk add` without `--no-cache`, unless the RUN mounts or deletes `/var/cache/apk`
      or the add runs with `--no-network` (it fetches no index, so none is left);
    - `pip install` without `--no-cache-dir`, unless `PIP_NO_CACHE_DIR` is set (by `ENV`
      in the stage or inline), the RUN mounts a cache at `~/.cache/pip`, deletes it, or runs
      `pip cache purge`.

    An install that only simulates fetches nothing and is not reported: `apt-get install`
    with `-s`, `--simulate`, `--just-print`, `--dry-run`, `--recon`, `--no-act`,
    `--print-uris` or `-o APT::Get::Simulate=true`, and `apk add -s`/`--simulate`.
    `pip install --dry-run` is reported, since pip still downloads what it resolves into
    its cache. dnf, yum, microdnf and zypper caches are not checked (hadolint's DL3032,
    DL3036 and DL3040 are their counterparts).

    Cache mounts (`RUN --mount=type=cache,...` or `type=tmpfs`) count as handled, since
    their content never lands in a layer. Only layers that ship are checked: the final
    stage and the stages it builds on (`FROM <stage>`), and every ONBUILD trigger (it runs
    in the image that builds on this one). A cache in a build stage the final image only
    copies files out of costs nothing, so it is not reported. A file without `FROM` (a
    snippet) is checked throughout. The finding points at the `update`, `add` or `install`
    word.

    Steps back where DF123 reports the same `apt-get update` (an update in a RUN that
    installs nothing): moving the update into the RUN that installs, with the cleanup,
    answers both, and nothing in that RUN needs the lists. With DF123 not enabled, this
    rule reports the update.

    ## Why it matters
    A file deleted in a later RUN still sits in the earlier layer: package lists and
    download caches add tens of megabytes to every pull, and stale apt lists baked into a
    base image make later `apt-get install` steps fail or install outdated versions.

    ## Example
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends curl
    RUN pip install --requirement requirements.txt
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends curl \\
        && rm -rf /var/lib/apt/lists/*
    RUN pip install --no-cache-dir --requirement requirements.txt
    ```

    ## Fix
    Safe: inserts ` --no-cache` right after `apk add` and ` --no-cache-dir` right after
    `pip install`, and chains ` && rm -rf /var/lib/apt/lists/*` to the last apt command
    of the script that runs `apt-get update` (so later apt commands of the RUN still find
    their lists), when that command ends the script or is followed by `&&`, `||`, `;` or
    a line break; after a pipe or a redirection no edit is offered, nor for a RUN whose
    last apt command is the update itself (a later RUN may install from those lists:
    move the update into it). Continuation lines,
    here-documents and ONBUILD triggers are edited in place. A RUN that deletes the
    docker-clean hook gets no edit for its `.deb` archives (choose a cache mount or
    `apt-get clean` by hand).

    ## Variants
    - apt lists left behind (hadolint DL3009): covered; cache or tmpfs mounts at
      `/var/lib/apt(/lists)` and `apt-get distclean` are covered as cleaning.
    - `apk add` without `--no-cache`, and `/var/cache/apk` mounts (hadolint DL3019, trivy
      missing_apk_no_cache): covered; `apk add --no-network` fetches no index.
    - pip: `--no-cache-dir`, `PIP_NO_CACHE_DIR` (ENV, inline or `export`), `~/.cache/pip`
      mounts (hadolint DL3042): covered.
    - A stage that does not ship (hadolint DL3009): covered, as not reported.
    - `yum clean all` after `yum install` (hadolint DL3032), `dnf`/`microdnf clean all`
      (hadolint DL3040, trivy missing_dnf_clean_all, missing_microdnf_clean_all),
      `zypper clean` (hadolint DL3036, trivy missing_zypper_clean), `yarn cache clean`
      (hadolint DL3060): not covered yet.

    ## References
    - https://docs.docker.com/build/building/best-practices/#apt-get
    - https://docs.docker.com/build/cache/optimize/#use-cache-mounts
    - https://github.com/hadolint/hadolint/wiki/DL3009
    - https://github.com/hadolint/hadolint/wiki/DL3019
    - https://github.com/hadolint/hadolint/wiki/DL3042
    """
    for step in run_steps(dockerfile):
        if not in_image(dockerfile, step):
            continue
        facts = _Step(dockerfile, step)
        yield from _apt(facts)
        for command in step.commands():
            found = _apk(facts, command) if command.name == "apk" else _pip(facts, command)
            if found is not None:
                yield found
