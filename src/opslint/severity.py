"""How bad a finding is: the one value config, the model and the reports all speak of."""

from __future__ import annotations

import enum


class Severity(enum.IntEnum):
    """How bad a finding is; ordered so that comparisons express thresholds."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, text: str) -> Severity:
        """Read a severity name as written in config or on the command line."""
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(s.name.lower() for s in cls)
            raise ValueError(f"unknown severity {text!r} (expected one of {names})") from None

    def __str__(self) -> str:
        return self.name.lower()
