"""Which sections a publication has is decided once (generator/present/sections.py): the page plan, the
sidebar, the publication page's cards and the printed report's contents and chapters all show
exactly those, in their declared order. Checked against explicit expectations on the fixture and
the real data, so a wrong declaration fails too."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest
from markupsafe import escape

from generator.model.i18n import resolve, ui
from generator.model.index import Index
from generator.model.settings import Project
from generator.model.validate import Loaded
from generator.pipeline.build import load_or_fail, navigation
from generator.present import sections, urls
from generator.present.pagespec import PageSpec
from generator.print import pdf
from generator.web.pages import plan
from generator.web.render import environment, render_page

from .conftest import FIXTURE, REPO

CARDS = (
    "findings",
    "evidence_profiles",
    "themes",
    "implications",
    "interventions",
    "gap_maps",
    "cases",
    "characteristics",
    "matrices",
    "studies",
    "references",
    "appraisal",
    "method",
    "notes",
    "changelog",
)
"""The sections with a card on the publication page."""


# --- what the site and the report show --------------------------------------------------------


def sidebar(project: Project, index: Index, pub_id: str, lang: str) -> list[tuple[str, str]]:
    """(title, doc) of the publication's entries in the sidebar."""
    title = str(escape(resolve(index.publication(pub_id).short_title, lang).text))
    for entry in navigation(project, index, lang):
        if title in entry:
            return [next(iter(item.items())) for item in entry[title]]
    raise AssertionError(f"{pub_id} is not in the sidebar")


def _text(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup)).strip()


