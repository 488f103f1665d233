"""A built site's HTML pages, parsed once and shared by every test that reads them.

The real site has about 1,000 pages. lxml parses all of them in about a second; BeautifulSoup
with html.parser took some 20 seconds, and each crawl parsed the whole site again. The session
fixture `real_site` (conftest.py) parses the real site once for all the crawls.

The tests keep the CSS selectors they were written with (`select`, through cssselect) and read
the same text nodes BeautifulSoup gave them: `reader_text` is what `get_text()` joins, and
`every_string` is what `find_all(string=True)` finds.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import lxml.html
from cssselect import HTMLTranslator
from lxml import etree
from lxml.html import HtmlElement

from generator.model.settings import DEFAULT_LANGUAGE, LANGUAGES
from generator.present import urls

NOT_READ = ("script", "style", "template", "rt", "rp")
"""Elements whose text BeautifulSoup's get_text() leaves out (its string containers for HTML)."""

_TEXT = etree.XPath(".//text()")
_NOT_READ_ELEMENTS = etree.XPath(" | ".join(f"descendant-or-self::{tag}/descendant-or-self::*" for tag in NOT_READ))
_EVERY_STRING = etree.XPath("//text() | //comment()")
_OTHER_LANGUAGES = frozenset(LANGUAGES) - {DEFAULT_LANGUAGE}


def parse(path: Path) -> HtmlElement:
    return lxml.html.document_fromstring(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class BuiltSite:
    root: Path
    pages: dict[str, HtmlElement]
    """Every .html file under `root`, parsed, by its path relative to `root` ('en/findings/x/index.html')."""

    @classmethod
    def parse(cls, root: Path) -> BuiltSite:
        root = root.resolve()  # links are resolved against it
        return cls(root, {path.relative_to(root).as_posix(): parse(path) for path in sorted(root.rglob("*.html"))})

    def page(self, lang: str, doc: str) -> HtmlElement:
        """The page built from `doc` (a Markdown path such as 'findings/x.md') in `lang`."""
        return self.pages[(PurePosixPath(urls.site_url(doc, lang).lstrip("/")) / "index.html").as_posix()]

    def at(self, path: Path) -> HtmlElement:
        """The parsed page at a file path (one outside the site is parsed on demand)."""
        try:
            return self.pages[path.relative_to(self.root).as_posix()]
        except (ValueError, KeyError):
            return parse(path)

    def language_pages(self, lang: str) -> Iterator[tuple[str, HtmlElement]]:
        """(relative path, page) of one language's pages: the default language at the root, the
        others under their own folder."""
        for rel, page in self.pages.items():
            top = PurePosixPath(rel).parts[0]
            if (top == lang != DEFAULT_LANGUAGE) or (lang == DEFAULT_LANGUAGE and top not in _OTHER_LANGUAGES):
                yield rel, page


@functools.cache
def _selector(css: str) -> etree.XPath:
    # As BeautifulSoup's select() (soupsieve): the element itself is never one of its matches (lxml's
    # own cssselect() would try it too), nor is anything inside a <template>, whose content HTML
    # keeps apart from the page.
    return etree.XPath(f"({HTMLTranslator().css_to_xpath(css, prefix='descendant::')})[not(ancestor::template)]")


def select(element: HtmlElement, css: str) -> list[HtmlElement]:
    """The elements under `element` that match the CSS selector, in document order."""
    return _selector(css)(element)


def select_one(element: HtmlElement, css: str) -> HtmlElement:
    found = select(element, css)
    assert found, f"nothing matches {css!r}"
    return found[0]


def reader_text(element: HtmlElement) -> list[str]:
    """The text nodes under `element` a reader sees, in order: not scripts, styles, templates
    or comments (BeautifulSoup's `get_text()` joins these)."""
    # The few elements not read are listed once; an XPath asking each text node for such an
    # ancestor took twice as long over the whole site.
    hidden = set(_NOT_READ_ELEMENTS(element))
    if not hidden:
        return [str(node) for node in _TEXT(element)]
    shown = []
    for node in _TEXT(element):
        owner = node.getparent()
        if node.is_tail:  # the text after an element belongs to the element around it
            owner = owner.getparent()
        if owner not in hidden:
            shown.append(str(node))
    return shown


def text(element: HtmlElement) -> str:
    """An element's text, as BeautifulSoup's `get_text()` gives it."""
    return "".join(reader_text(element))


def every_string(page: HtmlElement) -> list[str]:
    """Every text node of the page, scripts, styles and comments included (what BeautifulSoup's
    `find_all(string=True)` finds)."""
    return [node if isinstance(node, str) else node.text or "" for node in _EVERY_STRING(page)]


def without(element: HtmlElement, css: str) -> HtmlElement:
    """A copy of `element` without the elements under it that match `css` (their tails, the text
    that follows them, stay)."""
    clone = copy.deepcopy(element)
    clone.tail = None
    for match in select(clone, css):
        match.drop_tree()
    return clone
