"""The site as a reader uses it: Chromium (Debian's, driven by Playwright) against the built site."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from generator.present import urls

from . import real_build

ARTIFACTS = Path(__file__).parent / "artifacts"
PUB = "skole-hjem-2025"


def _search(page: Page, query: str) -> list[tuple[str, str]]:
    box = page.locator(".pagefind-ui__search-input")
    box.click()
    page.keyboard.type(query, delay=20)
    results = page.locator(".pagefind-ui__result-link")
    expect(results.first).to_be_visible(timeout=10_000)
    _wait_until_results_loaded(page)
    return _results(page)


def _results(page: Page) -> list[tuple[str, str]]:
    # Read in one go: the list is re-rendered when a search for the last keystroke ends, and a
    # link counted before that may be gone when it is read.
    found = page.locator(".pagefind-ui__result-link").evaluate_all(
        "els => els.map(e => [e.innerText, e.getAttribute('href') || ''])"
    )
    return [(title, href) for title, href in found]


def _wait_until_results_loaded(page: Page) -> None:
    """Pagefind lists a result as a placeholder (class pagefind-ui__loading) until its page's data
    has arrived, then as a link: wait until none is still loading."""
    expect(page.locator(".pagefind-ui__results .pagefind-ui__loading")).to_have_count(0, timeout=10_000)


@pytest.mark.parametrize(
    ("query", "word_on_page"),
    [("skolefraværet", "skolefravær"), ("foresattes", "foresatte"), ("tiltakene", "tiltak")],
)
def test_norwegian_search_stems_and_stays_norwegian(page: Page, site_server: str, query: str, word_on_page: str) -> None:
    page.goto(site_server + "/")
    results = _search(page, query)
    assert results, query
    assert all("/en/" not in href for _, href in results), results
    first_href = results[0][1]
    page.goto(site_server + first_href if first_href.startswith("/") else first_href)
    assert word_on_page in page.locator("article.md-content__inner").inner_text().lower()


def test_english_search_stays_english(page: Page, site_server: str) -> None:
    page.goto(site_server + "/en/")
    results = _search(page, "absences")
    assert results
    assert all("/en/" in href for _, href in results), results


def test_finding_result_is_titled_with_the_findings_title(page: Page, site_server: str) -> None:
    page.goto(site_server + "/")
    results = _search(page, "tålmodig")
    more = page.locator(".pagefind-ui__button")
    # With five publications many pages say "tålmodig": load further results until the finding shows.
    listed = page.locator(".pagefind-ui__result")
    for _ in range(10):
        if any("skole-hjem-2025-f16" in href for _, href in results) or not more.count():
            break
        before = listed.count()
        more.first.click()
        expect(listed).not_to_have_count(before, timeout=10_000)  # the next results are listed ...
        _wait_until_results_loaded(page)  # ... and loaded
        results = _results(page)
    titles = [title for title, href in results if "skole-hjem-2025-f16" in href and "#" not in href]  # not its sub-results
    assert titles and set(titles) == {"Det var viktig å ha tillit til og lytte til foresatte"}


def test_language_switch_round_trip_on_a_finding(page: Page, site_server: str) -> None:
    nb_url = site_server + urls.site_url(urls.finding(f"{PUB}-f16"), "nb")
    page.goto(nb_url)
    assert page.locator("html").get_attribute("lang") == "nb"
    page.locator(".md-header__option .md-select button").first.hover()
    page.locator("a.kb-lang-en").click()
    page.wait_for_url(re.compile(r"/en/findings/skole-hjem-2025-f16/$"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text().startswith("Trusting and listening to parents was important")
    assert page.title().startswith("Trusting and listening to parents was important")
    page.locator(".md-header__option .md-select button").first.hover()
    page.locator("a.kb-lang-nb").click()
    page.wait_for_url(nb_url)
    assert page.locator("h1").inner_text().startswith("Det var viktig å ha tillit til og lytte til foresatte")
    assert page.locator(".kb-finding-meta").inner_text().startswith("Funn 16 · ●●●● Høy tillit")


def test_findings_table_filters(page: Page, site_server: str, real_index) -> None:
    pub = real_index.publication(PUB)
    findings = real_index.findings_of(pub)
    page.goto(site_server + urls.site_url(urls.findings_table(PUB), "en"))
    rows = page.locator("table.kb-findings tbody tr[data-confidence]")
    expect(rows).to_have_count(len(findings))
    page.select_option("select.kb-filter-confidence", "low")
    expect(page.locator("table.kb-findings tbody tr[data-confidence]:visible")).to_have_count(
        sum(f.confidence == "low" for f in findings)
    )
    page.select_option("select.kb-filter-theme", "kommunikasjon")
    both = sum(f.confidence == "low" and f.theme == "kommunikasjon" for f in findings)
    expect(page.locator("table.kb-findings tbody tr[data-confidence]:visible")).to_have_count(both)
    expect(page.locator(".kb-filter-status")).to_have_text(f"Showing {both} of {len(findings)} findings")


def test_findings_without_cerqual_filter_by_kind(page: Page, site_server: str, real_index) -> None:
    """The LOG report's findings carry a kind (facilitator, barrier, result ...) instead of a confidence."""
    pub = real_index.publication("log-oppfolging-2022")
    findings = real_index.findings_of(pub)
    page.goto(site_server + urls.site_url(urls.findings_table(pub.id), "nb"))
    rows = page.locator("table.kb-findings tbody tr[data-type]")
    expect(rows).to_have_count(len(findings))
    page.select_option("select.kb-filter-type", "barrier")
    barriers = sum(f.finding_type == "barrier" for f in findings)
    assert barriers > 0
    expect(page.locator("table.kb-findings tbody tr[data-type]:visible")).to_have_count(barriers)


