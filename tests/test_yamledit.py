"""Text edits on YAML (`opslint.edits.yaml`): placement, indentation and spacing."""

from __future__ import annotations

import textwrap

import pytest

from opslint.edits.yaml import add_after, entry_last_line, opening_quote
from opslint.engine.fixer import apply_edits
from opslint.model.base import Edit, Finding, Fix
from opslint.model.yamltree import YMap
from opslint.parsers.yamlload import load_yaml


def root_of(text: str) -> YMap:
    root = load_yaml(text, "f.yaml").documents[0].root
    assert isinstance(root, YMap)
    return root


def applied(text: str, edit: Edit | None) -> str:
    assert edit is not None
    fix = Fix("t", (edit,))
    result, _ = apply_edits(text, [(Finding(edit.span, "m", fix), fix.edits)])
    return result


# -- entry_last_line -------------------------------------------------------------------------


def test_entry_last_line_covers_the_value_and_its_deeper_comments() -> None:
    text = textwrap.dedent(
        """\
        on:
          push:
            branches: [main]
          # schedule:
          #   - cron: "0 4 * * 1"
        # jobs follow
        jobs: {}
        """
    )
    lines = text.splitlines()
    assert entry_last_line(root_of(text), "on", lines) == 5
    assert entry_last_line(root_of(text), "jobs", lines) == 7


def test_entry_last_line_of_a_scalar_is_its_own_line() -> None:
    text = "name: ci\non: push\njobs: {}\n"
    assert entry_last_line(root_of(text), "on", text.splitlines()) == 2


# -- add_after -------------------------------------------------------------------------------


def test_add_after_inserts_right_below_the_entry() -> None:
    text = "on:\n  push:\njobs:\n  a:\n    runs-on: x\n"
    edit = add_after(root_of(text), "on", {"permissions": {"contents": "read"}}, text.splitlines())
    assert edit is not None
    assert (edit.span.line, edit.span.column) == (2, 8)
    assert applied(text, edit) == (
        "on:\n  push:\npermissions:\n  contents: read\njobs:\n  a:\n    runs-on: x\n"
    )


def test_add_after_keeps_blank_lines_between_top_level_entries() -> None:
    text = "name: ci\n\non: push\n\njobs:\n  a:\n    runs-on: x\n"
    edit = add_after(root_of(text), "on", {"permissions": {"contents": "read"}}, text.splitlines())
    assert applied(text, edit) == (
        "name: ci\n\non: push\n\npermissions:\n  contents: read\n\njobs:\n  a:\n    runs-on: x\n"
    )


def test_add_after_adds_no_blank_line_inside_a_compact_mapping() -> None:
    text = "jobs:\n  a:\n    name: A\n    runs-on: x\n\n    steps: []\n"
    job = root_of(text).map("jobs")
    assert job is not None and isinstance(job.get("a"), YMap)
    node = job.get("a")
    assert isinstance(node, YMap)
    edit = add_after(node, "runs-on", {"timeout-minutes": 30}, text.splitlines())
    assert applied(text, edit) == (
        "jobs:\n  a:\n    name: A\n    runs-on: x\n    timeout-minutes: 30\n\n    steps: []\n"
    )


def test_add_after_uses_the_files_indentation() -> None:
    text = "on:\n    push:\njobs:\n    a:\n        runs-on: x\n"
    edit = add_after(root_of(text), "on", {"permissions": {"contents": "read"}}, text.splitlines())
    assert applied(text, edit) == (
        "on:\n    push:\npermissions:\n    contents: read\njobs:\n    a:\n        runs-on: x\n"
    )


def test_add_after_a_multi_line_value_goes_below_all_of_it() -> None:
    text = "a:\n  runs-on:\n    group: big\n    labels: [x]  # note\n  steps: []\n"
    node = root_of(text).map("a")
    assert node is not None
    edit = add_after(node, "runs-on", {"timeout-minutes": 30}, text.splitlines())
    assert applied(text, edit) == (
        "a:\n  runs-on:\n    group: big\n    labels: [x]  # note\n  timeout-minutes: 30\n"
        "  steps: []\n"
    )


def test_add_after_a_missing_key_appends_at_the_end() -> None:
    text = "a:\n  if: x\n  steps:\n    - run: y\n"
    node = root_of(text).map("a")
    assert node is not None
    edit = add_after(node, "runs-on", {"timeout-minutes": 30}, text.splitlines())
    assert applied(text, edit) == "a:\n  if: x\n  steps:\n    - run: y\n  timeout-minutes: 30\n"


