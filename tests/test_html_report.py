"""`--format html`: the self-contained report, checked in headless Chromium.

The browser tests drive Debian's `chromium` (`/usr/bin/chromium`, which `.ci/run`
installs) with Playwright for Python; Playwright's own browsers are never downloaded.
They skip, saying so, only when the `playwright` package is missing; a Chromium that
cannot be launched fails them.

The rendered text of the example tree's report (every file section open) is a snapshot in
`tests/data/html/`; re-record it on purpose with

    OPSLINT_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/test_html_report.py
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest
from conftest import ROOT, run_engine

from opslint.cli import main
from opslint.engine.fixer import FileChange, apply_edits
from opslint.report.html import Fixable, decode_data

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # the `test` extra installs it; .ci/run always has it
    sync_playwright = None

CHROMIUM = "/usr/bin/chromium"
SNAPSHOT = ROOT / "tests" / "data" / "html" / "examples-report.txt"
SHOWN = re.compile(r"^Showing ([\d,]+) of ([\d,]+) findings? in ([\d,]+) files?\.$")
PAYLOAD = "</script><img src=x onerror=window.__pwned=1>"
ANNOTATION = '\n  annotations:\n    opslint.io/ignore: "K8117,K8129"'


def opslint(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`opslint *args` in a fresh process, in `cwd`."""
    return subprocess.run(
        [sys.executable, "-m", "opslint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def reports(cwd: Path, target: str, folder: Path) -> tuple[Path, dict[str, Any]]:
    """The HTML report of `target` (a file in `folder`) and the JSON report of the same
    run's findings."""
    page = folder / "report.html"
    for format, output in (("html", page), ("json", folder / "report.json")):
        done = opslint(cwd, "check", "--exit-zero", "-q", "-f", format, "-o", str(output), target)
        assert done.returncode == 0, done.stderr
    return page, json.loads((folder / "report.json").read_text(encoding="utf-8"))


def large_tree(root: Path) -> Path:
    """A tree of Kubernetes, Compose and Dockerfile files with over 2,000 findings, some
    suppressed (annotations, a file-wide comment), in more than a hundred files (the page
    lists a hundred at a time)."""
    for number in range(40):
        (root / "extra" / f"e{number:02}").mkdir(parents=True)
        (root / "extra" / f"e{number:02}" / "Dockerfile").write_text("FROM alpine\n")
    for number in range(24):
        documents = []
        for item in range(8):
            name = f"app-{number}-{item}"
            ignored = ANNOTATION if item % 4 == 0 else ""
            documents.append(
                f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}{ignored}\n"
                f"spec:\n  replicas: 1\n  selector:\n    matchLabels: {{app: {name}}}\n"
                f"  template:\n    metadata:\n      labels: {{app: {name}}}\n    spec:\n"
                f"      containers:\n        - name: web\n          image: nginx:latest\n"
            )
        (root / "k8s").mkdir(parents=True, exist_ok=True)
        (root / "k8s" / f"apps-{number:02}.yaml").write_text("---\n".join(documents))
        service = root / "services" / f"svc-{number:02}"
        service.mkdir(parents=True)
        (service / "Dockerfile").write_text(
            "# opslint: ignore-file[DF101] this image runs as root on purpose\n"
            "FROM ubuntu:latest\nRUN apt-get update && apt-get install -y curl\n"
            'ADD . /app\nCMD ["/app/run"]\n'
        )
        (service / "compose.yaml").write_text(
            "services:\n  web:\n    image: nginx:latest\n    privileged: true\n"
        )
    return root


# --- the data, without a browser ---------------------------------------------------------


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The example tree's HTML report and its JSON report, as `opslint check examples`
    writes them from the repository's root."""
    return reports(ROOT, "examples", tmp_path_factory.mktemp("examples-report"))


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The reports of `large_tree`."""
    tree = large_tree(tmp_path_factory.mktemp("large-tree"))
    return reports(tree, ".", tmp_path_factory.mktemp("large-report"))


def test_the_page_is_self_contained(examples: tuple[Path, dict[str, Any]]) -> None:
    page = examples[0].read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>\n")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "<link" not in page and "@import" not in page and "url(" not in page
    assert page.count("<script") == 2 and page.count("<style>") == 1
    # no network, and no script but the page's own: not even an inline event handler
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert policy
    digest = re.fullmatch(
        r"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-([^']+)'", policy[1]
    )
    assert digest
    script = page[page.rindex("<script>") + len("<script>") : page.rindex("</script>")]
    assert base64.b64decode(digest[1]) == hashlib.sha256(script.encode()).digest()


def test_the_data_holds_every_finding_with_its_rule_page(
    examples: tuple[Path, dict[str, Any]],
) -> None:
    page, report = examples
    data = decode_data(page.read_text(encoding="utf-8"))
    columns = data["findings"]
    shown = [
        (data["files"][file], line, column, code, message)
        for file, line, column, code, message in zip(
            columns["f"], columns["l"], columns["c"], columns["r"], columns["m"], strict=True
        )
    ]
    assert shown == [
        (f["path"], f["line"], f["column"], f["code"], f["message"]) for f in report["findings"]
    ]
    assert data["rules"]["TF101"]["url"] == (
        "https://github.com/opslint/opslint/blob/main/docs/rules/TF101.md"
    )
    kinds = dict(zip(data["files"], data["kinds"], strict=True))
    assert kinds["examples/checkout-service/Dockerfile"] == "dockerfile"
    assert kinds["examples/checkout-service/chart/templates/deployment.yaml"] == "helm-chart"


def test_fix_count_matches_opslint_fix_diff(
    examples: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    """ "opslint fix would change N files" says what `opslint fix --diff` shows."""
    done = opslint(ROOT, "fix", "--diff", "-q", "examples")
    changed = len(re.findall(r"^\+\+\+ b/", done.stdout, flags=re.MULTILINE))
    assert changed > 0
    page = examples[0].read_text(encoding="utf-8")
    assert f"would change <strong>{changed} files</strong>" in page


def patched(pieces: list[str], diff: str) -> list[str]:
    """`pieces` (lines with their breaks) with a unified diff's hunks applied; each
    context and removed line must be the file's."""
    result: list[str] = []
    position = 0
    for line in diff.splitlines(keepends=True)[2:]:
        hunk = re.match(r"@@ -(\d+)(?:,(\d+))? ", line)
        if hunk:
            start = int(hunk[1]) - (0 if hunk[2] == "0" else 1)
            result += pieces[position:start]
            position = start
        elif line[0] == "+":
            result.append(line[1:])
        else:
            assert line[1:] == pieces[position], (line, pieces[position])
            if line[0] == " ":
                result.append(line[1:])
            position += 1
    return result + pieces[position:]


def test_a_fix_diff_applies_as_the_fixer_applies_it(tmp_path: Path) -> None:
    """Each fix's diff, computed on the lines around its edits, turns the file into what
    the fixer makes of it, with the file's line numbers."""
    report = run_engine([large_tree(tmp_path / "tree"), ROOT / "examples"])
    fixable = Fixable(report)
    fixed = [f for f in report.findings if f.fix is not None and f.fix.edits]
    assert len(fixed) > 500
    moved = 0
    for finding in fixed:
        assert finding.fix is not None
        for path in {edit.span.path for edit in finding.fix.edits}:
            edits = [edit for edit in finding.fix.edits if edit.span.path == path]
            text, breaks, _ = fixable.file(path)
            after, applied = apply_edits(text, [(finding, tuple(edits))], breaks)
            assert applied == [finding]
            change = FileChange(Path(path), path, text, after, breaks=breaks)
            diff = fixable.file_diff(path, finding, edits)
            assert diff.startswith(f"--- a/{path}\n+++ b/{path}\n@@ -")
            assert patched(change.pieces(text), diff) == change.pieces(after)
            moved += min(edit.span.line for edit in edits) > 4
    assert moved > 100


def test_secret_values_stay_masked_in_excerpts_and_diffs(tmp_path: Path) -> None:
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "compose.yaml").write_text(
        f"services:\n  web:\n    image: nginx:1.27\n    environment:\n"
        f"      AWS_SECRET_ACCESS_KEY: {secret}\n"
    )
    page, report = reports(tree, ".", tmp_path)
    text = page.read_text(encoding="utf-8")
    data = json.dumps(decode_data(text))
    assert secret not in text and secret not in data
    assert "AWS_SECRET_ACCESS_KEY: ***" in data
    assert any(f["code"] == "SE001" for f in report["findings"])


