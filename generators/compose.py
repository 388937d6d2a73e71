"""`opslint new compose`: a Compose file for the app and the databases it needs."""

from __future__ import annotations

from dataclasses import dataclass

from opslint.detect import ProjectInfo
from opslint.edits.yaml import Style, Value, render
from opslint.generate import Artifact, GeneratorError, generator

from ._images import POSTGRES, REDIS
from .dockerfile import DEFAULT_PORT, pinned

_SERVICES = ("postgres", "redis")


@dataclass(frozen=True)
class ComposeOptions:
    """What runs next to the app, and how much each service may use."""

    image: str = ""
    """Run this image for the app instead of building the project's Dockerfile."""
    with_: tuple[str, ...] = ()
    """Backing services to add: postgres, redis (comma-separated)."""
    port: int = 0
    """The port the app listens on; default: the detected one, else 8080."""
    health_path: str = "/healthz"
    """The HTTP path of the app's healthcheck."""
    cpus: str = "0.50"
    """CPU limit of each service (deploy.resources.limits.cpus)."""
    memory: str = "512M"
    """Memory limit of each service (deploy.resources.limits.memory)."""
    log_max_size: str = "10m"
    """Size at which a service's json-file log is rotated."""
    log_max_file: str = "3"
    """Rotated log files kept per service."""
    path: str = "compose.yaml"
    """Where to write the file."""


def _common(options: ComposeOptions) -> dict[str, Value]:
    return {
        "restart": "unless-stopped",
        "logging": {
            "driver": "json-file",
            "options": {"max-size": options.log_max_size, "max-file": options.log_max_file},
        },
        "deploy": {"resources": {"limits": {"cpus": options.cpus, "memory": options.memory}}},
    }


def _health(test: list[str], start_period: str = "20s") -> dict[str, Value]:
    return {
        "test": test,
        "interval": "30s",
        "timeout": "5s",
        "retries": 3,
        "start_period": start_period,
    }


def _app_probe(project: ProjectInfo, url: str) -> list[str]:
    """A probe command that exists in the app's image (the generated Dockerfile's choice)."""
    if project.language == "node":
        script = (
            f"require('http').get('{url}', (r) => process.exit(r.statusCode < 400 ? 0 : 1))"
            ".on('error', () => process.exit(1))"
        )
        return ["CMD", "node", "-e", script]
    if project.language == "python":
        script = (
            "import sys, urllib.request; "
            f"sys.exit(0 if urllib.request.urlopen('{url}', timeout=4).status < 400 else 1)"
        )
        return ["CMD", "python", "-c", script]
    return ["CMD", "/usr/local/bin/wget", "-q", "-O", "/dev/null", "-T", "4", url]


@generator("compose")
def compose(project: ProjectInfo, options: ComposeOptions) -> list[Artifact]:
    """A Compose file: the app plus postgres/redis, with healthchecks, limits and log rotation."""
    unknown = sorted(set(options.with_) - set(_SERVICES))
    if unknown:
        raise GeneratorError(f"--with takes {', '.join(_SERVICES)}, not {', '.join(unknown)}")
    if not options.image and project.dockerfile is None:
        raise GeneratorError(
            f"{project.root} has no Dockerfile: run `opslint new dockerfile` first, or pass --image"
        )
    port = options.port or project.port or DEFAULT_PORT
    if not 0 < port < 65536:
        raise GeneratorError(f"--port must lie between 1 and 65535, not {port}")
    path = options.health_path if options.health_path.startswith("/") else "/" + options.health_path
    url = f"http://127.0.0.1:{port}{path}"
    pins = project.config.pins
    wanted = [name for name in _SERVICES if name in options.with_]

    app: dict[str, Value] = (
        {"image": options.image} if options.image else {"build": {"context": "."}}
    )
    app["ports"] = [f"127.0.0.1:{port}:{port}"]
    environment: dict[str, Value] = {}
    if "postgres" in wanted:
        environment["DATABASE_URL"] = (
            "postgresql://app:${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}@postgres:5432/app"
        )
    if "redis" in wanted:
        environment["REDIS_URL"] = "redis://redis:6379/0"
    if environment:
        app["environment"] = environment
    if wanted:
        app["depends_on"] = {name: {"condition": "service_healthy"} for name in wanted}
    app["healthcheck"] = _health(_app_probe(project, url))
    app.update(_common(options))

    services: dict[str, Value] = {"app": app}
    volumes: dict[str, Value] = {}
    if "postgres" in wanted:
        services["postgres"] = {
            "image": pinned(pins, POSTGRES),
            "environment": {
                "POSTGRES_USER": "app",
                "POSTGRES_DB": "app",
                "POSTGRES_PASSWORD": "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}",
            },
            "volumes": ["postgres-data:/var/lib/postgresql/data"],
            "healthcheck": _health(["CMD", "pg_isready", "-U", "app", "-d", "app"], "30s"),
            **_common(options),
        }
        volumes["postgres-data"] = {}
    if "redis" in wanted:
        services["redis"] = {
            "image": pinned(pins, REDIS),
            "command": ["redis-server", "--appendonly", "yes"],
            "volumes": ["redis-data:/data"],
            "healthcheck": _health(["CMD", "redis-cli", "ping"], "10s"),
            **_common(options),
        }
        volumes["redis-data"] = {}
    document: dict[str, Value] = {"services": services}
    if volumes:
        document["volumes"] = volumes
    lines = render(document, 0, Style(2, 2))
    return [Artifact(options.path, "\n".join(lines) + "\n")]
