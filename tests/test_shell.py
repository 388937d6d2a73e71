"""The shell reader: words and their offsets, commands, pipes, groups, substitutions,
here-documents, comments, quotes and redirections, and the program a command runs."""

from __future__ import annotations

import pytest

from opslint.ruleapi.shell import (
    MEMO_SIZE,
    Word,
    basename,
    commands,
    only_simulates,
    pip_arguments,
    pipes,
    positionals,
    program,
    programs,
    read,
    reads_script,
    verb,
)


def texts(script: str) -> list[list[str]]:
    return [[w.text for w in command] for command in commands(script)]


def words(text: str) -> list[Word]:
    return commands(text)[0]


def test_commands_separators_quotes_comments_and_redirections() -> None:
    script = (
        "apt-get update && apt-get install -y x; echo 'a && b' | tee f\n"
        "npm install > /dev/null 2>&1 || true # npm install again\n"
        'X=1 sudo -E npm "install" \\\n  --omit=dev'
    )
    assert texts(script) == [
        ["apt-get", "update"],
        ["apt-get", "install", "-y", "x"],
        ["echo", "a && b"],
        ["tee", "f"],
        ["npm", "install"],
        ["true"],
        ["X=1", "sudo", "-E", "npm", "install", "--omit=dev"],
    ]
    quoted = commands(script)[-1][4]
    assert (quoted.start, quoted.end) == (script.index('"install"'), script.index('"install"') + 9)
    assert script[quoted.start : quoted.end] == '"install"'


def test_exact_offsets_of_words() -> None:
    script = "cd /app &&\tmake  'x y'\\ z"
    found = commands(script)
    assert [(w.text, w.start, w.end) for w in found[0]] == [("cd", 0, 2), ("/app", 3, 7)]
    assert [(w.text, w.start, w.end) for w in found[1]] == [
        ("make", 11, 15),
        ("x y z", 17, 25),
    ]


def test_quotes_and_escapes() -> None:
    assert texts(r"""echo "a \"b\" \$c" 'd \n' e\;f""") == [["echo", 'a "b" $c', "d \\n", "e;f"]]
    assert texts("echo 'unclosed ; still quoted") == [["echo", "unclosed ; still quoted"]]


def test_comments_only_at_the_start_of_a_word() -> None:
    assert texts("# all comment\necho a#b # c ; d\nls") == [["echo", "a#b"], ["ls"]]
    assert texts("echo ${#list} $#") == [["echo", "${#list}", "$#"]]


def test_redirections_drop_their_target() -> None:
    script = "make >/dev/null 2>&1 &> log 3>&- <in >| out >>app.log; cat <<< 'text' file"
    assert texts(script) == [["make"], ["cat", "file"]]


def test_expansions_and_ci_expressions_stay_one_word() -> None:
    script = "echo ${A:-x y} ${{ format('{0} {1}', a, b) }} $((1 + 2))"
    assert texts(script) == [["echo", "${A:-x y}", "${{ format('{0} {1}', a, b) }}", "$((1 + 2))"]]


def test_command_substitutions_stay_in_their_word_and_their_commands_run_first() -> None:
    script = 'docker build -t app:$(git rev-parse --short HEAD) . && V="$(uname -m)" `id -u`'
    assert texts(script) == [
        ["git", "rev-parse", "--short", "HEAD"],
        ["docker", "build", "-t", "app:$(git rev-parse --short HEAD)", "."],
        ["uname", "-m"],
        ["id", "-u"],
        ["V=$(uname -m)", "`id -u`"],
    ]
    git = commands(script)[0][0]
    assert (git.start, git.end) == (script.index("git"), script.index("git") + 3)


def test_groups_and_subshells() -> None:
    assert texts("{ cd /x; make; } && (cd /y && ls)") == [
        ["{", "cd", "/x"],
        ["make"],
        ["}"],
        ["cd", "/y"],
        ["ls"],
    ]


def test_case_patterns_are_not_commands() -> None:
    script = 'case "$(uname -m)" in x86_64|amd64) a=1 ;; arm*) b=2 ;; esac; echo done'
    assert texts(script) == [
        ["uname", "-m"],
        ["case", "$(uname -m)"],
        ["a=1"],
        ["b=2"],
        ["echo", "done"],
    ]
    assert pipes(script) == []


def test_pipes_skip_or_case_patterns_quotes_and_redirections() -> None:
    script = (
        'case "$a" in x|y) echo 1 ;; esac; test -f x || grep "a|b" f >| out; '
        "curl -fsSL u 2>&1 | tar -xz"
    )
    found = pipes(script)
    assert [(p.offset, p.length, p.left) for p in found] == [(script.index("| tar"), 1, ("curl",))]


def test_pipes_after_groups_and_in_substitutions() -> None:
    script = '{ echo a; cat f; } |& sort; V="$(uname -m | tr a b)"; echo $(id) | wc'
    found = pipes(script)
    assert [(p.offset, p.length, p.left) for p in found] == [
        (script.index("|&"), 2, ("echo", "cat")),
        (script.index("| tr"), 1, ("uname",)),
        (script.index("| wc"), 1, ("echo",)),
    ]


def test_pipe_feeders_are_commands_from_the_program_on() -> None:
    script = 'A="$(env LC_ALL=C dpkg --print-architecture | cut -d- -f2)"; (uname -m; nproc) | x'
    assert [p.feeders for p in pipes(script)] == [
        (("dpkg", "--print-architecture"),),
        (("uname", "-m"), ("nproc",)),
    ]


