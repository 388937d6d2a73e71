"""What a scanned tree can make opslint read and publish: links out of the tree, paths
written in its files, and secret values in every report format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from opslint.cli import main

FORMATS = ("text", "json", "sarif", "github", "gitlab")
AWS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
LINK_NOTE = "symbolic link to a location outside the checked paths; not followed"


def check(
    capsys: pytest.CaptureFixture[str], *args: str, select: str = "DF101,OP001"
) -> tuple[int, str, str]:
    """`opslint check --isolated` with `args`; (exit status, stdout, stderr)."""
    code = main(["check", "--isolated", "--select", select, *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository (the working directory) beside a folder `outside` it."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "creds.env").write_text(f"AWS_SECRET_ACCESS_KEY={AWS_KEY}\n")
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "app").mkdir()
    (root / "app" / "Dockerfile").write_text("FROM alpine:3.20\nUSER root\n")
    monkeypatch.chdir(root)
    return root


@pytest.mark.parametrize("format", FORMATS)
def test_a_file_link_to_a_secret_outside_is_never_read(
    repo: Path, capsys: pytest.CaptureFixture[str], format: str
) -> None:
    (repo / "Dockerfile").symlink_to("../outside/creds.env")
    code, out, err = check(capsys, "--format", format, ".")
    assert code == 1  # app/Dockerfile's DF101
    assert AWS_KEY not in out + err
    assert "AWS_SECRET_ACCESS_KEY" not in out + err
    assert f"opslint: note: Dockerfile: {LINK_NOTE}\n" in err


def test_a_link_named_on_the_command_line_that_leaves_the_repository(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "Dockerfile").symlink_to(repo.parent / "outside" / "creds.env")
    code, out, err = check(capsys, "-f", "json", "Dockerfile")
    assert (code, json.loads(out)["notes"]) == (0, [f"Dockerfile: {LINK_NOTE}"])
    assert AWS_KEY not in out + err


def test_a_folder_link_out_of_the_tree_is_not_walked(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    etc = repo.parent / "outside" / "etc"
    etc.mkdir()
    (etc / "Dockerfile").write_text("FROM alpine:3.20\nUSER root\n")
    (repo / "deep" / "er").mkdir(parents=True)
    (repo / "deep" / "er" / "etc").symlink_to(etc, target_is_directory=True)
    code, out, _ = check(capsys, "-f", "json", ".")
    report = json.loads(out)
    assert code == 1
    assert {f["path"] for f in report["findings"]} == {"app/Dockerfile"}
    assert report["summary"]["files"] == 1
    assert report["notes"] == [f"deep/er/etc: {LINK_NOTE}"]


def test_links_that_stay_inside_keep_working(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "web").mkdir()
    (repo / "web" / "Dockerfile").symlink_to("../app/Dockerfile")
    (repo / "alias").symlink_to("app", target_is_directory=True)
    code, out, _ = check(capsys, "-f", "json", ".")
    report = json.loads(out)
    assert code == 1
    assert [(f["code"], f["path"], f["line"]) for f in report["findings"]] == [
        ("DF101", "alias/Dockerfile", 2),
        ("DF101", "web/Dockerfile", 2),
    ]
    assert report["notes"] == ["app: symlink loop or repeated folder; skipped"]
    code, out, _ = check(capsys, "-f", "json", "alias")  # a named link within the repository
    assert [(f["path"], f["line"]) for f in json.loads(out)["findings"]] == [
        ("alias/Dockerfile", 2)
    ]


def test_a_path_written_in_a_scanned_file_is_not_read_outside_the_repository(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = repo.parent / "outside" / "Dockerfile"
    outside.write_text(f"FROM alpine:3.20\nENV AWS_SECRET_ACCESS_KEY={AWS_KEY}\n")
    (repo / "compose.yaml").write_text(
        f"services:\n  app:\n    build:\n      context: .\n      dockerfile: {outside}\n"
    )
    code, out, err = check(capsys, "-f", "json", ".", select="ALL")
    assert code == 1
    assert AWS_KEY not in out + err
    assert (
        f"{outside.as_posix()}: outside the checked paths and their repository; not read"
        in (json.loads(out)["notes"])
    )


def test_a_dockerignore_link_out_of_the_tree_is_not_read(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "app" / ".dockerignore").symlink_to(repo.parent / "outside" / "creds.env")
    (repo / "app" / "Dockerfile").write_text("FROM alpine:3.20\nCOPY . /app\n")
    code, out, _ = check(capsys, "-f", "json", "app", select="DF108")
    messages = [f["message"] for f in json.loads(out)["findings"]]
    assert code == 1
    assert len(messages) == 1 and "no .dockerignore" in messages[0]
