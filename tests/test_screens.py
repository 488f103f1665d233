"""Every kind of page on the screens readers use, in Chromium: a phone (360 and 390 px, the
narrowest common widths) and a desktop.

Which pages: for every template of the page plan, in both languages, the page it renders with
the most content (the widest table of its kind), and every hand-written page. A new template is
checked without being listed here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from generator.model.index import Index
from generator.model.settings import LANGUAGES, Project
from generator.present import urls
from generator.web.pages import plan

REPO = Path(__file__).resolve().parent.parent
PHONE_WIDTHS = (360, 390)
DESKTOP = {"width": 1280, "height": 900}

WIDER_THAN_THE_SCREEN = """() => {
  const width = document.documentElement.clientWidth;
  const past = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && box.width > 0) past.push(el.tagName.toLowerCase() + '.' + el.className);
  }
  return {document: document.documentElement.scrollWidth, viewport: width, past: past.slice(0, 5)};
}"""
"""The document's width against the viewport's, and the first elements that reach past it."""

UNFOLD = "() => document.querySelectorAll('details').forEach((d) => { d.open = true; })"
"""Open every folded part of a page (a topic's publications, an intervention's components)."""


def _page_per_template(index: Index, site_dir: Path) -> dict[str, str]:
    """For every template, the Markdown path of its largest built page (in the default language)."""
    largest: dict[str, tuple[int, str]] = {}
    for spec in plan(index):
        built = site_dir / urls.site_url(spec.doc, LANGUAGES[0]).lstrip("/") / "index.html"
        size = built.stat().st_size
        if size > largest.get(spec.template, (-1, ""))[0]:
            largest[spec.template] = (size, spec.doc)
    return {template: doc for template, (_, doc) in sorted(largest.items())}


def _hand_written(lang: str) -> list[str]:
    return [path.relative_to(REPO / "content" / lang).as_posix() for path in sorted((REPO / "content" / lang).rglob("*.md"))]


def _every_kind_of_page(index: Index, project: Project, lang: str) -> list[tuple[str, str]]:
    """(what it is, its URL path) for one page of every kind, in `lang`."""
    kinds = [(template, urls.site_url(doc, lang)) for template, doc in _page_per_template(index, project.site_dir).items()]
    return kinds + [(f"content/{lang}/{doc}", urls.site_url(doc, lang)) for doc in _hand_written(lang)]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_kind_of_page_is_checked_in_both_languages(real_index: Index, real_project: Project, lang: str) -> None:
    """A new page type is among the pages checked without being listed: the glossary, for one."""
    kinds = dict(_every_kind_of_page(real_index, real_project, lang))
    assert {spec.template for spec in plan(real_index)} <= set(kinds)
    assert kinds["glossary.md.j2"] == urls.site_url(urls.GLOSSARY, lang)


@contextmanager
def _phone(browser: Browser, width: int) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": width, "height": 800}, is_mobile=True, has_touch=True)
    try:
        yield context.new_page()
    finally:
        context.close()


@contextmanager
def _screen(browser: Browser, width: int) -> Iterator[Page]:
    """A phone at a phone's width, else a desktop browser window."""
    if width in PHONE_WIDTHS:
        with _phone(browser, width) as page:
            yield page
        return
    context = browser.new_context(viewport={"width": width, "height": DESKTOP["height"]})
    try:
        yield context.new_page()
    finally:
        context.close()


def _too_wide(page: Page, kind: str, path: str) -> str | None:
    """What reaches past the right edge of the page now shown, if anything."""
    measured = page.evaluate(WIDER_THAN_THE_SCREEN)
    if measured["document"] == measured["viewport"]:
        return None
    return f"{kind} {path}: {measured['document']} px wide at {measured['viewport']} px, past the edge: {measured['past']}"


@pytest.mark.long
@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_page_is_wider_than_a_phone(
    browser: Browser, site_server: str, real_index: Index, real_project: Project, lang: str
) -> None:
    """Sideways swiping never shows a blank strip: on a phone the document is exactly as wide as the
    screen, at each of the phone widths. A wide table scrolls inside its own box, or is cards.

    Each page is loaded once and measured at every phone width in turn, the viewport resized
    between two measurements: the media queries and the theme's resize handling apply as on a fresh
    load, at half the page loads."""
    pages = _every_kind_of_page(real_index, real_project, lang)
    too_wide = []
    with _phone(browser, PHONE_WIDTHS[0]) as page:
        for kind, path in pages:
            page.goto(site_server + path)
            page.evaluate(UNFOLD)  # what a folded part holds must fit too, once it is opened
            for width in PHONE_WIDTHS:
                page.set_viewport_size({"width": width, "height": 800})
                too_wide.append(_too_wide(page, kind, path))
    assert len(pages) > 30
    problems = [problem for problem in too_wide if problem]
    assert not problems, f"{len(problems)} pages are wider than the phone:\n" + "\n".join(problems)


