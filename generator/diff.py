"""`make diff BASE=ref`: which published pages a change alters, compared with another commit.

Both sides are generated with their own code (the base in a temporary git worktree), and the
generated Markdown of every page in both languages is compared. Output is deterministic,
so an unchanged page never shows up.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from . import urls
from .settings import LANGUAGES, Project


def _generate(root: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(root), "generate"],
        cwd=root,
        check=True,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin", "NO_MKDOCS_2_WARNING": "1"},
        stdout=subprocess.DEVNULL,
    )
    return root / "build" / "docs"


def _pages(docs: Path) -> dict[str, bytes]:
    return {p.relative_to(docs).as_posix(): p.read_bytes() for p in sorted(docs.rglob("*.md"))}


def compare(base_docs: Path, head_docs: Path) -> list[str]:
    """Lines like 'changed  nb  /findings/x/' for every page that differs."""
    lines = []
    for lang in LANGUAGES:
        base, head = _pages(base_docs / lang), _pages(head_docs / lang)
        for doc in sorted(set(base) | set(head)):
            status = "added" if doc not in base else "removed" if doc not in head else "changed" if base[doc] != head[doc] else ""
            if status:
                lines.append(f"{status:<8} {lang}  {urls.site_url(doc, lang)}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.diff")
    parser.add_argument("--base", default="origin/main", help="commit to compare with (default: origin/main)")
    args = parser.parse_args(argv)
    project = Project.find()
    with tempfile.TemporaryDirectory(prefix="kb-diff-") as tmp:
        worktree = Path(tmp) / "base"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(worktree), args.base],
            cwd=project.root,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            lines = compare(_generate(worktree), _generate(project.root))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=project.root, check=False)
    print("\n".join(lines) if lines else "no published page changes")
    print(f"{len(lines)} page(s) differ from {args.base}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
