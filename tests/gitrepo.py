"""Small git repositories of the fixture knowledge base: a base commit on `main`, then a branch
`change` to edit, as a pull request would. The generator's code is committed too, so the base is
generated with its own code, as in a real repository."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .conftest import FIXTURE, REPO

IDENTITY = ["-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"]


@dataclass(frozen=True)
class Repo:
    root: Path

    def git(self, *args: str) -> str:
        result = subprocess.run(["git", *IDENTITY, *args], cwd=self.root, capture_output=True, text=True, check=True)
        return result.stdout

    def replace(self, name: str, old: str, new: str) -> None:
        """Edit a file: `old` must be in it exactly once."""
        path = self.root / name
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, (name, old)
        path.write_text(text.replace(old, new), encoding="utf-8")

    def append(self, name: str, text: str) -> None:
        with (self.root / name).open("a", encoding="utf-8") as file:
            file.write(text)

    def commit(self, message: str = "change") -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)

    def worktrees(self) -> list[str]:
        return [line for line in self.git("worktree", "list", "--porcelain").splitlines() if line.startswith("worktree ")]


def fixture_repo(parent: Path) -> Repo:
    """The fixture knowledge base with the generator's code, committed on `main`; `change` checked out."""
    repo = Repo(parent / "kb")
    shutil.copytree(FIXTURE, repo.root, ignore=shutil.ignore_patterns("build", "site"))
    shutil.copytree(REPO / "generator", repo.root / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    (repo.root / ".gitignore").write_text("build/\nsite/\n__pycache__/\n", encoding="utf-8")
    # The fixture leaves one English text out on purpose; here the base is clean, so a strict check passes.
    repo.replace("data/findings/demo-2025-f02.yaml", 'som vanskelig."}', 'som vanskelig.", en: "Teachers found it hard."}')
    repo.git("init", "-q", "-b", "main")
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "change")
    return repo


F01 = "data/findings/demo-2025-f01.yaml"
F03 = "data/findings/demo-2025-f03.yaml"
PUBLICATION = "data/publications/demo-2025.yaml"
HISTORY_ENTRY = """  - date: 2026-03-01
    version: "1.2"
    change: {nb: "Funnet er omformulert.", en: "The finding was reworded.", nb_origin: editorial}
    previous:
      statement: {nb: "Foresatte ønsket tidlig kontakt.", en: "Parents wanted early contact."}
      confidence: moderate
      studies: [beta-2021, gamma-2022]
"""
"""A new entry at the end of finding 1's history (its file ends with the list), recording what the
finding said at the fixture's version 1.1."""