def test_the_corpus_report_stays_under_200_kib(shared: Path, tmp_path: Path) -> None:
    """The report of the real-world corpus with the default rules, every excerpt and diff
    included, is small enough for a CI artifact."""
    page, report = reports(ROOT, str(shared / "corpus"), tmp_path)
    assert len(report["findings"]) > 2500
    assert page.stat().st_size < 200 * 1024
    assert len(decode_data(page.read_text(encoding="utf-8"))["findings"]["r"]) == len(
        report["findings"]
    )


def test_html_to_stdout_and_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\nUSER root\n")
    args = ["check", "--isolated", "-q", "--select", "DF101", "-f", "html"]
    assert main(args) == 1
    assert capsys.readouterr().out.startswith("<!DOCTYPE html>\n")
    assert main([*args, "-o", "r.html"]) == 1
    assert capsys.readouterr().out == ""
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")
    assert decode_data(page)["findings"]["r"] == ["DF101"]


# --- in the browser ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright."""
    if sync_playwright is None:
        pytest.skip(
            "the playwright package is not installed (pip install -e '.[test]'): "
            "the HTML report's browser tests did not run"
        )
    with sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM)
        yield chromium
        chromium.close()


def open_report(browser: Browser, page_file: Path, fragment: str = "", **options: Any) -> Page:
    """A new tab showing the report, once its script has rendered the findings."""
    page = browser.new_page(viewport={"width": 1280, "height": 1000}, **options)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(page_file.as_uri() + fragment)
    page.wait_for_selector("body[data-ready]")
    assert page.get_attribute("body", "data-ready") == "true", page.inner_text("#shown")
    assert errors == []
    return page


