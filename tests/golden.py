"""Regenerate the golden Markdown and print HTML of the fixture knowledge base: `make golden`.

Review the diff of tests/golden/ like any other change: it is exactly what readers would see change.
The print HTML (tests/golden/print/) is what WeasyPrint typesets into the PDF reports, so a change to
the print templates or views shows there line by line, without rendering a PDF.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from generator.model.settings import LANGUAGES, Project
from generator.pipeline.build import generate, load_or_fail
from generator.print import pdf

FIXTURE = Path(__file__).parent / "fixtures" / "kb"
WHOLE = Path(__file__).parent / "fixtures" / "kb-whole"
GOLDEN = Path(__file__).parent / "golden"
GOLDEN_PRINT = GOLDEN / "print"


def fixture_copy(workdir: Path) -> Project:
    """The fixture with the second publication (the golden files cover every kind), copied to `workdir`."""
    root = workdir / "kb"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("build", "site"))
    shutil.copytree(WHOLE, root, dirs_exist_ok=True)
    return Project(root)


def render_fixture(workdir: Path) -> Path:
    """Copy the fixture to `workdir`, generate its Markdown, return the staging docs root."""
    project = fixture_copy(workdir)
    generate(project, load_or_fail(project))
    return project.build_dir / "docs"


def render_print(workdir: Path) -> dict[str, str]:
    """The print HTML of every report of the fixture, by file name (`<publication>-<kind>-<lang>.html`)."""
    project = fixture_copy(workdir)
    index = load_or_fail(project)
    env = pdf.environment()
    return {
        f"{pub.id}-{kind}-{lang}.html": pdf.render_html(env, index, pub, kind, lang)
        for pub in index.publications()
        for kind in pdf.KINDS
        for lang in LANGUAGES
    }


def main() -> int:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        docs = render_fixture(Path(tmp) / "site")
        printed = render_print(Path(tmp) / "print")
        if GOLDEN.exists():
            shutil.rmtree(GOLDEN)
        for lang in LANGUAGES:
            shutil.copytree(docs / lang, GOLDEN / lang)
        GOLDEN_PRINT.mkdir()
        for name, html in printed.items():
            (GOLDEN_PRINT / name).write_text(html, encoding="utf-8")
    print(f"golden files written to {GOLDEN}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
