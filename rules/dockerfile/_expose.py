"""The ports of EXPOSE instructions, each with its span."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from opslint.model.base import Span
from opslint.model.dockerfile import Dockerfile, Instruction

from ._scripts import instructions

_SPEC = re.compile(r"(?P<low>\d+)(?:-(?P<high>\d+))?(?:/(?P<protocol>[^/]*))?")
PROTOCOLS = frozenset({"tcp", "udp", "sctp"})


@dataclass(frozen=True, slots=True)
class ExposedPort:
    """One word of an EXPOSE: `80`, `8000-8010/udp`, `$PORT`, as written."""

    instruction: Instruction
    """The instruction as written (the ONBUILD one for a trigger)."""
    text: str
    span: Span

    @property
    def dynamic(self) -> bool:
        """True when the word holds a variable, whose value is unknown here."""
        return "$" in self.text

    @property
    def parts(self) -> tuple[int, int, str] | None:
        """(low port, high port, protocol) for a numeric word, else None."""
        match = _SPEC.fullmatch(self.text)
        if match is None:
            return None
        low = int(match.group("low"))
        high = int(match.group("high")) if match.group("high") else low
        return low, high, (match.group("protocol") or "tcp").lower()


def exposed_ports(dockerfile: Dockerfile) -> Iterator[ExposedPort]:
    """Every word of every EXPOSE and `ONBUILD EXPOSE`, quotes removed."""
    for instruction in instructions(dockerfile, "EXPOSE"):
        expose = instruction.effective
        for match in re.finditer(r"\S+", expose.arguments):
            written = match.group(0)
            span = expose.locate(match.start(), len(written))
            yield ExposedPort(instruction, written.strip("\"'"), span)