def test_effect_map_cell_drills_down_to_its_studies(page: Page, site_server: str, real_index) -> None:
    pub = real_index.publication("norce-utenforskap-2025")
    page.goto(site_server + urls.site_url(urls.effect_map(pub.id), "en"))
    page.locator("a[href$='norce-jump-work-participation/']").click()
    expect(page.locator("h1")).to_contain_text("Work participation")
    studies = page.locator("table.kb-effects tbody th a")
    expect(studies).to_have_count(1)
    expect(studies.first).to_have_text("Falkum mfl. 2017")


def test_filters_work_from_the_keyboard(page: Page, site_server: str, real_index) -> None:
    findings = real_index.findings_of(real_index.publication(PUB))
    page.goto(site_server + urls.site_url(urls.findings_table(PUB), "nb"))
    page.locator("select.kb-filter-theme").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('kb-filter-confidence')")
    page.keyboard.press("ArrowDown")  # first level: high
    first = real_index.terms("confidence")[0].id
    expect(page.locator("table.kb-findings tbody tr[data-confidence]:visible")).to_have_count(
        sum(f.confidence == first for f in findings)
    )


def test_matrix_column_total_drills_down(page: Page, site_server: str, real_index) -> None:
    matrix = real_index.matrix(real_index.publication(PUB).matrices[0])
    expected = real_index.matrix_rows_with(matrix.id, "tidlig-innsats", "yes")
    page.goto(site_server + urls.site_url(urls.matrix(matrix.id), "nb"))
    page.locator('table.kb-matrix tfoot a[href*="tidlig-innsats-yes"]').click()
    page.wait_for_url(re.compile(r"tidlig-innsats-yes/$"))
    expect(page.locator("article.md-content__inner table tbody tr")).to_have_count(len(expected))
    assert page.locator("h1").inner_text().startswith(f"Tidlig innsats: Ja ({len(expected)})")


def test_matrix_on_a_phone_keeps_the_first_column(browser: Browser, site_server: str, real_index) -> None:
    matrix_id = real_index.publication(PUB).matrices[0]
    context = browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    page.goto(site_server + urls.site_url(urls.matrix(matrix_id), "nb"))
    wrap = page.locator(".kb-table-wrap").first
    page.locator("table.kb-matrix tbody tr").first.scroll_into_view_if_needed()
    first_cell = page.locator("table.kb-matrix tbody th[scope=row]").first
    before = first_cell.bounding_box()
    wrap.evaluate("el => el.scrollLeft = 400")
    after = first_cell.bounding_box()
    assert before and after and abs(after["x"] - before["x"]) < 1, "first column must stay visible while the rest scrolls"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "matrix-phone-nb.png"), full_page=False)
    assert (ARTIFACTS / "matrix-phone-nb.png").stat().st_size > 10_000
    context.close()


def test_tables_are_complete_without_javascript(browser: Browser, site_server: str, real_index) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_server + urls.site_url(urls.findings_table(PUB), "nb"))
    findings = len(real_index.publication(PUB).findings)  # every one, however many the knowledge base holds now
    expect(page.locator("table.kb-findings tbody tr[data-confidence]")).to_have_count(findings)
    assert page.locator("select.kb-filter-confidence").count() == 0
    context.close()


def test_print_preview_shows_whole_tables(page: Page, site_server: str, real_index) -> None:
    matrix_id = real_index.publication(PUB).matrices[0]
    page.goto(site_server + urls.site_url(urls.matrix(matrix_id), "nb"))
    page.emulate_media(media="print")
    assert page.locator(".kb-table-wrap").first.evaluate("el => getComputedStyle(el).overflowX") == "visible"
    table_width = page.locator("table.kb-matrix").evaluate("el => el.getBoundingClientRect().right")
    content_width = page.locator("article.md-content__inner").evaluate("el => el.getBoundingClientRect().right")
    assert table_width <= content_width + 1, "the matrix must fit the printed page, not be cut off"
    pdf = page.pdf(format="A4", landscape=True)
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000


