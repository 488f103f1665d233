"""The code stays as pre-commit and CI want it: ruff lint and format, with ruff.toml."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RUFF = [sys.executable, "-m", "ruff"]


def test_ruff_lint() -> None:
    result = subprocess.run([*RUFF, "check", "generator", "tests", "scripts"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_ruff_format() -> None:
    result = subprocess.run(
        [*RUFF, "format", "--check", "generator", "tests", "scripts"], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout


NOTEBOOK = "../" + "shared/"
"""The path of a team's notes outside the repository (written in two parts so this file is not a hit)."""


def test_no_file_sends_a_reader_outside_the_project() -> None:
    """The project stands alone: no tracked file points at notes a reader of the project does not have."""
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    pointing = []
    for name in filter(None, tracked.split("\0")):
        path = REPO / name
        if path.is_file() and not path.is_symlink():
            for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
                if NOTEBOOK in line:
                    pointing.append(f"{name}:{number}: {line.strip()}")
    assert not pointing, "\n".join(pointing)