def shown(page: Page) -> tuple[int, int, int]:
    """The findings shown, of how many, in how many files: as the page says it."""
    match = SHOWN.match(page.inner_text("#shown"))
    assert match, page.inner_text("#shown")
    shown_count, total, files = (int(group.replace(",", "")) for group in match.groups())
    assert len(page.query_selector_all("section.file")) == min(files, 100)
    return shown_count, total, files


def number(page: Page, selector: str) -> int:
    return int(page.inner_text(selector).replace(",", ""))


def test_counts_shown_equal_the_json_report(
    browser: Browser, examples: tuple[Path, dict[str, Any]]
) -> None:
    page_file, report = examples
    page = open_report(browser, page_file)
    findings = report["findings"]
    by_severity = report["summary"]["by_severity"]
    assert number(page, "#total-findings") == report["summary"]["findings"] == len(findings)
    for level in ("error", "warning", "info"):
        assert number(page, f"#total-{level}") == by_severity.get(level, 0)
    assert number(page, "#total-suppressed") == report["summary"]["suppressed"]
    files = Counter(f["path"] for f in findings)
    assert shown(page) == (len(findings), len(findings), len(files))
    options = page.eval_on_selector_all(
        "#filter-rule option", "nodes => nodes.map(node => [node.value, node.textContent])"
    )
    rules = Counter(f["code"] for f in findings)
    assert {value: int(text.rsplit("(", 1)[1][:-1]) for value, text in options[1:]} == rules
    top = page.eval_on_selector_all(
        ".top-files li",
        "nodes => nodes.map(node => [node.querySelector('a').textContent, "
        "node.querySelector('.count').textContent])",
    )
    assert [(path, int(count)) for path, count in top] == sorted(
        files.items(), key=lambda item: (-item[1], item[0])
    )[:10]
    sections = page.eval_on_selector_all("section.file", "nodes => nodes.map(n => n.dataset.path)")
    assert sections == sorted(files)


def test_a_severity_click_and_a_rule_choice_filter(
    browser: Browser, examples: tuple[Path, dict[str, Any]]
) -> None:
    page_file, report = examples
    findings = report["findings"]
    page = open_report(browser, page_file)
    errors = sum(f["severity"] == "error" for f in findings)
    page.click("button[data-severity=error]")
    assert page.get_attribute("button[data-severity=error]", "aria-pressed") == "false"
    assert shown(page)[:2] == (len(findings) - errors, len(findings))
    assert page.url.endswith("#sev=warning%2Cinfo")
    page.select_option("#filter-rule", "IM001")
    im001 = [f for f in findings if f["code"] == "IM001" and f["severity"] != "error"]
    assert shown(page) == (len(im001), len(findings), len({f["path"] for f in im001}))
    page.click("#reset")
    assert shown(page)[0] == len(findings)
    # the keyboard reaches and presses the same buttons
    page.focus("button[data-severity=warning]")
    page.keyboard.press("Enter")
    warnings = sum(f["severity"] == "warning" for f in findings)
    assert shown(page)[0] == len(findings) - warnings


