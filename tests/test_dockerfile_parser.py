"""The Dockerfile parser: instructions, continuations, heredocs, directives, exact spans."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SHARED, run_engine

from opslint.model.base import Span
from opslint.model.dockerfile import Dockerfile
from opslint.model.source import SourceFile
from opslint.parsers.dockerfile import parse_dockerfile, substitute

PATH = "Dockerfile"


def parse(text: str) -> Dockerfile:
    return parse_dockerfile(SourceFile(Path(PATH), PATH, text=text))


def span(line: int, column: int, end_line: int, end_column: int) -> Span:
    return Span(PATH, line, column, end_line, end_column)


def problems(dockerfile: Dockerfile) -> list[tuple[int, int, str]]:
    return [(p.span.line, p.span.column, p.message) for p in dockerfile.problems]


def test_simple_instructions_and_spans() -> None:
    df = parse("FROM alpine:3.20 AS base\n  run  echo hi\nUSER app\n")
    assert [i.keyword for i in df.instructions] == ["FROM", "RUN", "USER"]
    run = df.instructions[1]
    assert run.keyword_span == span(2, 3, 2, 6)
    assert run.arguments == "echo hi"
    assert run.arguments_span == span(2, 8, 2, 15)
    assert run.span == span(2, 3, 2, 15)
    assert df.stages[0].alias == "base"
    image = df.images[0]
    assert image.text == "alpine:3.20"
    assert image.span == span(1, 6, 1, 17)
    assert image.tag_span() == span(1, 13, 1, 17)
    assert problems(df) == []


def test_continuations_and_comments_inside_them() -> None:
    text = (
        "FROM alpine:3.20\n"
        "RUN apk add \\\n"
        "    # a comment inside the continuation\n"
        "\n"
        "    curl \\\n"
        "    git\n"
        "USER app\n"
    )
    df = parse(text)
    run = df.instructions[1]
    assert run.span == span(2, 1, 6, 8)
    assert run.arguments == "apk add     curl     git"
    # `curl` starts on line 5 column 5, `git` on line 6 column 5
    assert run.locate(run.arguments.index("curl"), 4) == span(5, 5, 5, 9)
    assert run.locate(run.arguments.index("git"), 3) == span(6, 5, 6, 8)
    assert df.instructions[2].keyword_span == span(7, 1, 7, 5)
    assert problems(df) == []


def test_flags_are_split_with_spans() -> None:
    df = parse(
        "FROM --platform=$BUILDPLATFORM python:3.12-slim AS build\n"
        "RUN --mount=type=cache,target=/root/.cache \\\n"
        "    --network=none pip install x\n"
        "COPY --from=build --chown=app:app /src /dst\n"
    )
    from_, run, copy = df.instructions
    assert from_.flags == {"platform": "$BUILDPLATFORM"}
    assert from_.flag_spans["platform"] == span(1, 6, 1, 31)
    assert df.images[0].text == "python:3.12-slim"
    assert df.images[0].span == span(1, 32, 1, 48)
    assert run.flags == {"mount": "type=cache,target=/root/.cache", "network": "none"}
    assert run.flag_spans["network"] == span(3, 5, 3, 19)
    assert run.arguments == "pip install x"
    assert run.locate(0, 3) == span(3, 20, 3, 23)
    assert copy.flags == {"from": "build", "chown": "app:app"}
    assert copy.arguments == "/src /dst"


def test_exec_form() -> None:
    df = parse('FROM alpine:3.20\nCMD ["python", "-m", "app"]\nENTRYPOINT echo "x"\n')
    assert df.instructions[1].exec_form == ["python", "-m", "app"]
    assert df.instructions[2].exec_form is None


def test_heredoc_basic_and_following_instruction() -> None:
    text = "FROM alpine:3.20\nRUN <<EOF\napk update\napk add git\nEOF\nUSER app\n"
    df = parse(text)
    run = df.instructions[1]
    assert len(run.heredocs) == 1
    heredoc = run.heredocs[0]
    assert heredoc.delimiter == "EOF"
    assert heredoc.body == "apk update\napk add git"
    assert heredoc.body_line == 3
    assert heredoc.span == span(3, 1, 5, 4)
    assert run.span == span(2, 1, 5, 4)
    assert df.instructions[2].keyword == "USER"
    assert df.instructions[2].span.line == 6
    commands = [c for c in df.shell_commands if "apk" in c.text]
    assert len(commands) == 1
    assert problems(df) == []


def test_heredoc_dash_strips_tabs_and_quoted_delimiter() -> None:
    text = (
        "FROM alpine:3.20\nRUN <<-'END'\n\techo $HOME\n\tEND\n"
        'COPY <<"CONF" /etc/x.conf\nk=v\nCONF\n'
    )
    df = parse(text)
    run, copy = df.instructions[1], df.instructions[2]
    assert run.heredocs[0].delimiter == "END"
    assert run.heredocs[0].body == "echo $HOME"
    assert run.heredocs[0].span == span(3, 1, 4, 5)
    assert copy.heredocs[0].body == "k=v"
    assert copy.span == span(5, 1, 7, 5)
    assert problems(df) == []


def test_two_heredocs_in_one_run_then_comments() -> None:
    text = (
        "FROM alpine:3.20\n"
        "RUN <<ONE bash && <<TWO sh\n"
        "echo one\n"
        "ONE\n"
        "echo two\n"
        "TWO\n"
        "# a comment after the heredocs\n"
        "# another\n"
        "USER app\n"
    )
    df = parse(text)
    run = df.instructions[1]
    assert [h.delimiter for h in run.heredocs] == ["ONE", "TWO"]
    assert [h.body for h in run.heredocs] == ["echo one", "echo two"]
    assert run.heredocs[1].span == span(5, 1, 6, 4)
    assert run.span == span(2, 1, 6, 4)
    assert df.instructions[2].keyword == "USER"
    assert df.instructions[2].span.line == 9
    assert problems(df) == []


def test_unterminated_heredoc_is_a_problem() -> None:
    df = parse("FROM alpine:3.20\nRUN <<EOF\necho hi\n")
    assert problems(df) == [(2, 5, "here-document <<EOF is not terminated")]


def test_escape_directive_backtick() -> None:
    text = (
        "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
        "RUN dir `\n    c:\\\nUSER app\n"
    )
    df = parse(text)
    assert df.escape == "`"
    assert df.directives == {"escape": "`"}
    run = df.instructions[1]
    assert run.arguments == "dir     c:\\"
    assert run.span == span(3, 1, 4, 8)
    assert df.instructions[2].keyword == "USER"
    assert problems(df) == []


def test_invalid_escape_directive() -> None:
    df = parse("# escape=x\nFROM alpine:3.20\n")
    assert problems(df) == [(1, 1, "invalid escape directive: only '\\' and '`' are allowed")]


def test_directive_after_instruction_is_a_comment() -> None:
    df = parse("FROM alpine:3.20\n# escape=`\nRUN a \\\n  b\n")
    assert df.escape == "\\"
    assert df.instructions[1].arguments == "a   b"


def test_arg_substitution_in_from() -> None:
    text = (
        "ARG BASE=python\n"
        "ARG VERSION\n"
        "FROM ${BASE}:${VERSION:-3.12}-slim AS app\n"
        "FROM $UNSET AS other\n"
    )
    df = parse(text)
    first, second = df.images
    assert first.text == "python:3.12-slim"
    assert first.written == "${BASE}:${VERSION:-3.12}-slim"
    assert first.span == span(3, 6, 3, 35)
    assert not first.dynamic
    assert second.dynamic
    assert df.global_args == {"BASE": "python", "VERSION": None}


def test_substitute_modifiers() -> None:
    assert substitute("${A:+set}", {"A": "1"}) == ("set", True)
    assert substitute("${A:+set}", {}) == ("", True)
    assert substitute("$A/${B}", {"A": "x", "B": "y"}) == ("x/y", True)
    assert substitute("$A", {}) == ("$A", False)


def test_stage_references_and_scratch_are_not_images() -> None:
    df = parse("FROM golang:1.22 AS build\nFROM scratch\nFROM build AS final\n")
    assert [i.text for i in df.images] == ["golang:1.22"]
    assert [s.base for s in df.stages] == ["golang:1.22", "scratch", "build"]
    assert [s.index for s in df.lineage(df.stages[2])] == [2, 0]


def test_onbuild_trigger() -> None:
    df = parse("FROM alpine:3.20\nONBUILD RUN --mount=type=cache,target=/c make\nONBUILD FROM x\n")
    onbuild = df.instructions[1]
    assert onbuild.keyword == "ONBUILD"
    trigger = onbuild.trigger
    assert trigger is not None
    assert trigger.keyword == "RUN"
    assert trigger.keyword_span == span(2, 9, 2, 12)
    assert trigger.flags == {"mount": "type=cache,target=/c"}
    assert trigger.arguments == "make"
    assert onbuild.effective is trigger
    assert any(c.origin == "ONBUILD RUN" for c in df.shell_commands)
    assert problems(df) == [(3, 9, "'FROM' cannot be deferred with ONBUILD")]


def test_env_and_arg_facets() -> None:
    df = parse('FROM alpine:3.20\nENV A=1 B="two words"\nENV LEGACY some value\nARG TOKEN\n')
    names = [(v.name, v.value, v.origin) for v in df.env_vars]
    assert names == [
        ("A", "1", "ENV"),
        ("B", "two words", "ENV"),
        ("LEGACY", "some value", "ENV"),
        ("TOKEN", None, "ARG"),
    ]
    b = df.env_vars[1]
    assert b.span == span(2, 9, 2, 10)
    assert b.value_span == span(2, 11, 2, 22)
    assert df.env_vars[2].value_span == span(3, 12, 3, 22)


def test_file_without_from() -> None:
    df = parse("RUN echo hi\nUSER root\n")
    assert df.stages == []
    assert df.final_stage is None
    assert [i.keyword for i in df.instructions] == ["RUN", "USER"]
    assert problems(df) == []


def test_a_line_that_is_no_instruction_is_not_quoted() -> None:
    df = parse("FROM alpine:3.20\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG\nONBUILD x=1\n")
    assert problems(df) == [
        (2, 1, "unknown instruction: the line does not start with a keyword"),
        (3, 9, "ONBUILD needs an instruction keyword to defer"),
    ]


def test_unknown_instruction_keeps_parsing() -> None:
    df = parse("FROM alpine:3.20\nFOO bar \\\n  baz\nUSER app\n")
    assert problems(df) == [(2, 1, "unknown instruction 'FOO'")]
    assert [i.keyword for i in df.instructions] == ["FROM", "USER"]
    assert df.instructions[1].span.line == 4


def test_crlf_and_bom_locations() -> None:
    df = parse("FROM alpine:3.20\r\nRUN a \\\r\n  b\r\nUSER root\r\n")
    assert df.instructions[1].arguments == "a   b"
    assert df.instructions[2].arguments == "root"
    assert df.instructions[2].arguments_span == span(4, 6, 4, 10)


def test_empty_and_comment_only() -> None:
    assert parse("").instructions == []
    assert parse("# just a comment\n\n").instructions == []


def _corpus_dockerfiles() -> list[Path]:
    corpus = SHARED / "corpus"
    if not corpus.is_dir():
        return []
    return sorted(
        path
        for path in corpus.rglob("*")
        if path.is_file()
        and (
            path.name in ("Dockerfile", "Containerfile")
            or path.name.startswith(("Dockerfile.", "Containerfile."))
            or path.name.endswith((".Dockerfile", ".dockerfile"))
        )
    )


def test_corpus_dockerfiles_parse_without_op001() -> None:
    files = _corpus_dockerfiles()
    if not files:
        pytest.skip("../shared/corpus is not next to this checkout")
    report = run_engine(files, select=("OP001",), kind="dockerfile")
    assert report.files_checked == len(files)
    assert [(f.span.path, f.span.line, f.message) for f in report.findings] == []
    assert not [note for note in report.notes if "failed" in note]


def test_run_scripts_know_the_image_they_run_in() -> None:
    dockerfile = parse(
        "FROM node:8 AS build\n"
        "RUN npm install\n"
        "FROM build AS test\n"
        "RUN <<EOF\nnpm test\nEOF\n"
        "FROM scratch\n"
        "RUN true\n"
        "FROM python:3.12-slim\n"
        "ONBUILD RUN pip install .\n"
    )
    assert [(c.text, c.image) for c in dockerfile.shell_commands] == [
        ("npm install", "node:8"),
        ("npm test", "node:8"),
        ("true", ""),
        ("pip install .", "python:3.12-slim"),
    ]


def test_wasm_and_scratch_stages() -> None:
    dockerfile = parse(
        "FROM rust:1.83.0 AS build\n"
        "FROM scratch AS wasm\n"
        'ENTRYPOINT ["service.wasm"]\n'
        "FROM --platform=wasi/wasm alpine:3.20 AS platform\n"
        "FROM scratch AS binary\n"
        "COPY --from=build /out/server /server\n"
        "FROM binary AS tools\n"
        "COPY --from=busybox:1.37.0 /bin/busybox /bin/busybox\n"
        "FROM scratch AS everything\n"
        "COPY --from=build / /\n"
    )
    stages = {s.alias: s for s in dockerfile.stages}
    wasm = [name for name, s in stages.items() if dockerfile.runs_wasm(s)]
    assert wasm == ["wasm", "platform"]
    scratch = [name for name, s in stages.items() if dockerfile.from_scratch(s)]
    assert scratch == ["wasm", "binary", "tools", "everything"]
    binaries = [name for name, s in stages.items() if dockerfile.shell_less_binary(s)]
    assert binaries == ["binary"]


def test_images_pulled_by_copy_and_mounts() -> None:
    dockerfile = parse(
        "FROM golang:1.23.4 AS build\n"
        "COPY --from=build /a /b\n"
        "COPY --from=0 /a /b\n"
        "COPY --from=nginx:1.27.3 /etc/nginx /etc/nginx\n"
        'COPY --from="gloursdocker/docker" / /\n'
        "RUN --mount=type=bind,from=busybox:1.37.0,source=/bin,target=/tools \\\n"
        "    --mount=type=cache,target=/root/.cache --mount=from=BUILD,target=/x true\n"
        "ONBUILD COPY --from=alpine:3.20 /etc/os-release /\n"
        "COPY --from=later /a /b\n"
        "FROM scratch AS later\n"
    )
    assert [
        (i.text, i.origin, i.span.line, i.span.column, i.span.end_column) for i in dockerfile.images
    ] == [
        ("golang:1.23.4", "FROM", 1, 6, 19),
        ("nginx:1.27.3", "COPY --from", 4, 13, 25),
        ("gloursdocker/docker", "COPY --from", 5, 14, 33),
        ("busybox:1.37.0", "RUN --mount from", 6, 28, 42),
        ("alpine:3.20", "ONBUILD COPY --from", 8, 21, 32),
    ]
