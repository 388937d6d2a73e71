"""Base images the generators write: real upstream tags, chosen from the project's version.

Each language has the versions whose tags the table names (all published upstream) and a
default for a project that does not say which version it wants. A version outside the
table is refused rather than guessed: the generator names the versions it knows.
"""

from __future__ import annotations

from dataclasses import dataclass

from opslint.generate import GeneratorError


@dataclass(frozen=True)
class Runtime:
    """The images of one language: the build stage's and the final stage's."""

    build: str
    """Image tag template of the build stage (`{version}` is replaced)."""
    final: str
    """Image tag template of the final stage."""
    versions: tuple[str, ...]
    """Versions whose tags exist upstream for both templates."""
    default: str
    """The version used when the project names none."""


RUNTIMES: dict[str, Runtime] = {
    "node": Runtime(
        "node:{version}-bookworm-slim",
        "node:{version}-bookworm-slim",
        ("18", "20", "22", "24"),
        "22",
    ),
    "python": Runtime(
        "python:{version}-slim-bookworm",
        "python:{version}-slim-bookworm",
        ("3.9", "3.10", "3.11", "3.12", "3.13"),
        "3.12",
    ),
    "go": Runtime(
        "golang:{version}-bookworm",
        "debian:bookworm-slim",
        ("1.21", "1.22", "1.23", "1.24"),
        "1.23",
    ),
    "maven": Runtime(
        "maven:3.9-eclipse-temurin-{version}",
        "eclipse-temurin:{version}-jre",
        ("17", "21"),
        "21",
    ),
    "gradle": Runtime(
        "gradle:8.10-jdk{version}",
        "eclipse-temurin:{version}-jre",
        ("17", "21"),
        "21",
    ),
    "rust": Runtime(
        "rust:{version}-slim-bookworm",
        "debian:bookworm-slim",
        ("1.80", "1.81", "1.82", "1.83"),
        "1.83",
    ),
}
"""Build and final images per stack (`maven`/`gradle` for Java, else the language)."""

POSTGRES = "postgres:16.6-bookworm"
"""The PostgreSQL server image of generated Compose files."""
REDIS = "redis:7.4.1-bookworm"
"""The Redis server image of generated Compose files."""
BUSYBOX = "busybox:1.37.0-musl"
"""A static BusyBox: its `wget` gives final images without an HTTP client a health probe."""


def images(stack: str, wanted: str | None) -> tuple[str, str, str]:
    """(version, build image, final image) of `stack` for the version the project wants."""
    runtime = RUNTIMES[stack]
    version = wanted or runtime.default
    if version not in runtime.versions:
        known = ", ".join(runtime.versions)
        raise GeneratorError(
            f"no known {stack} image for version {version} (known: {known}); "
            "pass --runtime-version with one of them"
        )
    return (
        version,
        runtime.build.format(version=version),
        runtime.final.format(version=version),
    )
