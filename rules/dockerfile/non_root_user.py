"""DF101 non-root-user."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from opslint import Anchor, Applicability, Edit, Finding, Fix, Severity, rule
from opslint.defaults import missing
from opslint.indexes.compose import BuildContexts
from opslint.model.dockerfile import Dockerfile, Instruction, Stage
from opslint.ruleapi.shell import basename, commands, programs
from opslint.views import Defaults, Files

from ._fix import BUILD_STEPS, insert_line, keyword_like, written
from ._run import copy_paths, run_steps

ROOT_USERS = frozenset({"root", "0"})


def is_root(user: str) -> bool:
    """True for `root`, `0`, and those with a root group (`root:root`, `0:0`)."""
    name = user.strip().split(":", 1)[0]
    return name in ROOT_USERS


def _nonroot_base(stage: Stage) -> bool:
    """Distroless `nonroot` images set a non-root USER themselves."""
    image = stage.image
    return image is not None and "nonroot" in (image.tag or "")


STEP_DOWN = frozenset({"gosu", "su-exec", "setpriv", "runuser", "chroot", "su"})
"""Programs an entrypoint script runs its command through to run it as another user
(`chroot` only with `--userspec`, `su` only as `su <user> -c <command>`)."""
_CLOSING_WORDS = frozenset({"fi", "done", "esac"})
"""Words that end a compound command: not the script's last command."""
_SU_VALUE_FLAGS = frozenset(
    {"-s", "--shell", "-g", "--group", "-G", "--supp-group", "-w", "--whitelist-environment"}
)
"""`su` options that take a value (util-linux, shadow and busybox `su`)."""
_SU_COMMAND_FLAGS = frozenset({"-c", "--command", "--session-command"})
_SU_SHORT_COMMAND = re.compile(r"-[lmpfP]*c")
"""`-c` with flags that take no value before it (`-lc`, `-mc`)."""
_STEP_DOWN_INSTALLED = frozenset({"gosu", "su-exec"})
"""Step-down tools whose only documented use is leaving root in the ENTRYPOINT."""


def steps_down(dockerfile: Dockerfile, stage: Stage, files: Files, contexts: list[Path]) -> bool:
    """True when the image's ENTRYPOINT runs a script copied from the build context that
    leaves root itself: the script (read, never run) execs its command through a step-down
    tool; or, where no such script can be read, the image installs gosu or su-exec."""
    scripts = _entrypoint_scripts(dockerfile, stage, files, contexts)
    if not scripts:
        return False
    texts = [text for path in scripts if (text := files.text(path)) is not None]
    if texts:
        return any(_execs_step_down(text) for text in texts)
    return any(
        basename(word.text) in _STEP_DOWN_INSTALLED
        for ancestor in dockerfile.lineage(stage)
        for step in run_steps(dockerfile)
        if step.instruction.stage is ancestor
        for command in step.commands()
        for word in command.words
    )


def _entry_words(lineage: list[Stage]) -> list[str]:
    """The words of the ENTRYPOINT in force, or of the CMD in force when no stage of the
    lineage sets an ENTRYPOINT."""
    for keyword in ("ENTRYPOINT", "CMD"):
        found = next((s.find(keyword)[-1] for s in lineage if s.find(keyword)), None)
        if found is not None:
            return found.exec_form or found.arguments.split()
    return []


def _entrypoint_scripts(
    dockerfile: Dockerfile, stage: Stage, files: Files, contexts: list[Path]
) -> list[Path]:
    """The context files that the ENTRYPOINT (or CMD) in force runs: those a COPY or ADD
    from the build context put in the image under the name it runs, and those that exist
    in a folder it copies to where the absolute path it runs points."""
    lineage = list(dockerfile.lineage(stage))
    words = _entry_words(lineage)
    names = {basename(word) for word in words}
    found: list[Path] = []
    for ancestor in lineage:
        for copy in ancestor.instructions:
            if copy.keyword not in ("COPY", "ADD") or "from" in copy.flags:
                continue
            sources, destination = copy_paths(copy)
            if destination is None:
                continue
            single = len(sources) == 1 and not destination.text.endswith("/")
            folder = destination.text.rstrip("/") + "/"
            inside = [w[len(folder) :] for w in words if w.startswith(folder) and w != folder]
            for source in sources:
                if "://" in source.text:
                    continue
                if basename(destination.text if single else source.text) in names:
                    found.extend(context / source.text for context in contexts)
                if folder.startswith("/") and not any(c in source.text for c in "*?["):
                    found.extend(
                        path
                        for context in contexts
                        for relative in inside
                        if files.exists(path := context / source.text.lstrip("/") / relative)
                    )
    return found


