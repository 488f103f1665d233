"""A report rendered in chunks (generator/print/chunked.py, pdfmerge.py) is the report: cut only between
chapters it prints page for page what the whole report prints; cut anywhere, every page number it
prints is true, every link leads where it says, and its tags, outline and destinations are those of
one document."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import lxml.html
import pikepdf
import pytest
from lxml import etree

from generator.model.index import Index
from generator.model.models import Publication
from generator.print import chunked, chunks, pdf

LANG = "nb"


def page_texts(path: Path) -> list[str]:
    """Each page's text as Poppler lays it out (header first, footer last)."""
    done = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, timeout=120)
    return done.stdout.decode("utf-8").split("\f")[:-1]


def outline(path: Path) -> list[tuple[int, str, int]]:
    """(depth, title, page from 0) of every bookmark, in order."""
    entries: list[tuple[int, str, int]] = []
    with pikepdf.open(path) as document:
        pages = {page.objgen: number for number, page in enumerate(document.pages)}

        def walk(items: list[pikepdf.OutlineItem], depth: int) -> None:
            for item in items:
                entries.append((depth, item.title, pages[item.destination[0].objgen]))
                walk(item.children, depth + 1)

        with document.open_outline() as tree:
            walk(tree.root, 0)
    return entries


def destinations(path: Path) -> dict[str, int]:
    """Each named destination and its page (from 0)."""
    with pikepdf.open(path) as document:
        pages = {page.objgen: number for number, page in enumerate(document.pages)}
        return {str(name): pages[dest[0].objgen] for name, dest in pikepdf.NameTree(document.Root.Names.Dests).items()}


def links(path: Path) -> list[list[str]]:
    """The destination names the links on each page go to, in order."""
    with pikepdf.open(path) as document:
        return [[str(a.Dest) for a in page.obj.get("/Annots", []) if "/Dest" in a] for page in document.pages]


@pytest.fixture(scope="module")
def html(index: Index, pub: Publication) -> str:
    return pdf.render_html(pdf.environment(), index, pub, "full", LANG)


def render_in_chunks(
    index: Index, pub: Publication, html: str, target: Path, chunk_bytes: int, processes: int = 1
) -> chunked.Rendered:
    env = pdf.environment()
    style = pdf.page_style(env, index, pub, LANG)
    return chunked.render(
        html, str(pdf.PRINT_TEMPLATES) + "/", style, pdf.pdf_options(pub, "full", LANG), target, processes, chunk_bytes
    )


@pytest.fixture(scope="module")
def whole(tmp_path_factory: pytest.TempPathFactory, index: Index, pub: Publication, pdf_rendering: None) -> pdf.PdfResult:
    """The report as the build renders it: below the size for chunks, whole (never in chunks)."""
    target = tmp_path_factory.mktemp("whole") / "whole.pdf"

    def not_in_chunks(*args: object, **kwargs: object) -> chunked.Rendered:
        raise AssertionError("a report below the size for chunks was rendered in chunks")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(chunked, "render", not_in_chunks)
        return pdf.render_pdf(pdf.environment(), index, pub, "full", LANG, target)


@pytest.fixture(scope="module")
def short_html(html: str) -> str:
    """The report with three of its chapters, which refer to one another (the findings, their
    profiles and the studies): for tests of what any cut report does (the same bytes twice, numbers
    that never settle) at less of the rendering."""
    document = lxml.html.document_fromstring(html)
    body = document.find("body")
    assert body is not None
    kept = ("findings", "profiles", "studies")
    for chapter in body.findall("section[@id]"):
        if chapter.get("id") not in kept:
            body.remove(chapter)
    assert [chapter.get("id") for chapter in body.findall("section[@id]")] == list(kept), "the report's chapters were renamed"
    return etree.tostring(document, encoding="unicode", doctype="<!DOCTYPE html>")


