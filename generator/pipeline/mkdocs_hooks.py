"""MkDocs hooks of our own builds (mkdocs_run.py adds them; mkdocs.yml does not name them, so MkDocs
alone and Zensical, measured beside our build by the bench, read the same file without them).

MkDocs renders the Markdown of every page before it writes the first one (navigation, titles and
anchor checks need them all), and keeps each page's Markdown and HTML to the end. At 10,000 studies
that is 21,000 pages a language, most of a MkDocs process's memory. Between the two passes a page's
HTML is held here compressed, and its Markdown is emptied once rendered: nothing after reads it
but the title (the theme's search, which would, is off: Pagefind indexes the built pages). After a page is
written its HTML is dropped too.

MkDocs also parses the Markdown of every page a second time with `html.parser` (Python-Markdown's
own parse is the first), only to collect the ids in its raw HTML that a link's `#anchor` may name
(`validation: anchors`; `_RawHTMLPreprocessor`): 5.2 s for the real knowledge base's 519 pages of
one language (MkDocs' handler fed them in a script, a test run beside it), and 7.2 s of a 31-s
build under cProfile. `on_config` makes those ids found when a link first asks whether one is
there (`IdsInRawHtml`): the same text, held compressed, parsed
by MkDocs' own `_HTMLHandler`, so every answer is the one MkDocs gives, and a page no link points
into with an anchor is never parsed a second time. In the real knowledge base no page is: every
anchor a link names is an id Markdown made (a heading's), asked first. Its Norwegian build took
10.1 and 11.5 s of CPU this way against 12.4 and 13.5 s with MkDocs' own, the same files and
warnings (a script alternating the two in one process).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator, Set
from typing import Any

from mkdocs.structure import pages as mkdocs_pages

_held: dict[str, bytes] = {}
"""Each rendered page's HTML, compressed, from the Markdown pass to the page's writing."""

PLACEHOLDER = ""
"""What a page's `content` is while its HTML is held."""


def on_page_content(html: str, page: Any, **_: Any) -> str:
    _held[page.file.src_uri] = zlib.compress(html.encode("utf-8"), 1)
    # Empty, not None: MkDocs' `Page.title` is None for a page without Markdown, and it is asked
    # for every page in the navigation, the previous and next links and the <title> of each.
    page.markdown = ""
    return PLACEHOLDER


def on_page_context(context: Any, page: Any, **_: Any) -> Any:
    held = _held.pop(page.file.src_uri, None)
    if held is not None:
        page.content = zlib.decompress(held).decode("utf-8")
    return context


def on_post_page(output: str, page: Any, **_: Any) -> str:
    page.content = None
    return output


class IdsInRawHtml(Set[str]):
    """The ids (and `<a name>`s) in a page's raw HTML as MkDocs' `_HTMLHandler` finds them, found on
    the first question: whether one is there, or what they are."""

    def __init__(self, text: str) -> None:
        self._held = zlib.compress(text.encode("utf-8"), 1) if "<" in text else b""
        self._found: frozenset[str] | None = None if self._held else frozenset()

    @property
    def found(self) -> frozenset[str]:
        if self._found is None:
            parser = mkdocs_pages._HTMLHandler()
            parser.feed(zlib.decompress(self._held).decode("utf-8"))
            parser.close()
            self._found, self._held = frozenset(parser.present_anchor_ids), b""
        return self._found

    def __contains__(self, anchor: object) -> bool:
        return anchor in self.found

    def __iter__(self) -> Iterator[str]:
        return iter(self.found)

    def __len__(self) -> int:
        return len(self.found)

    def __ror__(self, other: Iterable[str]) -> AnchorIds:  # MkDocs' `set | this`, kept unparsed
        return AnchorIds(frozenset(other), self)


class AnchorIds(Set[str]):
    """A page's ids: those Markdown made (found as it rendered) and those in its raw HTML (found when
    asked). What MkDocs keeps as `page.present_anchor_ids`, their union."""

    def __init__(self, rendered: frozenset[str], raw: IdsInRawHtml) -> None:
        self.rendered, self.raw = rendered, raw

    def __contains__(self, anchor: object) -> bool:
        return anchor in self.rendered or anchor in self.raw

    def __iter__(self) -> Iterator[str]:
        return iter(self.rendered | self.raw.found)

    def __len__(self) -> int:
        return len(self.rendered | self.raw.found)


def _ids_when_asked(self: Any, lines: list[str]) -> list[str]:
    """`_RawHTMLPreprocessor.run`, the parse left for when a link asks (the text is the one it parsed)."""
    self.present_anchor_ids = IdsInRawHtml("\n".join(lines))
    return lines


_STOCK_RUN = mkdocs_pages._RawHTMLPreprocessor.run


def on_config(config: Any, **_: Any) -> Any:
    # For this build only (until on_post_build or on_build_error): another build in the same
    # process without these hooks gets MkDocs' own.
    mkdocs_pages._RawHTMLPreprocessor.run = _ids_when_asked  # type: ignore[method-assign]  # the module's docstring says why
    return config


def on_post_build(config: Any, **_: Any) -> None:
    mkdocs_pages._RawHTMLPreprocessor.run = _STOCK_RUN  # type: ignore[method-assign]


def on_build_error(error: Exception, **_: Any) -> None:
    mkdocs_pages._RawHTMLPreprocessor.run = _STOCK_RUN  # type: ignore[method-assign]