def test_no_request_leaves_the_site(browser: Browser, site_server: str) -> None:
    """No fonts, scripts or API calls from third parties: a reader's address stays with us."""
    context = browser.new_context()
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda request: outside.append(request.url) if not request.url.startswith(site_server) else None)
    for path in ("/", urls.site_url(urls.finding(f"{PUB}-f16"), "en"), urls.site_url(urls.findings_table(PUB), "nb")):
        page.goto(site_server + path)
        page.wait_for_load_state("networkidle")
    context.close()
    # The theme reads its own sitemap from the site's public address (site_url; the tests' real
    # build has one, tests/real_build.py): on the published site that is the same origin. Anything
    # else would be a third party.
    public = real_build.PUBLIC_URL
    assert all(url.startswith(public) and url.endswith("sitemap.xml") for url in outside), outside


# --- terms explained where a page first names them (generator/explain.py) ------------------------------

TOOLTIP_STATE = """link => {
  const tip = document.getElementById(link.getAttribute('aria-describedby'));
  const box = tip.getBoundingClientRect(), width = document.documentElement.clientWidth;
  return {visible: tip.checkVisibility(), left: box.left, right: box.right, top: box.top, bottom: box.bottom,
          height: window.innerHeight, width, role: tip.getAttribute('role'), text: tip.textContent};
}"""


def _first_term_by_keyboard(page: Page) -> tuple[object, dict]:
    """Tab from the top of the article until a glossary term's link has the focus."""
    page.locator("article h1").first.click()  # focus starts in the article, as after a skip link
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('.kb-term')"):
            link = page.locator(":focus")
            return link, link.evaluate(TOOLTIP_STATE)
    raise AssertionError("no glossary term's link is reached with Tab")


