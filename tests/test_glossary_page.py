"""The glossary page (/glossary/, the same path in both languages) and the report's glossary chapter.

The fixture (kb + kb-whole) has three terms; the thesis names helsesykepleier in a finding. Terms
added here test the order: Norwegian sorts æ, ø, å after z, English as English does.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from generator.model import counts
from generator.model.index import Index
from generator.model.settings import Project
from generator.pipeline.build import generate, load_or_fail, navigation
from generator.present import sections, urls
from generator.present.pagespec import PageSpec
from generator.print.print_contexts import PrintedReport
from generator.web.pages import plan
from generator.web.render import View

from .conftest import whole_copy, write


def _term(project: Project, term_id: str, nb: str, en: str, forms: list[str], abbreviation: str | None = None) -> None:
    extra = f"abbreviation: {abbreviation!r}\n" if abbreviation else ""
    write(
        project.data_dir / "glossary" / f"{term_id}.yaml",
        f"id: {term_id}\nterm: {{nb: {nb!r}, en: {en!r}, nb_origin: editorial}}\n{extra}category: school-role\n"
        f"forms_nb: {forms!r}\ndefinition: {{nb: 'Om {nb}.', en: 'About {en}.', nb_origin: editorial}}\n",
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, Index]:
    """Generated once: the tests read it."""
    whole_project = whole_copy(tmp_path_factory.mktemp("whole"))
    _term(whole_project, "orkla", "Ørkla-tjenesten", "Orkla service", ["Ørkla-tjenesten"])
    _term(whole_project, "apen", "åpen omsorg", "open care", ["åpen omsorg"])
    _term(whole_project, "zeta", "zeta-teamet", "Zeta team", ["zeta-teamet"])
    _term(whole_project, "nav", "Arbeids- og velferdsforvaltningen", "Norwegian Labour and Welfare Administration",
          ["Arbeids- og velferdsforvaltningen"], abbreviation="Nav")  # fmt: skip
    write(
        whole_project.data_dir / "notes" / "note-term.yaml",
        "id: note-term\napplies_to: ['term:helsesykepleier']\ncategory: editorial\n"
        "text: {nb: 'Kildene bruker også helsesøster.', en: 'The sources also say helsesøster.', nb_origin: editorial}\n",
    )
    index = load_or_fail(whole_project)
    generate(whole_project, index, pdfs=False)
    return whole_project, index


def _page(project: Project, lang: str) -> BeautifulSoup:
    import markdown

    text = (project.staging_docs(lang) / urls.GLOSSARY).read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1]
    return BeautifulSoup(markdown.markdown(body, extensions=["toc", "attr_list"]), "html.parser")


def test_the_page_is_planned_and_in_the_sidebar_in_both_languages(built: tuple[Project, Index]) -> None:
    project, index = built
    assert [p.template for p in plan(index) if p.doc == urls.GLOSSARY] == ["glossary.md.j2"]
    assert urls.site_url(urls.GLOSSARY, "nb") == "/glossary/" and urls.site_url(urls.GLOSSARY, "en") == "/en/glossary/"
    for lang, title in (("nb", "Ordliste"), ("en", "Glossary")):
        assert {title: urls.GLOSSARY} in navigation(project, index, lang)


def test_no_terms_no_page(fixture_project: Project) -> None:
    index = load_or_fail(fixture_project)
    assert not index.ids("term")
    assert urls.GLOSSARY not in {p.doc for p in plan(index)}
    assert not any(
        urls.GLOSSARY in entry.values() for entry in navigation(fixture_project, index, "nb") if isinstance(entry, dict)
    )


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "nb",
            ["Arbeids- og velferdsforvaltningen (Nav)", "helsesykepleier", "høy tillit", "tabell", "zeta-teamet",
             "Ørkla-tjenesten", "åpen omsorg"],
        ),
        (
            "en",
            ["high confidence", "Norwegian Labour and Welfare Administration (Nav)", "open care", "Orkla service",
             "public health nurse", "table", "Zeta team"],
        ),
    ],
)  # fmt: skip
def test_terms_are_in_alphabetical_order_of_the_pages_language(
    built: tuple[Project, Index], lang: str, expected: list[str]
) -> None:
    project, _ = built
    headings = _page(project, lang).select("h2")
    assert [re.sub(r"\s+", " ", h.get_text()).strip() for h in headings] == expected
    assert all(h.get("id", "").startswith("term-") for h in headings)


def test_an_entry_has_both_names_its_definition_and_where_it_comes_from(built: tuple[Project, Index]) -> None:
    project, _ = built
    nb, en = _page(project, "nb"), _page(project, "en")
    nurse = en.find(id="term-helsesykepleier")
    assert nurse is not None and nurse.get_text().strip() == "public health nurse"
    facts = nurse.find_next("dl")
    assert [(dt.get_text(), dt.find_next("dd").get_text()) for dt in facts.find_all("dt")] == [
        ("In Norwegian", "helsesykepleier"),
        ("Category", "Roles in the school"),
    ]
    assert facts.find("span", lang="nb") is not None
    assert nurse.find_next("p", class_="kb-definition").get_text() == "A nurse of the school health service."
    # ours: said so; the source's: its publication and where, linked
    assert (
        nb.find(id="term-helsesykepleier").find_next("p", class_="kb-origin").get_text() == "Redaksjonell tekst, ikke fra kilden."
    )
    origin = nb.find(id="term-hoy-tillit").find_next("p", class_="kb-origin")
    assert origin.get_text() == "Definisjonen er kildens, fra Demo-oppgave (Tabell 2)."
    assert origin.a["href"] == "../publications/demo-thesis-2022/"
    assert "Nav" in nb.find(id="term-nav").find_next("dl").get_text()


def test_an_entry_links_the_publications_that_name_the_term(built: tuple[Project, Index]) -> None:
    project, index = built
    assert counts.glossary_terms(index, index.publication("demo-thesis-2022")) == ["helsesykepleier"]
    assert counts.glossary_terms(index, index.publication("demo-2025")) == []
    used = _page(project, "en").find(id="term-helsesykepleier").find_next("p", class_="kb-term-used")
    assert used.get_text() == "Used in: Demo thesis" and used.a["href"] == "../publications/demo-thesis-2022/"


def test_a_note_about_a_term_is_shown_in_its_entry(built: tuple[Project, Index]) -> None:
    project, index = built
    note = _page(project, "nb").find(id="note-note-term")
    assert note is not None and "Kildene bruker også helsesøster." in note.get_text()
    assert note.find_previous("h2")["id"] == "term-helsesykepleier"


def test_every_page_links_a_term_to_its_entry(built: tuple[Project, Index]) -> None:
    _, index = built
    view = View(index, "en", PageSpec(urls.finding("demo-thesis-2022-f01"), ""))
    assert str(view.entity_link("term", "helsesykepleier")) == (
        '<a href="../../glossary/#term-helsesykepleier">public health nurse</a>'
    )


def test_the_finding_explains_the_term_it_names_first(built: tuple[Project, Index]) -> None:
    project, _ = built
    text = (project.staging_docs("nb") / urls.finding("demo-thesis-2022-f01")).read_text(encoding="utf-8")
    assert text.count('class="kb-term"') == 1
    assert (
        '<a href="../../glossary/#term-helsesykepleier" aria-describedby="kb-tip-helsesykepleier">Helsesykepleieren</a>' in text
    )
    assert "  - data/glossary/" in text.split("\n---\n")[0], "the page names the glossary among its sources"


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_report_lists_the_terms_its_publication_uses(built: tuple[Project, Index], lang: str) -> None:
    _, index = built
    thesis, review = index.publication("demo-thesis-2022"), index.publication("demo-2025")
    assert [entry.term.id for entry in PrintedReport(index, thesis, lang).glossary()] == ["helsesykepleier"]
    assert sections.has(index, thesis, "glossary") and not sections.has(index, review, "glossary")
    assert [c.anchor for c in sections.report_chapters(index, thesis)][-1] == "glossary"
