"""A large report's print HTML cut into chunks that WeasyPrint lays out one at a time.

WeasyPrint lays out a whole document before it writes a page, so its memory grows with the report
(a 1,000-finding report: 1,209 pages, 2.9 GB). Cut into chunks of about `CHUNK_BYTES` of HTML,
each chunk is a document of its own and a rendering process holds one chunk's pages at a time
(chunked.py renders them, pdfmerge.py joins them).

A cut falls between two elements, never inside one we do not know how to continue: the body, a
section, a list and a table are opened again in the next chunk (a table with its head, a numbered
list from the number it had reached, a chapter with its running header); a paragraph, a table row
or a study's section stays whole. No cut falls after a heading or a group's heading row (they keep
with what follows, as print.css says for page breaks), after the comment that names the template
and data of the part that follows it, or before a quotation's row. Chapters start on a new page
anyway (print.css), so a cut there costs nothing; a cut inside a long chapter ends a page early,
which is the price of the bounded memory.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterator
from dataclasses import dataclass

import lxml.html
from lxml import etree

CHUNK_BYTES = 400_000
"""HTML a chunk holds, about 80 pages of a report (a 1,000-finding report is 5.6 MB for 1,209 pages):
WeasyPrint needs some 2.4 MB a page while it lays a document out."""

CONTAINERS = frozenset({"body", "section", "div", "nav", "table", "tbody", "ol", "ul", "dl"})
"""Elements a cut may fall inside of: the next chunk opens them again."""

REPEATED = frozenset({"thead", "colgroup"})
"""Children a continued table opens with again (they are not content of their own)."""

HEADS = REPEATED | {"caption"}
"""Children that open a container rather than being its content: a table's caption opens only its first part."""

KEEP_WITH_NEXT = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "dt"})
"""No cut after these (print.css: break-after: avoid on headings, a term keeps with its definition)."""

KEEP_WITH_NEXT_CLASSES = frozenset({"group"})
"""Nor after an element of these classes (a table's group heading row)."""

KEEP_WITH_PREVIOUS_CLASSES = frozenset({"quote-row"})
"""No cut before an element of these classes (a quotation's row stays with its finding)."""

CHAPTER_CLASS = "chapter"
"""The class of a chapter's section: its first heading sets the running header (print.css `string-set`)."""

RUNNING_HEADER_ATTRIBUTE = "data-running-header"
"""On a chapter continued in a later chunk: the running header it had (print.css sets `string(chapter)` from it)."""


@dataclass(frozen=True)
class Piece:
    """An element that goes whole into one chunk, and the containers it sits in (outermost first)."""

    element: etree._Element
    containers: tuple[etree._Element, ...]
    size: int


@dataclass(frozen=True)
class Chunk:
    """One chunk: a document of its own, and the ids of the elements it holds (its anchors)."""

    document: etree._Element
    ids: frozenset[str]

    def html(self) -> str:
        return str(lxml.html.tostring(self.document, encoding="unicode", doctype="<!DOCTYPE html>"))

    def links_out(self, prefix: str = "#") -> list[etree._Element]:
        """Its links to an anchor in another chunk (`href` the prefix and the anchor)."""
        return [
            link
            for link in self.document.iter("a")
            if (link.get("href") or "").startswith(prefix) and link.get("href", "")[len(prefix) :] not in self.ids
        ]

    @functools.cached_property
    def anchors_out(self) -> tuple[str, ...]:
        """The anchors in other chunks it links to, each once, sorted."""
        return tuple(sorted({link.get("href", "")[1:] for link in self.links_out()}))


def split(html: str, chunk_bytes: int = CHUNK_BYTES) -> list[Chunk]:
    """`html` as chunks of about `chunk_bytes` each, in reading order; one chunk when it is small."""
    root = lxml.html.document_fromstring(html)
    body = root.find("body")
    assert body is not None, "the print templates write a body"
    pieces = list(_pieces(body, (), chunk_bytes))
    groups = [pieces] if _size(body) <= chunk_bytes else _groups(pieces, chunk_bytes)
    items: dict[etree._Element, int] = {}
    return [_document(root, group, items) for group in groups]


def _size(element: etree._Element) -> int:
    return len(etree.tostring(element, encoding="unicode", with_tail=False))


