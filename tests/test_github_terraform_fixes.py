"""The fixes of GH101, GH102, GH104, TF101 and TF110 on layouts the fixtures do not show."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from conftest import run_engine

from opslint.config import Config
from opslint.defaults import missing
from opslint.engine.fixer import Fixer
from opslint.engine.runner import Session
from opslint.plugins import PluginManager
from opslint.report import Report

SHA = "11bd71901bbe5b1630ceea73d27597364c9af683"
PINS = {"actions/checkout": f"actions/checkout@{SHA} # v4.2.2"}


def config(root: Path, **values: Any) -> Config:
    return Config(root=root, **values)


def fixed(tmp_path: Path, name: str, text: str, code: str, **values: Any) -> str:
    """The text after fixing `code` in a file `name` holding `text` (bytes kept)."""
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    base = config(tmp_path, **values).with_overrides(select=(code,))
    plugins = PluginManager()
    plugins.load()
    result = Fixer(Session(base, plugins), unsafe=True).run([path])
    assert result.dropped == []
    for change in result.changes.values():
        assert change.lines_outside_edits() == []
    change = result.changes.get(path.resolve())
    return change.text if change is not None else text


def check(tmp_path: Path, name: str, text: str, code: str, **values: Any) -> Report:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return run_engine([path], select=(code,), config=config(tmp_path, **values))


WORKFLOW = ".github/workflows/ci.yml"


# -- GH101 -----------------------------------------------------------------------------------


def test_gh101_keeps_quotes_and_puts_the_tag_before_an_existing_comment(tmp_path: Path) -> None:
    text = textwrap.dedent(
        """\
        on: push
        permissions: {}
        jobs:
          a:
            runs-on: x
            steps:
              - uses: 'actions/checkout@v4'   # full history below
              - uses: Actions/Checkout@v4
        """
    )
    assert fixed(tmp_path, WORKFLOW, text, "GH101", pins=PINS) == text.replace(
        "'actions/checkout@v4'   # full history below",
        f"'actions/checkout@{SHA}' # v4.2.2   # full history below",
    ).replace("Actions/Checkout@v4", f"actions/checkout@{SHA} # v4.2.2")


def test_gh101_crlf_and_a_pin_without_comment(tmp_path: Path) -> None:
    text = "on: push\r\njobs:\r\n  a:\r\n    steps:\r\n      - uses: actions/checkout@main  \r\n"
    pins = {"actions/checkout@main": f"actions/checkout@{SHA}"}
    assert fixed(tmp_path, WORKFLOW, text, "GH101", pins=pins) == text.replace(
        "actions/checkout@main", f"actions/checkout@{SHA}"
    )


def test_gh101_without_a_usable_pin_says_which_key_to_set(tmp_path: Path) -> None:
    text = "on: push\njobs:\n  a:\n    steps:\n      - uses: actions/checkout@v4\n"
    (finding,) = check(tmp_path, WORKFLOW, text, "GH101").findings
    message = (
        "action `actions/checkout` is pinned to the tag `v4`, which can move: pin its full "
        "commit SHA (keep the tag in a comment)"
    )
    assert finding.fix is None
    assert (finding.message, finding.help) == (
        message,
        "map `actions/checkout` to `actions/checkout@<sha> # <tag>` in [tool.opslint.pins] to "
        "let `opslint fix` pin it",
    )
    pins = {"actions/checkout": "actions/checkout@v4.2.2"}
    (finding,) = check(tmp_path, WORKFLOW, text, "GH101", pins=pins).findings
    assert finding.fix is None
    assert (finding.message, finding.help) == (
        message,
        "no automatic fix: the pin configured for `actions/checkout` is not `name@<40-hex SHA>`",
    )


# -- GH102 -----------------------------------------------------------------------------------


def test_gh102_uses_the_files_indentation_and_follows_name_without_on(tmp_path: Path) -> None:
    text = "name: ci\njobs:\n    a:\n        runs-on: x\n        steps:\n            - run: make\n"
    assert fixed(tmp_path, WORKFLOW, text, "GH102") == text.replace(
        "name: ci\n", "name: ci\npermissions:\n    contents: read\n"
    )


def test_gh102_crlf(tmp_path: Path) -> None:
    text = "on:\r\n  push:\r\njobs:\r\n  a:\r\n    runs-on: x\r\n"
    assert fixed(tmp_path, WORKFLOW, text, "GH102") == text.replace(
        "  push:\r\n", "  push:\r\npermissions:\r\n  contents: read\r\n"
    )


def test_gh102_no_edit_when_a_job_needs_more_than_reading(tmp_path: Path) -> None:
    text = textwrap.dedent(
        """\
        on: pull_request_target
        jobs:
          build:
            runs-on: x
            steps:
              - run: make
          triage:
            runs-on: x
            steps:
              - uses: actions/labeler@v5
          notes:
            runs-on: x
            steps:
              - run: gh release create v1 --generate-notes
        """
    )
    findings = check(tmp_path, WORKFLOW, text, "GH102").findings
    assert [f.fix for f in findings] == [None, None, None]
    assert [(f.message, f.help) for f in findings] == [
        (
            f"job `{job}` sets no `permissions` and the workflow sets none, so the token gets "
            "the repository's default scopes: list the scopes it needs",
            "no automatic fix: job `triage` uses `actions/labeler`, which needs more than "
            "`contents: read`",
        )
        for job in ("build", "triage", "notes")
    ]
    assert fixed(tmp_path, WORKFLOW, text, "GH102") == text


def test_gh102_no_edit_for_an_oidc_login_but_one_for_static_credentials(tmp_path: Path) -> None:
    login = "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: azure/login@v2\n"
    oidc = login + "        with:\n          client-id: ${{ secrets.ID }}\n"
    static = login + "        with:\n          creds: ${{ secrets.AZURE }}\n"
    assert fixed(tmp_path, WORKFLOW, oidc, "GH102") == oidc
    assert fixed(tmp_path, WORKFLOW, static, "GH102") == static.replace(
        "on: push\n", "on: push\npermissions:\n  contents: read\n"
    )


def test_gh102_write_all_gets_no_edit(tmp_path: Path) -> None:
    text = "on: push\npermissions: write-all\njobs:\n  a:\n    runs-on: x\n"
    (finding,) = check(tmp_path, WORKFLOW, text, "GH102").findings
    assert finding.fix is None


# -- GH104 -----------------------------------------------------------------------------------


def test_gh104_without_the_setting_names_it(tmp_path: Path) -> None:
    text = "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: make\n"
    (finding,) = check(tmp_path, WORKFLOW, text, "GH104").findings
    assert finding.fix is None
    assert finding.help == missing("job-timeout-minutes")
    bad = {"job-timeout-minutes": "soon"}
    (finding,) = check(tmp_path, WORKFLOW, text, "GH104", defaults=bad).findings
    assert finding.fix is None


def test_gh104_four_spaces_and_crlf(tmp_path: Path) -> None:
    text = "on: push\r\njobs:\r\n    a:\r\n        runs-on: x\r\n        steps:\r\n"
    result = fixed(tmp_path, WORKFLOW, text, "GH104", defaults={"job-timeout-minutes": "45"})
    assert result == text.replace("runs-on: x\r\n", "runs-on: x\r\n        timeout-minutes: 45\r\n")


# -- TF101 and TF110 -------------------------------------------------------------------------


def test_tf110_crlf_and_tabs(tmp_path: Path) -> None:
    text = 'variable "db_password" {\r\n\ttype = string\r\n}\r\n'
    assert fixed(tmp_path, "main.tf", text, "TF110") == (
        'variable "db_password" {\r\n\ttype      = string\r\n\tsensitive = true\r\n}\r\n'
    )


def test_tf110_json_gets_no_edit(tmp_path: Path) -> None:
    text = '{"variable": {"db_password": {"type": "string", "sensitive": false}}}\n'
    report = check(tmp_path, "main.tf.json", text, "TF110")
    assert [f.fix for f in report.findings] == [None]


def test_tf101_crlf_nested_indentation(tmp_path: Path) -> None:
    text = (
        'resource "aws_s3_bucket" "logs" {\r\n    bucket = "x"\r\n'
        "    lifecycle {\r\n        ignore_changes = [tags]\r\n    }\r\n}\r\n"
    )
    assert fixed(tmp_path, "main.tf", text, "TF101") == text.replace(
        "ignore_changes = [tags]\r\n",
        "ignore_changes  = [tags]\r\n        prevent_destroy = true\r\n",
    )
