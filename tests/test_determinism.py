"""Two builds of the same commit are byte-identical, so the diff of two built sites shows exactly
what a pull request changed. The pages here; the reports in tests/test_pdf.py (rendered in two
processes and again in one with another hash seed: the same bytes)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from generator.model.settings import Project

REPO = Path(__file__).resolve().parent.parent


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _start_build(source: Project, target: Path, hash_seed: str) -> subprocess.Popen[str]:
    shutil.copytree(source.root, target, ignore=shutil.ignore_patterns("build", "site"))
    # The theme overrides and the site's CSS/JS; not the hand-written pages, which cite the real data.
    for folder in ("overrides", "content/assets"):
        if not (target / folder).exists():
            shutil.copytree(REPO / folder, target / folder)
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "PYTHONHASHSEED": hash_seed, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "--root", str(target), "build", "--no-pdf"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _built(build: subprocess.Popen[str], target: Path) -> dict[str, bytes]:
    _, errors = build.communicate(timeout=600)
    assert build.returncode == 0, errors
    return _tree(target / "site")


def test_two_builds_are_byte_identical(fixture_project: Project, tmp_path: Path, site_building: None) -> None:
    # Two processes with different hash seeds (set and dict orders differ), side by side.
    builds = [
        (_start_build(fixture_project, tmp_path / name, seed), tmp_path / name) for name, seed in (("one", "1"), ("two", "2"))
    ]
    first, second = (_built(build, target) for build, target in builds)
    assert len([name for name in first if name.endswith(".html")]) > 50
    assert sorted(first) == sorted(second)
    differing = [name for name in first if first[name] != second[name]]
    assert differing == []