def test_a_file_section_expands_with_excerpt_and_fix_diff(
    browser: Browser, examples: tuple[Path, dict[str, Any]]
) -> None:
    page_file, report = examples
    path = "examples/checkout-service/terraform/main.tf"
    in_file = [f for f in report["findings"] if f["path"] == path]
    fixed = next(f for f in in_file if f["code"] == "TF101")
    page = open_report(browser, page_file)
    toggle = page.locator(f'section.file[data-path="{path}"] .file-toggle')
    assert toggle.get_attribute("aria-expanded") == "false"
    assert page.locator(f'section.file[data-path="{path}"] article').count() == 0
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    cards = page.locator(f'section.file[data-path="{path}"] article.finding')
    assert cards.count() == len(in_file)
    assert page.url.endswith("#open=" + quote(path, safe=""))
    card = cards.filter(has_text="prevent_destroy").first
    where = f"{path}:{fixed['line']}:{fixed['column']}"
    assert card.locator(".where").inner_text() == where
    line = (ROOT / path).read_text(encoding="utf-8").splitlines()[fixed["line"] - 1]
    marked = line[fixed["column"] - 1 : fixed["end_column"] - 1]
    assert card.locator("mark").inner_text() == marked
    assert card.locator(".line.primary .gutter").inner_text() == str(fixed["line"])
    link = card.locator("p.doc a")
    assert link.get_attribute("href") == (
        "https://github.com/opslint/opslint/blob/main/docs/rules/TF101.md"
    )
    diff = card.locator("details.fix pre.diff")
    added = diff.locator(".diff-add").all_inner_texts()
    inserted = [f"+{text}" for text in fixed["fix"]["edits"][0]["text"].split("\n")[:-1]]
    assert [text.rstrip("\n") for text in added] == inserted
    assert diff.locator(".diff-hunk").count() == 1
    assert card.locator("details.fix summary").inner_text() == (
        f"Fix (safe): {fixed['fix']['title']}"
    )
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "false" and cards.count() == 0


def test_related_locations_point_at_helm_values(
    browser: Browser, examples: tuple[Path, dict[str, Any]]
) -> None:
    page_file, report = examples
    related = [f for f in report["findings"] if f["related"]]
    assert related
    finding = related[0]
    item = finding["related"][0]
    page = open_report(browser, page_file, "#open=" + quote(finding["path"], safe=""))
    card = page.locator(f'section.file[data-path="{finding["path"]}"] article.finding').filter(
        has_text=finding["message"]
    )
    texts = card.first.locator("ul.related li .where").all_inner_texts()
    assert f"{item['path']}:{item['line']}:{item['column']}" in texts


def test_the_fragment_state_round_trips(
    browser: Browser, examples: tuple[Path, dict[str, Any]]
) -> None:
    page_file, report = examples
    findings = report["findings"]
    fragment = "#sev=error%2Cwarning&q=pin"

    def expected(finding: dict[str, Any]) -> bool:
        text = "\n".join(
            filter(
                None,
                (
                    finding["path"],
                    finding["code"],
                    finding["name"],
                    finding["message"],
                    finding["help"],
                    finding["object"],
                ),
            )
        )
        return finding["severity"] in ("error", "warning") and "pin" in text.lower()

    want = [f for f in findings if expected(f)]
    assert 0 < len(want) < len(findings)
    page = open_report(browser, page_file, fragment)
    assert page.get_attribute("button[data-severity=info]", "aria-pressed") == "false"
    assert page.input_value("#filter-text") == "pin"
    assert shown(page) == (len(want), len(findings), len({f["path"] for f in want}))
    page.select_option("#filter-rule", "IM001")
    url = page.url
    again = open_report(browser, page_file, url[url.index("#") :])
    assert again.input_value("#filter-rule") == "IM001"
    assert again.input_value("#filter-text") == "pin"
    assert shown(again)[0] == len([f for f in want if f["code"] == "IM001"])
    # a link in the summary sets the state too
    again.click("#chart-severity a[href='#sev=error']")
    # the page reads the new fragment on `hashchange`, which fires after the click returns;
    # `expect` polls from Playwright's own world (the report's CSP forbids eval in the page)
    from playwright.sync_api import expect

    expect(again.locator("#filter-text")).to_have_value("")
    errors = [f for f in findings if f["severity"] == "error"]
    assert again.input_value("#filter-text") == ""
    assert shown(again)[0] == len(errors)


