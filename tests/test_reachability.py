"""Every page of the built site is reached by following links from its language's home page.

A page that only its address leads to is lost to readers (and to anyone checking the site by
following it): the drill-down lists behind a count, a parent theme's findings. The crawl starts at
each language's home page and follows every `<a href>` within the site to its HTML pages (the
language switch included); every built page must be reached, but for the few in `NOT_LINKED`,
each with its reason. The real site is parsed once for the session (`real_site`); the fixtures'
sites are crawled by tests/test_invariants.py.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from generator.model.settings import LANGUAGES
from generator.present import urls

from .built_site import BuiltSite, select

NOT_LINKED = {
    "404.html": "the page for an address that does not exist: the web server shows it, no page links it",
    "en/404.html": "the same, in English",
}
"""Built pages no link needs to lead to, and why."""

_HOST = "site.invalid"


def _file_of(url: str) -> str | None:
    """The HTML file a link within the site leads to ('findings/x/' -> 'findings/x/index.html')."""
    target = urlsplit(url)
    if target.netloc != _HOST:
        return None  # another site
    path = unquote(target.path).lstrip("/")
    if path == "" or path.endswith("/"):
        return path + "index.html"
    return path if PurePosixPath(path).suffix == ".html" else None  # a PDF, an export, an image


def reached(site: BuiltSite) -> set[str]:
    """The pages reached from the home pages of every language by following links."""
    homes = [(PurePosixPath(urls.site_url(urls.HOME, lang).lstrip("/")) / "index.html").as_posix() for lang in LANGUAGES]
    seen: set[str] = set()
    waiting = [home for home in homes if home in site.pages]
    while waiting:
        current = waiting.pop()
        if current in seen:
            continue
        seen.add(current)
        base = f"http://{_HOST}/{current}"
        for anchor in select(site.pages[current], "a[href]"):
            found = _file_of(urljoin(base, anchor.get("href") or ""))
            if found and found in site.pages and found not in seen:
                waiting.append(found)
    return seen


def unreached(site: BuiltSite) -> list[str]:
    """The built pages no chain of links from a home page leads to, but for `NOT_LINKED`."""
    return sorted(set(site.pages) - reached(site) - set(NOT_LINKED))


def test_every_page_of_the_real_site_is_reached_from_the_home_pages(real_site: BuiltSite) -> None:
    missed = unreached(real_site)
    assert missed == [], f"{len(missed)} page(s) no link leads to, e.g. {missed[:5]}"
    assert set(NOT_LINKED) <= set(real_site.pages), "an allowed page that is not built: take it off the list"
    assert len(real_site.pages) > 1000


def test_the_crawl_notices_a_page_no_link_leads_to(tmp_path: Path) -> None:
    pages = {
        "index.html": '<a href="a/">a</a> <a href="downloads/x.pdf">pdf</a> <a href="https://example.org/c/">out</a>',
        "a/index.html": '<a href="../b/#part">b</a> <a href="../en/">English</a>',
        "b/index.html": '<a href="../a/index.html">back</a>',
        "c/index.html": "reached by its address only",
        "en/index.html": '<a href="d/">d</a>',
        "en/d/index.html": "",
        "404.html": "",
    }
    for rel, body in pages.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    site = BuiltSite.parse(tmp_path)
    assert unreached(site) == ["c/index.html"]
    assert reached(site) == set(pages) - {"c/index.html", "404.html"}