@pytest.fixture(scope="module")
def by_chapter(
    tmp_path_factory: pytest.TempPathFactory, index: Index, pub: Publication, html: str, pdf_rendering: None
) -> tuple[Path, chunked.Rendered]:
    """Cut only between the body's parts (cover, colophon, contents, chapters): each starts a page."""
    body = lxml.html.document_fromstring(html).find("body")
    assert body is not None
    largest = max(len(etree.tostring(part, encoding="unicode")) for part in body)
    target = tmp_path_factory.mktemp("by-chapter") / "report.pdf"
    return target, render_in_chunks(index, pub, html, target, largest + 1, processes=2)


@pytest.fixture(scope="module")
def anywhere(
    tmp_path_factory: pytest.TempPathFactory, index: Index, pub: Publication, html: str, pdf_rendering: None
) -> tuple[Path, chunked.Rendered]:
    """Cut inside the chapters too: tables, sections and lists go on in the next chunk."""
    target = tmp_path_factory.mktemp("anywhere") / "report.pdf"
    return target, render_in_chunks(index, pub, html, target, 2_500)


def test_cut_between_chapters_it_prints_page_for_page_what_the_whole_report_prints(
    whole: pdf.PdfResult, by_chapter: tuple[Path, chunked.Rendered]
) -> None:
    path, rendered = by_chapter
    whole_path = whole.path
    assert rendered.chunks > 5 and rendered.settled
    assert rendered.renderings == rendered.chunks, "the counted numbers held: each chunk rendered once"
    assert page_texts(path) == page_texts(whole_path)
    assert rendered.pages == len(page_texts(whole_path))
    assert outline(path) == outline(whole_path)
    assert destinations(path) == destinations(whole_path)
    assert links(path) == links(whole_path)


def test_cut_anywhere_every_printed_page_number_is_true(anywhere: tuple[Path, chunked.Rendered], html: str) -> None:
    path, rendered = anywhere
    assert rendered.chunks > 10 and rendered.settled
    texts = page_texts(path)
    assert rendered.pages == len(texts)
    named = destinations(path)
    on_pages = links(path)
    # The footer: "Side n av N" on every page but the cover, n the page's own number.
    for number, text in enumerate(texts[1:], start=2):
        assert f"Side {number} av {len(texts)}" in text, f"page {number}: {text[-200:]!r}"
    # The contents: each chapter's number is the page its anchor is on.
    contents = next(text for text in texts if "Innhold" in text)
    chapters = re.findall(r'<li><a href="#([^"]+)">', html.split('class="toc"', 1)[1].split("</nav>", 1)[0])
    printed = [int(n) for n in re.findall(r"\.{3,}\s*(\d+)\s*$", contents, re.M)]
    assert printed == [named[anchor] + 1 for anchor in chapters]
    # "se side N": a page the page links to holds an anchor on page N.
    for number, (text, linked) in enumerate(zip(texts, on_pages, strict=True), start=1):
        pages_linked = {named[anchor] + 1 for anchor in linked}
        for said in re.findall(r"se side (\d+)", text):
            assert int(said) in pages_linked, f"page {number} says 'se side {said}', links to {sorted(pages_linked)}"


def test_cut_anywhere_a_continued_chapter_keeps_its_running_header(
    anywhere: tuple[Path, chunked.Rendered], pub: Publication, index: Index
) -> None:
    path, _ = anywhere
    texts = page_texts(path)
    titles = [pdf.PrintView(index, pub, LANG).chapter_title(chapter) for chapter in pdf.PrintView(index, pub, LANG).chapters()]
    first_chapter = next(number for number, text in enumerate(texts) if titles[0] in text and "Innhold" not in text)
    for number, text in enumerate(texts[first_chapter:], start=first_chapter + 1):
        header = text.strip().splitlines()[0]
        assert any(title in header for title in titles), f"page {number} has no chapter in its header: {header!r}"