def test_heredoc_bodies_are_data() -> None:
    script = "cat <<EOF | kubectl apply -f -\nkind: Namespace\nrm -rf /\nEOF\necho done"
    result = read(script)
    assert texts(script) == [["cat"], ["kubectl", "apply", "-f", "-"], ["echo", "done"]]
    [heredoc] = result.heredocs
    assert heredoc.delimiter == "EOF" and not heredoc.script
    assert script[heredoc.start : heredoc.end] == "kind: Namespace\nrm -rf /"


def test_heredoc_bodies_fed_to_a_shell_are_scripts() -> None:
    script = "sudo bash -s <<-'END'\n\tapt-get update\n\tEND\nls"
    assert texts(script) == [["sudo", "bash", "-s"], ["apt-get", "update"], ["ls"]]
    update = commands(script)[1][0]
    assert script[update.start : update.end] == "apt-get"
    assert read(script).heredocs[0].script


def test_unterminated_heredoc_runs_to_the_end() -> None:
    script = "cat > f <<EOF\nnpm install"
    assert texts(script) == [["cat"]]
    [heredoc] = read(script).heredocs
    assert script[heredoc.start : heredoc.end] == "npm install"


def test_odd_input_never_raises() -> None:
    for script in ("", "\\", "'", '"$(', "$(", "`", "${", "${{", "<<", "a |", "( ) { } ;;", "esac"):
        read(script)


@pytest.mark.parametrize(
    ("script", "names", "runs"),
    [
        ("X=1 sudo -u app env A=2 make all", ["sudo", "env", "make"], ["make", "all"]),
        ("if ! /usr/bin/sudo -E npm ci; then", ["/usr/bin/sudo", "npm"], ["npm", "ci"]),
        ("xargs -n 1 -I{} apt-get install {}", ["xargs", "apt-get"], ["apt-get", "install", "{}"]),
        ("command -v apt-get", ["command"], ["command", "-v", "apt-get"]),
        ("nohup stdbuf -oL eatmydata ./run", ["nohup", "stdbuf", "eatmydata", "./run"], ["./run"]),
        ("A=1 B=2", [], []),
        ("} || true", [], []),
    ],
)
def test_programs(script: str, names: list[str], runs: list[str]) -> None:
    found = commands(script)[0]
    assert [w.text for w in programs(found)] == names
    assert [w.text for w in program(found)] == runs


def test_positionals_and_verb() -> None:
    found = words("apt-get -o Dpkg::Options=x -y install --no-install-recommends curl")
    assert [w.text for w in positionals(found[1:], frozenset({"-o"}))] == ["install", "curl"]
    assert [w.text for w in positionals(found[1:])] == ["Dpkg::Options=x", "install", "curl"]
    action, rest = verb(found[1:], frozenset({"-o"}))
    assert action is not None and action.text == "install"
    assert [w.text for w in rest] == ["--no-install-recommends", "curl"]
    assert verb(words("apt-get -y")[1:], frozenset()) == (None, [])


def test_basename_pip_arguments_and_stdin_scripts() -> None:
    assert basename("C:\\Tools\\Choco.EXE") == "choco"
    assert basename("/usr/bin/apt-get") == "apt-get"
    pip = pip_arguments(words("python3.12 -m pip install -r r.txt"))
    assert pip is not None and [w.text for w in pip] == ["install", "-r", "r.txt"]
    assert pip_arguments(words("python3 -m venv .venv")) is None
    assert pip_arguments(words("pip3 list")) is not None
    assert reads_script(words("sudo sh -s"))
    assert not reads_script(words("bash -ec 'x'"))
    assert not reads_script(words("python3"))


@pytest.mark.parametrize(
    ("manager", "arguments", "simulates"),
    [
        ("apt", ["install", "-s", "curl"], True),
        ("apt", ["-qs", "install", "curl"], True),
        ("apt", ["install", "--no-act", "curl"], True),
        ("apt", ["install", "--print-uris", "curl"], True),
        ("apt", ["-tstable", "install", "curl"], False),
        ("apt", ["-o", "Dir=/s", "install", "curl"], False),
        ("apt", ["install", "-d", "curl"], False),
        ("apk", ["add", "-s", "curl"], True),
        ("apk", ["add", "-X", "https://s.example", "curl"], False),
        ("npm", ["install", "--dry-run=true"], True),
        ("npm", ["install", "--dry-run=false"], False),
        ("yarn", ["install", "--mode", "update-lockfile"], True),
        ("yarn", ["install", "--mode", "skip-build"], False),
        ("pnpm", ["install", "--lockfile-only"], True),
        ("gem", ["install", "--explain", "rails"], True),
        ("cargo", ["install", "--dry-run", "ripgrep"], False),
    ],
)
def test_only_simulates(manager: str, arguments: list[str], simulates: bool) -> None:
    assert only_simulates(manager, arguments) is simulates


def test_a_script_is_read_once_while_it_is_among_the_last_read() -> None:
    script = "apt-get update && apt-get install -y curl | tee log"
    first = read(script)
    assert read(script) is first
    assert [[w.text for w in c] for c in first.commands] == [
        ["apt-get", "update"],
        ["apt-get", "install", "-y", "curl"],
        ["tee", "log"],
    ]
    for number in range(MEMO_SIZE):
        read(f"echo {number}")
    again = read(script)
    assert again is not first  # forgotten, read anew: the same reading
    assert again == first
