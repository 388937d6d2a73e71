"""The scripts a Dockerfile RUN executes: here-documents, ONBUILD, and pipefail options."""

from __future__ import annotations

from pathlib import Path

from opslint.model.base import Span
from opslint.model.source import SourceFile
from opslint.parsers.dockerfile import parse_dockerfile
from opslint.ruleapi.shell import commands
from opslint.rules.dockerfile._scripts import run_scripts, sets_pipefail

PATH = "Dockerfile"


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
    sudo = commands(script.command.text)[1][0]
    assert script.command.locate(sudo.start, 4) == Span(PATH, 3, 5, 3, 9)
    scripts = run_scripts(dockerfile, heredoc)
    assert [s.heredoc for s in scripts] == [False, True]
    set_word = commands(scripts[1].command.text)[0][0]
    assert scripts[1].command.locate(set_word.start, 3) == Span(PATH, 5, 2, 5, 5)
    assert [s.heredoc for s in run_scripts(dockerfile, data)] == [False]


def test_heredocs_fed_to_a_shell_with_c_are_data() -> None:
    text = "FROM debian:12-slim\nRUN bash -c 'cat' <<EOF\necho hi\nEOF\nRUN sh -s <<EOF\nls\nEOF\n"
    dockerfile = parse_dockerfile(SourceFile(Path(PATH), PATH, text=text))
    with_c, stdin = dockerfile.instructions[1:]
    assert [s.heredoc for s in run_scripts(dockerfile, with_c)] == [False]
    assert [s.heredoc for s in run_scripts(dockerfile, stdin)] == [False, True]
