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
    links = page.locator(".pagefind-ui__result-link")
    return [(links.nth(i).inner_text(), links.nth(i).get_attribute("href") or "") for i in range(links.count())]


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


def test_finding_result_is_titled_with_number_and_confidence(page: Page, site_server: str) -> None:
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
    assert titles and set(titles) == {"Funn 16 – høy tillit"}


def test_language_switch_round_trip_on_a_finding(page: Page, site_server: str) -> None:
    nb_url = site_server + urls.site_url(urls.finding(f"{PUB}-f16"), "nb")
    page.goto(nb_url)
    assert page.locator("html").get_attribute("lang") == "nb"
    page.locator(".md-header__option .md-select button").first.hover()
    page.locator("a.kb-lang-en").click()
    page.wait_for_url(re.compile(r"/en/findings/skole-hjem-2025-f16/$"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text().startswith("Finding 16 – high confidence")
    page.locator(".md-header__option .md-select button").first.hover()
    page.locator("a.kb-lang-nb").click()
    page.wait_for_url(nb_url)
    assert page.locator("h1").inner_text().startswith("Funn 16 – høy tillit")


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
