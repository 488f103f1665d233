"""Regenerate the golden Markdown of the fixture knowledge base: `make golden`.

Review the diff of tests/golden/ like any other change: it is exactly what readers would see change.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from generator.build import generate, load_or_fail
from generator.settings import LANGUAGES, Project

FIXTURE = Path(__file__).parent / "fixtures" / "kb"
WHOLE = Path(__file__).parent / "fixtures" / "kb-whole"
GOLDEN = Path(__file__).parent / "golden"


def render_fixture(workdir: Path) -> Path:
    """Copy the fixture to `workdir`, generate its Markdown, return the staging docs root."""
    root = workdir / "kb"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("build", "site"))
    shutil.copytree(WHOLE, root, dirs_exist_ok=True)  # the golden pages cover every kind
    project = Project(root)
    generate(project, load_or_fail(project))
    return project.build_dir / "docs"


def main() -> int:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        docs = render_fixture(Path(tmp))
        if GOLDEN.exists():
            shutil.rmtree(GOLDEN)
        for lang in LANGUAGES:
            shutil.copytree(docs / lang, GOLDEN / lang)
    print(f"golden files written to {GOLDEN}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