EMPTY_COLUMN_BESIDE_A_CUT_TABLE = """() => {
  const toc = document.querySelector('.md-sidebar--secondary');
  const empty = toc && toc.offsetParent !== null && !toc.querySelector('.md-nav__link');
  const cut = [...document.querySelectorAll('.kb-table-wrap')].filter(w => w.scrollWidth > w.clientWidth + 1);
  return {empty, cut: cut.map(w => w.getAttribute('aria-label'))};
}"""


@pytest.mark.long
@pytest.mark.parametrize("lang", LANGUAGES)
def test_on_a_desktop_no_page_is_wider_than_the_window_nor_a_table_cut_beside_empty_space(
    browser: Browser, site_server: str, real_index: Index, real_project: Project, lang: str
) -> None:
    """In a desktop window the document is exactly as wide as the window, every part unfolded; and a
    page without headings has no table of contents: its empty column is given to the content, so no
    table scrolls beside an empty column. One load of each page checks both."""
    pages = _every_kind_of_page(real_index, real_project, lang)
    problems = []
    with _screen(browser, DESKTOP["width"]) as page:
        for kind, path in pages:
            page.goto(site_server + path)
            measured = page.evaluate(EMPTY_COLUMN_BESIDE_A_CUT_TABLE)
            if measured["empty"] and measured["cut"]:
                problems.append(f"{kind} {path}: {measured['cut']} scroll beside an empty column")
            page.evaluate(UNFOLD)
            problems.append(_too_wide(page, kind, path))
    assert len(pages) > 30
    problems = [problem for problem in problems if problem]
    assert not problems, "\n".join(problems)


def _within_the_screen(page: Page, selector: str, width: int) -> None:
    """The element is visible, and all of it is left of the phone's right edge: no sideways scroll
    shows it (the wide tables are cards on a phone, kb.css `kb-stack`)."""
    element = page.locator(selector).first
    expect(element).to_be_visible()
    element.scroll_into_view_if_needed()
    box = element.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (selector, box)
    wrap = element.locator("xpath=ancestor::div[contains(@class, 'kb-table-wrap')]")
    assert wrap.evaluate("w => w.scrollWidth <= w.clientWidth + 1"), f"{selector}: its table scrolls sideways"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_on_a_phone_a_findings_confidence_is_on_the_screen(
    browser: Browser, site_server: str, real_index: Index, lang: str
) -> None:
    """At 360 px, the first finding of every findings table shows its title and its confidence (or
    kind) without a sideways scroll: each row is a card, the badge second."""
    with _phone(browser, 360) as page:
        for pub in real_index.publications():
            if not pub.findings:
                continue
            page.goto(site_server + urls.site_url(urls.findings_table(pub.id), lang))
            first = "table.kb-findings tbody tr:not(.kb-group-row)"
            _within_the_screen(page, f"{first} .kb-card-title a", 360)
            _within_the_screen(page, f"{first} .kb-card-key .kb-badge", 360)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_on_a_phone_the_matrix_shows_its_characteristics(
    browser: Browser, site_server: str, real_index: Index, lang: str
) -> None:
    """At 360 px, the intervention x characteristic matrix shows the first row's value for each
    characteristic, within the screen, labelled with the characteristic."""
    matrix_id = real_index.ids("matrix")[0]
    columns = real_index.matrix(matrix_id).columns
    with _phone(browser, 360) as page:
        page.goto(site_server + urls.site_url(urls.matrix(matrix_id), lang))
        first = "table.kb-matrix tbody tr"
        for n in range(len(columns)):
            _within_the_screen(page, f"{first} td[data-label]:nth-of-type({n + 2}) .kb-cell", 360)
        cell = page.locator(f"{first} td[data-label]").nth(1)
        header = page.locator("table.kb-matrix thead tr").nth(1).locator("th").first.inner_text()
        assert cell.get_attribute("data-label") == header
        assert cell.evaluate("td => getComputedStyle(td, '::before').content") not in ("none", "normal", "")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("width", PHONE_WIDTHS)
def test_a_finding_page_with_quotes_and_related_evidence_fits_a_phone(
    browser: Browser, site_server: str, real_index: Index, width: int, lang: str
) -> None:
    """The finding with the most quotations, every disclosure open (the source's words behind a
    translation, 'show N more' of the related evidence): still exactly as wide as the phone."""
    finding_id = max(real_index.ids("finding"), key=lambda f: (len(real_index.quotes_by_finding.get(f, [])), f))
    assert len(real_index.quotes_by_finding[finding_id]) >= 2
    with _phone(browser, width) as page:
        page.goto(site_server + urls.site_url(urls.finding(finding_id), lang))
        opened = page.evaluate(
            "() => { const all = [...document.querySelectorAll('article details')]; all.forEach(d => d.open = true); return all.length; }"
        )
        assert opened >= (len(real_index.quotes_by_finding[finding_id]) if lang == "en" else 1)
        assert page.locator("article figure.kb-quote").count() == len(real_index.quotes_by_finding[finding_id])
        measured = page.evaluate(WIDER_THAN_THE_SCREEN)
    assert measured["document"] == measured["viewport"] == width, measured


