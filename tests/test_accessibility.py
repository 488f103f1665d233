"""WCAG 2.1 A/AA as axe-core checks it, in Chromium, on every kind of page in both languages.

axe-core comes from npm (package.json pins it; `npm ci` installs it into node_modules/) and is
injected into each page after the page and its scripts (search box, table filters) have loaded,
so what is checked is what a reader gets. Colour never carries meaning alone: every confidence
badge and matrix cell also says what it means in words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from lxml.html import HtmlElement
from playwright.sync_api import Browser, BrowserContext, Page, expect

from generator.model import counts
from generator.model.i18n import resolve
from generator.model.index import Index
from generator.model.settings import LANGUAGES
from generator.present import sections, urls

from .built_site import BuiltSite, select, text, without

REPO = Path(__file__).resolve().parent.parent
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
NODES_SHOWN = 10


# --- which pages: one of every kind ------------------------------------------------------------


def _pub(index: Index) -> Any:
    """The publication with GRADE-CERQual findings and a matrix (seed 001)."""
    return next(p for p in index.publications() if p.matrices and sections.has_cerqual(index, p))


def _pub_with(index: Index, predicate: Callable[[Any], Any]) -> Any:
    return next(p for p in index.publications() if predicate(p))


def _effect_cell(index: Index) -> str:
    pub = _pub_with(index, lambda p: counts.effect_studies(index, p))
    effect_map = counts.effect_map(index, pub)
    intervention, outcome = next(iter(effect_map.cells))
    return urls.effect_list(pub.id, intervention, outcome)


def _finding_with_notes(index: Index) -> Any:
    findings = index.findings_of(_pub(index))
    return next((f for f in findings if index.notes_about("finding", f.id)), findings[0])


def _study(index: Index, group: str, with_results: bool) -> str:
    for study_id in index.ids("study"):
        study = index.study(study_id)
        if index.term("design", study.design).group == group and (bool(study.results) or not with_results):
            return study_id
    raise AssertionError(f"the knowledge base has no {group} study{' with results' if with_results else ''} to check")


def _matrix_list(index: Index) -> str:
    matrix = index.matrix(_pub(index).matrices[0])
    column = matrix.columns[0]
    return urls.matrix_list(matrix.id, column, index.assessment(matrix.rows[0]).values[column])


PAGE_KINDS: dict[str, Callable[[Index], str]] = {
    "home": lambda index: urls.HOME,
    "publications index": lambda index: urls.PUBLICATIONS_INDEX,
    "publication": lambda index: urls.publication(_pub(index).id),
    "findings table": lambda index: urls.findings_table(_pub(index).id),
    "evidence profiles": lambda index: urls.evidence_profiles(_pub(index).id),
    "characteristics": lambda index: urls.characteristics(_pub(index).id),
    "matrix": lambda index: urls.matrix(_pub(index).matrices[0]),
    "publication studies": lambda index: urls.publication_studies(_pub(index).id),
    "method": lambda index: urls.method(_pub(index).id),
    "notes": lambda index: urls.notes(_pub(index).id),
    "changelog": lambda index: urls.changelog(_pub(index).id),
    "reference list": lambda index: urls.reference_list(_pub_with(index, lambda p: p.references).id),
    # the list of one theme at one confidence level, for a finding with a note marker in the table
    "findings drill-down list": lambda index: urls.findings_list(
        _pub(index).id, _finding_with_notes(index).theme, _finding_with_notes(index).confidence
    ),
    "matrix drill-down list": _matrix_list,
    "finding": lambda index: urls.finding(_finding_with_notes(index).id),
    "study (quantitative, with results)": lambda index: urls.study(_study(index, "quantitative", with_results=True)),
    "study (qualitative)": lambda index: urls.study(_study(index, "qualitative", with_results=False)),
    "all studies": lambda index: urls.STUDIES_INDEX,
    # the whole knowledge base (issue 6)
    "overview": lambda index: urls.OVERVIEW,
    "topics index": lambda index: urls.TOPICS_INDEX,
    "topic": lambda index: urls.topic(max(index.ids("topic"), key=lambda t: len(index.topic_members.get(t, [])))),
    "practice index": lambda index: urls.AUDIENCES_INDEX,
    "practice for an audience": lambda index: urls.audience("teachers"),
    "publication without CERQual": lambda index: urls.publication(
        _pub_with(index, lambda p: not sections.has_cerqual(index, p)).id
    ),
    "findings without CERQual": lambda index: urls.findings_table(
        _pub_with(index, lambda p: p.findings and not sections.has_cerqual(index, p)).id
    ),
    "themes with code counts": lambda index: urls.themes(_pub_with(index, lambda p: counts.informant_groups(index, p)).id),
    "implications": lambda index: urls.implications(_pub_with(index, lambda p: p.implications).id),
    "cases": lambda index: urls.cases(_pub_with(index, lambda p: p.cases).id),
    "intervention": lambda index: urls.intervention(_pub_with(index, lambda p: p.interventions).interventions[0]),
    "appraisal grid": lambda index: urls.appraisal(_pub_with(index, lambda p: sections.has_appraisal_grid(index, p)).id),
    "sector matrix": lambda index: urls.sector_matrix(_pub_with(index, lambda p: counts.effect_studies(index, p)).id),
    "effect map": lambda index: urls.effect_map(_pub_with(index, lambda p: counts.effect_studies(index, p)).id),
    "effect map drill-down": _effect_cell,
    "glossary": lambda index: urls.GLOSSARY,
}
# Hand-written pages (content/<lang>/**/*.md), whatever they are; the real project copies content/.
CONTENT_PAGES = [
    (lang, path.relative_to(REPO / "content" / lang).as_posix())
    for lang in LANGUAGES
    for path in sorted((REPO / "content" / lang).rglob("*.md"))
]


# --- running axe ------------------------------------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def axe_installed() -> None:
    if not AXE.is_file():
        pytest.fail(f"{AXE.relative_to(REPO)} is missing: run `npm ci` (package.json pins axe-core)")


@pytest.fixture(scope="module")
def _axe_context(browser: Browser) -> Iterator[BrowserContext]:
    """A desktop browser window whose every document loads axe-core before its own scripts."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(path=str(AXE))
    yield context
    context.close()