def test_two_thousand_findings_and_the_suppressed_toggle(
    browser: Browser, large: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    page_file, report = large
    findings, suppressed = report["findings"], report["suppressed"]
    assert len(findings) >= 2000 and len(suppressed) >= 40
    page = open_report(browser, page_file)
    assert number(page, "#total-findings") == len(findings)
    assert number(page, "#total-suppressed") == len(suppressed)
    files = {f["path"] for f in findings}
    assert len(files) > 100
    assert shown(page) == (len(findings), len(findings), len(files))
    more = page.locator("#files > button.more")
    assert more.inner_text() == f"Show {len(files) - 100} more files ({len(files) - 100} not shown)"
    more.click()
    assert page.locator("section.file").count() == len(files) and more.count() == 0
    page.select_option("#filter-kind", "kubernetes")
    k8s = [f for f in findings if f["path"].startswith("k8s/")]
    assert shown(page) == (len(k8s), len(findings), 24)
    page.check("#filter-suppressed")
    k8s_suppressed = [f for f in suppressed if f["path"].startswith("k8s/")]
    assert shown(page)[:2] == (len(k8s) + len(k8s_suppressed), len(findings) + len(suppressed))
    assert "sup=1" in page.url
    page.click('section.file[data-path="k8s/apps-00.yaml"] .file-toggle')
    quiet = page.locator('section.file[data-path="k8s/apps-00.yaml"] article.suppressed')
    assert quiet.count() == sum(f["path"] == "k8s/apps-00.yaml" for f in suppressed)
    assert quiet.first.locator(".suppressed-by").inner_text().startswith("suppressed by ")
    page.uncheck("#filter-suppressed")
    assert quiet.count() == 0 and shown(page)[0] == len(k8s)
    shots = {}
    for scheme in ("light", "dark"):
        tab = open_report(browser, page_file, "#open=*", color_scheme=scheme)
        shots[scheme] = tmp_path / f"report-{scheme}.png"
        tab.screenshot(path=str(shots[scheme]))
        background = tab.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == {"light": "rgb(255, 255, 255)", "dark": "rgb(13, 17, 23)"}[scheme]
        first = sorted(files)[0]
        count = sum(f["path"] == first for f in findings)
        assert tab.locator(f'section.file[data-path="{first}"] article').count() == min(count, 50)
    assert all(shot.read_bytes().startswith(b"\x89PNG") for shot in shots.values())
    assert shots["light"].read_bytes() != shots["dark"].read_bytes()


def test_no_findings(browser: Browser, tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "compose.yaml").write_text("services: {}\n")
    page_file, report = reports(tree, ".", tmp_path)
    assert report["findings"] == []
    page = open_report(browser, page_file)
    assert number(page, "#total-findings") == 0
    assert shown(page) == (0, 0, 0)
    assert page.inner_text("#files") == "No findings."
    assert page.locator(".chart .empty").count() == 3
    assert "would change 0 files" in page.inner_text(".fixable")


def test_text_from_scanned_files_never_runs(browser: Browser, tmp_path: Path) -> None:
    """A path, a message, a source line and a diff carrying markup are shown as text."""
    folder = tmp_path / "tree" / "<img src=x onerror=window.__pwned=1>"
    folder.mkdir(parents=True)
    (folder / "compose.yaml").write_text(
        f'services:\n  "{PAYLOAD}":\n    image: "nginx:{PAYLOAD}"\n'
    )
    page_file, report = reports(tmp_path / "tree", ".", tmp_path)
    messages = [f["message"] for f in report["findings"]]
    assert any(PAYLOAD in message for message in messages)
    page = open_report(browser, page_file, "#open=*")
    assert page.evaluate("window.__pwned") is None
    assert page.locator("img").count() == 0
    cards = page.locator("article.finding")
    assert cards.count() == len(report["findings"])
    assert PAYLOAD in cards.first.locator(".message").inner_text()
    assert PAYLOAD in page.locator("pre.excerpt").first.inner_text()
    assert page.locator(".top-files a").first.inner_text() == f"{folder.name}/compose.yaml"
    assert any(PAYLOAD in text for text in page.locator("pre.diff").all_inner_texts())
    assert page.evaluate("window.__pwned") is None


def test_the_rendered_text_snapshot(
    browser: Browser, examples: tuple[Path, dict[str, Any]]
) -> None:
    page = open_report(browser, examples[0], "#open=*")
    text = page.inner_text("body")
    text = re.sub(r"(files? checked · )[\d.]+ s", r"\1(time) s", text)
    if os.environ.get("OPSLINT_UPDATE_SNAPSHOTS"):
        SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
        SNAPSHOT.write_text(text, encoding="utf-8")
    assert text == SNAPSHOT.read_text(encoding="utf-8")