def _execs_step_down(script: str) -> bool:
    """True when a shell script runs a command through a step-down tool: `exec`ed, or
    as its last command."""
    found = [
        (words, names)
        for words in commands(script)
        if (names := programs(words)) and names[-1].text not in _CLOSING_WORDS
    ]
    for position, (words, names) in enumerate(found):
        execs = len(names) >= 2 and basename(names[0].text) == "exec"
        if not (execs or position == len(found) - 1):
            continue
        tool = basename(names[-1].text)
        rest = [w.text for w in words[words.index(names[-1]) + 1 :]]
        if tool == "chroot":
            if any("--userspec" in w for w in rest):
                return True
        elif tool == "su":
            if _su_steps_down(rest):
                return True
        elif tool in STEP_DOWN:
            return True
    return False


def _su_steps_down(arguments: list[str]) -> bool:
    """True for `su` arguments that run a command as a non-root user (`su app -c cmd`,
    `su -s /bin/sh app -c cmd`, `su - app -c cmd`)."""
    users: list[str] = []
    command = False
    skip = False
    for word in arguments:
        if skip:
            skip = False
        elif word in _SU_COMMAND_FLAGS or _SU_SHORT_COMMAND.fullmatch(word):
            command = skip = True
        elif word.startswith(("--command=", "--session-command=")):
            command = True
        elif word in _SU_VALUE_FLAGS:
            skip = True
        elif not word.startswith("-"):
            users.append(word)
    return command and bool(users) and not is_root(users[0])


def last_user(dockerfile: Dockerfile, stage: Stage) -> Instruction | None:
    """The USER in force at the end of `stage`, following `FROM <earlier stage>`."""
    for ancestor in dockerfile.lineage(stage):
        users = ancestor.find("USER")
        if users:
            return users[-1]
    return None


