"""The shell reading behind the Dockerfile RUN rules: commands, pipes, here-documents."""

from __future__ import annotations

from pathlib import Path

from opslint.rules.dockerfile._scripts import lex, programs, run_scripts, sets_pipefail

from opslint.model.base import Span
from opslint.model.source import SourceFile
from opslint.parsers.dockerfile import parse_dockerfile

PATH = "Dockerfile"


def words(text: str) -> list[list[str]]:
    return [[w.text for w in command] for command in lex(text)[0]]


def test_commands_and_redirections() -> None:
    text = "apt-get update && X=1 sudo -u app env A=2 make >/dev/null 2>&1; echo 'a && b'"
    assert words(text) == [
        ["apt-get", "update"],
        ["X=1", "sudo", "-u", "app", "env", "A=2", "make"],
        ["echo", "a && b"],
    ]
    commands = lex(text)[0]
    assert [w.text for w in programs(commands[1])] == ["sudo", "env", "make"]
    make = commands[1][-1]
    assert text[make.start : make.end] == "make"


def test_pipes_skip_or_case_patterns_quotes_and_redirections() -> None:
    text = (
        'case "$a" in x|y) echo 1 ;; esac; test -f x || grep "a|b" f >| out; '
        "curl -fsSL u 2>&1 | tar -xz"
    )
    found = lex(text)[1]
    assert [(p.offset, p.length, p.left) for p in found] == [(text.index("| tar"), 1, ("curl",))]


def test_pipes_after_groups_and_in_substitutions() -> None:
    text = '{ echo a; cat f; } |& sort; V="$(uname -m | tr a b)"'
    found = lex(text)[1]
    assert [(p.offset, p.length, p.left) for p in found] == [
        (text.index("|&"), 2, ("echo", "cat")),
        (text.index("| tr"), 1, ("uname",)),
    ]


def test_sets_pipefail() -> None:
    assert sets_pipefail(["set", "-euxo", "pipefail"])
    assert sets_pipefail(["-e", "-o", "pipefail", "-c"])
    assert not sets_pipefail(["set", "-e", "pipefail"])
    assert not sets_pipefail(["set", "--", "pipefail"])


def test_run_scripts_locate_words_in_heredocs_and_onbuild() -> None:
    text = (
        "FROM debian:12-slim\n"
        "ONBUILD RUN cd /app && \\\n"
        "    sudo make\n"
        "RUN <<EOF\n"
        "\tset -e\n"
        "EOF\n"
        "RUN cat <<EOF > /etc/x.conf\n"
        "a | b\n"
        "EOF\n"
    )
    dockerfile = parse_dockerfile(SourceFile(Path(PATH), PATH, text=text))
    onbuild, heredoc, data = dockerfile.instructions[1:]
    [script] = run_scripts(dockerfile, onbuild)
    sudo = lex(script.command.text)[0][1][0]
    assert script.command.locate(sudo.start, 4) == Span(PATH, 3, 5, 3, 9)
    scripts = run_scripts(dockerfile, heredoc)
    assert [s.heredoc for s in scripts] == [False, True]
    set_word = lex(scripts[1].command.text)[0][0][0]
    assert scripts[1].command.locate(set_word.start, 3) == Span(PATH, 5, 2, 5, 5)
    assert [s.heredoc for s in run_scripts(dockerfile, data)] == [False]
