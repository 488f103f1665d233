"""The base of a pull request: another commit, checked out in a temporary git worktree.

Shared by `python -m generator.tools.diff` (what a change alters) and `check --base` (the history rule).
Both sides' data are read with this branch's own loader (`build.check`), so entities compare as
the same models. The worktree is always removed, whatever happens while it is in use.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from generator.model.errors import Report
from generator.model.index import Index
from generator.model.settings import Project


class CompareError(Exception):
    """A comparison that cannot be made. The message says why and what to do; no traceback."""


@dataclass(frozen=True)
class Base:
    """A checked-out base commit: the name it was asked for, the commit, and its project folder."""

    ref: str
    commit: str
    project: Project

    @property
    def label(self) -> str:
        return f"base {self.ref} ({self.commit[:7]})"


HEAD_LABEL = "this branch (working tree)"


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise CompareError("git is not installed: the comparison with a base commit needs it") from exc


def _toplevel(root: Path) -> Path:
    result = _git(root, "rev-parse", "--show-toplevel")
    if result.returncode != 0:
        raise CompareError(f"{root} is not in a git repository: a base commit can only be compared within one")
    return Path(result.stdout.strip()).resolve()


def resolve(root: Path, ref: str) -> str:
    """The full commit id a base name stands for, or a CompareError saying it is unknown."""
    _toplevel(root)
    # A name starting with '-' would be read as an option by git.
    if not ref or ref.startswith("-") or any(c in ref for c in "\0\n"):
        raise CompareError(f"unknown base {ref!r}: give a branch, tag or commit (e.g. origin/main)")
    result = _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if result.returncode != 0:
        raise CompareError(
            f"unknown base {ref!r}: no such branch, tag or commit in this repository"
            " (a shallow clone may need `git fetch origin main` first)"
        )
    return result.stdout.strip()


@contextmanager
def checkout(project: Project, ref: str) -> Iterator[Base]:
    """The base commit in a temporary worktree, removed again on the way out (also on errors)."""
    commit = resolve(project.root, ref)
    toplevel = _toplevel(project.root)
    with tempfile.TemporaryDirectory(prefix="kb-base-") as tmp:
        tree = Path(tmp) / "base"
        added = _git(toplevel, "worktree", "add", "--detach", "--quiet", str(tree), commit)
        if added.returncode != 0:
            raise CompareError(f"cannot check out base {ref!r}: {added.stderr.strip()}")
        try:
            yield Base(ref, commit, Project(tree / project.root.resolve().relative_to(toplevel)))
        finally:
            # Twice --force: also when the worktree is locked. Prune drops the record if removal failed.
            _git(toplevel, "worktree", "remove", "--force", "--force", str(tree))
            _git(toplevel, "worktree", "prune")


def load(project: Project, label: str) -> Index:
    """One side's data, read and indexed; its located errors (and which side) when it does not load."""
    from generator.pipeline.build import check

    index, report = check(project, strict=False)
    if index is None:
        raise CompareError(data_errors(label, report))
    return index


def data_errors(label: str, report: Report) -> str:
    """The message for a side whose data has errors: which side, then the errors as `check` prints them."""
    errors = report.errors()
    lines = [f"{label}: the data has {len(errors)} error(s); the comparison needs data that loads:"]
    lines += [str(problem) for problem in errors]
    return "\n".join(lines)


def touched_files(project: Project, commit: str) -> list[str]:
    """Files of the project that differ from the commit in the working tree, untracked ones included."""
    changed = _git(project.root, "diff", "--name-only", "--no-renames", "--relative", "-z", commit, "--")
    untracked = _git(project.root, "ls-files", "--others", "--exclude-standard", "-z")
    names = {name for result in (changed, untracked) for name in result.stdout.split("\0") if name}
    return sorted(names)


def generate_pages(project: Project, label: str) -> Path:
    """Generate one side's Markdown with that side's own code, so a change to templates or code
    shows in its pages too. A side without a generator package of its own uses this one."""
    code_root = (
        project.root
        if (project.root / "generator" / "__main__.py").is_file()
        else Path(__file__).parent.parent.parent.parent.parent
    )
    env = {**os.environ, "PYTHONPATH": str(code_root), "NO_MKDOCS_2_WARNING": "1"}
    env.pop("GITHUB_ACTIONS", None)  # annotations from the base would land on the pull request's lines
    result = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(project.root), "generate"],
        cwd=project.root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        tail = "\n".join(result.stderr.strip().splitlines()[-20:])
        raise CompareError(f"{label}: generating its pages failed:\n{tail}")
    return project.build_dir / "docs"
