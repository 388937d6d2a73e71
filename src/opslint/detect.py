"""What a project is made of, read from its own files, for the generators.

Detection reads manifests only (never runs anything): the language and its package
manager from the dependency manifest and lockfile, the runtime version the project asks
for, its test/lint/build commands (package.json scripts, pyproject tools, Makefile
targets), the port it listens on (an existing Dockerfile's EXPOSE, a Compose port), and
what delivery files already exist (Dockerfile, chart, Compose file).
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from opslint.config import Config
from opslint.safety.boundary import outside

_DNS_LABEL = re.compile(r"[^a-z0-9-]+")
_MAKE_TARGET = re.compile(r"^([A-Za-z][\w-]*):(?!=)", re.MULTILINE)
_EXPOSE = re.compile(r"^\s*EXPOSE\s+(\d+)", re.MULTILINE | re.IGNORECASE)
_GO_VERSION = re.compile(r"^go\s+(\d+\.\d+)", re.MULTILINE)
_PYTHON_VERSION = re.compile(r"(\d+)\.(\d+)")


@dataclass
class ProjectInfo:
    """A project as the generators see it."""

    root: Path
    name: str
    language: str | None = None
    """`node`, `python`, `go`, `java` or `rust`."""
    package_manager: str | None = None
    """`npm`, `yarn`, `pnpm`, `pip`, `poetry`, `uv`, `go`, `maven`, `gradle` or `cargo`."""
    lockfile: str | None = None
    manifests: list[str] = field(default_factory=list)
    """Dependency manifests to copy before the source (package.json and its lockfile...)."""
    runtime_version: str | None = None
    """The language version the project asks for (`22`, `3.12`, `1.22`)."""
    commands: dict[str, str] = field(default_factory=dict)
    """`test`, `lint`, `build`, `start` as the project runs them."""
    port: int | None = None
    dockerfile: str | None = None
    chart: str | None = None
    compose: str | None = None
    config: Config = field(default_factory=Config)

    @property
    def summary(self) -> str:
        """One line for people: what was detected."""
        parts = [self.language or "unknown stack"]
        if self.package_manager:
            parts.append(self.package_manager)
        if self.runtime_version:
            parts.append(f"version {self.runtime_version}")
        return ", ".join(parts)


def dns_name(text: str) -> str:
    """`text` as a Kubernetes/DNS name: lower case, letters, digits and dashes."""
    name = _DNS_LABEL.sub("-", text.lower().rsplit("/", 1)[-1]).strip("-")
    return name[:63] or "app"


def detect(root: Path, config: Config | None = None) -> ProjectInfo:
    """Read the project at `root`."""
    info = ProjectInfo(root=root, name=dns_name(root.resolve().name), config=config or Config())
    for reader in (_node, _python, _go, _java, _rust):
        if reader(root, info):
            break
    _make_targets(root, info)
    info.dockerfile = _first(root, ("Dockerfile", "Containerfile"))
    info.compose = _first(
        root, ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")
    )
    charts = sorted(p.parent for p in root.glob("*/Chart.yaml")) + sorted(
        p.parent for p in root.glob("charts/*/Chart.yaml")
    )
    info.chart = charts[0].relative_to(root).as_posix() if charts else None
    if info.dockerfile is not None:
        expose = _EXPOSE.search(_read(root / info.dockerfile))
        info.port = int(expose.group(1)) if expose else None
    return info


def _first(root: Path, names: tuple[str, ...]) -> str | None:
    return next((name for name in names if (root / name).is_file()), None)


def _read(path: Path) -> str:
    """The file's text; empty when unreadable or, during a run, out of its bounds."""
    if outside(path):
        return ""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(_read(path) or "{}")
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def _toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(_read(path))
    except tomllib.TOMLDecodeError:
        return {}


def _mapping(data: dict[str, Any], key: str) -> dict[str, Any]:
    """`data[key]` when it is a table, else an empty one."""
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _manifests(manifest: str, lockfile: str | None) -> list[str]:
    """The files to copy before the source: `manifest`, then its lockfile when there is one."""
    return [manifest, *([lockfile] if lockfile else [])]


