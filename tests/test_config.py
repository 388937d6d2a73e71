"""Configuration: where it is found, what each key does, and that bad keys stop the run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_cli import CLEAN, NO_HEALTHCHECK, OFF_RULE, ROOT_USER, Cli

from opslint.config import Config, ConfigError, discover, from_mapping
from opslint.severity import Severity

OPTIONS_RULE = '''
from collections.abc import Iterator
from dataclasses import dataclass

from opslint import Finding, Severity, rule
from opslint.model.dockerfile import Instruction


@dataclass(frozen=True)
class Options:
    max_length: int = 40
    banned: tuple[str, ...] = ()


@rule("XT901", "long-run", Severity.WARNING)
def long_run(instruction: Instruction, options: Options) -> Iterator[Finding]:
    """RUN instructions are short."""
    if instruction.keyword == "RUN" and len(instruction.arguments) > options.max_length:
        yield Finding(instruction.keyword_span, f"RUN longer than {options.max_length}")
    for word in options.banned:
        if word in instruction.arguments:
            yield Finding(instruction.keyword_span, f"banned word {word}")
'''
LONG_RUN = "FROM alpine:3.20\nRUN echo 0123456789 0123456789\nUSER app\nHEALTHCHECK NONE\n"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    monkeypatch.delenv("OPSLINT_FORMAT", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    return Cli(tmp_path, monkeypatch, capsys)


def found(cli: Cli, *args: str) -> set[tuple[str, str, int]]:
    cli("check", "--format", "json", *args)
    return {(code, path, line) for code, path, line, _ in cli.codes()}


def trusted(cli: Cli, text: str) -> None:
    """Write `.opslint.toml` and trust it, as its owner would after reviewing it."""
    cli.write(".opslint.toml", text)
    assert cli("trust", ".") == 0


def test_unknown_key_in_pyproject(cli: Cli) -> None:
    cli.write("pyproject.toml", "[project]\nname = 'x'\n[tool.opslint]\nselekt = ['DF']\n")
    cli.write("Dockerfile", CLEAN)
    assert cli("check", ".") == 2
    assert "pyproject.toml: unknown configuration key `selekt`" in cli.err


def test_unknown_key_in_opslint_toml(cli: Cli) -> None:
    cli.write(".opslint.toml", "fail_on = 'error'\n")
    cli.write("Dockerfile", CLEAN)
    assert cli("check", ".") == 2
    assert ".opslint.toml: unknown configuration key `fail_on`" in cli.err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("select = 'DF101'\n", "`select` must be a list of strings"),
        ("fail-on = 'fatal'\n", "unknown severity 'fatal'"),
        ("max-file-size = -1\n", "`max-file-size` must be a positive number"),
        ("severity = { DF101 = 'loud' }\n", "severity.DF101"),
        ("severity = { ZZ999 = 'info' }\n", "severity given for unknown rule `ZZ999`"),
        ("rules = { ZZ999 = { x = 1 } }\n", "options given for unknown rule `ZZ999`"),
        ("rules = { DF101 = { x = 1 } }\n", "rule DF101 takes no options"),
        ("respect-gitignore = 'yes'\n", "respect-gitignore"),
        (
            "defaults = { cpu-requests = '1' }\n",
            ".opslint.toml: unknown key(s) in `defaults`: cpu-requests (known: restart, ",
        ),
        ("select = [\n", ".opslint.toml: Invalid value"),
    ],
)
def test_bad_values_exit_2(cli: Cli, text: str, message: str) -> None:
    cli.write(".opslint.toml", text)
    cli.write("Dockerfile", CLEAN)
    assert cli("check", ".") == 2
    assert message in cli.err


def test_pyproject_without_table_is_skipped(cli: Cli) -> None:
    cli.write(".opslint.toml", "select = ['DF102']\n")
    cli.write("sub/pyproject.toml", "[project]\nname = 'x'\n")
    cli.write("sub/Dockerfile", NO_HEALTHCHECK)
    assert found(cli, "sub") == {("DF102", "sub/Dockerfile", 1)}


def test_config_found_walking_up_from_the_scanned_path(
    cli: Cli, tmp_path_factory: pytest.TempPathFactory
) -> None:
    cli.write("pyproject.toml", "[tool.opslint]\nselect = ['DF102']\n")
    cli.write("a/b/Dockerfile", NO_HEALTHCHECK)
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    config = discover(cli.folder / "a" / "b" / "Dockerfile")
    assert config.select == ("DF102",)
    assert config.root == cli.folder.resolve()
    assert config.source == cli.folder / "pyproject.toml"
    cli.monkeypatch.chdir(elsewhere)
    assert discover(elsewhere).select is None
    target = str(cli.folder / "a" / "b")
    cli.folder = elsewhere
    assert cli("check", "--format", "json", target) == 1
    assert {code for code, *_ in cli.codes()} == {"DF102"}


def test_nearest_config_wins_and_opslint_toml_beats_pyproject(cli: Cli) -> None:
    cli.write("pyproject.toml", "[tool.opslint]\nselect = ['DF101']\n")
    cli.write("a/pyproject.toml", "[tool.opslint]\nselect = ['DF102']\n")
    cli.write("a/.opslint.toml", "select = ['IM001']\n")
    assert discover(cli.folder / "a").select == ("IM001",)
    assert discover(cli.folder).select == ("DF101",)


def test_explicit_config_and_isolated(cli: Cli) -> None:
    cli.write(".opslint.toml", "select = ['DF101']\n")
    cli.write("other.toml", "[tool.opslint]\nselect = ['DF102']\n")
    cli.write("Dockerfile", NO_HEALTHCHECK)
    assert found(cli, ".") == set()
    assert found(cli, "--config", "other.toml", ".") == {("DF102", "Dockerfile", 1)}
    assert ("DF102", "Dockerfile", 1) in found(cli, "--isolated", "--select", "DF,DF102", ".")
    cli.write("pyproject.toml", "[project]\nname = 'x'\n")
    assert cli("check", "--config", "pyproject.toml", ".") == 2
    assert "pyproject.toml has no [tool.opslint] table" in cli.err


def test_select_ignore_extend_select_and_prefixes(cli: Cli) -> None:
    cli.write("Dockerfile", "FROM alpine\nUSER root\nRUN cd /tmp && ls\n")
    everything = {
        ("DF101", "Dockerfile", 2),
        ("DF114", "Dockerfile", 3),
        ("IM001", "Dockerfile", 1),
    }
    assert everything <= found(cli, "--isolated", ".")
    assert found(cli, "--isolated", "--select", "DF", ".") == {
        ("DF101", "Dockerfile", 2),
        ("DF114", "Dockerfile", 3),
    }
    assert found(cli, "--isolated", "--select", "DF", "--ignore", "DF114", ".") == {
        ("DF101", "Dockerfile", 2)
    }
    assert found(cli, "--isolated", "--select", "non-root-user", ".") == {
        ("DF101", "Dockerfile", 2)
    }
    assert found(cli, "--isolated", "--select", "DF101", "--extend-select", "IM", ".") == {
        ("DF101", "Dockerfile", 2),
        ("IM001", "Dockerfile", 1),
    }
    cli.write(".opslint.toml", "select = ['DF']\nignore = ['DF101']\nextend-select = ['IM001']\n")
    assert found(cli, ".") == {("DF114", "Dockerfile", 3), ("IM001", "Dockerfile", 1)}
    # flags add to the file's ignore and extend-select; --select replaces it
    assert found(cli, "--ignore", "IM001", ".") == {("DF114", "Dockerfile", 3)}
    assert found(cli, "--select", "IM001", ".") == {("IM001", "Dockerfile", 1)}


def test_select_all_enables_rules_that_are_off_by_default(cli: Cli) -> None:
    rule_file = cli.write("checks/off.py", OFF_RULE)
    cli.write("Dockerfile", CLEAN)
    path = ["--isolated", "--rule-path", str(rule_file.parent)]
    assert found(cli, *path, ".") == set()
    assert found(cli, *path, "--select", "XT", ".") == set()  # a prefix keeps it off
    # ALL also turns on the builtin rules that are off by default (IM002 digest pinning)
    assert ("XT900", "Dockerfile", 1) in found(cli, *path, "--select", "ALL", ".")
    assert found(cli, *path, "--select", "XT900", ".") == {("XT900", "Dockerfile", 1)}
    assert found(cli, *path, "--extend-select", "every-dockerfile", ".") >= {
        ("XT900", "Dockerfile", 1)
    }
    trusted(cli, "rule-paths = ['checks']\nextend-select = ['XT900']\n")
    assert ("XT900", "Dockerfile", 1) in found(cli, ".")


def test_per_file_ignores(cli: Cli) -> None:
    cli.write("svc/a/Dockerfile", ROOT_USER)
    cli.write("svc/b/Dockerfile", ROOT_USER)
    cli.write("legacy.Dockerfile", ROOT_USER)
    cli.write(
        ".opslint.toml",
        "select = ['DF101']\n[per-file-ignores]\n'svc/a/*' = ['DF']\n"
        "'*.Dockerfile' = ['non-root-user']\n",
    )
    assert found(cli, ".") == {("DF101", "svc/b/Dockerfile", 2)}
    # globs are anchored at the config's folder, wherever the run starts
    cli.monkeypatch.chdir(cli.folder / "svc")
    cli.folder = cli.folder / "svc"
    assert found(cli, ".") == {("DF101", "b/Dockerfile", 2)}


def test_severity_overrides(cli: Cli) -> None:
    cli.write("Dockerfile", ROOT_USER)
    cli.write(
        ".opslint.toml", "select = ['DF101']\nfail-on = 'warning'\n[severity]\nDF101 = 'info'\n"
    )
    assert cli("check", "--format", "json", ".") == 0
    data = json.loads(cli.out)
    assert data["findings"][0]["severity"] == "info"
    assert cli("check", "--fail-on", "info", ".") == 1
    cli.write(".opslint.toml", "select = ['DF101']\n[severity]\nnon-root-user = 'warning'\n")
    assert cli("check", "--format", "json", ".") == 1
    assert json.loads(cli.out)["findings"][0]["severity"] == "warning"


def test_rule_options(cli: Cli) -> None:
    rule_file = cli.write("checks/long_run.py", OPTIONS_RULE)
    cli.write("Dockerfile", LONG_RUN)
    base = f"rule-paths = ['{rule_file.parent.name}']\nselect = ['XT901']\n"
    trusted(cli, base)
    assert found(cli, ".") == set()
    trusted(cli, base + "[rules.XT901]\nmax-length = 10\n")
    assert found(cli, ".") == {("XT901", "Dockerfile", 2)}
    trusted(cli, base + "[rules.long-run]\nbanned = ['echo']\n")
    assert found(cli, ".") == {("XT901", "Dockerfile", 2)}
    trusted(cli, base + "[rules.XT901]\nmax-lenght = 10\n")
    assert cli("check", ".") == 2
    assert "rule XT901 has no option 'max-lenght' (options: banned, max-length)" in cli.err
    trusted(cli, base + "[rules.XT901]\nmax-length = 'ten'\n")
    assert cli("check", ".") == 2
    assert "option 'max-length' of rule XT901 must be int" in cli.err


def test_exclude_and_extend_exclude(cli: Cli) -> None:
    cli.write("keep/Dockerfile", ROOT_USER)
    cli.write("vendor/Dockerfile", ROOT_USER)
    cli.write("build/out/Dockerfile", ROOT_USER)
    cli.write(
        ".opslint.toml", "select = ['DF101']\nexclude = ['vendor/']\nextend-exclude = ['out']\n"
    )
    assert found(cli, ".") == {("DF101", "keep/Dockerfile", 2)}
    # a file named on the command line is checked unless --force-exclude
    assert found(cli, "vendor/Dockerfile") == {("DF101", "vendor/Dockerfile", 2)}
    assert found(cli, "--force-exclude", "vendor/Dockerfile") == set()


def test_test_input_folders_are_excluded_by_default(cli: Cli) -> None:
    for folder in ("keep", "testdata", "a/fixtures", "tests/test-cases/x", "__fixtures__"):
        cli.write(f"{folder}/Dockerfile", ROOT_USER)
    cli.write("fixtures.Dockerfile", ROOT_USER)  # a file so named is not a folder of inputs
    assert found(cli, "--isolated", "--select", "DF101", ".") == {
        ("DF101", "keep/Dockerfile", 2),
        ("DF101", "fixtures.Dockerfile", 2),
    }
    assert found(cli, "--isolated", "--select", "DF101", "testdata/Dockerfile") == {
        ("DF101", "testdata/Dockerfile", 2)
    }
    # run from another folder, so that the tree lies out of the root: still excluded
    project = Cli(cli.folder.parent / f"{cli.folder.name}-project", cli.monkeypatch, cli.capsys)
    project.folder.mkdir()
    assert len(found(project, "--isolated", "--select", "DF101", str(cli.folder))) == 2
    cli.write(".opslint.toml", "select = ['DF101']\nexclude = []\n")
    assert len(found(cli, ".")) == 6
    cli.write(".opslint.toml", "select = ['DF101']\nextend-exclude = ['keep/']\n")
    assert found(cli, ".") == {("DF101", "fixtures.Dockerfile", 2)}


def test_gitignore_is_honoured(cli: Cli) -> None:
    (cli.folder / ".git").mkdir()
    cli.write(".gitignore", "generated/\n*.tmp.Dockerfile\n")
    cli.write("sub/.gitignore", "local/\n")
    cli.write("generated/Dockerfile", ROOT_USER)
    cli.write("x.tmp.Dockerfile", ROOT_USER)
    cli.write("sub/local/Dockerfile", ROOT_USER)
    cli.write("sub/Dockerfile", ROOT_USER)
    cli.write(".opslint.toml", "select = ['DF101']\n")
    assert found(cli, ".") == {("DF101", "sub/Dockerfile", 2)}
    assert found(cli, "sub") == {("DF101", "sub/Dockerfile", 2)}
    assert len(found(cli, "--no-gitignore", ".")) == 4
    cli.write(".opslint.toml", "select = ['DF101']\nrespect-gitignore = false\n")
    assert len(found(cli, ".")) == 4


def test_kinds_table(cli: Cli) -> None:
    cli.write("images/base.txt", ROOT_USER)
    cli.write(".opslint.toml", "select = ['DF101']\n[kinds]\n'images/*.txt' = 'dockerfile'\n")
    assert found(cli, ".") == {("DF101", "images/base.txt", 2)}


def test_from_mapping_defaults() -> None:
    config = from_mapping({}, Path(), None)
    assert config == Config(root=Path())
    assert config.fail_on is Severity.INFO
    with pytest.raises(ConfigError, match="unknown configuration key `nope`"):
        from_mapping({"nope": 1}, Path(), None)