def _continuable(element: etree._Element) -> bool:
    """A container whose children can be shared between chunks: no text of its own between them."""
    if not isinstance(element.tag, str) or element.tag not in CONTAINERS:
        return False
    return not (element.text or "").strip() and all(not (child.tail or "").strip() for child in element)


def _pieces(container: etree._Element, outer: tuple[etree._Element, ...], chunk_bytes: int) -> Iterator[Piece]:
    containers = (*outer, container)
    for child in container:
        if isinstance(child.tag, str) and child.tag in HEADS:
            continue
        size = _size(child)
        if size > chunk_bytes and _continuable(child):
            yield from _pieces(child, containers, chunk_bytes)
        else:
            yield Piece(child, containers, size)


def _classes(element: etree._Element) -> set[str]:
    return set((element.get("class") or "").split()) if isinstance(element.tag, str) else set()


def _may_cut_between(before: Piece, after: Piece) -> bool:
    if not isinstance(before.element.tag, str):
        return False  # a comment (the template and data a part comes from) goes with the part after it
    if before.element.tag in KEEP_WITH_NEXT:
        return False
    if _classes(before.element) & KEEP_WITH_NEXT_CLASSES:
        return False
    return not _classes(after.element) & KEEP_WITH_PREVIOUS_CLASSES


def _starts_chapter(piece: Piece) -> bool:
    return len(piece.containers) == 1 and CHAPTER_CLASS in _classes(piece.element)


def _groups(pieces: list[Piece], chunk_bytes: int) -> list[list[Piece]]:
    """Pieces packed into chunks: a new chunk when the next piece would overfill this one, or when a
    chapter starts and this one is half full (a chapter starts a page anyway); never at a cut the
    module's rules forbid."""
    groups: list[list[Piece]] = [[]]
    filled = 0
    for piece in pieces:
        current = groups[-1]
        if current and _may_cut_between(current[-1], piece):
            full = filled + piece.size > chunk_bytes
            if full or (_starts_chapter(piece) and filled > chunk_bytes // 2):
                groups.append([])
                filled = 0
        groups[-1].append(piece)
        filled += piece.size
    return groups


def _document(root: etree._Element, pieces: list[Piece], items: dict[etree._Element, int]) -> Chunk:
    """A whole HTML document of `pieces`: the original head, the containers opened again around them.

    `items`: each container earlier chunks opened, with the list items they put in it (this
    chunk's are added)."""
    document = etree.Element(root.tag, dict(root.attrib))
    head = root.find("head")
    if head is not None:
        document.append(copy.deepcopy(head))
    opened: list[tuple[etree._Element, etree._Element]] = []  # (original, its copy in this chunk)
    for piece in pieces:
        depth = 0
        while depth < len(opened) and depth < len(piece.containers) and opened[depth][0] is piece.containers[depth]:
            depth += 1
        del opened[depth:]
        for container in piece.containers[depth:]:
            parent = opened[-1][1] if opened else document
            opened.append((container, _open(container, parent, items.get(container))))
            items.setdefault(container, 0)
        opened[-1][1].append(copy.deepcopy(piece.element))
        if piece.element.tag == "li":
            items[piece.containers[-1]] += 1
    ids = frozenset(str(value) for value in document.xpath("//body//@id"))
    return Chunk(document, ids)


def _open(container: etree._Element, parent: etree._Element, items_before: int | None) -> etree._Element:
    """A copy of `container` without its children, appended to `parent`, to hold the pieces that follow.

    Opened with its heads (a table's caption, column groups and head). Continued (it began in an
    earlier chunk, which put `items_before` list items in it): without its id, which the earlier
    chunk holds, and without a caption; a numbered list from the number it had reached; a chapter
    with the running header its heading set."""
    continued = items_before is not None
    opened = etree.SubElement(parent, container.tag, dict(container.attrib))
    opened.text = container.text
    opened.tail = container.tail
    for child in container:
        if isinstance(child.tag, str) and child.tag in (REPEATED if continued else HEADS):
            opened.append(copy.deepcopy(child))
    if not continued:
        return opened
    opened.attrib.pop("id", None)
    if container.tag == "ol":
        start = int(container.get("start", "1"))
        opened.set("start", str(start + (items_before or 0)))
    if CHAPTER_CLASS in _classes(container):
        heading = container.find("h2")
        if heading is not None:
            opened.set(RUNNING_HEADER_ATTRIBUTE, " ".join(heading.text_content().split()))
    return opened
