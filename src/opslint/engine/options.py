"""How `opslint check` runs: processes, cache, shard, progress (kept light: a run that
stays in process never imports the parallel engine)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

DEFAULT_CACHE_FOLDER = ".opslint_cache"
MIN_PARALLEL_FILES = 48
"""Below this many files a run stays in process (see `benchmarks/bench_corpus.py`)."""


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except (AttributeError, OSError):
        return os.cpu_count() or 1


@dataclass(frozen=True)
class Options:
    """How a check runs: processes, cache, shard, progress display."""

    jobs: int = 1
    cache: Path | None = None
    shard: tuple[int, int] | None = None
    """(K, N): check the K-th of N shards (1-based)."""
    progress: TextIO | None = None

    def in_process(self, files: int) -> bool:
        """Whether a run over `files` files is checked in this process as one unit, with
        no cache and no shard: starting workers costs more than it saves on a few files."""
        return (
            self.cache is None
            and self.shard is None
            and (files < MIN_PARALLEL_FILES or self.jobs <= 1)
        )
