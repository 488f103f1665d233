"""A large report rendered in chunks: bounded memory, every core busy.

WeasyPrint lays out a whole document before it writes it: a 1,000-finding report of 1,209 pages
held 2.9 GB. Here the report's HTML is cut into chunks (chunks.py), each rendering process lays
out one chunk at a time, and the parts are joined into one PDF (pdfmerge.py).

What a whole document gets from WeasyPrint, the chunks get from a first pass:

1. **Counting** lays every chunk out once (no drawing, no PDF) for its number of pages and the
   page of each of its anchors. A reference to another chunk prints a placeholder about as wide as
   the report's page numbers.
2. **Rendering** lays every chunk out again and writes it, now knowing the number of its first page
   (`@page :first { counter-reset: page N }`), the report's total ("page 3 of 1141") and the page of
   every anchor it refers to in another chunk (in the link's `data-page`, which the print CSS
   prints instead of `target-counter`). Such a link points at a `chunk:` address that pdfmerge.py
   turns into a link to the named destination, which the joined PDF holds.
3. A chunk that came out longer or shorter than counted, or with an anchor on another page (true
   numbers narrower or wider than the placeholders), moves the numbers others printed: those
   chunks are rendered again with the new numbers, up to `ROUNDS` times (WeasyPrint, too, lays a
   whole document out again until its numbers hold).

Both passes run on `processes` forked processes, a chunk a job, largest first.
"""

from __future__ import annotations

import multiprocessing
import tempfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from lxml import etree

from generator.print import chunks, pdfmerge
from generator.print.process import fewer_rendering_collections, peak_rss_mb, reset_peak_rss

CHUNKED_FROM_BYTES = 1_500_000
"""Print HTML from which a report is rendered in chunks. The real knowledge base's largest report
(73 pages) is 0.4 MB and is rendered whole, as before; a 1,000-finding report is 5.6 MB."""

ROUNDS = 3
"""Renderings at most after the counting pass, while the true page numbers move what was counted."""

CHUNK_LINK = "chunk:"
"""The address of a link to another chunk's anchor (`chunk:<anchor>`), until pdfmerge.py makes it a
link inside the PDF."""

PageStyle = Callable[[int, int], str]
"""The CSS of the page numbers of a chunk whose first page is `first` in a report of `total` pages."""

_In = TypeVar("_In")
_Out = TypeVar("_Out")


@dataclass(frozen=True)
class Layout:
    """What laying a chunk out told: its number of pages and the page (from 0) each anchor is on."""

    pages: int
    anchors: dict[str, int]


@dataclass(frozen=True)
class Numbers:
    """Where each chunk starts and where each anchor is, in the joined report (pages from 1)."""

    first_pages: tuple[int, ...]
    total: int
    anchor_pages: dict[str, int]

    @staticmethod
    def of(layouts: Sequence[Layout]) -> Numbers:
        first_pages: list[int] = []
        anchor_pages: dict[str, int] = {}
        page = 1
        for layout in layouts:
            first_pages.append(page)
            for anchor, local in layout.anchors.items():
                anchor_pages.setdefault(anchor, page + local)
            page += layout.pages
        return Numbers(tuple(first_pages), page - 1, anchor_pages)

    def printed_by(self, index: int, chunk: chunks.Chunk) -> tuple[int, ...]:
        """The numbers chunk `index` prints: its first page, the total and the pages it refers to."""
        return (self.first_pages[index], self.total, *(self.anchor_pages.get(anchor, 0) for anchor in chunk.anchors_out))


@dataclass(frozen=True)
class Job:
    """A chunk's HTML for one pass."""

    index: int
    html: str
    base_url: str
    options: dict[str, Any]


@dataclass(frozen=True)
class Part:
    """A chunk rendered and written: its PDF, its layout, its outline entries, what its process peaked at."""

    path: Path
    layout: Layout
    bookmarks: tuple[pdfmerge.Bookmark, ...]
    peak_mb: float


@dataclass(frozen=True)
class Rendered:
    """The joined report."""

    pages: int
    chunks: int
    renderings: int
    """Chunks rendered after the counting pass: at least one each, more when numbers moved."""
    settled: bool
    """Every number printed is the true one (False only when `ROUNDS` did not suffice)."""
    peak_mb: float
    """The highest peak memory of a process while it laid out or rendered a chunk."""


