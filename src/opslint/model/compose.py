"""The Docker Compose model: services with their spans, dependencies and facets."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from opslint.model.base import Span
from opslint.model.facets import EnvVar, ImageRef
from opslint.model.source import Document
from opslint.model.yamltree import YMap, YNode, YScalar, YSeq

SHORT_FORM_CONDITION = "service_started"
"""What the list form of `depends_on` means: wait for the container to start, no more."""


class BuildHealth(enum.Enum):
    """What a service's build Dockerfile says about HEALTHCHECK."""

    NO_BUILD = "no build"
    UNKNOWN = "unknown"
    ABSENT = "absent"
    DISABLED = "disabled"
    """`HEALTHCHECK NONE`: deliberately unchecked."""
    DECLARED = "declared"
    NOTHING_TO_RUN = "nothing to run"
    """No HEALTHCHECK, and the image has no program to run one: a WebAssembly module, or a
    `FROM scratch` image without a shell (`Dockerfile.runs_wasm`, `shell_less_binary`)."""


@dataclass(slots=True, eq=False)
class DependsOn:
    """One `depends_on` entry of a service.

    `span` is the dependency's name as written: the list item in the short form, the key in
    the long (mapping) form. `condition_span` is the `condition` value, when one is written.
    """

    name: str
    condition: str
    span: Span
    logical: str
    condition_span: Span | None = None
    short_form: bool = False


@dataclass(slots=True, eq=False)
class Build:
    """A service's `build`: the context and Dockerfile as written (either may be absent)."""

    span: Span
    context: str | None = None
    dockerfile: str | None = None
    target: str | None = None
    inline: str | None = None
    """The text of `dockerfile_inline`, when the Dockerfile is written in the Compose file."""

    @property
    def remote(self) -> bool:
        """True when the context is a URL (a Git repository or tarball), not a local folder."""
        context = self.context or ""
        return "://" in context or context.startswith(("git@", "github.com/"))


@dataclass(slots=True, eq=False)
class ComposeService:
    """One service under `services:`; `span` is the service's key."""

    name: str
    span: Span
    node: YMap
    logical: str
    image: ImageRef | None = None
    build: Build | None = None
    healthcheck: YMap | None = None
    depends_on: list[DependsOn] = field(default_factory=list)
    restart: YScalar | None = None
    deploy: YMap | None = None
    logging: YMap | None = None
    environment: list[EnvVar] = field(default_factory=list)
    one_shot: bool = False
    """True when another service waits for this one with `service_completed_successfully`:
    it runs once and exits (a migration, a seeder), so it is not long-running."""
    dockerfile_path: Path | None = None
    """The Dockerfile `build` names, on disk; None for no build, remote or inline builds."""

    @property
    def extends(self) -> bool:
        """True when the service inherits keys from another through `extends`."""
        return "extends" in self.node

    def build_healthcheck(self, load: Callable[[Path], Document | None]) -> BuildHealth:
        """What the Dockerfile of this service's `build` says about health checking.

        `load` parses a file by path (`Run.load`). Remote contexts, and Dockerfiles that
        cannot be found or parsed, give `BuildHealth.UNKNOWN`.
        """
        build = self.build
        if build is None:
            return BuildHealth.NO_BUILD
        instructions: list[str] = []
        if build.inline is not None:
            instructions = [
                line.strip()[len("HEALTHCHECK") :].strip()
                for line in build.inline.splitlines()
                if line.strip().upper().startswith("HEALTHCHECK")
            ]
        elif self.dockerfile_path is None:
            return BuildHealth.UNKNOWN
        else:
            from opslint.model.dockerfile import Dockerfile

            document = load(self.dockerfile_path)
            if not isinstance(document, Dockerfile) or not document.stages:
                return BuildHealth.UNKNOWN
            stage = document.stage(build.target) if build.target else document.final_stage
            if stage is None:
                return BuildHealth.UNKNOWN
            for ancestor in document.lineage(stage):
                found = ancestor.find("HEALTHCHECK")
                if found:
                    instructions = [found[-1].arguments]
                    break
            nothing_to_run = document.runs_wasm(stage) or document.shell_less_binary(stage)
            if not instructions and nothing_to_run:
                return BuildHealth.NOTHING_TO_RUN
        if not instructions:
            return BuildHealth.ABSENT
        if instructions[-1].strip().upper() == "NONE":
            return BuildHealth.DISABLED
        return BuildHealth.DECLARED

    @property
    def restart_policy(self) -> YNode | None:
        """`deploy.restart_policy`, when written."""
        return self.deploy.get("restart_policy") if self.deploy is not None else None

    @property
    def resources(self) -> YMap | None:
        """`deploy.resources`, when written as a mapping."""
        return self.deploy.map("resources") if self.deploy is not None else None

    @property
    def healthcheck_disabled(self) -> bool:
        """True for `healthcheck: {disable: true}` or `test: ["NONE"]`: deliberately unchecked."""
        if self.healthcheck is None:
            return False
        disable = self.healthcheck.scalar("disable")
        if disable is not None and disable.value is True:
            return True
        test = self.healthcheck.get("test")
        if isinstance(test, YScalar):
            return test.text.strip().upper() == "NONE"
        if isinstance(test, YSeq) and test.items:
            first = test.items[0]
            return isinstance(first, YScalar) and first.text.strip().upper() == "NONE"
        return False


@dataclass(eq=False)
class ComposeFile(Document):
    """A parsed Compose file (one document)."""

    kind = "compose"

    root: YMap | None = None
    services: list[ComposeService] = field(default_factory=list)
    version_span: Span | None = None
    """The top-level `version` key, obsolete in the Compose Specification."""
    images: list[ImageRef] = field(default_factory=list)
    env_vars: list[EnvVar] = field(default_factory=list)

    def service(self, name: str) -> ComposeService | None:
        """The service called `name`, if the file defines it."""
        return self.derived("services by name", self._index_services).get(name)

    def _index_services(self) -> dict[str, ComposeService]:
        index: dict[str, ComposeService] = {}
        for service in self.services:
            index.setdefault(service.name, service)
        return index

    def completed_dependencies(self) -> set[str]:
        """Services another one waits on with `condition: service_completed_successfully`.

        Those run once and exit (migrations, seeders), so they are not long-running.
        """
        return {
            entry.name
            for service in self.services
            for entry in service.depends_on
            if entry.condition == "service_completed_successfully"
        }

    def objects(self) -> Iterator[object]:
        yield self
        yield from self.services
        for service in self.services:
            yield from service.depends_on
        yield from self.images
        yield from self.env_vars
