"""One layout pass less per report: the page numbers of our cross-references, resolved the direct way.

Our reports print "see page N" beside findings (`a.xref::before`) and page numbers in the table of
contents (`.toc a::after`), both `target-counter(attr(href), page)`. WeasyPrint 70.0 (pinned)
resolves them through internals that do not work as meant, and that cancel out at the cost of a
whole extra layout pass:

1. The reference is filed under the anchor `None`: `content_to_boxes` names the target from the
   `attr(href)` token itself, not from the link's `href`. So when a target is laid out, the pages
   that refer to it are never told (`TargetCollector.cache_target_page_counters` finds no one).
2. What saves the numbers is that the same list of target counters is also filed as the box's
   own missing page counters (a variable reused in `content_to_boxes`): each referring page
   compares its own page counters with those it had the pass before, and is made again, reading
   its targets anew, when they differ. And they always differ once, because they include the
   total page count, 0 in the first pass and the real total after it. So every page with a
   reference is made again in the second pass, with the numbers it now reads, and in a third
   pass once more, with the same numbers.

`install` files a reference under the anchor its `href` names, so a target tells the pages that
refer to it when it is laid out (1), and makes page counters that differ only in the total page
count compare equal, so a page whose numbers did not change is not made again (2). The total is
still set and printed in the margins ("page 3 of 73"); what this would not update is
`counter(pages)` or `target-counter(..., pages)` inside the text, which no template or stylesheet
of ours uses.

It installs only on the WeasyPrint it was written for (`WEASYPRINT`): on another version the
stock behaviour stays, and `tests/test_repagination.py` fails until this is looked at again. The
tests compare the bytes of documents and reports rendered with and without it. The real knowledge
base's largest report (skole-hjem-2025, full, nb; 73 pages) was laid out 155 pages in three passes
without it, 114 in two with it, with the same PDF bytes, and took 9% less CPU time to render and
write (10.80 s against 11.86 s, the least of three runs each, `time.process_time()`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import weasyprint
import weasyprint.layout
from weasyprint.css import targets
from weasyprint.css.targets import TargetCollector, TargetLookupItem

WEASYPRINT = "70.0"
"""The version whose internals this was written against and tested on."""

TOTAL = "pages"
"""The page counter known only after a whole pass, and so different between the first two."""

_LAST_ANCHOR = "_kb_last_anchor"
"""Where `_lookup_target` leaves the anchor a reference names, for `_collect_missing_counters`."""


class PageCounters(dict[str, Any]):
    """Page counter values that compare equal when they differ only in the total page count (2).

    WeasyPrint copies the page counters from page to page with `copy.deepcopy`, which keeps the
    type, so giving the first page's counters this type gives it to every page's."""

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, dict):
            return NotImplemented
        return _numbered(self) == _numbered(other)

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = None  # mutable, like dict


def _numbered(counters: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in counters.items() if name != TOTAL}


_stock_initialize_page_maker: Callable[[Any, Any], None] = weasyprint.layout.initialize_page_maker
_stock_lookup_target: Callable[..., TargetLookupItem] = TargetCollector.lookup_target
_stock_collect_missing_counters: Callable[..., None] = TargetCollector.collect_missing_counters


def _initialize_page_maker(context: Any, root_box: Any) -> None:
    _stock_initialize_page_maker(context, root_box)
    resume_at, next_page, right_page, page_state, remake_state = context.page_maker[0]
    quote_depth, counters, scopes, groups = page_state
    context.page_maker[0] = (
        resume_at,
        next_page,
        right_page,
        (quote_depth, PageCounters(counters), scopes, groups),
        remake_state,
    )


def _anchor_named(anchor_token: Any, source_box: Any) -> str | None:
    """The anchor a `target-counter` refers to, `attr(href)` read from the element (1)."""
    if anchor_token[0] != "attr()":
        named: str | None = targets.anchor_name_from_token(anchor_token)
        return named
    attribute, _, fallback = anchor_token[1]
    value = source_box.element.get(attribute, fallback)
    return value[1:] if isinstance(value, str) and value.startswith("#") else None


def _lookup_target(
    self: TargetCollector, anchor_token: Any, source_box: Any, css_token: str, parse_again: Any
) -> TargetLookupItem:
    setattr(self, _LAST_ANCHOR, _anchor_named(anchor_token, source_box))
    return _stock_lookup_target(self, anchor_token, source_box, css_token, parse_again)


def _collect_missing_counters(
    self: TargetCollector,
    parent_box: Any,
    css_token: str,
    parse_again_function: Any,
    missing_counters: list[str],
    missing_target_counters: dict[str | None, list[str]],
) -> None:
    anchor = getattr(self, _LAST_ANCHOR, None)
    if None in missing_target_counters and anchor is not None:
        # One target-counter per `content` in our stylesheets, so the last anchor looked up is its.
        missing_target_counters = {**missing_target_counters}
        missing_target_counters[anchor] = missing_target_counters.pop(None)
    _stock_collect_missing_counters(self, parent_box, css_token, parse_again_function, missing_counters, missing_target_counters)


def applies() -> bool:
    """Whether this WeasyPrint is the one the fixes were written for."""
    return bool(weasyprint.__version__ == WEASYPRINT)


def install() -> None:
    """Use the fixes in this process (idempotent; nothing on another WeasyPrint version)."""
    if not applies():
        return
    weasyprint.layout.initialize_page_maker = _initialize_page_maker
    TargetCollector.lookup_target = _lookup_target
    TargetCollector.collect_missing_counters = _collect_missing_counters


def uninstall() -> None:
    """WeasyPrint's own behaviour again (the tests compare the two)."""
    weasyprint.layout.initialize_page_maker = _stock_initialize_page_maker
    TargetCollector.lookup_target = _stock_lookup_target
    TargetCollector.collect_missing_counters = _stock_collect_missing_counters
