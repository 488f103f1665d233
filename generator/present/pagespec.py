"""What one generated page is: its path, its template and what it shows. Shared by the page plan
(pages.py) and the sections of a publication (sections.py)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class PageSpec:
    """One generated page, identical in every language apart from its text."""

    doc: str
    template: str
    params: dict[str, str] = field(default_factory=dict)
    source: str | None = None
    """The data file a reader's 'edit this page' should open."""
    nav_key: str | None = None
    """UI key of the page's sidebar title; None keeps the page out of the sidebar (docs/decisions.md: nav is quadratic)."""
    wide: bool = False
    """Wide tables: the page hides the sidebars so the table gets the whole width."""
    toc: bool = True
    """False: the page hides its table of contents, so its cards get the room (the home page)."""
    searchable: bool = True
    """Drill-down lists (and the home page's cards) repeat content found elsewhere: kept out of the search index."""
    search_weight: float = 1.0
    """How much a word on this page counts in search against the same word on another page
    (search.py); a page that counts less has its whole body weighted (overrides/main.html)."""
