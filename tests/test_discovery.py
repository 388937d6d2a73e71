"""Walking the paths of a run: order, excludes, .gitignore, skipped folders, symlinks."""

from __future__ import annotations

from pathlib import Path

import pytest

from opslint.engine.discovery import FolderNames, _spec, iter_relative, reader, walk
from opslint.model.source import SourceError, SourceFile
from opslint.safety.boundary import OUTSIDE, Boundary


def touch(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x\n", encoding="utf-8")


def relative(root: Path, files: list[Path]) -> list[str]:
    return [path.relative_to(root).as_posix() for path in files if path.name != ".gitignore"]


def test_stable_order_and_skipped_folders(tmp_path: Path) -> None:
    touch(tmp_path, "b/Dockerfile", "a/z.yaml", "a/b.yaml", ".git/config", ".terraform/x.tf")
    touch(tmp_path, "node/__pycache__/x.yaml")
    result = walk([tmp_path], tmp_path, ())
    assert relative(tmp_path, result.files) == ["a/b.yaml", "a/z.yaml", "b/Dockerfile"]
    assert result.notes == []


def test_exclude_patterns_are_relative_to_the_root(tmp_path: Path) -> None:
    touch(tmp_path, "vendor/a.yaml", "src/vendor/b.yaml", "src/c.yaml", "docs/d.yaml")
    result = walk([tmp_path], tmp_path, ("/vendor/", "docs"))
    assert relative(tmp_path, result.files) == ["src/c.yaml", "src/vendor/b.yaml"]


def test_named_files_bypass_excludes_unless_forced(tmp_path: Path) -> None:
    touch(tmp_path, "vendor/a.yaml")
    named = [tmp_path / "vendor" / "a.yaml"]
    assert walk(named, tmp_path, ("vendor/",)).files == named
    assert walk(named, tmp_path, ("vendor/",), force_exclude=True).files == []


def test_gitignore_nested_and_above(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("*.gen.yaml\n!keep.gen.yaml\n", encoding="utf-8")
    touch(tmp_path, "app/x.gen.yaml", "app/keep.gen.yaml", "app/ok.yaml", "app/tmp/t.yaml")
    (tmp_path / "app" / ".gitignore").write_text("tmp/\n", encoding="utf-8")
    assert relative(tmp_path, walk([tmp_path], tmp_path, ()).files) == [
        "app/keep.gen.yaml",
        "app/ok.yaml",
    ]
    # walking a subfolder still applies the .gitignore above it, up to the repository root
    assert relative(tmp_path, walk([tmp_path / "app"], tmp_path, ()).files) == [
        "app/keep.gen.yaml",
        "app/ok.yaml",
    ]
    assert (
        len(relative(tmp_path, walk([tmp_path], tmp_path, (), respect_gitignore=False).files)) == 4
    )


def test_gitignore_above_the_repository_is_not_read(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("*.yaml\n", encoding="utf-8")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    touch(repo, "a.yaml")
    assert relative(repo, walk([repo], repo, ()).files) == ["a.yaml"]


def test_symlink_loops_and_broken_links(tmp_path: Path) -> None:
    touch(tmp_path, "real/a.yaml")
    (tmp_path / "real" / "loop").symlink_to("..", target_is_directory=True)
    (tmp_path / "alias").symlink_to("real", target_is_directory=True)
    (tmp_path / "broken").symlink_to("nowhere")
    (tmp_path / "me").symlink_to("me")
    result = walk([tmp_path], tmp_path, ())
    assert relative(tmp_path, result.files) == ["alias/a.yaml"]
    joined = "\n".join(result.notes)
    assert "broken: broken or looping symlink; skipped" in joined
    assert "me: broken or looping symlink; skipped" in joined
    assert "symlink loop or repeated folder" in joined
    assert len(result.notes) == 4  # broken, me, real (seen via alias), alias/loop


def test_missing_path_is_a_note(tmp_path: Path) -> None:
    result = walk([tmp_path / "missing"], tmp_path, ())
    assert result.files == []
    assert result.notes == [f"{tmp_path / 'missing'}: no such file or directory"]


def test_special_files_in_folders_are_skipped(tmp_path: Path) -> None:
    import os

    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    os.mkfifo(tmp_path / "Dockerfile")
    touch(tmp_path, "ok.yaml")
    assert relative(tmp_path, walk([tmp_path], tmp_path, ()).files) == ["ok.yaml"]


def test_iter_relative(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    touch(tmp_path, "a/b.yaml")
    monkeypatch.chdir(tmp_path / "a")
    inside = tmp_path / "a" / "b.yaml"
    outside = tmp_path / "other.yaml"
    pairs = list(iter_relative([inside, outside], Path.cwd()))
    assert pairs == [(inside, "b.yaml"), (outside, outside.as_posix())]


def test_the_reader_applies_the_run_policy_and_sources_read_only_through_it(
    tmp_path: Path,
) -> None:
    checked, elsewhere = tmp_path / "checked", tmp_path / "elsewhere"
    touch(tmp_path, "checked/a.yaml", "elsewhere/secret")
    (checked / "link").symlink_to(elsewhere / "secret")
    (checked / "big.yaml").write_text("x" * 11, encoding="utf-8")
    read = reader(Boundary.of([checked]), max_bytes=10)
    assert SourceFile(checked / "a.yaml", "a.yaml", read=read).text == "x\n"
    refusals = {
        "link": OUTSIDE,
        "big.yaml": "larger than max-file-size (10 bytes); not checked",
        ".": "not a regular file; not checked",
    }
    for name, message in refusals.items():
        with pytest.raises(SourceError) as caught:
            SourceFile(checked / name, name, read=read).text  # noqa: B018
        assert caught.value.message == message
    assert SourceFile(checked / "link", "link", read=reader(None)).text == "x\n"
    with pytest.raises(SourceError) as caught:
        SourceFile(checked / "a.yaml", "a.yaml").text  # noqa: B018
    assert caught.value.message == "no text given and no reader to read it; not checked"


def test_folder_name_excludes_match_as_gitignore_does() -> None:
    """Excludes that each name a folder (the defaults) are matched without pathspec, with
    pathspec's answer for every kind of path; any other pattern goes to pathspec."""
    import pathspec

    from opslint.config import DEFAULT_EXCLUDE

    plain = _spec(DEFAULT_EXCLUDE)
    assert isinstance(plain, FolderNames)
    reference = pathspec.GitIgnoreSpec.from_lines(DEFAULT_EXCLUDE)
    files = [
        "testdata/",
        "testdata",
        "a/testdata/",
        "a/testdata/b/c.yaml",
        "fixtures/x.yaml",
        "a/fixtures",
        "a/fixtures.d/x",
        "my-testdata/x",
        "testdata.yaml",
        "src/__fixtures__/deploy.yaml",
        "test-cases/",
        "a/b/test_cases/c/",
        "testcases/Dockerfile",
        "x/y/z.tf",
        "",
        "/",
    ]
    assert [plain.match_file(f) for f in files] == [reference.match_file(f) for f in files]
    assert not isinstance(_spec(("testdata/", "*.md")), FolderNames)
    assert not isinstance(_spec(("a/testdata/",)), FolderNames)
    assert not isinstance(_spec(("!testdata/",)), FolderNames)
    assert _spec(()) is None
