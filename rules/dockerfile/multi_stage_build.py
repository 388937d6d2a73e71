"""DF103 multi-stage-build."""

from __future__ import annotations

from collections.abc import Iterator

from opslint import Finding, Severity, rule
from opslint.model.dockerfile import Dockerfile
from opslint.ruleapi.shell import NPM_VALUE_FLAGS, Command, positionals, verb

from ._run import PACKAGE_VALUE_FLAGS, RunStep, run_steps

_COMPILERS = frozenset({"gcc", "g++", "cc", "c++", "clang", "clang++", "javac", "rustc"})
_MAVEN = frozenset({"mvn", "mvnw"})
_MAVEN_GOALS = frozenset({"package", "install", "verify", "compile"})
_GRADLE = frozenset({"gradle", "gradlew"})
_GRADLE_TASKS = frozenset(
    {"build", "assemble", "bootJar", "jar", "installDist", "shadowJar", "war", "bootWar"}
)
_INSTALL_GOALS = frozenset({"install", "altinstall"})
_INSTALLERS = frozenset({"install", "add", "in"})
_REMOVERS = {
    "apt-get": ("purge", "remove", "autoremove"),
    "apt": ("purge", "remove", "autoremove"),
    "apk": ("del",),
    "yum": ("remove", "erase", "autoremove"),
    "dnf": ("remove", "erase", "autoremove"),
    "microdnf": ("remove",),
    "zypper": ("remove", "rm"),
}


def build_tool(command: Command) -> str | None:
    """The build the command runs (`npm run build`, `go build`, ...), or None."""
    name = command.name
    args = [w.text for w in positionals(command.words[1:], NPM_VALUE_FLAGS)]
    first = args[0] if args else ""
    if name in ("npm", "yarn", "pnpm"):
        script = args[1] if first == "run" and len(args) > 1 else first
        if script.startswith("build") and (first == "run" or name != "npm"):
            return f"{name} {'run ' if first == 'run' else ''}{script}"
    elif name in ("go", "cargo") and first == "build":
        return f"{name} build"
    elif name == "dotnet" and first in ("build", "publish"):
        return f"dotnet {first}"
    elif name in _MAVEN and any(a.split(":")[-1] in _MAVEN_GOALS for a in args):
        return "mvn"
    elif name in _GRADLE and any(a.lstrip(":").split(":")[-1] in _GRADLE_TASKS for a in args):
        return "gradle"
    elif name in _COMPILERS or name == "make":
        return name
    return None


def _package_action(command: Command) -> str | None:
    """What a package manager command does (`install`, `del`, ...), or None."""
    if command.name not in _REMOVERS:
        return None
    action, _ = verb(command.words[1:], PACKAGE_VALUE_FLAGS[command.name])
    return action.text if action is not None else None


def _removes_toolchain(step: RunStep) -> bool:
    return any(_package_action(c) in _REMOVERS.get(c.name, ()) for c in step.commands())


def _installs_from_source(step: RunStep) -> bool:
    """True for a RUN that installs a build into the system (`make install`) and deletes
    what it built from (`rm -r`), bringing in no packages of its own."""
    installs = removes = False
    for command in step.commands():
        words = [w.text for w in command.words[1:]]
        if _package_action(command) in _INSTALLERS:
            return False
        if command.name == "make" and _INSTALL_GOALS.intersection(words):
            installs = True
        elif command.name == "rm" and any(w.startswith("-") and "r" in w.lower() for w in words):
            removes = True
    return installs and removes


@rule(
    "DF103",
    "multi-stage-build",
    Severity.INFO,
    tags=("dockerfile", "size", "security"),
)
def multi_stage_build(dockerfile: Dockerfile) -> Iterator[Finding]:
    """An image that compiles its code is built in stages, without shipping the toolchain.

    ## What it does
    Reports a Dockerfile with a single stage whose RUN (or `ONBUILD RUN`) steps run a
    build: `npm run build` (and `yarn build`, `pnpm build`), `go build`, `cargo build`,
    `mvn package|install|verify|compile`, `gradle build|assemble|bootJar|...`,
    `dotnet build|publish`, or a compiler (`gcc`, `g++`, `clang`, `javac`, `make`). It
    reports once per file, at the first build command. A RUN that also removes packages
    (`apt-get purge|remove|autoremove`, `apk del`, `yum`/`dnf remove`, `microdnf remove`,
    `zypper remove|rm`) is taken to clean
    up its toolchain and is not counted: that is how official images compile from source
    in one layer. Nor is a RUN that installs what it builds into the system (`make
    install`, `make altinstall`) and deletes its source tree (`rm -r`) without installing
    packages itself: the image is that software (a language runtime built from source, as
    the official `python` images do), and its toolchain is the base image's, chosen so
    that derived images can compile too (`buildpack-deps`).

    ## Why it matters
    The compilers, SDKs, dev headers and source code needed to build stay in the shipped
    image: it is several times larger, slower to pull and start, and carries tools an
    attacker can use, plus their vulnerabilities to patch. A build stage keeps them out
    of the final image.

    ## Example
    ```dockerfile
    FROM golang:1.23
    WORKDIR /src
    COPY . .
    RUN go build -o /app ./cmd/server
    CMD ["/app"]
    ```

    ## Use instead
    ```dockerfile
    FROM golang:1.23 AS build
    WORKDIR /src
    COPY . .
    RUN CGO_ENABLED=0 go build -o /app ./cmd/server

    FROM gcr.io/distroless/static-debian12
    COPY --from=build /app /app
    CMD ["/app"]
    ```

    ## Fix
    None: what the runtime stage needs (artifacts, runtime libraries, base image) is a
    design decision.

    ## Variants
    No peer checks this (hadolint, checkov and trivy have no multi-stage rule); the
    spellings the rule reads:
    - `npm run build`, `yarn build`, `pnpm build` (also `build:*` scripts), `go build`,
      `cargo build`, `mvn`/`mvnw` package goals, `gradle`/`gradlew` build tasks, `dotnet
      build|publish`, `gcc`, `g++`, `cc`, `clang`, `javac`, `rustc`, `make`: covered.
    - `ONBUILD RUN` builds: covered.
    - The toolchain removed in the same RUN by apt, apk, yum, dnf, microdnf or zypper:
      covered, as not reported.
    - A RUN that builds, `make install`s and deletes its sources with the base image's
      toolchain: covered, as not reported.
    - Builds run by a script (`./build.sh`): not covered: the script is not in the file.

    ## References
    - https://docs.docker.com/build/building/multi-stage/
    - https://docs.docker.com/build/building/best-practices/#use-multi-stage-builds
    """
    if len(dockerfile.stages) != 1:
        return
    for step in run_steps(dockerfile):
        if _removes_toolchain(step) or _installs_from_source(step):
            continue
        for command in step.commands():
            tool = build_tool(command)
            if tool is not None:
                yield Finding(
                    command.word_span(command.words[0]),
                    f"the single-stage image runs `{tool}` and ships its toolchain: build in "
                    "a separate stage and copy only the artifacts into the final one",
                    logical=step.logical,
                )
                return