def render(
    html: str,
    base_url: str,
    page_style: PageStyle,
    options: dict[str, Any],
    target: Path,
    processes: int,
    chunk_bytes: int | None = None,
) -> Rendered:
    """`html` as one PDF at `target`, laid out chunk by chunk (of `chunk_bytes`, by default
    `chunks.CHUNK_BYTES`); `options` as WeasyPrint's for a whole report."""
    parts = chunks.split(html, chunk_bytes or chunks.CHUNK_BYTES)
    placeholder = 10 ** len(str(len(parts) * 100)) - 1  # as wide as the page numbers will be, about
    with _pool(processes) as run:
        counting = _largest_first(
            [_job(i, chunk, base_url, options, page_style, None, placeholder) for i, chunk in enumerate(parts)]
        )
        layouts: list[Layout] = [Layout(0, {})] * len(parts)
        peak = 0.0
        for job, (layout, job_peak) in zip(counting, run(_count, counting), strict=True):
            layouts[job.index], peak = layout, max(peak, job_peak)
        numbers = Numbers.of(layouts)
        printed: list[tuple[int, ...] | None] = [None] * len(parts)
        rendered: list[Part | None] = [None] * len(parts)
        renderings = 0
        with tempfile.TemporaryDirectory(prefix=f".{target.name}-", dir=target.parent) as folder:
            for _ in range(ROUNDS):
                stale = [i for i, chunk in enumerate(parts) if printed[i] != numbers.printed_by(i, chunk)]
                if not stale:
                    break
                jobs = _largest_first([_job(i, parts[i], base_url, options, page_style, numbers) for i in stale])
                for job, part in zip(
                    jobs, run(_render, [(job, Path(folder) / f"{job.index:04}.pdf") for job in jobs]), strict=True
                ):
                    rendered[job.index], printed[job.index] = part, numbers.printed_by(job.index, parts[job.index])
                renderings += len(jobs)
                numbers = Numbers.of([part.layout for part in _all(rendered)])
            done = _all(rendered)
            settled = all(printed[i] == numbers.printed_by(i, chunk) for i, chunk in enumerate(parts))
            bookmarks = [
                bookmark.on(first - 1)
                for part, first in zip(done, numbers.first_pages, strict=True)
                for bookmark in part.bookmarks
            ]
            pdfmerge.join([part.path for part in done], bookmarks, CHUNK_LINK, target)
    peak = max(peak, *(part.peak_mb for part in done))
    return Rendered(numbers.total, len(parts), renderings, settled, peak)


def _all(rendered: list[Part | None]) -> list[Part]:
    parts = [part for part in rendered if part is not None]
    assert len(parts) == len(rendered), "every chunk is rendered in the first round"
    return parts


def _largest_first(jobs: list[Job]) -> list[Job]:
    """Jobs in the order to hand them out, so that no process waits on a long one at the end."""
    return sorted(jobs, key=lambda job: len(job.html), reverse=True)


def _job(
    index: int,
    chunk: chunks.Chunk,
    base_url: str,
    options: dict[str, Any],
    page_style: PageStyle,
    numbers: Numbers | None,
    placeholder: int = 0,
) -> Job:
    """The chunk's HTML with the numbers it prints: counted ones, or placeholders when `numbers` is None."""
    first, total = (numbers.first_pages[index], numbers.total) if numbers else (1, placeholder)
    for link in chunk.links_out():
        anchor = link.get("href", "")[1:]
        link.set("data-page", str(numbers.anchor_pages.get(anchor, 0) if numbers else placeholder))
        link.set("href", CHUNK_LINK + anchor)
    head = chunk.document.find("head")
    assert head is not None, "a chunk keeps the report's head"
    style = etree.SubElement(head, "style")
    style.text = page_style(first, total)
    try:
        return Job(index, chunk.html(), base_url, options)
    finally:
        head.remove(style)
        for link in chunk.links_out(CHUNK_LINK):
            link.set("href", "#" + link.get("href", "")[len(CHUNK_LINK) :])


def _layout(job: Job) -> Any:
    """The chunk laid out by WeasyPrint (a `weasyprint.Document`)."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from generator.print import pagerefs, repagination

    repagination.install()  # one layout pass less for the "see page N" references inside the chunk
    pagerefs.install()  # the page references made once per chunk, not once per tagged element
    return HTML(string=job.html, base_url=job.base_url).render(font_config=FontConfiguration(), **job.options)


def _layout_of(document: Any) -> Layout:
    anchors: dict[str, int] = {}
    for number, page in enumerate(document.pages):
        for anchor in page.anchors:
            anchors.setdefault(anchor, number)
    return Layout(len(document.pages), anchors)


def _count(job: Job) -> tuple[Layout, float]:
    """Pass 1 in a rendering process: the chunk's layout, and the process's peak memory meanwhile."""
    reset_peak_rss()
    with fewer_rendering_collections():
        layout = _layout_of(_layout(job))
    return layout, peak_rss_mb()


def _render(work: tuple[Job, Path]) -> Part:
    """Pass 2 in a rendering process: the chunk written to its PDF."""
    job, path = work
    reset_peak_rss()
    with fewer_rendering_collections():
        document = _layout(job)
        document.write_pdf(path, **job.options)
        scale = 0.75  # CSS pixels to PDF points, as WeasyPrint's own outline
        bookmarks = tuple(
            pdfmerge.Bookmark(level, label, number, x * scale, (page.height - y) * scale, state != "closed")
            for number, page in enumerate(document.pages)
            for level, label, (x, y), state in page.bookmarks
        )
        layout = _layout_of(document)
    return Part(path, layout, bookmarks, peak_rss_mb())


@contextmanager
def _pool(processes: int) -> Iterator[Callable[[Callable[[_In], _Out], list[_In]], list[_Out]]]:
    """A `map` over `processes` forked processes (here, with one), kept for both passes."""
    if processes <= 1:
        yield lambda function, items: [function(item) for item in items]
        return
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork")) as pool:
        yield lambda function, items: list(pool.map(function, items))
