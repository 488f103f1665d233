"""Two builds of the same commit are byte-identical, site and PDFs, so the diff of two built
sites shows exactly what a pull request changed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from generator.model.settings import Project

REPO = Path(__file__).resolve().parent.parent


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _build(source: Project, target: Path, hash_seed: str) -> dict[str, bytes]:
    shutil.copytree(source.root, target, ignore=shutil.ignore_patterns("build", "site"))
    # The theme overrides and the site's CSS/JS; not the hand-written pages, which cite the real data.
    for folder in ("overrides", "content/assets"):
        if not (target / folder).exists():
            shutil.copytree(REPO / folder, target / folder)
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "PYTHONHASHSEED": hash_seed, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(target), "build"], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return _tree(target / "site")


def test_two_builds_are_byte_identical(fixture_project: Project, tmp_path: Path, pdf_rendering: None) -> None:
    first = _build(fixture_project, tmp_path / "one", "1")
    second = _build(fixture_project, tmp_path / "two", "2")
    assert any(name.endswith(".pdf") for name in first)
    assert sorted(first) == sorted(second)
    differing = [name for name in first if first[name] != second[name]]
    assert differing == []