@rule(
    "DF101",
    "non-root-user",
    Severity.ERROR,
    fix="unsafe",
    defaults={"user": 'the non-root USER a Dockerfile switches to, e.g. "10001"'},
    tags=("security",),
    security_severity=7.0,
    peers=(
        "hadolint DL3002 (partial)",
        "checkov CKV_DOCKER_3 (partial)",
        "checkov CKV_DOCKER_8 (partial)",
        "trivy DS-0002",
    ),
)
def non_root_user(
    dockerfile: Dockerfile, defaults: Defaults, files: Files, builds: BuildContexts
) -> Iterator[Finding]:
    """The final stage runs as a non-root user.

    ## What it does
    Looks at the USER in force at the end of the final stage (following `FROM <stage>` to
    the stage it builds on). No USER at all, or `root`, `0`, `root:root`, `0:0` as the last
    USER, is reported. A missing USER is reported at the final stage's `FROM` line; a root
    USER at that instruction. Base images whose tag says `nonroot` (distroless) set a
    non-root user themselves and pass. Snippets without any `FROM` are only checked for
    an explicit root USER.

    Policy difference: hadolint's DL3002 only reports an explicit `USER root`; opslint
    also reports a final stage that never sets USER (`FROM scratch` included: with no
    user database the process runs as uid 0), since most base images default to root and
    that is the common case in practice. Conversely, a root USER in an intermediate build
    stage is not reported when the final stage does not build on it: build stages often
    need root to install packages, and nothing of their user setting ships.

    A WebAssembly image is not reported: its module runs in a wasm runtime that has no
    users, so USER means nothing there (a final stage whose `--platform`, or that of a
    stage it builds on, names one, such as `wasi/wasm`, or that starts `FROM scratch`
    with an ENTRYPOINT or CMD running a `.wasm` module).

    Two images that start as root on purpose are not reported either:
    - an image that only starts an interactive shell or interpreter (no ENTRYPOINT, and a
      CMD that is that program alone: `CMD ["python3"]`, `CMD ["bash"]`): it runs no
      program of its own, and the images built on it choose the user of the program
      they add;
    - an image whose ENTRYPOINT (or CMD, when no ENTRYPOINT is set) runs a script
      copied from the build context (the folder of the Dockerfile, or the contexts
      Compose files build it in) that runs its command through a step-down tool, with
      `exec` or as the script's last command: `gosu`, `su-exec`, `setpriv`, `runuser`,
      `chroot --userspec`, or `su <user> -c <command>` for a user other than root
      (`exec gosu postgres "$@"`, `su - app -c ...`, `su -s /bin/sh app -c ...`), as
      the official postgres and redis images do after preparing their data folders as
      root. The script is found through the COPY or ADD that puts it in the image
      under the name the ENTRYPOINT runs, or through a folder copy that holds it at the
      absolute path the ENTRYPOINT runs (`ADD files /` puts `files/run.sh` at
      `/run.sh`). It is read where it lies within the run's boundary, never run. Where
      a COPY or ADD names it but it cannot be read, an image that installs gosu or
      su-exec passes, since stepping down from root in the ENTRYPOINT is those tools'
      one documented use; a folder copy counts only when the script is in the folder.

    ## Why it matters
    A process running as root inside the container is root on the host's kernel: a
    container escape or a writable host mount then hands over the node.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    COPY app /app
    CMD ["python", "/app/main.py"]
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    RUN useradd --system --uid 10001 app
    COPY app /app
    USER 10001
    CMD ["python", "/app/main.py"]
    ```

    ## Fix
    Unsafe (the process then sees other file permissions), and only where
    `[tool.opslint.defaults]` sets `user`: a root USER of the final stage that no RUN,
    COPY, ADD or WORKDIR follows gets that user in its place; otherwise a line
    `USER <user>` is added to the final stage, after its last RUN, COPY, ADD or WORKDIR
    and above the CMD, ENTRYPOINT or HEALTHCHECK that follows (and the comments right
    above it), or at the end of the stage. Build steps after the new USER would run as
    that user, which is why none are left below it.

    ## Variants
    - Last `USER root`, `0`, `root:<group>`, `0:<gid>` (hadolint DL3002, checkov
      CKV_DOCKER_8, trivy DS-0002): covered.
    - No USER at all (checkov CKV_DOCKER_3, trivy DS-0002): covered.
    - Root carried through `FROM <stage>` (hadolint DL3002): covered.
    - A root USER in a stage that does not ship (hadolint DL3002 reports it): not covered:
      those layers are not the image that runs.
    - `USER $VAR`: not covered: its value is known only at build time.
    - A base image that sets a non-root user, other than `nonroot` tags: not covered: not
      visible in the file.
    - An ENTRYPOINT (or CMD) script that steps down with gosu, su-exec, setpriv,
      runuser, `chroot --userspec` or `su <user> -c`, copied by name or in a folder, and
      images that only start a shell or interpreter: covered, as not reported.
    - WebAssembly images: covered, as not reported.

    ## References
    - https://docs.docker.com/build/building/best-practices/#user
    - https://github.com/hadolint/hadolint/wiki/DL3002
    - https://github.com/tianon/gosu#why
    """
    final = dockerfile.final_stage
    if final is None:
        users = [i for i in dockerfile.instructions if i.effective.keyword == "USER"]
        if users and is_root(users[-1].effective.arguments):
            yield Finding(users[-1].span, "the last USER is root: switch to a non-root user")
        return
    if dockerfile.starts_interactive(final) or steps_down(
        dockerfile, final, files, builds.of(dockerfile)
    ):
        return
    user = last_user(dockerfile, final)
    if user is None:
        if not _nonroot_base(final) and not dockerfile.runs_wasm(final):
            message = (
                "the final stage never sets USER, so the container runs as root: switch to a "
                "non-root user"
            )
            fix = _fix(dockerfile, final, None, defaults)
            yield Finding(final.span, message, fix=fix, logical=final.logical, help=_help(fix))
    elif is_root(user.arguments):
        message = f"the final stage runs as `{user.arguments.strip()}`: switch to a non-root user"
        fix = _fix(dockerfile, final, user, defaults)
        yield Finding(user.arguments_span, message, fix=fix, logical=final.logical, help=_help(fix))


def _help(fix: Fix | None) -> str | None:
    return None if fix is not None else missing("user")


def _fix(
    dockerfile: Dockerfile, final: Stage, root: Instruction | None, defaults: Defaults
) -> Fix | None:
    """Switch to the configured user: in place of a root USER that no build step follows,
    else on a new line before the final CMD/ENTRYPOINT/HEALTHCHECK or at the stage's end."""
    value = defaults.get("user")
    name = str(value).strip() if value is not None and not isinstance(value, bool) else ""
    if not name or any(c.isspace() for c in name) or is_root(name):
        return None
    title = f"switch to USER {name}"
    if root is not None and root.stage is final:
        after = final.instructions[final.instructions.index(root) + 1 :]
        stated = root.arguments.strip()
        span = root.locate(root.arguments.index(stated), len(stated))
        if not any(i.keyword in BUILD_STEPS for i in after) and written(dockerfile, span) == stated:
            return Fix(title, (Edit(span, name, Anchor(span, stated)),), Applicability.UNSAFE)
    keyword = keyword_like(_written_keyword(dockerfile, final), "USER")
    edit = insert_line(dockerfile, final, f"{keyword} {name}", _BEFORE)
    return Fix(title, (edit,), Applicability.UNSAFE) if edit is not None else None


_BEFORE = frozenset({"CMD", "ENTRYPOINT", "HEALTHCHECK"})


def _written_keyword(dockerfile: Dockerfile, stage: Stage) -> str:
    return written(dockerfile, stage.from_instruction.keyword_span) or "FROM"