@pytest.mark.parametrize(("lang", "width"), [("nb", 1280), ("en", 1280), ("nb", 390), ("en", 390)])
def test_a_terms_definition_is_reached_by_keyboard_and_fits_the_screen(
    browser: Browser, site_server: str, real_index, lang: str, width: int
) -> None:
    """The About page names terms: Tab to the first term's link, its definition shows beside it
    (inside the screen, on a phone too), screen readers get it as the link's description, Escape
    hides it, and the link leads to the term's entry on the glossary page."""
    phone = width < 500
    context = browser.new_context(viewport={"width": width, "height": 800}, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    try:
        page.goto(site_server + urls.site_url("om.md", lang))
        link, tip = _first_term_by_keyboard(page)
        assert tip["visible"] and tip["role"] == "tooltip", tip
        assert tip["left"] >= 0 and tip["right"] <= tip["width"], f"the definition reaches past the screen: {tip}"
        assert 0 <= tip["top"] and tip["bottom"] <= tip["height"], tip
        term_id = (link.get_attribute("aria-describedby") or "").removeprefix("kb-tip-")
        term = real_index.glossary_term(term_id)
        assert (term.definition.get(lang) or "")[:40] in " ".join(tip["text"].split())
        # the accessible description a screen reader reads with the link
        description = link.evaluate("l => document.getElementById(l.getAttribute('aria-describedby')).textContent")
        assert description == tip["text"]
        page.keyboard.press("Escape")
        assert not link.evaluate(TOOLTIP_STATE)["visible"], "Escape hides the definition"
        if phone:
            ARTIFACTS.mkdir(exist_ok=True)
            page.keyboard.press("Shift+Tab")
            page.keyboard.press("Tab")
            page.screenshot(path=str(ARTIFACTS / f"term-tooltip-phone-{lang}.png"))
        link.click()  # a tap on a touch screen, Enter or a click: the term's entry
        page.wait_for_url(re.compile(rf"/glossary/#term-{term_id}$"))
        expect(page.locator(f"#term-{term_id}")).to_be_in_viewport()
    finally:
        context.close()


def test_a_terms_definition_shows_on_hover(page: Page, site_server: str) -> None:
    page.goto(site_server + urls.site_url(urls.finding(f"{PUB}-f16"), "en"))
    links = page.locator("article .kb-term > a")
    assert links.count() >= 1
    links.first.hover()
    tip = links.first.evaluate(TOOLTIP_STATE)
    assert tip["visible"] and tip["right"] <= tip["width"], tip
    page.mouse.move(0, 0)
    assert not links.first.evaluate(TOOLTIP_STATE)["visible"]


# --- from a question to the answer in two steps, starting at the home page -----------------------

HOME_VISITS = "skole-hjem-2025-f33"
"""What the mixed-methods review found about home visits (moderate confidence)."""


@pytest.mark.parametrize(
    ("lang", "query", "confidence"), [("nb", "hjemmebesøk", "moderat tillit"), ("en", "home visits", "moderate confidence")]
)
def test_home_visits_in_two_steps_from_the_home_page(
    page: Page, site_server: str, lang: str, query: str, confidence: str
) -> None:
    """'What do we know about home visits, and how sure are we?': the question typed into the home
    page's search (one), the first result opened (two) shows the finding with its confidence: the
    finding's own page, or the home-visits intervention's, which lists the finding with its badge
    beside the effect studies."""
    page.goto(site_server + urls.site_url(urls.HOME, lang))
    box = page.locator("#kb-home-search .pagefind-ui__search-input")  # in the page, not in the header
    expect(page.locator(".pagefind-ui__search-input")).to_have_count(1)  # the page's one search box
    box.fill(query)  # step 1
    first = page.locator(".pagefind-ui__result-link").first
    expect(first).to_be_visible(timeout=10_000)
    _wait_until_results_loaded(page)
    href = first.get_attribute("href") or ""
    wanted = (f"/findings/{HOME_VISITS}/", "/interventions/skole-hjem-2025-hjemmebesok/")
    assert href.endswith(wanted), _results(page)[:3]
    first.click()  # step 2
    page.wait_for_url(re.compile("(" + "|".join(wanted) + ")$"))
    if href.endswith(wanted[0]):
        expect(page.locator("article")).to_contain_text(confidence, ignore_case=True)
    else:
        listed = page.locator("article li", has=page.locator(f'a[href$="/findings/{HOME_VISITS}/"]')).first
        expect(listed).to_be_visible()
        expect(listed).to_contain_text(confidence, ignore_case=True)


def test_transitions_in_two_steps_from_a_card(page: Page, site_server: str, real_index) -> None:
    """'What do we know about transitions between schools?': the topic's card on the home page (one),
    then the first of the most certain findings on the topic page (two), with its confidence."""
    from generator.model import counts

    evidence = counts.topic_evidence(real_index, "overganger", counts.topic_by_publication(real_index)["overganger"])
    first_certain = counts.most_certain_findings(real_index, evidence.findings or ())[0]
    level = real_index.finding(first_certain).confidence
    page.goto(site_server + urls.site_url(urls.HOME, "nb"))
    card = page.locator(".kb-home-cards article", has=page.locator("h3 a", has_text="Overganger"))
    expect(card.locator(".kb-indicators")).to_contain_text("tillit")  # the card says how sure before the click
    card.locator("h3 a").click()  # step 1
    page.wait_for_url(re.compile(r"/topics/overganger/$"))
    lead = page.locator(".kb-certain .kb-finding-list li").first
    expect(lead.locator(".kb-badge")).to_have_text(re.compile(real_index.term("confidence", level).label.nb))
    lead.locator("a.kb-finding-ref").click()  # step 2
    page.wait_for_url(re.compile(f"/findings/{first_certain}/$"))


def test_effects_found_in_two_steps_from_a_card(page: Page, site_server: str, real_index) -> None:
    """'What works against social exclusion?' in English: the topic's card (one), then the first
    effect study that found an effect (two)."""
    from generator.model import counts

    evidence = counts.topic_evidence(real_index, "utenforskap", counts.topic_by_publication(real_index)["utenforskap"])
    study_id, effect = counts.effects_found(real_index, evidence.effect_studies)[0]
    page.goto(site_server + urls.site_url(urls.HOME, "en"))
    card = page.locator(".kb-home-cards article", has=page.locator("h3 a", has_text="Social exclusion"))
    expect(card.locator(".kb-indicators")).to_contain_text("effect studies")
    card.locator("h3 a").click()  # step 1
    page.wait_for_url(re.compile(r"/en/topics/utenforskap/$"))
    lead = page.locator(".kb-certain .kb-effect-list li").first
    expect(lead.locator(".kb-badge")).to_contain_text(real_index.term("effect-direction", effect.direction).short.en)
    lead.locator("a").first.click()  # step 2
    page.wait_for_url(re.compile(f"/en/studies/{study_id}/$"))
    expect(page.locator("h1")).to_contain_text(real_index.study(study_id).citation)


def test_a_link_to_a_folded_part_opens_it(page: Page, site_server: str) -> None:
    """The topics index links each publication's part of a topic page, which is folded: it opens."""
    page.goto(site_server + urls.site_url(urls.TOPICS_INDEX, "nb"))
    link = (
        page.locator("table.kb-topic-grid tbody tr", has=page.locator("th a", has_text="Relasjon og tillit"))
        .locator("td a")
        .first
    )
    target = (link.get_attribute("href") or "").split("#")[1]
    link.click()
    expect(page.locator(f"details#{target}")).to_have_attribute("open", "")
    expect(page.locator(f"details#{target} .kb-finding-list").first).to_be_visible()
