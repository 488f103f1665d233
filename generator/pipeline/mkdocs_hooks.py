"""MkDocs hooks of our own builds (mkdocs_run.py adds them; mkdocs.yml does not name them, so MkDocs
alone and Zensical, measured beside our build by the bench, read the same file without them).

MkDocs renders the Markdown of every page before it writes the first one (navigation, titles and
anchor checks need them all), and keeps each page's Markdown and HTML to the end. At 10,000 studies
that is 21,000 pages a language, most of a MkDocs process's memory. Between the two passes a page's
HTML is held here compressed, and its Markdown is emptied once rendered: nothing after reads it
but the title (the theme's search, which would, is off: Pagefind indexes the built pages). After a page is
written its HTML is dropped too.
"""

from __future__ import annotations

import zlib
from typing import Any

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
