"""The fixture's reports print to exactly the reviewed HTML in tests/golden/print/ (full and
summary, both languages): what WeasyPrint typesets, compared without rendering a PDF.

After an intended change, run `make golden` and review the diff."""

from __future__ import annotations

from pathlib import Path

from .golden import GOLDEN_PRINT, render_print


def test_golden_print_html_every_report(tmp_path: Path) -> None:
    printed = render_print(tmp_path)
    expected = {path.name: path.read_text(encoding="utf-8") for path in sorted(GOLDEN_PRINT.glob("*.html"))}
    assert sorted(printed) == sorted(expected), "reports differ: run `make golden` and review"
    for name, html in expected.items():
        assert printed[name] == html, f"print/{name} differs from the golden file: run `make golden` and review"
