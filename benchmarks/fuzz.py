"""A longer fuzzing campaign than the suite's: mutated inputs of every kind until a time limit.

Usage: python benchmarks/fuzz.py [--seed N] [--count N] [--kinds K,K] [--time-limit S]
                                 [--batch N] [--fix-every N] [--jobs N] [--keep]

Rounds of `--count` mutated cases per kind (the suite's mutations, `tests/fuzzing.py`), seed
after seed from `--seed`, are checked in batches until `--time-limit` seconds have passed;
every `--fix-every`th case also goes through `opslint fix`. Each distinct crash (its reason
with case folders and numbers left out) is printed once with the case that showed it, and
with `--keep` that case is written to `tests/data/fuzz/<kind>-<hash>/`, which the suite
replays (`tests/test_fuzz.py`). The last line gives the figures: inputs, seconds, crashes.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fuzzing import Crash, batched, cases, keep, run_batches, scratch, seeds


def signature(crash: Crash) -> str:
    """What tells one crash from another: its reason without case folders, quoted text,
    numbers and line lists (the same fault shows with other bytes at other places)."""
    reason = re.sub(r"\bc\d+/", "", crash.reason)
    reason = re.sub(r"'[^']*'|\"[^\"]*\"|\[[^\]]*\]", "_", reason)
    return re.sub(r"\b(?:0x[0-9a-f]+|\d+)\b", "N", reason)


def main() -> int:
    kinds = [seed.kind for seed in seeds()]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1, help="first seed (default 1)")
    parser.add_argument("--count", type=int, default=1000, help="cases per kind and round")
    parser.add_argument("--kinds", default=",".join(kinds), help="kinds to fuzz (default all)")
    parser.add_argument("--time-limit", type=float, default=600, help="seconds (default 600)")
    parser.add_argument("--batch", type=int, default=250, help="cases per engine run")
    parser.add_argument("--fix-every", type=int, default=25, help="fix every Nth case")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes")
    parser.add_argument("--keep", action="store_true", help="write crashes to tests/data/fuzz")
    args = parser.parse_args()
    wanted = [kind.strip() for kind in args.kinds.split(",") if kind.strip()]
    unknown = sorted(set(wanted) - set(kinds))
    if unknown:
        parser.error(f"unknown kinds: {', '.join(unknown)} (known: {', '.join(kinds)})")
    counts = {kind: args.count for kind in wanted}
    started = time.perf_counter()
    inputs = fixed = 0
    seen: dict[str, Crash] = {}
    seed = args.seed
    with scratch() as folder:
        workspace = Path(folder)
        while time.perf_counter() - started < args.time_limit:
            batch = list(cases(seed, counts))
            sample = batch[:: args.fix_every]
            crashes = run_batches(batched(batch, args.batch), workspace, jobs=args.jobs)
            crashes += run_batches(batched(sample, 20), workspace, jobs=args.jobs, mode="fix")
            inputs, fixed = inputs + len(batch), fixed + len(sample)
            for crash in crashes:
                key = signature(crash)
                if key in seen:
                    continue
                seen[key] = crash
                print(f"crash: {crash.case.name} {crash.case.mutations}: {crash.reason}")
                if args.keep:
                    print(f"  kept in {keep(crash)}")
            elapsed = time.perf_counter() - started
            print(
                f"seed {seed}: {inputs} inputs ({fixed} through fix) in {elapsed:.0f} s", flush=True
            )
            seed += 1
    elapsed = time.perf_counter() - started
    print(
        f"fuzzed {inputs} inputs ({fixed} also through fix) of {len(wanted)} kinds "
        f"in {elapsed:.0f} s: {len(seen)} distinct crashes"
    )
    return 1 if seen else 0


if __name__ == "__main__":
    sys.exit(main())
