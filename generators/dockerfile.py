"""`opslint new dockerfile`: a multi-stage Dockerfile and its `.dockerignore`."""

from __future__ import annotations

import json
import shlex
import tomllib
from dataclasses import dataclass, field

from opslint.defaults import pin
from opslint.detect import ProjectInfo
from opslint.generate import Artifact, GeneratorError, generator

from ._data import data_text
from ._images import BUSYBOX, images

USER_ID = 10001
"""The numeric id of the unprivileged user the final stage runs as."""
DEFAULT_PORT = 8080

IGNORE_LANGUAGES = ("node", "python", "go", "java", "rust")
"""The languages with their own lines in `data/dockerignore/<language>`."""


def dockerignore_text(language: str | None, has_package_json: bool = False) -> str:
    """The `.dockerignore` lines for a project of `language` (None: unknown).

    The lines every project gets, then the language's own, then, for a package.json in a
    project of another language, its `node_modules` folders.
    """
    parts = ["common"]
    if language in IGNORE_LANGUAGES:
        parts.append(language)
    if has_package_json and language != "node":
        parts.append("package-json")
    return "".join(data_text("dockerignore", part) for part in parts)


@dataclass(frozen=True)
class DockerfileOptions:
    """How the image is built and run."""

    port: int = 0
    """The port the app listens on; default: the detected one, else 8080."""
    health_path: str = "/healthz"
    """The HTTP path the HEALTHCHECK requests; it must answer 2xx or 3xx."""
    start: str = ""
    """The command that starts the app; default: the detected start command."""
    runtime_version: str = ""
    """The language version of the base images; default: the one the project asks for."""


@dataclass
class Plan:
    """The parts of the Dockerfile that depend on the stack."""

    build_image: str
    final_image: str
    workdir: str
    build_steps: list[str]
    final_env: list[str] = field(default_factory=list)
    copies: list[str] = field(default_factory=list)
    start: list[str] = field(default_factory=list)
    health: list[str] = field(default_factory=list)
    busybox: bool = False
    build_name: str = "build"
    """The alias of the stage `build_steps` make."""
    extra_stages: list[tuple[str, list[str]]] = field(default_factory=list)
    """Further stages: their FROM line and instructions, written after the first."""


def _run(*commands: str) -> str:
    """A RUN instruction chaining `commands`, one per line."""
    return "RUN " + " \\\n    && ".join(commands)


def _node(project: ProjectInfo, version: str | None, url: str) -> Plan:
    manager = project.package_manager or "npm"
    if project.lockfile is None:
        raise GeneratorError(
            f"{project.root} has no lockfile: run `{manager} install` and commit "
            "the lockfile, so the image installs exactly what it records"
        )
    _, build, final = images("node", version)
    install, production = {
        "npm": ("npm ci", "npm ci --omit=dev"),
        "yarn": ("yarn install --frozen-lockfile", "yarn install --frozen-lockfile --production"),
        "pnpm": ("pnpm install --frozen-lockfile", "pnpm install --frozen-lockfile --prod"),
    }[manager]
    corepack = ["RUN corepack enable"] if manager != "npm" else []
    manifests = f"COPY {' '.join(project.manifests)} ./"
    # production dependencies only, in a stage of their own
    steps = [*corepack, manifests, f"RUN {production}"]
    stages: list[tuple[str, list[str]]] = []
    source = ["COPY . ."]
    if "build" in project.commands:
        stages.append(
            (
                f"FROM {build} AS build",
                [
                    "WORKDIR /app",
                    *corepack,
                    manifests,
                    f"RUN {install}",
                    "COPY . .",
                    _run(project.commands["build"], "rm -rf node_modules"),
                ],
            )
        )
        source = ["COPY --from=build /app /app"]
    probe = (
        f"require('http').get('{url}', (r) => process.exit(r.statusCode < 400 ? 0 : 1))"
        ".on('error', () => process.exit(1))"
    )
    start = project.commands.get("start", "")
    return Plan(
        build,
        final,
        "/app",
        steps,
        final_env=["NODE_ENV=production"],
        copies=[*source, "COPY --from=deps /app/node_modules /app/node_modules"],
        start=shlex.split(start) if start else ["node", "index.js"],
        health=["node", "-e", probe],
        build_name="deps",
        extra_stages=stages,
    )


