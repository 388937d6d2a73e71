"""The HTML report at scale: its size, the time to write it, and the time a browser takes.

Usage: python benchmarks/bench_html_report.py [--findings N] [--corpus PATH]

Makes a tree of Kubernetes, Compose and Dockerfile files with at least N findings
(default 10,000) and checks it; then prints the size of the HTML and JSON reports, the
time the HTML writer takes against the JSON writer's, and, in headless Chromium
(`/usr/bin/chromium` through Playwright), the time until the findings are listed, a
severity filter click, a text filter, and "Expand all". With `--corpus` it also prints
the HTML report's size for that tree (default rules).
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from opslint.config import Config
from opslint.engine.runner import Session
from opslint.plugins import PluginManager
from opslint.report import Report
from opslint.report.html import write_html
from opslint.report.json import write_json

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: 1
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      containers:
        - name: web
          image: nginx:latest
"""
DOCKERFILE = 'FROM ubuntu:latest\nRUN apt-get update && apt-get install -y curl\nCMD ["run"]\n'
COMPOSE = "services:\n  web:\n    image: nginx:latest\n    privileged: true\n"


def make_tree(root: Path, groups: int) -> None:
    """`groups` folders, each with a Kubernetes file of eight Deployments, a Dockerfile and
    a Compose file (about 90 findings a folder)."""
    for number in range(groups):
        folder = root / f"svc-{number:04}"
        folder.mkdir(parents=True)
        documents = [DEPLOYMENT.format(name=f"app-{number}-{item}") for item in range(8)]
        (folder / "k8s.yaml").write_text("---\n".join(documents))
        (folder / "Dockerfile").write_text(DOCKERFILE)
        (folder / "compose.yaml").write_text(COMPOSE)


def check(root: Path) -> Report:
    """`opslint check` of `root` with the default rules, in this process."""
    plugins = PluginManager()
    plugins.load()
    report = Session(Config(root=root), plugins).run([root])
    report.redact()
    return report


def timed(write: object, report: Report) -> tuple[float, str]:
    """Seconds `write(report, stream)` takes, and what it wrote."""
    stream = io.StringIO()
    start = time.perf_counter()
    write(report, stream)  # type: ignore[operator]
    return time.perf_counter() - start, stream.getvalue()


def browser_times(page_file: Path) -> dict[str, float]:
    """Milliseconds Chromium takes to list the findings and to apply filters."""
    from playwright.sync_api import sync_playwright

    times: dict[str, float] = {}
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        start = time.perf_counter()
        page.goto(page_file.as_uri())
        page.wait_for_selector("body[data-ready]")
        times["load until listed"] = (time.perf_counter() - start) * 1000

        def step(name: str, action: str) -> None:
            times[name] = page.evaluate(
                f"() => {{ const t = performance.now(); {action}; return performance.now() - t; }}"
            )

        step("severity click", "document.querySelector('[data-severity=warning]').click()")
        step("severity click back", "document.querySelector('[data-severity=warning]').click()")

        def until_shown(test: Callable[[str], bool]) -> None:
            while not test(page.inner_text("#shown")):
                page.wait_for_timeout(5)

        start = time.perf_counter()
        page.fill("#filter-text", "ubuntu")  # applied once typing pauses for 150 ms
        until_shown(lambda text: not text.startswith("Showing 10,"))
        times["text filter, 150 ms pause included"] = (time.perf_counter() - start) * 1000
        page.fill("#filter-text", "")
        until_shown(lambda text: text.startswith("Showing 10,"))
        step(
            "expand all, laid out",
            "document.getElementById('expand-all').click(); document.body.offsetHeight",
        )
        times["cards in the page"] = page.locator("article.finding").count()
        browser.close()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--findings", type=int, default=10_000)
    parser.add_argument("--corpus", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "tree"
        make_tree(root, groups=args.findings // 90 + 1)
        report = check(root)
        html_seconds, page = timed(write_html, report)
        json_seconds, data = timed(write_json, report)
        print(f"findings: {len(report.findings):,} in {report.files_checked:,} files")
        print(f"HTML: {len(page.encode()):,} bytes, written in {html_seconds:.2f} s")
        print(f"JSON: {len(data.encode()):,} bytes, written in {json_seconds:.2f} s")
        page_file = Path(folder) / "report.html"
        page_file.write_text(page, encoding="utf-8")
        for name, value in browser_times(page_file).items():
            print(f"{name}: {value:,.0f}" + ("" if name.startswith("cards") else " ms"))
    if args.corpus is not None:
        report = check(args.corpus)
        html_seconds, page = timed(write_html, report)
        size = len(page.encode())
        print(
            f"corpus: {len(report.findings):,} findings, HTML {size:,} bytes "
            f"({size / 1024:.1f} KiB), written in {html_seconds:.2f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