def test_cut_anywhere_the_parts_are_one_tagged_document(anywhere: tuple[Path, chunked.Rendered], html: str) -> None:
    path, _ = anywhere
    with pikepdf.open(path) as document:
        pages = {page.objgen: number for number, page in enumerate(document.pages)}
        root = document.Root.StructTreeRoot
        numbers = root.ParentTree.Nums
        keys = [int(numbers[i]) for i in range(0, len(numbers), 2)]
        assert keys == list(range(len(keys))), "one parent tree, numbered through"
        assert [int(page.obj.StructParents) for page in document.pages] == list(range(len(document.pages)))
        annotations = [a for page in document.pages for a in page.obj.get("/Annots", [])]
        assert sorted(int(a.StructParent) for a in annotations) == list(range(len(document.pages), len(keys)))
        assert not [a for a in annotations if "/A" in a and str(a.A.URI).startswith(chunked.CHUNK_LINK)]
        (top,) = root.K
        assert top.S == "/Document"
        elements, stack = 0, list(top.K)
        while stack:
            element = stack.pop()
            if not isinstance(element, pikepdf.Dictionary) or "/S" not in element:
                continue
            elements += 1
            if "/Pg" in element:
                assert element.Pg.objgen in pages, "an element marks content on a page of this document"
            kids = element.get("/K")
            stack.extend(kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else [])
        assert elements > 100
        assert str(document.Root.Lang) == LANG
        assert "/Outlines" in document.Root
    ids = set(re.findall(r' id="([^"]+)"', html))
    assert ids <= set(destinations(path)), "every anchor of the report is a destination of the PDF"
    assert {anchor for page in links(path) for anchor in page} <= set(destinations(path))


def test_rendering_in_chunks_gives_the_same_bytes_twice(
    index: Index, pub: Publication, short_html: str, tmp_path: Path, pdf_rendering: None
) -> None:
    """In one process and in two, cut into many chunks: the same bytes, and no part left behind."""
    once, again = tmp_path / "once" / "report.pdf", tmp_path / "again" / "report.pdf"
    for target, processes in ((once, 1), (again, 2)):
        target.parent.mkdir()
        rendered = render_in_chunks(index, pub, short_html, target, 2_500, processes=processes)
        assert rendered.chunks > 4 and rendered.settled
        assert [p.name for p in target.parent.iterdir()] == ["report.pdf"], "the parts are gone"
    assert again.read_bytes() == once.read_bytes()


def test_a_large_report_is_rendered_in_chunks_and_a_small_one_whole(
    whole: pdf.PdfResult, index: Index, pub: Publication, html: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len(html) < chunked.CHUNKED_FROM_BYTES and whole.chunks == 1 and whole.settled
    monkeypatch.setattr(chunked, "CHUNKED_FROM_BYTES", len(html))
    monkeypatch.setattr(chunks, "CHUNK_BYTES", len(html) // 2)
    large = pdf.render_pdf(pdf.environment(), index, pub, "full", LANG, tmp_path / "large.pdf")
    assert large.chunks > 1 and large.settled
    assert large.pages == len(page_texts(large.path)) >= whole.pages
    assert large.peak_mb > 0


def test_numbers_that_never_settle_are_said_in_the_build_s_output(
    index: Index, pub: Publication, short_html: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pdf_rendering: None
) -> None:
    """Each laying out of a chunk finds its anchors a page further on than the last (a stand-in for
    numbers whose width keeps moving the layout): after `ROUNDS` renderings the report is written and
    says so."""
    moved = iter(range(1, 1000))
    laid_out = chunked._layout_of

    def growing(document: object) -> chunked.Layout:
        layout = laid_out(document)
        shift = next(moved)
        return chunked.Layout(layout.pages, {anchor: page + shift for anchor, page in layout.anchors.items()})

    monkeypatch.setattr(chunked, "_layout_of", growing)
    monkeypatch.setattr(pdf, "render_html", lambda *args: short_html)
    monkeypatch.setattr(chunked, "CHUNKED_FROM_BYTES", 0)
    monkeypatch.setattr(chunks, "CHUNK_BYTES", len(short_html) // 2)
    result = pdf.render_pdf(pdf.environment(), index, pub, "full", LANG, tmp_path / "report.pdf")
    assert result.chunks > 1 and not result.settled
    assert "WARNING: its page numbers still moved" in str(result)
    quiet = pdf.PdfResult(result.path, pub.id, "full", LANG, 3, 1.0, 10.0, chunks=2)
    assert "WARNING" not in str(quiet)
