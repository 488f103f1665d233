"""generator/print/pagerefs.py: the page references made once per page count, the same bytes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from generator.model.index import Index
from generator.print import pdf


@contextmanager
def _counted() -> Iterator[list[int]]:
    """pagerefs installed, and how many times it made the references (pydyf's own property called)."""
    from generator.print import pagerefs

    made: list[int] = []
    stock = pagerefs._stock

    def counted(document: object) -> object:
        made.append(1)
        assert stock.fget is not None
        return stock.fget(document)

    pagerefs._stock = property(counted)
    pagerefs.install()
    try:
        yield made
    finally:
        pagerefs._stock = stock


def test_the_kept_references_follow_every_page_added() -> None:
    import pydyf

    from generator.print import pagerefs

    with _counted() as made:
        document = pydyf.PDF()
        for pages in range(1, 4):
            document.add_page(pydyf.Dictionary({"Type": "/Page"}))
            first, again = document.page_references, document.page_references
            assert first is again and len(first) == pages
            assert first == pagerefs._stock.fget(document)  # type: ignore[misc]  # pydyf's own, made anew
        assert len(made) == 3 + 3  # once per page count, and once for each comparison above


def _report(html: str) -> bytes:
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    options = {"pdf_variant": "pdf/ua-1", "pdf_identifier": b"test"}
    document = HTML(string=html, base_url=str(pdf.PRINT_TEMPLATES) + "/").render(font_config=FontConfiguration(), **options)
    written = document.write_pdf(**options)
    assert isinstance(written, bytes)
    return written


def test_a_tagged_report_is_the_same_bytes_with_the_references_made_once(pdf_rendering: None, index: Index) -> None:
    """The fixture's largest full report, tagged for PDF/UA (every element names its page) and
    with links into itself: the same bytes as with pydyf's own property, which it made once per
    tagged element and now makes once."""
    from generator.print import pagerefs

    pub = max(index.publications(), key=lambda p: len(index.findings_of(p)))
    html = pdf.render_html(pdf.environment(), index, pub, "full", "nb")
    pagerefs.uninstall()
    try:
        stock = _report(html)
    finally:
        pagerefs.install()
    with _counted() as made:
        kept = _report(html)
    assert kept == stock
    assert 1 <= len(made) <= 2, len(made)  # pydyf adds every page before WeasyPrint tags them
