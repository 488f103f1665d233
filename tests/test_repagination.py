"""generator/print/repagination.py: one layout pass less, the same bytes as WeasyPrint's own way."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from generator.model.index import Index
from generator.model.settings import LANGUAGES
from generator.print import pdf

PROGRESS = logging.getLogger("weasyprint.progress")


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    layouts: int
    """Pages laid out, counting each time a page is made again."""
    passes: int
    """Layout passes after the first."""


@contextmanager
def _stock() -> Iterator[None]:
    from generator.print import repagination  # imports WeasyPrint: a second of every worker's collection

    repagination.uninstall()
    try:
        yield
    finally:
        repagination.install()


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.layouts = self.passes = 0

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "Creating layout - Page" in message and "up-to-date" not in message:
            self.layouts += 1
        elif "Repagination" in message:
            self.passes += 1


def _render(html: str) -> Rendered:
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    counter = _Counter()
    level = PROGRESS.level
    PROGRESS.addHandler(counter)
    PROGRESS.setLevel(logging.INFO)
    try:
        options = {"pdf_variant": "pdf/ua-1", "pdf_identifier": b"test"}
        document = HTML(string=html, base_url=str(pdf.PRINT_TEMPLATES) + "/").render(font_config=FontConfiguration(), **options)
        rendered = document.write_pdf(**options)
    finally:
        PROGRESS.removeHandler(counter)
        PROGRESS.setLevel(level)
    assert isinstance(rendered, bytes)
    return Rendered(rendered, counter.layouts, counter.passes)


def _both(html: str) -> tuple[Rendered, Rendered]:
    """(WeasyPrint's own way, with the fixes)."""
    with _stock():
        stock = _render(html)
    return stock, _render(html)


def test_the_fixes_are_for_the_weasyprint_installed() -> None:
    """A new WeasyPrint gets the stock behaviour until someone checks the fixes against it."""
    from generator.print import repagination

    assert repagination.applies(), f"WeasyPrint is no longer {repagination.WEASYPRINT}: check repagination.py against it"


def _document(sections: int, toc_padding: int) -> str:
    """A table of contents in front (references forward), a reference back from the end, a
    reference inside a paragraph, page numbers in the margin ("page x of y"). `toc_padding`
    lines in the table of contents push every section down a page or more, so the forward
    references' numbers change between passes."""
    toc = "".join(f'<li><a class="toc-link" href="#s{n}">Section {n}</a></li>' for n in range(sections))
    padding = "".join(f"<p>contents line {n}</p>" for n in range(toc_padding))
    body = "".join(
        f'<h2 id="s{n}">Section {n}</h2>'
        + "<p>text </p>" * (8 + n % 5)
        + (
            f'<p>as said in <a class="ref" href="#s{n - 2}"></a>, and ahead in <a class="ref" href="#s{n + 3}"></a>.</p>'
            if 2 <= n < sections - 3
            else ""
        )
        for n in range(sections)
    )
    return f"""<!doctype html><html lang="en"><head><style>
@page {{ size: A6; @bottom-right {{ content: "page " counter(page) " of " counter(pages); }} }}
h2 {{ break-before: page; }}
.toc-link::after {{ content: leader(".") " " target-counter(attr(href), page); }}
a.ref::before {{ content: "see page " target-counter(attr(href), page); }}
</style></head><body><ol>{toc}</ol>{padding}{body}
<p>Back to the start: <a class="ref" href="#s0"></a></p></body></html>"""


@pytest.mark.parametrize(("sections", "toc_padding"), [(6, 0), (14, 40), (30, 120)])
def test_references_forward_and_back_print_the_same_numbers_in_fewer_layouts(
    pdf_rendering: None, sections: int, toc_padding: int
) -> None:
    stock, fixed = _both(_document(sections, toc_padding))
    assert fixed.pdf == stock.pdf
    assert fixed.layouts < stock.layouts and fixed.passes < stock.passes, (stock, fixed)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_full_report_is_the_same_bytes_in_fewer_layouts(pdf_rendering: None, index: Index, lang: str) -> None:
    """The fixture's largest report, its table of contents and every "see page N" in it."""
    pub = max(index.publications(), key=lambda p: len(index.findings_of(p)))
    stock, fixed = _both(pdf.render_html(pdf.environment(), index, pub, "full", lang))
    assert fixed.pdf == stock.pdf
    assert fixed.layouts < stock.layouts, (stock, fixed)