def report_contents(index: Index, pub_id: str, lang: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The full report's table of contents and its chapters, as (id, title) in print order."""
    printed = pdf.render_html(pdf.environment(), index, index.publication(pub_id), "full", lang)
    toc = re.search(r'<nav class="toc".*?</nav>', printed, re.S).group(0)  # type: ignore[union-attr]
    contents = [(anchor, _text(title)) for anchor, title in re.findall(r'<li><a href="#([^"]+)">(.*?)</a></li>', toc)]
    chapters = [
        (anchor, _text(title))
        for anchor, title in re.findall(r'<section class="chapter[^"]*" id="([^"]+)">\s*<h2>(.*?)</h2>', printed, re.S)
    ]
    return contents, chapters


def cards(index: Index, pub_id: str, lang: str) -> set[str]:
    """The titles of the cards on the publication page."""
    page = PageSpec(urls.publication(pub_id), "publication.md.j2", {"publication": pub_id})
    markdown = render_page(environment(), index, lang, page)
    return {_text(title) for title in re.findall(r'<article class="kb-card"><h3>(.*?)</h3>', markdown)}


def assert_shown_as_declared(project: Project, index: Index, pub_id: str, lang: str) -> None:
    """Every place that shows the publication's sections shows the ones sections.py gives it."""
    pub = index.publication(pub_id)
    planned = plan(index)
    planned_docs = {page.doc for page in planned}
    for section in sections.SECTIONS.values():
        docs = [page.doc for page in section.pages(index, pub)] if section.pages else []
        if section.present(index, pub):
            assert set(docs) <= planned_docs, section.name
        else:
            assert not set(docs) & planned_docs, f"{section.name}: planned although the publication has none"
    own_sidebar_pages = [page for page in planned if page.nav_key and page.params.get("publication") == pub_id]
    assert [doc for _, doc in sidebar(project, index, pub_id, lang)] == [
        page.doc for page in sections.site_pages(index, pub) if page.nav_key
    ]
    assert {doc for _, doc in sidebar(project, index, pub_id, lang)} == {page.doc for page in own_sidebar_pages}
    view = pdf.PrintView(index, pub, lang)
    declared = [(chapter.anchor, view.chapter_title(chapter)) for chapter in view.chapters()]
    contents, chapters = report_contents(index, pub_id, lang)
    assert contents == declared
    assert chapters == declared  # each chapter once, where the contents link, under the title they give
    present_cards = {view.section_title(pub, name) for name in CARDS if view.has_section(pub, name)}
    assert cards(index, pub_id, lang) == present_cards


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def whole(whole_project: Project) -> tuple[Project, Index]:
    return whole_project, load_or_fail(whole_project)


# --- the declaration itself --------------------------------------------------------------------


def test_every_section_is_declared_once_with_what_it_needs() -> None:
    site, report = [s.name for s in sections.SITE], [s.name for s in sections.REPORT]
    assert len(set(site)) == len(site) and len(set(report)) == len(report)
    assert {s.name for s in sections.SECTIONS.values() if s.pages} == set(site)
    assert {s.name for s in sections.SECTIONS.values() if s.anchor} == set(report)
    anchors = [s.anchor for s in sections.REPORT]
    assert len(set(anchors)) == len(anchors)
    templates = {p.stem.removesuffix(".html") for p in (pdf.PRINT_TEMPLATES / "chapters").glob("*.html.j2")}
    assert templates == set(report), "one print/chapters/<section>.html.j2 per chapter of the report, and no other"
    for section in sections.SECTIONS.values():
        if isinstance(section.title_key, str):
            assert ui(section.title_key, "nb") and ui(section.title_key, "en")
    assert sections.has_cerqual is sections.SECTIONS["evidence_profiles"].present


# --- explicit expectations ------------------------------------------------------------------------


def test_fixture_publications_have_the_sections_their_data_holds(whole: tuple[Project, Index]) -> None:
    project, index = whole

    def names(pub_id: str) -> set[str]:
        return {s.name for s in sections.SECTIONS.values() if s.present(index, index.publication(pub_id))}

    common = {"publication", "summary", "findings", "studies", "notes", "changelog"}
    review = {"key_messages", "method", "evidence_profiles", "characteristics", "matrices", "appraisal", "references"}
    # the thesis names a glossary term (helsesykepleier) in its texts; the review only in labels
    thesis = {"own_chapters", "charts", "themes", "implications", "interventions", "gap_maps", "cases", "glossary"}
    assert names("demo-2025") == common | review | {"changes"}  # version 1.1 follows 1.0 in its history
    assert names("demo-thesis-2022") == common | thesis

    contents, _ = report_contents(index, "demo-2025", "en")
    assert [title for _, title in contents] == [
        "Key messages",
        "Summary",
        "Method in brief",
        "Summary of qualitative findings",
        "Evidence profiles",
        "Characteristics of a good intervention",
        "Interventions and characteristics",
        "Quality appraisal per study",
        "Studies",
        "Notes on the source",
        "Changes in this version",
    ]
    contents, _ = report_contents(index, "demo-thesis-2022", "nb")
    assert [anchor for anchor, _ in contents] == [
        "summary",
        "chapter-1",
        "charts",
        "themes",
        "findings",
        "implications",
        "interventions",
        "gap-maps",
        "cases",
        "studies",
        "notes",
        "glossary",
    ]
    assert sidebar(project, index, "demo-thesis-2022", "en") == [
        ("Publication", "publications/demo-thesis-2022/index.md"),
        ("Findings and conclusions", "publications/demo-thesis-2022/findings.md"),
        ("Themes", "publications/demo-thesis-2022/themes.md"),
        ("Implications and recommendations", "publications/demo-thesis-2022/implications.md"),
        ("Practice cases", "publications/demo-thesis-2022/cases.md"),
        ("Interventions and sectors", "publications/demo-thesis-2022/sectors.md"),
        ("Effect map: interventions and outcomes", "publications/demo-thesis-2022/effect-map.md"),
        ("Studies", "publications/demo-thesis-2022/studies.md"),
        ("Notes on the source", "publications/demo-thesis-2022/notes.md"),
        ("Changelog", "publications/demo-thesis-2022/changelog.md"),
    ]
    assert cards(index, "demo-2025", "en") == {
        "Summary of qualitative findings",
        "Evidence profiles",
        "Characteristics of a good intervention",
        "Interventions and characteristics",
        "Studies",
        "Reference list",
        "Quality appraisal per study",
        "Method in brief",
        "Notes on the source",
        "Changelog",
    }


def test_real_publications_have_the_chapters_their_source_has() -> None:
    """The published data, named by hand: a CERQual review and a report with gap maps."""
    project = Project(REPO)
    index = load_or_fail(project)
    contents, chapters = report_contents(index, "skole-hjem-2025", "nb")
    assert [title for _, title in contents] == [
        "Hovedbudskap",
        "Sammendrag",
        "Metode i korte trekk",
        "Oppsummering av kvalitative funn",
        "Evidensprofiler",
        "Implikasjoner og anbefalinger",
        "Tiltak",
        "Kjennetegn ved et godt tiltak",
        "Tiltak og kjennetegn",
        "Kvalitetsvurdering per studie",
        "Studier",
        "Merknader om kilden",
        "Ordliste",
    ]
    assert chapters == contents
    assert [title for title, _ in sidebar(project, index, "skole-hjem-2025", "nb")] == [
        "Publikasjon",
        "Oppsummering av kvalitative funn",
        "Evidensprofiler",
        "Implikasjoner og anbefalinger",
        "Vurdering av metodisk kvalitet",
        "Kjennetegn ved et godt tiltak",
        "Tiltak og kjennetegn",
        "Studier",
        "Metode i korte trekk",
        "Merknader om kilden",
        "Endringslogg",
    ]
    contents, _ = report_contents(index, "norce-utenforskap-2025", "en")
    assert [anchor for anchor, _ in contents if not anchor.startswith("chapter-")] == [
        "summary",
        "method",
        "themes",
        "findings",
        "implications",
        "interventions",
        "gap-maps",
        "studies",
        "notes",
        "glossary",
    ]
    assert ("findings", "Findings and conclusions") in contents


# --- every place follows the data ------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_every_place_shows_the_declared_sections(whole: tuple[Project, Index], lang: str) -> None:
    project, index = whole
    for pub in index.publications():
        assert_shown_as_declared(project, index, pub.id, lang)


def _replace(index: Index, kind: str, entity_id: str, **changes: object) -> None:
    loaded = index.data.entities[kind][entity_id]
    index.data.entities[kind][entity_id] = Loaded(loaded.model.model_copy(update=changes), loaded.source)


def _plain_themes(index: Index) -> None:
    for theme_id in index.publication("demo-thesis-2022").themes:
        _replace(index, "theme", theme_id, parent=None, code_counts={}, studies=[])
    index.subthemes.clear()


def _no_appraisal_items(index: Index) -> None:
    for study_id in index.publication("demo-2025").studies:
        appraisal = index.study(study_id).appraisal
        if appraisal is not None:
            _replace(index, "study", study_id, appraisal=appraisal.model_copy(update={"items": {}}))


MUTATIONS: dict[str, tuple[str, str, Callable[[Index], None]]] = {
    # what the data loses: (publication, the section that goes with it, the edit)
    "no method": ("demo-2025", "method", lambda index: _replace(index, "publication", "demo-2025", method=None)),
    "no key messages": (
        "demo-2025",
        "key_messages",
        lambda index: _replace(index, "publication", "demo-2025", key_messages=None),
    ),
    "no appraisal items": ("demo-2025", "appraisal", _no_appraisal_items),
    "no charts": ("demo-thesis-2022", "charts", lambda index: _replace(index, "publication", "demo-thesis-2022", charts=[])),
    "no chapters": (
        "demo-thesis-2022",
        "own_chapters",
        lambda index: _replace(index, "publication", "demo-thesis-2022", chapters=[]),
    ),
    "themes with names only": ("demo-thesis-2022", "themes", _plain_themes),
    "no cases": ("demo-thesis-2022", "cases", lambda index: _replace(index, "publication", "demo-thesis-2022", cases=[])),
    "no reference list": ("demo-2025", "references", lambda index: _replace(index, "publication", "demo-2025", references=[])),
}


@pytest.mark.parametrize("mutation", MUTATIONS)
def test_a_section_comes_and_goes_with_its_data_everywhere(whole: tuple[Project, Index], mutation: str) -> None:
    project, index = whole
    pub_id, name, edit = MUTATIONS[mutation]
    assert sections.has(index, index.publication(pub_id), name)
    edit(index)
    assert not sections.has(index, index.publication(pub_id), name)
    for lang in ("nb", "en"):
        assert_shown_as_declared(project, index, pub_id, lang)


def test_templates_ask_for_sections_by_declared_names_only() -> None:
    """A template that asks for a section name that is none fails, never silently shows nothing."""
    index = load_or_fail(Project(FIXTURE))
    pub = index.publications()[0]
    view = pdf.PrintView(index, pub, "nb")
    with pytest.raises(KeyError):
        view.has_section(pub, "finding")
