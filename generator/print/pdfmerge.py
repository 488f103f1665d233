"""The parts of a report rendered in chunks (chunked.py) joined into one tagged PDF, with pikepdf.

Appending the pages is the easy half. What makes the result one report rather than parts stapled
together:

- **Tags (PDF/UA).** Each part has its own structure tree: its elements are moved under the first
  part's document element, and the parent tree, which maps each page's marked content and each
  link annotation to its element, is numbered again for the whole (pages 0..n-1, then the
  annotations), with each page's `StructParents` and each annotation's `StructParent` to match.
- **Links and destinations.** Each part names a destination for every anchor it holds; the joined
  PDF names them all. A link to another part was written as a `chunk:<anchor>` address (WeasyPrint
  cannot link to an anchor it has not laid out) and becomes a link to that named destination, as
  WeasyPrint writes a link inside a document.
- **Outline.** One outline from the parts' bookmarks with their CSS levels, nested as WeasyPrint
  nests them: a chapter that goes on in the next part keeps its sections under it.
- **Metadata** (title, language, PDF/UA identification, viewer preferences) are the first part's,
  which WeasyPrint wrote from the report's head like every part's.

Saved with a deterministic file identifier: the same parts give the same bytes.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, NameTree, Object, OutlineItem, String


@dataclass(frozen=True)
class Bookmark:
    """An outline entry: its CSS `bookmark-level`, title, page (from 0) and place on it in PDF points."""

    level: int
    label: str
    page: int
    x: float
    y: float
    open: bool = True

    def on(self, offset: int) -> Bookmark:
        """The same entry, its page counted from `offset` pages earlier."""
        return replace(self, page=self.page + offset)


def join(parts: Sequence[Path], bookmarks: Sequence[Bookmark], chunk_link: str, target: Path) -> None:
    """The PDFs `parts`, in order, as one PDF at `target` (written whole, then renamed into place)."""
    with pikepdf.open(parts[0]) as joined:
        document = joined.Root.StructTreeRoot.K[0]
        marked: list[Object] = []  # each page's marked content -> structure elements, in page order
        annotations: list[tuple[Object, Object]] = []  # each link and its structure element
        destinations: dict[str, Object] = {}
        _take(joined, joined, document, marked, annotations, destinations)
        for path in parts[1:]:
            with pikepdf.open(path) as part:
                _take(joined, part, document, marked, annotations, destinations)
        _number_parent_tree(joined, marked, annotations)
        _name_destinations(joined, destinations)
        _link_across(joined, chunk_link)
        _outline(joined, bookmarks)
        partial = target.with_name(target.name + ".part")
        joined.save(partial, deterministic_id=True, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    partial.replace(target)


def _take(
    joined: pikepdf.Pdf,
    part: pikepdf.Pdf,
    document: Object,
    marked: list[Object],
    annotations: list[tuple[Object, Object]],
    destinations: dict[str, Object],
) -> None:
    """One part's pages, structure, annotations and named destinations into `joined` (`part` may be it)."""
    own = part is joined
    tree = dict(_pairs(part.Root.StructTreeRoot.ParentTree.Nums))
    # Read in the part's own numbering, before anything is copied.
    on_pages = [
        (
            tree[int(page.obj.StructParents)],
            [(i, tree[int(a.StructParent)]) for i, a in enumerate(page.obj.get("/Annots", [])) if "/StructParent" in a],
        )
        for page in part.pages
    ]
    where: dict[tuple[int, int], int] = {page.obj.objgen: number for number, page in enumerate(part.pages)}
    named = list(NameTree(part.Root.Names.Dests).items()) if "/Names" in part.Root and "/Dests" in part.Root.Names else []
    first = 0 if own else len(joined.pages)
    if not own:
        with warnings.catch_warnings():
            # pikepdf warns that appended pages lose the part's named destinations: _name_destinations
            # names them all again, pointing at the appended pages.
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
            joined.pages.extend(part.pages)
        for kid in list(part.Root.StructTreeRoot.K[0].K):
            del kid.P  # else the copy would bring the part's document element and root along
            copied = joined.copy_foreign(kid)
            copied.P = document
            document.K.append(copied)

    def ours(element: Object) -> Object:
        """An object of the part as it is in `joined` (copied once: qpdf maps each object it copied)."""
        return element if own else joined.copy_foreign(element)

    for number, (elements, annotated) in enumerate(on_pages):
        page = joined.pages[first + number].obj
        marked.append(Array([ours(element) for element in elements]))
        for i, element in annotated:
            annotations.append((page.Annots[i], ours(element)))
    for name, destination in named:
        page = joined.pages[first + where[destination[0].objgen]].obj
        destinations[str(name)] = Array([page, Name.XYZ, destination[2], destination[3], destination[4]])


def _pairs(numbers: Object) -> list[tuple[int, Object]]:
    return [(int(numbers[i]), numbers[i + 1]) for i in range(0, len(numbers), 2)]


def _number_parent_tree(joined: pikepdf.Pdf, marked: list[Object], annotations: list[tuple[Object, Object]]) -> None:
    """The parent tree for the joined pages (0..n-1) and then their annotations."""
    numbers: list[object] = []  # built as a list: appending to a pikepdf Array one by one is quadratic
    for number, (page, elements) in enumerate(zip(joined.pages, marked, strict=True)):
        page.obj.StructParents = number
        numbers += [number, elements]
    for number, (annotation, element) in enumerate(annotations, start=len(marked)):
        annotation.StructParent = number
        numbers += [number, element]
    joined.Root.StructTreeRoot.ParentTree = joined.make_indirect(Dictionary(Nums=Array(numbers)))
    joined.Root.StructTreeRoot.ParentTreeNextKey = len(marked) + len(annotations)


def _name_destinations(joined: pikepdf.Pdf, destinations: dict[str, Object]) -> None:
    tree = NameTree.new(joined)
    for name in sorted(destinations):
        tree[name] = destinations[name]
    if "/Names" not in joined.Root:
        joined.Root.Names = Dictionary()
    joined.Root.Names.Dests = tree.obj


def _link_across(joined: pikepdf.Pdf, chunk_link: str) -> None:
    """`chunk:<anchor>` links as links to the named destination `<anchor>`, as WeasyPrint writes a link
    inside a document (its `Contents` the anchor too)."""
    for page in joined.pages:
        for annotation in page.get("/Annots", []):
            action = annotation.get("/A")
            if action is None or action.get("/S") != Name.URI or not str(action.URI).startswith(chunk_link):
                continue
            anchor = str(action.URI)[len(chunk_link) :]
            del annotation["/A"]
            annotation.Dest = String(anchor)
            if "/Contents" in annotation:
                annotation.Contents = String(anchor)


def _outline(joined: pikepdf.Pdf, bookmarks: Sequence[Bookmark]) -> None:
    """One outline, nested by level as WeasyPrint nests a document's bookmarks."""
    if "/Outlines" in joined.Root:
        del joined.Root["/Outlines"]
    with joined.open_outline() as outline:
        open_items: list[tuple[int, OutlineItem]] = []
        for bookmark in bookmarks:
            item = OutlineItem(bookmark.label, bookmark.page, "XYZ", left=bookmark.x, top=bookmark.y)
            item.is_closed = not bookmark.open
            while open_items and open_items[-1][0] >= bookmark.level:
                open_items.pop()
            (open_items[-1][1].children if open_items else outline.root).append(item)
            open_items.append((bookmark.level, item))
