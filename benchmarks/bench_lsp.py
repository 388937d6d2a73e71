"""Latency of `opslint server`: from a change to a 500-line manifest to its diagnostics.

Usage: python benchmarks/bench_lsp.py [--changes 30] [--lines 500]

Starts the server (the `opslint[lsp]` extra) as an editor would, opens a Kubernetes
manifest of about 500 lines (Deployments), waits for its first diagnostics (the warm-up:
plugins loaded, rules imported), then sends `--changes` edits one at a time, each
changing one container's image, and times each from sending `didChange` to receiving
the `publishDiagnostics` of that version. The server waits `DEBOUNCE` seconds for a
further keystroke before it checks; the figures are printed with and without it. Target:
150 ms from the change to the diagnostics, the debounce included (median and p90), on a
two-core machine.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from opslint.server.protocol import DEBOUNCE

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-{n}
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web-{n}
  template:
    metadata:
      labels:
        app: web-{n}
    spec:
      containers:
        - name: web
          image: nginx:1.27.{tag}
          ports:
            - containerPort: 80
          env:
            - name: MODE
              value: prod
"""


def manifest(lines: int, tag: int) -> str:
    """Deployments joined with `---`, about `lines` lines; the first one's image has `tag`."""
    count = max(1, -(-lines // (DEPLOYMENT.count("\n") + 1)))
    return "---\n".join(DEPLOYMENT.format(n=n, tag=tag if n == 0 else 0) for n in range(count))


async def measure(changes: int, lines: int) -> list[float]:
    """Seconds from each change to its diagnostics."""
    arrived: dict[int, float] = {}
    client = LanguageClient("bench-lsp", "1")

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def published(params: types.PublishDiagnosticsParams) -> None:
        if params.version is not None:
            arrived.setdefault(params.version, time.perf_counter())

    async def wait_for(version: int) -> float:
        while version not in arrived:
            await asyncio.sleep(0.001)
        return arrived[version]

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "web.yaml"
        text = manifest(lines, 0)
        path.write_text(text, encoding="utf-8")
        print(f"manifest: {text.count(chr(10)) + 1} lines")
        await client.start_io(sys.executable, "-m", "opslint", "server")
        await client.initialize_async(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(), root_uri=Path(folder).as_uri()
            )
        )
        client.initialized(types.InitializedParams())
        uri = path.as_uri()
        started = time.perf_counter()
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "yaml", 1, text))
        )
        print(f"first diagnostics (cold): {(await wait_for(1)) - started:.3f} s")
        seconds = []
        for version in range(2, changes + 2):
            sent = time.perf_counter()
            client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    types.VersionedTextDocumentIdentifier(version=version, uri=uri),
                    [types.TextDocumentContentChangeWholeDocument(manifest(lines, version))],
                )
            )
            seconds.append((await wait_for(version)) - sent)
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=30)
    parser.add_argument("--lines", type=int, default=500)
    args = parser.parse_args()
    seconds = asyncio.run(measure(args.changes, args.lines))
    ordered = sorted(seconds)
    p90 = ordered[max(0, round(0.9 * len(ordered)) - 1)]
    median = statistics.median(ordered)
    print(f"{len(seconds)} changes, debounce {DEBOUNCE * 1000:.0f} ms")
    print(
        f"change to diagnostics:  median {median * 1000:.0f} ms, "
        f"p90 {p90 * 1000:.0f} ms (target 150 ms)"
    )
    print(
        f"debounce excluded:      median {(median - DEBOUNCE) * 1000:.0f} ms, "
        f"p90 {(p90 - DEBOUNCE) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