def _is_package(project: ProjectInfo) -> bool:
    """True when pyproject.toml builds an installable package (a `[build-system]`)."""
    try:
        data = tomllib.loads((project.root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    tool = data.get("tool")
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    if isinstance(poetry, dict) and poetry.get("package-mode") is False:
        return False
    return isinstance(data.get("build-system"), dict)


def _python(project: ProjectInfo, version: str | None, url: str) -> Plan:
    _, build, final = images("python", version)
    manager = project.package_manager or "pip"
    venv = "/opt/venv"
    environment = f'VIRTUAL_ENV={venv} PATH="{venv}/bin:$PATH"'
    package = _is_package(project)
    steps: list[str]
    if manager == "uv":
        steps = [
            f"ENV UV_PROJECT_ENVIRONMENT={venv} UV_PYTHON_DOWNLOADS=never "
            f"UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy {environment}",
            "RUN pip install --no-cache-dir uv==0.9.30",
            "COPY pyproject.toml uv.lock ./",
            "RUN uv sync --frozen --no-dev --no-install-project",
            "COPY . .",
        ]
        if package:
            steps.append("RUN uv pip install --no-deps .")
    elif manager == "poetry":
        steps = [
            f"ENV POETRY_VIRTUALENVS_CREATE=false {environment}",
            _run("pip install --no-cache-dir poetry==2.1.4", f"python -m venv {venv}"),
            "COPY pyproject.toml poetry.lock ./",
            "RUN poetry install --only main --no-root --no-interaction",
            "COPY . .",
        ]
        if package:
            steps.append("RUN pip install --no-cache-dir --no-deps .")
    else:
        steps = [f"ENV {environment}", f"RUN python -m venv {venv}"]
        if project.lockfile:
            steps += [
                f"COPY {project.lockfile} ./",
                f"RUN pip install --no-cache-dir -r {project.lockfile}",
                "COPY . .",
            ]
        else:
            steps += ["COPY . .", "RUN pip install --no-cache-dir ."]
    probe = (
        "import sys, urllib.request; "
        f"sys.exit(0 if urllib.request.urlopen('{url}', timeout=4).status < 400 else 1)"
    )
    start = project.commands.get("start", "")
    module = project.name.replace("-", "_")
    return Plan(
        build,
        final,
        "/app",
        steps,
        final_env=[f"VIRTUAL_ENV={venv}", f'PATH="{venv}/bin:$PATH"', "PYTHONUNBUFFERED=1"],
        copies=[f"COPY --from=build {venv} {venv}", "COPY --from=build /app /app"],
        start=shlex.split(start) if start else ["python", "-m", module],
        health=["python", "-c", probe],
    )


def _go(project: ProjectInfo, version: str | None, url: str) -> Plan:
    _, build, final = images("go", version)
    steps = [
        f"COPY {' '.join(project.manifests)} ./",
        "RUN go mod download",
        "COPY . .",
        'RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /usr/local/bin/app .',
    ]
    return _binary(project, build, final, "/src", steps, "/usr/local/bin/app", url)


def _rust(project: ProjectInfo, version: str | None, url: str) -> Plan:
    _, build, final = images("rust", version)
    locked = " --locked" if project.lockfile else ""
    steps = [
        f"COPY {' '.join(project.manifests)} ./",
        _run("mkdir src", "echo 'fn main() {}' > src/main.rs", f"cargo fetch{locked}"),
        "COPY . .",
        _run(
            f"cargo build --release{locked}",
            f"cp target/release/{_crate_binary(project)} /usr/local/bin/app",
        ),
    ]
    return _binary(project, build, final, "/src", steps, "/usr/local/bin/app", url)


def _crate_binary(project: ProjectInfo) -> str:
    """The binary `cargo build` writes: the package name as Cargo.toml spells it."""
    try:
        data = tomllib.loads((project.root / "Cargo.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return project.name
    package = data.get("package")
    name = package.get("name") if isinstance(package, dict) else None
    return name if isinstance(name, str) and name else project.name


def _java(project: ProjectInfo, version: str | None, url: str) -> Plan:
    stack = "gradle" if project.package_manager == "gradle" else "maven"
    _, build, final = images(stack, version)
    pick = (
        "find {folder} -maxdepth 1 -name '*.jar' ! -name '*-plain.jar' ! -name 'original-*' "
        "! -name '*-sources.jar' ! -name '*-javadoc.jar' -exec cp {{}} /src/app.jar \\;"
    )
    if stack == "maven":
        steps = [
            "COPY pom.xml ./",
            "RUN mvn -B dependency:go-offline",
            "COPY . .",
            _run("mvn -B -DskipTests package", pick.format(folder="target")),
        ]
    else:
        steps = [
            f"COPY {' '.join(project.manifests)} ./",
            "RUN gradle --no-daemon dependencies",
            "COPY . .",
            _run("gradle --no-daemon build -x test", pick.format(folder="build/libs")),
        ]
    plan = _binary(project, build, final, "/src", steps, "/src/app.jar", url)
    plan.copies[0] = "COPY --from=build /src/app.jar /app/app.jar"
    if not project.commands.get("start"):
        plan.start = ["java", "-jar", "/app/app.jar"]
    return plan


def _binary(
    project: ProjectInfo,
    build: str,
    final: str,
    workdir: str,
    steps: list[str],
    artifact: str,
    url: str,
) -> Plan:
    """A plan whose final image has no HTTP client: BusyBox `wget` probes the app."""
    start = project.commands.get("start", "")
    return Plan(
        build,
        final,
        workdir,
        steps,
        copies=[
            f"COPY --from=build {artifact} /app/{project.name}",
            "COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/",
            "COPY --from=healthcheck /bin/busybox /usr/local/bin/wget",
        ],
        start=shlex.split(start) if start else [f"/app/{project.name}"],
        health=["/usr/local/bin/wget", "-q", "-O", "/dev/null", "-T", "4", url],
        busybox=True,
    )


_STACKS = {"node": _node, "python": _python, "go": _go, "java": _java, "rust": _rust}


def _exec_form(words: list[str]) -> str:
    return "[" + ", ".join(json.dumps(word) for word in words) + "]"


def pinned(pins: dict[str, str], image: str) -> str:
    """`image`, or its replacement from `[tool.opslint.pins]` (a digest-pinned reference)."""
    return pin(pins, image, image.split(":", 1)[0]) or image


def render_dockerfile(plan: Plan, port: int, pins: dict[str, str]) -> str:
    """The Dockerfile text of `plan`; images are replaced by their configured pins."""
    lines = ["# syntax=docker/dockerfile:1", ""]
    if plan.busybox:
        lines += [f"FROM {pinned(pins, BUSYBOX)} AS healthcheck", ""]
    build = pinned(pins, plan.build_image)
    lines += [f"FROM {build} AS {plan.build_name}", f"WORKDIR {plan.workdir}", *plan.build_steps]
    for first, instructions in plan.extra_stages:
        image = first.split()[1]
        lines += ["", first.replace(image, pinned(pins, image), 1), *instructions]
    lines += ["", f"FROM {pinned(pins, plan.final_image)}"]
    if plan.final_env:
        lines.append("ENV " + " \\\n    ".join(plan.final_env))
    lines += [
        "WORKDIR /app",
        _run(
            f"groupadd --system --gid {USER_ID} app",
            f"useradd --system --no-log-init --uid {USER_ID} --gid app "
            "--no-create-home --shell /usr/sbin/nologin app",
        ),
        *plan.copies,
        f"USER {USER_ID}:{USER_ID}",
        f"EXPOSE {port}",
        "HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \\",
        f"    CMD {_exec_form(plan.health)}",
        f"CMD {_exec_form(plan.start)}",
    ]
    return "\n".join(lines) + "\n"


@generator("dockerfile")
def dockerfile(project: ProjectInfo, options: DockerfileOptions) -> list[Artifact]:
    """A multi-stage Dockerfile (non-root, healthcheck, pinned bases) and its .dockerignore."""
    if project.language not in _STACKS:
        raise GeneratorError(
            f"no Node, Python, Go, Java or Rust project found in {project.root} "
            "(package.json, pyproject.toml, requirements.txt, go.mod, pom.xml, "
            "build.gradle or Cargo.toml)"
        )
    port = options.port or project.port or DEFAULT_PORT
    if not 0 < port < 65536:
        raise GeneratorError(f"--port must lie between 1 and 65535, not {port}")
    path = options.health_path if options.health_path.startswith("/") else "/" + options.health_path
    url = f"http://127.0.0.1:{port}{path}"
    version = options.runtime_version or project.runtime_version
    plan = _STACKS[project.language](project, version, url)
    if options.start:
        plan.start = shlex.split(options.start)
    has_package_json = (project.root / "package.json").is_file()
    return [
        Artifact(".dockerignore", dockerignore_text(project.language, has_package_json)),
        Artifact("Dockerfile", render_dockerfile(plan, port, project.config.pins)),
    ]
