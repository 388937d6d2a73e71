"""The build tools' image placeholders (`opslint.indexes.build`): what each tool's file
declares, and that only files inside the run's boundary are read."""

from __future__ import annotations

from pathlib import Path

from conftest import run_engine

from opslint.config import Config
from opslint.indexes.build import skaffold_artifacts, tilt_images

MANIFEST = """\
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
    - name: app
      image: shop/app
"""
SKAFFOLD = """\
apiVersion: skaffold/v4beta11
kind: Config
build:
  artifacts:
    - image: shop/app
"""


def im001_lines(paths: list[Path], root: Path) -> list[tuple[str, int]]:
    """IM001's findings over `paths`, as (file name, line)."""
    report = run_engine(paths, select=("IM001",), config=Config(root=root))
    return [(Path(f.span.path).name, f.span.line) for f in report.findings]


def test_skaffold_artifacts_of_every_document_and_profile() -> None:
    text = SKAFFOLD + (
        "profiles:\n  - name: ci\n    build:\n      artifacts:\n        - image: shop/ci\n"
        "---\napiVersion: skaffold/v4beta11\nkind: Config\n"
        "build:\n  artifacts:\n    - image: ' shop/tools '\n    - context: no-image\n"
    )
    assert skaffold_artifacts(text, Path("skaffold.yaml")) == {"shop/app", "shop/ci", "shop/tools"}
    assert skaffold_artifacts("build: [unclosed\n", Path("skaffold.yaml")) == set()


def test_tilt_build_calls_outside_comments() -> None:
    text = (
        "docker_build('shop-web', '.')\n"
        'custom_build(\n    ref="shop-worker",\n    command="make",\n)\n'
        "docker_build_with_restart('shop-api', '.', entrypoint=['/app'])\n"
        "  # docker_build('shop-old', '.')\n"
        "k8s_yaml('app.yaml')\n"
    )
    assert tilt_images(text) == {"shop-web", "shop-worker", "shop-api"}


def test_a_skaffold_file_above_the_repository_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "skaffold.yaml").write_text(SKAFFOLD, encoding="utf-8")
    repository = tmp_path / "repo"
    (repository / ".git").mkdir(parents=True)
    (repository / "k8s").mkdir()
    (repository / "k8s" / "app.yaml").write_text(MANIFEST, encoding="utf-8")
    assert im001_lines([repository / "k8s"], repository) == [("app.yaml", 8)]
    # the same file at the repository's root is the project's own
    (repository / "skaffold.yaml").write_text(SKAFFOLD, encoding="utf-8")
    assert im001_lines([repository / "k8s"], repository) == []


def test_a_link_out_of_the_boundary_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "skaffold.yaml").write_text(SKAFFOLD, encoding="utf-8")
    repository = tmp_path / "repo"
    (repository / ".git").mkdir(parents=True)
    (repository / "app.yaml").write_text(MANIFEST, encoding="utf-8")
    (repository / "skaffold.yaml").symlink_to(outside / "skaffold.yaml")
    assert im001_lines([repository / "app.yaml"], repository) == [("app.yaml", 8)]


def test_kustomization_bases_that_list_each_other_end(tmp_path: Path) -> None:
    for name, other in (("a", "../b"), ("b", "../a")):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "kustomization.yaml").write_text(
            f"resources:\n  - {other}\n  - app.yaml\nimages:\n  - name: shop/other\n"
            "    newTag: 1.0.0\n",
            encoding="utf-8",
        )
        (folder / "app.yaml").write_text(MANIFEST, encoding="utf-8")
    assert im001_lines([tmp_path], tmp_path) == [("app.yaml", 8), ("app.yaml", 8)]


def test_the_kustomization_beside_a_file_checked_alone(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "kustomization.yaml").write_text(
        "resources:\n  - app.yaml\nimages:\n  - name: shop/app\n    newTag: 1.4.2\n",
        encoding="utf-8",
    )
    (tmp_path / "app.yaml").write_text(MANIFEST, encoding="utf-8")
    assert im001_lines([tmp_path / "app.yaml"], tmp_path) == []
