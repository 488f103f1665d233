"""A report's page references, made once instead of once per tagged element.

pydyf's `PDF.page_references` builds the tuple of every page's reference (`b"12 0 R"`) each time it
is read, and WeasyPrint 70 reads it to name the page of every element it tags for PDF/UA
(`weasyprint/pdf/tags.py`) and of every link's destination: elements times pages. In the real
knowledge base's 92-page `log-oppfolging-2022` full report that was 10,867 reads and a million
references made: 10% of writing the PDF under cProfile, about 0.3 s of 4.4-4.7 s without it (the
median of four `write_pdf` calls each way on the same laid-out document). It grows with the square
of a document's length: a report just under `chunked.CHUNKED_FROM_BYTES` has four times the pages
and elements of that one.

`install` keeps the tuple on the document with the number of pages it was made for, and makes it
again when a page has been added since (pydyf only appends pages, and the tuple depends on nothing
else). The same tuple, so the same bytes: `tests/test_pagerefs.py` renders a report with and
without it.
"""

from __future__ import annotations

from typing import Any

import pydyf

_KEPT = "_kb_page_references"
"""Where a document keeps (its page count then, its page references)."""

_stock: property = pydyf.PDF.page_references


def _page_references(self: Any) -> tuple[bytes, ...]:
    pages = len(self.pages["Kids"])
    kept = self.__dict__.get(_KEPT)
    if kept is None or kept[0] != pages:
        assert _stock.fget is not None
        kept = self.__dict__[_KEPT] = (pages, _stock.fget(self))
    references: tuple[bytes, ...] = kept[1]
    return references


def install() -> None:
    """Use the kept references in this process (idempotent)."""
    pydyf.PDF.page_references = property(_page_references)


def uninstall() -> None:
    """pydyf's own property again (for the test that compares the two)."""
    pydyf.PDF.page_references = _stock
