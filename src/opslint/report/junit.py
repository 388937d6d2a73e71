"""The JUnit XML reporter, for CI servers that show test results (Jenkins' `junit` step,
GitLab's `artifacts: reports: junit`, CircleCI's `store_test_results`).

Each checked file is a `<testsuite>` named by its path; each rule that ran and applies to
the file's kind is a `<testcase>` in it (classname the path, name `CODE name`), as
checkov writes one test case per check and resource. A rule with findings in the file is
a failing test case whose `<failure>` says how many and lists each finding as
`path:line:column: message`; a rule without findings there passes, so fixing a finding
turns its test from failed to passed in the CI server's history. A file with findings but
no parsed kind (an unreadable file) still gets its failing test cases. A run that checked
nothing writes one passing test case, since Jenkins rejects a report without tests.
Suppressed findings do not fail a test.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import IO
from xml.etree import ElementTree as ET

from opslint.model.base import Finding
from opslint.report import Report, format_hooks

NOTHING_CHECKED = "no files checked"
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 cannot carry, even escaped."""


def _xml(text: str) -> str:
    """`text` with the characters XML cannot carry replaced by U+FFFD."""
    return NOT_XML.sub("\ufffd", text)


def _applies(kinds: tuple[str, ...], kind: str | None) -> bool:
    return kind is not None and ("*" in kinds or kind in kinds)


def _failure(findings: list[Finding]) -> ET.Element:
    """The `<failure>` of one rule in one file: the first message, then every location."""
    first = findings[0]
    count = len(findings)
    message = first.message if count == 1 else f"{count} findings; first: {first.message}"
    failure = ET.Element(
        "failure", message=_xml(message), type=str(max(f.severity for f in findings))
    )
    lines = []
    for finding in findings:
        span = finding.span
        lines.append(f"{span.path}:{span.line}:{span.column}: {finding.message}")
        if finding.help:
            lines.append(f"  help: {finding.help}")
    failure.text = _xml("\n".join(lines) + "\n")
    return failure


def junit_tree(report: Report) -> ET.Element:
    """The `<testsuites>` element of `report`."""
    by_file: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    names = {rule.code: rule.spec.name for rule in report.rules}
    for finding in report.findings:
        by_file[finding.span.path][finding.code].append(finding)
        names.setdefault(finding.code, finding.name)
    kinds = {path: source.kind for path, source in report.sources.items()}
    root = ET.Element("testsuites", name="opslint", time=f"{report.seconds:.3f}")
    for path in sorted(set(kinds) | set(by_file)):
        failed = by_file.get(path, {})
        codes = {r.code for r in report.rules if _applies(r.kinds, kinds.get(path))}
        suite = ET.SubElement(root, "testsuite", name=_xml(path))
        for code in sorted(codes | set(failed)):
            case = ET.SubElement(
                suite, "testcase", classname=_xml(path), name=f"{code} {names[code]}"
            )
            if code in failed:
                case.append(_failure(failed[code]))
        suite.set("tests", str(len(suite)))
        suite.set("failures", str(len(failed)))
        suite.set("errors", "0")
        if not len(suite):
            root.remove(suite)
    if not len(root):
        suite = ET.SubElement(root, "testsuite", name="opslint", tests="1", failures="0")
        suite.set("errors", "0")
        ET.SubElement(suite, "testcase", classname="opslint", name=NOTHING_CHECKED)
    root.set("tests", str(sum(int(suite.get("tests", "0")) for suite in root)))
    root.set("failures", str(sum(int(suite.get("failures", "0")) for suite in root)))
    root.set("errors", "0")
    return root


def write_junit(report: Report, stream: IO[str]) -> None:
    """Write the JUnit XML format."""
    tree = ET.ElementTree(junit_tree(report))
    ET.indent(tree)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    tree.write(stream, encoding="unicode")
    stream.write("\n")


opslint_report_formats, opslint_report = format_hooks({"junit": write_junit})
