from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.settings import Project

REPO = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "kb"


@pytest.fixture
def fixture_project(tmp_path: Path) -> Project:
    """A writable copy of the tiny fixture knowledge base."""
    root = tmp_path / "kb"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("build", "site"))
    return Project(root)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
