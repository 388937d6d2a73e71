"""How `opslint check` scales with the number of files: a synthetic monorepo from the corpus.

Usage: python benchmarks/monorepo.py [--sizes 10k,50k,100k] [--corpus DIR] [--workdir DIR]
                                     [--keep] [--profile FILE] [-- EXTRA CHECK ARGS]

For each size N the script builds a tree of N files under a temporary folder: whole
copies of the corpus (default `../shared/corpus`), each in its own folder
`copy-0001/`, `copy-0002/`..., the last one cut short so that the tree holds exactly N
files. Copies keep the corpus's layout, so Terraform modules, Helm charts, Compose build
contexts and Kubernetes bundles stay whole and the cross-file rules see what they see
on the corpus. Files are hard links where the file system allows, else copies.

Each tree is checked once by `opslint check -f json --exit-zero -q` in a fresh process
(with `--no-cache` when this opslint has that flag). Printed per size: the files given,
the files opslint checked (its JSON summary), findings, wall seconds, the peak resident
memory of the child (from `wait4`), its CPU seconds (user + system), and milliseconds
per file. Then the linearity ratio:
the time at the largest size over the time at the smallest scaled to it (for 10k and
100k: time(100k) / (10 * time(10k)); 1.0 is linear), the same for CPU time (steadier
than wall time on a busy machine) and for memory.

Sizes take a `k` suffix (`5k` = 5,000). `--profile FILE` runs the largest size under
cProfile (`python -m cProfile -o FILE`) instead of timing it bare.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

DEFAULT_SIZES = "10k,50k,100k"
CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def parse_size(text: str) -> int:
    """`10k` -> 10000, `500` -> 500."""
    text = text.strip().lower()
    if text.endswith("k"):
        return int(float(text[:-1]) * 1000)
    return int(text)


def corpus_files(corpus: Path) -> list[Path]:
    """Every file of the corpus, relative to it, in a stable order."""
    return sorted(
        path.relative_to(corpus)
        for path in corpus.rglob("*")
        if path.is_file() and not path.is_symlink()
    )


def place(source: Path, target: Path) -> None:
    """`target` becomes a hard link to `source`, or a copy where links do not work."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def build(corpus: Path, files: list[Path], size: int, root: Path) -> None:
    """A tree of `size` files under `root`: copies of the corpus, the last one cut short."""
    written = 0
    copy = 0
    while written < size:
        copy += 1
        folder = root / f"copy-{copy:04d}"
        for relative in files[: size - written]:
            place(corpus / relative, folder / relative)
        written += min(len(files), size - written)


def check_flags() -> list[str]:
    """`--no-cache` when this opslint's `check` has it (so every run is a cold one)."""
    shown = subprocess.run(
        [sys.executable, "-m", "opslint", "check", "--help"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return ["--no-cache"] if "--no-cache" in shown else []


@dataclass(frozen=True)
class Measure:
    """One timed run over one tree."""

    size: int
    checked: int
    findings: int
    seconds: float
    cpu: float
    peak_bytes: int


def measure(root: Path, size: int, extra: list[str], profile: Path | None) -> Measure:
    """Run `opslint check` over `root` in a child process; its wall time and peak RSS."""
    prefix = [sys.executable]
    if profile is not None:
        prefix += ["-m", "cProfile", "-o", str(profile)]
    command = [*prefix, "-m", "opslint", "check", "-f", "json", "--exit-zero", "-q"]
    with tempfile.TemporaryFile("w+", encoding="utf-8") as output:
        started = time.perf_counter()
        child = subprocess.Popen([*command, *extra, "."], cwd=root, stdout=output)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            raise SystemExit(f"opslint check exited {child.returncode} on {size} files")
        output.seek(0)
        summary = json.load(output)["summary"]
    # ru_maxrss is in KiB on Linux
    cpu = usage.ru_utime + usage.ru_stime
    return Measure(
        size, summary["files"], summary["findings"], seconds, cpu, usage.ru_maxrss * 1024
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="comma-separated, e.g. 2k,4k")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--workdir", type=Path, help="where the trees go (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the trees")
    parser.add_argument("--profile", type=Path, help="cProfile output of the largest size")
    parser.add_argument("extra", nargs="*", help="more `opslint check` arguments, after --")
    args = parser.parse_args()
    sizes = sorted({parse_size(size) for size in args.sizes.split(",") if size.strip()})
    files = corpus_files(args.corpus)
    if not files:
        raise SystemExit(f"no files in {args.corpus}")
    extra = [*check_flags(), *args.extra]
    workdir = Path(tempfile.mkdtemp(prefix="opslint-monorepo-", dir=args.workdir))
    print(f"corpus {args.corpus}: {len(files)} files; opslint check {' '.join(extra)}")
    header = ("files", "checked", "findings", "seconds", "CPU s", "peak MB", "ms/file")
    print(" ".join(f"{name:>9}" for name in header))
    results: list[Measure] = []
    try:
        for size in sizes:
            root = workdir / f"tree-{size}"
            build(args.corpus, files, size, root)
            profile = args.profile if size == sizes[-1] else None
            result = measure(root, size, extra, profile)
            results.append(result)
            print(
                f"{result.size:>9} {result.checked:>9} {result.findings:>9} "
                f"{result.seconds:>9.2f} {result.cpu:>9.2f} {result.peak_bytes / 1e6:>9.0f} "
                f"{result.seconds / result.size * 1000:>9.2f}",
                flush=True,
            )
            if not args.keep:
                shutil.rmtree(root)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    if len(results) >= 2:
        small, large = results[0], results[-1]
        scale = large.size / small.size
        time_ratio = large.seconds / (scale * small.seconds)
        cpu_ratio = large.cpu / (scale * small.cpu)
        memory_ratio = large.peak_bytes / (scale * small.peak_bytes)
        print(
            f"linearity {large.size} vs {small.size}: time {time_ratio:.2f} (want <= 1.15), "
            f"CPU {cpu_ratio:.2f}, memory {memory_ratio:.2f}"
        )
    print(f"peak memory at {results[-1].size} files: {results[-1].peak_bytes / 1e9:.2f} GB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