def test_add_after_gives_no_edit_for_flow_mappings_or_existing_keys() -> None:
    text = "a: {runs-on: x, steps: []}\nb:\n  runs-on: x\n  timeout-minutes: 5\n"
    root = root_of(text)
    lines = text.splitlines()
    flow, block = root.map("a"), root.map("b")
    assert flow is not None and block is not None
    assert add_after(flow, "runs-on", {"timeout-minutes": 30}, lines) is None
    assert add_after(block, "runs-on", {"timeout-minutes": 30}, lines) is None


def test_add_after_keeps_crlf_endings() -> None:
    text = "on: push\r\njobs:\r\n  a:\r\n    runs-on: x\r\n"
    edit = add_after(
        root_of(text),
        "on",
        {"permissions": {"contents": "read"}},
        text.replace("\r", "").split("\n"),
    )
    assert applied(text, edit) == (
        "on: push\r\npermissions:\r\n  contents: read\r\njobs:\r\n  a:\r\n    runs-on: x\r\n"
    )


# -- set_scalar, append_item, add_entries_first ----------------------------------------------


def test_set_scalar_fills_an_empty_value_and_keeps_quotes() -> None:
    from opslint.edits.yaml import set_scalar

    text = "a:\nb: 'x'\nc: \"y\"\nd: no\n"
    root = root_of(text)
    lines = text.splitlines()
    empty, single, double, flag = (root.scalar(k) for k in "abcd")
    assert empty is not None and single is not None and double is not None and flag is not None
    assert applied(text, set_scalar(empty, "v", lines)).startswith("a: v\n")
    assert applied(text, set_scalar(single, "it's", lines)) == text.replace("'x'", "'it''s'")
    assert applied(text, set_scalar(double, "z", lines)) == text.replace('"y"', '"z"')
    assert applied(text, set_scalar(flag, True, lines)) == text.replace("d: no", "d: true")


def test_append_item_follows_the_items_indentation_and_quoting() -> None:
    from opslint.edits.yaml import append_item

    text = 'drop:\n  - "NET_RAW"\nadd:\n- A\nflow: [x]\n'
    root = root_of(text)
    lines = text.splitlines()
    drop, add_, flow = root.seq("drop"), root.seq("add"), root.seq("flow")
    assert drop is not None and add_ is not None and flow is not None
    assert applied(text, append_item(drop, "ALL", lines)) == text.replace(
        '"NET_RAW"\n', '"NET_RAW"\n  - "ALL"\n'
    )
    assert applied(text, append_item(add_, "B", lines)) == text.replace("- A\n", "- A\n- B\n")
    assert append_item(flow, "y", lines) is None


def test_add_entries_first_goes_above_a_leading_comment() -> None:
    from opslint.edits.yaml import add_entries_first

    text = "spec:\n  # the pod\n  containers: []\nitems:\n  - name: a\n    image: b\n"
    root = root_of(text)
    lines = text.splitlines()
    spec = root.map("spec")
    assert spec is not None
    edit = add_entries_first(spec, {"serviceAccountName": "app"}, lines)
    assert applied(text, edit) == text.replace("spec:\n", "spec:\n  serviceAccountName: app\n")
    items = root.seq("items")
    assert items is not None
    item = next(items.maps())
    assert add_entries_first(item, {"x": 1}, lines) is None


# -- key_column with merge keys ------------------------------------------------------------

MERGED = """\
x-base: &base
  image: example/base:1.0.0
services:
  only-merge:
    <<: *base
  own:
    <<: *base
    ports:
      - "80:80"
"""


def test_key_column_ignores_keys_merged_from_an_anchor() -> None:
    from opslint.edits.yaml import key_column

    services = root_of(MERGED).map("services")
    assert services is not None
    only, own = services.map("only-merge"), services.map("own")
    assert only is not None and own is not None
    assert key_column(only) == 4  # where `<<` stands, not the anchor's `image`
    assert key_column(own) == 4


def test_add_entries_to_a_mapping_that_only_merges() -> None:
    from opslint.edits.yaml import add_entries

    services = root_of(MERGED).map("services")
    only = services.map("only-merge") if services is not None else None
    assert only is not None
    edit = add_entries(only, {"restart": "always"}, MERGED.splitlines())
    assert edit is not None
    assert (edit.span.line, edit.span.column) == (5, 14)
    assert applied(MERGED, edit) == MERGED.replace(
        "    <<: *base\n  own:", "    <<: *base\n    restart: always\n  own:"
    )


@pytest.mark.parametrize(
    ("line", "column", "quote"),
    [
        ("uses: 'actions/checkout@v4'", 7, "'"),
        ('uses: "actions/checkout@v4"', 7, '"'),
        ("uses: actions/checkout@v4", 7, ""),
        ("'a'", 0, ""),
        ("x: ", 9, ""),
    ],
)
def test_opening_quote(line: str, column: int, quote: str) -> None:
    assert opening_quote(line, column) == quote