SITE_NAME_CUT = """() => {
  const name = document.querySelector('.md-header__topic:first-child .md-ellipsis');
  const box = name.getBoundingClientRect(), header = document.querySelector('.md-header').getBoundingClientRect();
  return {cut: name.scrollWidth > name.clientWidth + 1 || name.scrollHeight > name.clientHeight + 1,
          inside: box.top >= header.top - 1 && box.bottom <= header.bottom + 1, text: name.textContent.trim()};
}"""


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("width", PHONE_WIDTHS)
def test_the_site_name_is_readable_on_a_phone(browser: Browser, site_server: str, width: int, lang: str) -> None:
    """The header shows the site's whole name (on two lines if need be), not 'Kun...'."""
    with _phone(browser, width) as page:
        page.goto(site_server + urls.site_url(urls.HOME, lang))
        name = page.evaluate(SITE_NAME_CUT)
    assert len(name["text"]) > 20
    assert not name["cut"], f"the site's name is cut at {width} px: {name['text']!r}"
    assert name["inside"], "the site's name spills out of the header"


@pytest.mark.parametrize(("lang", "query"), [("nb", "fravær"), ("en", "absence")])
def test_search_on_a_phone_opens_over_the_header_and_fits(browser: Browser, site_server: str, lang: str, query: str) -> None:
    """Every page but the home page has its search in the header (the home page's is in the page)."""
    with _phone(browser, 360) as page:
        page.goto(site_server + urls.site_url(urls.TOPICS_INDEX, lang))
        field = page.locator(".pagefind-ui__search-input")
        field.click()
        field.fill(query)
        page.locator(".pagefind-ui__result").first.wait_for()
        box = field.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
        assert box["width"] > 300, "the search field opens to the width of the screen"
        measured = page.evaluate(WIDER_THAN_THE_SCREEN)
        assert measured["document"] == 360, measured
        drawer = page.locator(".pagefind-ui__drawer").bounding_box()
        assert drawer is not None and drawer["x"] >= 0 and drawer["x"] + drawer["width"] <= 360


FINDINGS_PER_PRINTED_PAGE = 3
"""At least this many findings a page, on average, when a findings table is printed from the browser
(the longest, with a CERQual justification per finding, fits three)."""


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_findings_table_prints_compactly_from_the_browser(
    browser: Browser, site_server: str, real_index: Index, tmp_path: Path, lang: str
) -> None:
    """Printing a findings table gives a handful of full pages, not one mostly empty page a finding."""
    from pypdf import PdfReader

    page = browser.new_page()
    try:
        for pub in real_index.publications():
            if not pub.findings:
                continue
            page.goto(site_server + urls.site_url(urls.findings_table(pub.id), lang))
            page.emulate_media(media="print")
            printed = tmp_path / f"{pub.id}-{lang}.pdf"
            page.pdf(path=str(printed), format="A4")
            pages = len(PdfReader(printed).pages)
            most = -(-len(pub.findings) // FINDINGS_PER_PRINTED_PAGE) + 1
            assert pages <= most, f"{pub.id} ({len(pub.findings)} findings) prints on {pages} A4 pages, more than {most}"
    finally:
        page.close()


@pytest.mark.parametrize(("lang", "query"), [("nb", "fravær"), ("en", "absence")])
@pytest.mark.parametrize("width", PHONE_WIDTHS)
def test_the_home_pages_search_is_in_the_page_and_fits_a_phone(
    browser: Browser, site_server: str, width: int, lang: str, query: str
) -> None:
    """On the home page the search is the first thing after the title, as wide as the page's text,
    and its results fit the screen; the header has no second search box."""
    with _phone(browser, width) as page:
        page.goto(site_server + urls.site_url(urls.HOME, lang))
        field = page.locator(".pagefind-ui__search-input")
        field.fill(query)
        page.locator(".pagefind-ui__result").first.wait_for()
        assert page.locator("#kb-home-search .pagefind-ui__search-input").count() == 1
        assert not page.locator("#kb-search").is_visible()
        box = field.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
        assert box["width"] > width * 0.75, "the search field is as wide as the page's text"
        heading = page.locator("h1").bounding_box()
        assert heading is not None and box["y"] < heading["y"] + heading["height"] + 400, "the search comes right after the title"
        measured = page.evaluate(WIDER_THAN_THE_SCREEN)
        assert measured["document"] == width, measured


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_language_menu_stays_on_a_desktop_screen_when_it_is_the_headers_last_item(
    browser: Browser, site_server: str, lang: str
) -> None:
    """Without a repository link (a build with no repository configured) the language button is the
    header's last item; its menu must open leftwards, not centred past the screen's right edge."""
    with _screen(browser, DESKTOP["width"]) as page:
        page.goto(site_server + urls.site_url(urls.HOME, lang))
        page.evaluate("() => document.querySelectorAll('.md-header__source, .md-header .kb-search').forEach((e) => e.remove())")
        menu = page.locator(".md-header .md-select__inner").first
        box = menu.bounding_box()
        width = page.evaluate("document.documentElement.clientWidth")
        assert box is not None and box["x"] + box["width"] <= width, (box, width)