def _node(root: Path, info: ProjectInfo) -> bool:
    package = root / "package.json"
    if not package.is_file():
        return False
    data = _json(package)
    info.language = "node"
    if isinstance(data.get("name"), str):
        info.name = dns_name(data["name"])
    for lockfile, manager in (
        ("pnpm-lock.yaml", "pnpm"),
        ("yarn.lock", "yarn"),
        ("package-lock.json", "npm"),
        ("npm-shrinkwrap.json", "npm"),
    ):
        if (root / lockfile).is_file():
            info.package_manager, info.lockfile = manager, lockfile
            break
    else:
        info.package_manager = "npm"
    info.manifests = _manifests("package.json", info.lockfile)
    scripts = _mapping(data, "scripts")
    run = {"npm": "npm run", "yarn": "yarn", "pnpm": "pnpm run"}[info.package_manager]
    for name in ("test", "lint", "build", "start"):
        if isinstance(scripts.get(name), str):
            info.commands[name] = f"{run} {name}"
    nvmrc = _read(root / ".nvmrc").strip().lstrip("v")
    engines = _mapping(data, "engines")
    wanted = nvmrc or str(engines.get("node", ""))
    major = re.search(r"(\d+)", wanted)
    info.runtime_version = major.group(1) if major else None
    return True


def _python(root: Path, info: ProjectInfo) -> bool:
    pyproject = root / "pyproject.toml"
    requirements = root / "requirements.txt"
    if not pyproject.is_file() and not requirements.is_file():
        return False
    info.language = "python"
    data = _toml(pyproject) if pyproject.is_file() else {}
    project = _mapping(data, "project")
    if isinstance(project.get("name"), str):
        info.name = dns_name(project["name"])
    if (root / "uv.lock").is_file():
        info.package_manager, info.lockfile = "uv", "uv.lock"
        info.manifests = ["pyproject.toml", "uv.lock"]
    elif (root / "poetry.lock").is_file():
        info.package_manager, info.lockfile = "poetry", "poetry.lock"
        info.manifests = ["pyproject.toml", "poetry.lock"]
    else:
        info.package_manager = "pip"
        info.lockfile = "requirements.txt" if requirements.is_file() else None
        info.manifests = ["requirements.txt"] if requirements.is_file() else ["pyproject.toml"]
    wanted = _read(root / ".python-version").strip() or str(project.get("requires-python", ""))
    version = _PYTHON_VERSION.search(wanted)
    info.runtime_version = f"{version.group(1)}.{version.group(2)}" if version else None
    tools = _mapping(data, "tool")
    text = _read(pyproject) + _read(requirements)
    if "pytest" in tools or "pytest" in text or (root / "tests").is_dir():
        info.commands["test"] = "python -m pytest"
    if "ruff" in tools or "ruff" in text:
        info.commands["lint"] = "ruff check ."
    return True


def _go(root: Path, info: ProjectInfo) -> bool:
    gomod = root / "go.mod"
    if not gomod.is_file():
        return False
    text = _read(gomod)
    info.language, info.package_manager = "go", "go"
    module = re.search(r"^module\s+(\S+)", text, re.MULTILINE)
    if module:
        info.name = dns_name(module.group(1))
    info.lockfile = "go.sum" if (root / "go.sum").is_file() else None
    info.manifests = _manifests("go.mod", info.lockfile)
    version = _GO_VERSION.search(text)
    info.runtime_version = version.group(1) if version else None
    info.commands.update(test="go test ./...", lint="go vet ./...", build="go build ./...")
    return True


def _java(root: Path, info: ProjectInfo) -> bool:
    if (root / "pom.xml").is_file():
        info.language, info.package_manager = "java", "maven"
        info.manifests = ["pom.xml"]
        artifact = re.search(r"<artifactId>([^<]+)</artifactId>", _read(root / "pom.xml"))
        if artifact:
            info.name = dns_name(artifact.group(1))
        info.commands.update(test="mvn -B verify", build="mvn -B package -DskipTests")
        return True
    for name in ("build.gradle.kts", "build.gradle"):
        if (root / name).is_file():
            info.language, info.package_manager = "java", "gradle"
            info.manifests = [
                name,
                *[n for n in ("settings.gradle", "settings.gradle.kts") if (root / n).is_file()],
            ]
            info.commands.update(test="./gradlew test", build="./gradlew build -x test")
            return True
    return False


def _rust(root: Path, info: ProjectInfo) -> bool:
    cargo = root / "Cargo.toml"
    if not cargo.is_file():
        return False
    data = _toml(cargo)
    info.language, info.package_manager = "rust", "cargo"
    package = _mapping(data, "package")
    if isinstance(package.get("name"), str):
        info.name = dns_name(package["name"])
    info.lockfile = "Cargo.lock" if (root / "Cargo.lock").is_file() else None
    info.manifests = _manifests("Cargo.toml", info.lockfile)
    info.commands.update(test="cargo test --locked", lint="cargo clippy -- -D warnings")
    return True


def _make_targets(root: Path, info: ProjectInfo) -> None:
    """`make test`/`make lint` when a Makefile has them and nothing else was found."""
    makefile = _read(root / "Makefile")
    targets = set(_MAKE_TARGET.findall(makefile))
    for name in ("test", "lint", "build"):
        if name in targets and name not in info.commands:
            info.commands[name] = f"make {name}"