@pytest.fixture
def page(_axe_context: BrowserContext) -> Page:
    """One page for the module's tests, each opening its own address: a new window and axe-core
    sent to it for every test cost more than the check itself (0.4 s a page against 1 s or more)."""
    return _axe_context.pages[0] if _axe_context.pages else _axe_context.new_page()


@pytest.fixture
def fresh_page(_axe_context: BrowserContext) -> Iterator[Page]:
    """A page of its own, for a test that opens a menu or a drawer: no pointer or focus left by
    the tests before it can be caught in a transition."""
    page = _axe_context.new_page()
    yield page
    page.close()


def _open(page: Page, url: str) -> None:
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, f"{url}: HTTP {response and response.status}"
    # kb.js has run: the Pagefind search box is mounted (and the table filters with it)
    page.locator(".pagefind-ui__search-input").wait_for(state="attached", timeout=10_000)


def _axe(page: Page) -> list[dict[str, Any]]:
    """The WCAG violations on the page. resultTypes: axe still runs every rule on every element, but
    describes (selectors, markup) only the violations, not the thousands of elements that pass."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}))"
        ".violations",
        WCAG_TAGS,
    )


def _report(where: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"{where}: {len(violations)} axe violation(s) of {', '.join(WCAG_TAGS)}"]
    for v in violations:
        lines.append(f"- {v['id']} [{v['impact']}] {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:NODES_SHOWN]:
            target = " >>> ".join(" ".join(t) if isinstance(t, list) else t for t in node["target"])
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {target}\n        {summary[:300]}")
        if len(v["nodes"]) > NODES_SHOWN:
            lines.append(f"    ... and {len(v['nodes']) - NODES_SHOWN} more")
    return "\n".join(lines)


SETTLED = "() => document.getAnimations().every((a) => a.playState !== 'running')"
"""No CSS transition or animation is running: a menu caught fading in has the colours of no state."""


def _assert_no_violations(page: Page, where: str) -> None:
    page.wait_for_function(SETTLED, timeout=10_000)
    violations = _axe(page)
    assert not violations, _report(where, violations)


def test_the_check_reports_violations_with_their_elements(page: Page) -> None:
    """The check as the tests run it names what fails and where, so a clean result means something."""
    page.set_content(
        '<!doctype html><html lang="en"><head><title>t</title></head><body><main>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        '<p style="color:#bbb;background:#fff">faint text</p></main></body></html>'
    )
    violations = {v["id"]: v for v in _axe(page)}
    assert {"image-alt", "color-contrast"} <= set(violations), list(violations)
    assert violations["image-alt"]["nodes"][0]["target"] == ["img"]
    assert "faint text" in violations["color-contrast"]["nodes"][0]["html"]


# --- every kind of page -------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", list(PAGE_KINDS))
def test_page_kind_has_no_wcag_violations(page: Page, site_server: str, real_index: Index, kind: str, lang: str) -> None:
    path = urls.site_url(PAGE_KINDS[kind](real_index), lang)
    _open(page, site_server + path)
    _assert_no_violations(page, f"{kind} ({lang}) {path}")


@pytest.mark.skipif(not CONTENT_PAGES, reason="no hand-written pages under content/<lang>/")
@pytest.mark.parametrize(("lang", "doc"), CONTENT_PAGES or [("nb", "none.md")])
def test_hand_written_page_has_no_wcag_violations(page: Page, site_server: str, lang: str, doc: str) -> None:
    path = urls.site_url(doc, lang)
    _open(page, site_server + path)
    _assert_no_violations(page, f"content/{lang}/{doc} {path}")


@pytest.mark.parametrize("kind", ["matrix", "findings table", "finding"])
def test_phone_layout_has_no_wcag_violations(browser: Browser, site_server: str, real_index: Index, kind: str) -> None:
    """On a phone the matrix and findings table keep a sticky first column over their own background."""
    context = browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        path = urls.site_url(PAGE_KINDS[kind](real_index), "nb")
        _open(page, site_server + path)
        _assert_no_violations(page, f"{kind} (nb, phone) {path}")
    finally:
        context.close()


@pytest.mark.parametrize(("lang", "query"), [("nb", "foresatte"), ("en", "absence")])
def test_search_results_drawer_has_no_wcag_violations(fresh_page: Page, site_server: str, lang: str, query: str) -> None:
    page = fresh_page
    _open(page, site_server + urls.site_url(urls.HOME, lang))
    page.locator(".pagefind-ui__search-input").click()
    page.keyboard.type(query, delay=20)
    expect(page.locator(".pagefind-ui__result-link").first).to_be_visible(timeout=10_000)
    expect(page.locator(".pagefind-ui__drawer")).to_be_visible()
    _assert_no_violations(page, f"search drawer open ({lang}, {query!r})")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_language_menu_has_no_wcag_violations(fresh_page: Page, site_server: str, real_index: Index, lang: str) -> None:
    page = fresh_page
    _open(page, site_server + urls.site_url(PAGE_KINDS["finding"](real_index), lang))
    page.locator(".md-header__option .md-select button").first.focus()  # opens it as a keyboard user does
    menu = page.locator(".md-select__inner").first
    expect(menu).to_be_visible()
    expect(menu.locator("a.md-select__link")).to_have_count(len(LANGUAGES))
    _assert_no_violations(page, f"language menu open ({lang})")


# --- colour never carries meaning alone ---------------------------------------------------------

COLOURED = (
    ".kb-badge, .kb-cell, [class*='kb-confidence-'], [class*='kb-value-'], "
    "[class*='kb-type-'], [class*='kb-direction-'], [class*='kb-evidence-']"
)
VOCABULARY_OF = {"kb-badge": "confidence", "kb-cell": "matrix-value"}
BADGE_VOCABULARY = {
    "kb-confidence-": "confidence",
    "kb-type-": "finding-type",
    "kb-direction-": "effect-direction",
    "kb-evidence-": "evidence-status",
    "kb-value-": "matrix-value",
}
"""The class that colours a badge names its vocabulary (kinds of finding, effect directions ...)."""


def _classes(tag: HtmlElement) -> list[str]:
    return tag.get("class", "").split()


def _vocabulary(tag: HtmlElement) -> str | None:
    for cls in _classes(tag):
        for prefix, vocabulary in BADGE_VOCABULARY.items():
            if cls.startswith(prefix):
                return vocabulary
    kind = next((c for c in _classes(tag) if c in VOCABULARY_OF), None)
    return VOCABULARY_OF[kind] if kind else None


def _labels(index: Index, vocabulary: str, lang: str) -> set[str]:
    """Every way a term is said in words: its label, or its short form (badges in narrow columns)."""
    return {resolve(text, lang).text for term in index.terms(vocabulary) for text in (term.label, term.short) if text}


def _words(tag: HtmlElement) -> str:
    """The element's text without its aria-hidden symbol: what it says in words."""
    return " ".join(text(without(tag, '[aria-hidden="true"]')).split())


