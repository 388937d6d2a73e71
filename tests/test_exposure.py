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
    (repo / "web" / "templates").mkdir(parents=True)
    (repo / "web" / "Chart.yaml").write_text("apiVersion: v2\nname: web\nversion: 0.1.0\n")
    (repo / "web" / "values-prod.yaml").symlink_to(repo.parent / "outside" / "creds.env")
    (repo / "web" / "templates" / "leak.yaml").symlink_to(repo.parent / "outside" / "creds.env")
    code, out, err = check(
        capsys, "--format", format, "--helm-renderer", "none", ".", select="DF101,OP001,HL"
    )
    assert code == 1  # app/Dockerfile's DF101
    assert AWS_KEY not in out + err
    assert "AWS_SECRET_ACCESS_KEY" not in out + err
    for link in ("Dockerfile", "web/templates/leak.yaml", "web/values-prod.yaml"):
        assert f"opslint: note: {link}: {LINK_NOTE}\n" in err


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


SECRET = "hunter2-x9"
LEAKY = (
    "FROM alpine:3.20\n"
    f"ENV DB_PASSWORD={SECRET}\n"
    f"WORKDIR DB_PASSWORD={SECRET}\n"
    "USER app\n"
    f"DB_PASSWORD={SECRET}\n"
)
"""A Dockerfile whose secret SE001 finds, a DF113 message quotes, and an OP001 line holds."""
MASKED_SELECT = "SE001,OP001,DF113"


@pytest.fixture
def leaky(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "Dockerfile").write_text(LEAKY)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def without_summary(text: str) -> str:
    return text[: text.rindex("\n", 0, -1) + 1]


