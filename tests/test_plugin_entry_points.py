"""Finding installed plugins without parsing every distribution's metadata."""

from __future__ import annotations

import zipfile
from pathlib import Path

from opslint.plugins import plugin_entry_points


def distribution(
    folder: Path, name: str, entry_points: str | None, suffix: str = "dist-info"
) -> None:
    """A metadata folder `name-1.0.<suffix>` with a METADATA file and, when given,
    an entry_points.txt."""
    info = folder / f"{name}-1.0.{suffix}"
    info.mkdir(parents=True)
    metadata = "PKG-INFO" if suffix == "egg-info" else "METADATA"
    (info / metadata).write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    if entry_points is not None:
        (info / "entry_points.txt").write_text(entry_points, encoding="utf-8")


def found(paths: list[str]) -> list[tuple[str, str, str]]:
    return [
        (dist.metadata["Name"], entry.name, entry.value)
        for dist, entry in plugin_entry_points(paths)
    ]


def test_only_distributions_declaring_the_group_are_read(tmp_path: Path) -> None:
    site = tmp_path / "site"
    distribution(site, "zeta_plugin", "[opslint]\nzeta = zeta_plugin\n")
    distribution(
        site,
        "alpha_plugin",
        "[console_scripts]\nalpha = a:main\n\n[opslint]\nalpha = alpha_plugin.hooks\n",
    )
    distribution(site, "tool", "[console_scripts]\ntool = tool:main\n")
    distribution(site, "bare", None)
    distribution(site, "legacy", "[opslint]\nlegacy = legacy_plugin\n", suffix="egg-info")
    # a mention of the header outside a section header is no group of its own
    distribution(site, "mention", "[console_scripts]\nx = x:main\n# see [opslint]\n")
    (site / "not_metadata").mkdir()
    assert found([str(site)]) == [
        ("alpha_plugin", "alpha", "alpha_plugin.hooks"),
        ("legacy", "legacy", "legacy_plugin"),
        ("zeta_plugin", "zeta", "zeta_plugin"),
    ]


def test_path_order_is_kept_and_missing_entries_are_skipped(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    distribution(first, "one", "[opslint]\nsame = first_plugin\n")
    distribution(second, "two", "[opslint]\nsame = second_plugin\n")
    paths = [str(second), str(tmp_path / "absent"), str(first)]
    assert found(paths) == [("two", "same", "second_plugin"), ("one", "same", "first_plugin")]


def test_a_zip_archive_on_the_path_is_read_whole(tmp_path: Path) -> None:
    archive = tmp_path / "plugins.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("zipped-1.0.dist-info/METADATA", "Name: zipped\nVersion: 1.0\n")
        bundle.writestr("zipped-1.0.dist-info/entry_points.txt", "[opslint]\nzipped = zipped\n")
        bundle.writestr("other-1.0.dist-info/METADATA", "Name: other\nVersion: 1.0\n")
    assert found([str(archive)]) == [("zipped", "zipped", "zipped")]