def _articles(page: HtmlElement) -> list[HtmlElement]:
    """The page's content: its outermost <article> elements (cards inside are articles too)."""
    return [a for a in select(page, "article") if not any(up.tag == "article" for up in a.iterancestors())]


def test_every_badge_and_matrix_cell_on_every_page_says_its_value_in_words(real_site: BuiltSite, real_index: Index) -> None:
    checked, problems = 0, []
    for rel, page in sorted(real_site.pages.items()):
        lang = "en" if rel.split("/")[0] == "en" else "nb"
        for tag in (tag for article in _articles(page) for tag in select(article, COLOURED)):
            checked += 1
            where = f"{rel}: {lxml.html.tostring(tag, encoding='unicode', with_tail=False)[:120]}"
            vocabulary = _vocabulary(tag)
            if vocabulary is None or not ({"kb-badge", "kb-cell"} & set(_classes(tag))):
                problems.append(f"{where}: coloured by class but neither a .kb-badge nor a .kb-cell")
                continue
            words = _words(tag)
            if words not in _labels(real_index, vocabulary, lang):
                problems.append(f"{where}: says {words!r}, not a {vocabulary} label in {lang}")
    assert checked > 100, f"only {checked} badges and cells found: the selector no longer matches the markup"
    assert not problems, f"{len(problems)} badge(s)/cell(s) without their value in words:\n" + "\n".join(problems[:30])


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", ["findings table", "matrix", "finding"])
def test_badges_and_cells_show_their_words_in_the_browser(
    page: Page, site_server: str, real_index: Index, kind: str, lang: str
) -> None:
    """Rendered, not just present: each badge or cell is visible and its words are on screen."""
    _open(page, site_server + urls.site_url(PAGE_KINDS[kind](real_index), lang))
    page.evaluate("() => document.querySelectorAll('article details').forEach(d => d.open = true)")  # 'show N more'
    shown = page.locator(COLOURED).evaluate_all(
        """els => els.map(el => {
            const words = Array.from(el.childNodes)
                .filter(n => !(n.nodeType === 1 && n.getAttribute('aria-hidden') === 'true'))
                .map(n => n.textContent).join('').replace(/\\s+/g, ' ').trim();
            const visible = el.checkVisibility({visibilityProperty: true, opacityProperty: true});
            const onScreen = visible && el.innerText.replace(/\\s+/g, ' ').trim().endsWith(words);
            const style = getComputedStyle(el);
            return {html: el.outerHTML.slice(0, 120), words, visible, onScreen, size: parseFloat(style.fontSize),
                    classes: el.className};
        })"""
    )
    assert shown, f"no badge or cell on the {kind} page"
    # A finding page shows other vocabularies' badges too (its related evidence: kinds of finding,
    # effect directions, evidence status): each is judged by the vocabulary its class names.
    for s in shown:
        tag = lxml.html.fromstring(f'<span class="{s["classes"]}"></span>')
        s["kind"] = _vocabulary(tag) or "confidence"
    labels = {v: _labels(real_index, v, lang) for v in {s["kind"] for s in shown}}
    problems = [s for s in shown if s["visible"] and (not s["onScreen"] or s["words"] not in labels[s["kind"]] or s["size"] < 9)]
    assert not problems, problems[:10]
    if kind != "findings table":  # the table's rows may be filtered; everywhere else every badge shows
        assert all(s["visible"] for s in shown), [s for s in shown if not s["visible"]][:5]


def test_chart_segments_are_named_and_counted_not_only_coloured(page: Page, site_server: str, real_index: Index) -> None:
    """The stacked bar chart: every coloured segment is a link named in words and printed with its count."""
    _open(page, site_server + urls.site_url(PAGE_KINDS["findings table"](real_index), "en"))
    segments = page.locator("svg.kb-chart a").evaluate_all(
        "as => as.map(a => ({name: a.getAttribute('aria-label') || '', count: (a.querySelector('text') || {}).textContent || ''}))"
    )
    assert segments, "the findings table has no chart segments"
    levels = [label.lower() for label in _labels(real_index, "confidence", "en")]
    for segment in segments:
        assert re.fullmatch(r"\d+", segment["count"].strip()), segment
        assert any(level in segment["name"].lower() for level in levels), segment