def test_text_masks_secrets_in_excerpts_and_messages(
    leaky: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = check(capsys, ".", select=MASKED_SELECT)
    assert (code, err) == (1, "")
    assert without_summary(out) == (
        "Dockerfile\n"
        "Dockerfile:2:17 SE001 hardcoded-secret `DB_PASSWORD` is set to a literal secret: "
        "pass it from a secret store or the environment instead\n"
        "2 | ENV DB_PASSWORD=***\n"
        "  |                 ^^^\n"
        "Dockerfile:3:9 DF113 absolute-workdir WORKDIR `DB_PASSWORD=***` is relative, so it "
        "depends on the WORKDIR before it: write the absolute path\n"
        "3 | WORKDIR DB_PASSWORD=***\n"
        "  |         ^^^^^^^^^^^^^^^\n"
        "Dockerfile:5:1 OP001 parse-error unknown instruction: the line does not start with "
        "a keyword\n"
        "5 | DB_PASSWORD=***\n"
        "  | ^^^^^^^^^^^^^^^\n"
        "\n"
    )


def test_secrets_are_masked_even_when_se001_does_not_run(
    leaky: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (leaky / "Dockerfile").write_text(LEAKY.replace("DB_PASSWORD=", "DB_PASSWORD ", 1))
    code, out, _ = check(capsys, ".", select="OP001")
    assert code == 1
    assert without_summary(out) == (
        "Dockerfile\n"
        "Dockerfile:5:1 OP001 parse-error unknown instruction: the line does not start with "
        "a keyword\n"
        "5 | DB_PASSWORD=***\n"
        "  | ^^^^^^^^^^^^^^^\n"
        "\n"
    )


def test_show_secrets_opts_out(leaky: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = check(capsys, "--show-secrets", ".", select="OP001")
    assert f"5 | DB_PASSWORD={SECRET}\n  | ^^^^^^^^^^^^^^^^^^^^^^\n" in out


def test_json_github_and_gitlab_mask_secrets(
    leaky: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = check(capsys, "-f", "json", ".", select=MASKED_SELECT)
    assert [f["message"] for f in json.loads(out)["findings"]] == [
        "`DB_PASSWORD` is set to a literal secret: pass it from a secret store or the "
        "environment instead",
        "WORKDIR `DB_PASSWORD=***` is relative, so it depends on the WORKDIR before it: "
        "write the absolute path",
        "unknown instruction: the line does not start with a keyword",
    ]
    _, out, _ = check(capsys, "-f", "github", ".", select="DF113")
    assert out == (
        "::warning file=Dockerfile,line=3,endLine=3,col=9,endColumn=31,"
        "title=opslint DF113 absolute-workdir::WORKDIR `DB_PASSWORD=***` is relative, so it "
        "depends on the WORKDIR before it: write the absolute path\n"
    )
    _, out, _ = check(capsys, "-f", "gitlab", ".", select="DF113")
    assert [issue["description"] for issue in json.loads(out)] == [
        "DF113 absolute-workdir: WORKDIR `DB_PASSWORD=***` is relative, so it depends on the "
        "WORKDIR before it: write the absolute path"
    ]


def fingerprints(
    capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[list[tuple[str, str]], list[str]]:
    """SARIF messages and line hashes, and GitLab fingerprints, of one run."""
    _, sarif, _ = check(capsys, "-f", "sarif", *args, ".", select=MASKED_SELECT)
    _, gitlab, _ = check(capsys, "-f", "gitlab", *args, ".", select=MASKED_SELECT)
    assert (SECRET in sarif + gitlab) == ("--show-secrets" in args)
    results = json.loads(sarif)["runs"][0]["results"]
    hashes = [
        (r["message"]["text"], r["partialFingerprints"]["primaryLocationLineHash"]) for r in results
    ]
    return hashes, [issue["fingerprint"] for issue in json.loads(gitlab)]


def test_sarif_and_gitlab_hash_the_masked_line(
    leaky: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = fingerprints(capsys)
    assert [text for text, _ in before[0]] == [
        "`DB_PASSWORD` is set to a literal secret: pass it from a secret store or the "
        "environment instead",
        "WORKDIR `DB_PASSWORD=***` is relative, so it depends on the WORKDIR before it: "
        "write the absolute path",
        "unknown instruction: the line does not start with a keyword",
    ]
    shown = fingerprints(capsys, "--show-secrets")
    (leaky / "Dockerfile").write_text(LEAKY.replace(SECRET, "rotated-42"))
    # a hash of the line cannot be turned back into the secret; rotating it (same length:
    # columns are part of GitLab's fingerprint) keeps every identity
    assert fingerprints(capsys) == before
    assert shown[1] != before[1]
    assert [h for _, h in shown[0]] != [h for _, h in before[0]]


def test_fix_diff_masks_secrets_unless_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "Dockerfile").write_text(f"FROM node:22\nRUN DB_PASSWORD={SECRET} npm install\n")
    monkeypatch.chdir(tmp_path)
    arguments = ["fix", "--isolated", "--select", "SH001", "--diff", "Dockerfile"]
    assert main(arguments) == 1
    out, err = capsys.readouterr()
    assert out == (
        "--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1,2 +1,2 @@\n FROM node:22\n"
        "-RUN DB_PASSWORD=*** npm install\n+RUN DB_PASSWORD=*** npm ci\n"
    )
    assert SECRET not in err
    assert main([*arguments, "--show-secrets"]) == 1
    assert f"+RUN DB_PASSWORD={SECRET} npm ci\n" in capsys.readouterr().out


def test_a_fix_that_would_write_a_secret_is_left_out_of_reports() -> None:
    from opslint.model.base import Edit, Finding, Fix, Span
    from opslint.safety.redact import Secrets

    span = Span("Dockerfile", 2, 5, 2, 9)
    finding = Finding(
        span,
        "`AWS_KEY` holds AKIAIOSFODNN7EXAMPLE",
        fix=Fix("quote it", (Edit(span, '"AKIAIOSFODNN7EXAMPLE"'),)),
    )
    kept = Finding(span, "quote it", fix=Fix("quote it", (Edit(span, '"x"'),)))
    assert Secrets().finding(finding) == Finding(span, "`AWS_KEY` holds ***", fix=None)
    assert Secrets().finding(kept) == kept


def test_a_plain_word_secret_is_masked_at_its_value_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  wordpress:\n    image: wordpress:6.6\n    restart: always\n"
        "    environment:\n      WORDPRESS_DB_PASSWORD: wordpress\n"
    )
    monkeypatch.chdir(tmp_path)
    _, out, _ = check(capsys, ".", select="SE001,DC102")
    assert without_summary(out) == (
        "compose.yaml\n"
        "compose.yaml:2:3 DC102 log-rotation service `wordpress` sets no `logging`, so its "
        "json-file log is never rotated: set `max-size` and `max-file` under "
        "`logging.options`\n"
        "2 |   wordpress:\n"
        "  |   ^^^^^^^^^\n"
        "  = help: set `log-max-size` and `log-max-file` in [tool.opslint.defaults] to let "
        "`opslint fix` add them\n"
        "compose.yaml:6:30 SE001 hardcoded-secret `WORDPRESS_DB_PASSWORD` is set to a literal "
        "secret: pass it from a secret store or the environment instead\n"
        "6 |       WORDPRESS_DB_PASSWORD: ***\n"
        "  |                              ^^^\n"
        "\n"
    )


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("DB_Password=abc12 and api_key: 'k-9'", "DB_Password=*** and api_key: '***'"),
        ("clone https://bob:pa55@git.example.com/x", "clone https://bob:***@git.example.com/x"),
        ("id AKIAIOSFODNN7EXAMPLE here", "id *** here"),
        ('{"dbPassword": "hunter2"}', '{"dbPassword": "***"}'),
        ("secret: pass it from a secret store", "secret: pass it from a secret store"),
        (
            "PASSWORD_FILE=/run/secrets/db TOKEN=${TOKEN}",
            "PASSWORD_FILE=/run/secrets/db TOKEN=${TOKEN}",
        ),
    ],
)
def test_a_message_is_masked_by_the_look_of_its_text(text: str, shown: str) -> None:
    from opslint.safety.redact import Secrets

    assert Secrets().text(text) == shown


def test_a_file_line_masks_lower_case_keys_too() -> None:
    from opslint.safety.redact import Secrets

    assert Secrets().file_text("values.yaml", "password: hunter2\nname: web\n") == (
        "password: ***\nname: web\n"
    )
