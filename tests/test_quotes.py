"""Quotes (issue 14): the kind, its rules, the sources' quotations in the data, and how the site and
the printed reports show them.

The located messages of broken quotes, through the real `check` command, are cases of
tests/test_broken_data.py; here: the detector of personal data, the back-links, `new quote`,
the tool that finds every quote in its source's text (tests/source_quotes.py), the data itself,
and the quote beside what it illustrates (finding and theme pages, notes on it, the report).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.cli import main
from generator.model.index import Index
from generator.model.models import Origin, Quote, Text
from generator.model.privacy import personal_data
from generator.model.settings import Project
from generator.pipeline.build import check, generate
from generator.print import pdf

from . import source_edition, source_quotes
from .conftest import write

ROOT = Path(__file__).resolve().parents[1]
QUOTE = "quotes/demo-thesis-2022-q01.yaml"


def _checked(project: Project) -> Index:
    index, report = check(project)
    assert index is not None, [str(p) for p in report.errors()]
    return index


# --- personal data: what a quotation never carries ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "what", "found"),
    [
        ("Ring meg på +47 22 33 44 55 i morgen.", "a phone number", "+47 22 33 44 55"),
        ("nummeret er +4722334455", "a phone number", "+4722334455"),
        ("eller 0047 412 34 567", "a phone number", "0047 412 34 567"),
        ("tlf. 22 33 44 55.", "a phone number", "22 33 44 55"),
        ("mobil 412 34 567", "a phone number", "412 34 567"),
        ("ring 22334455", "a phone number", "22334455"),
        ("ring 22-33-44-55", "a phone number", "22-33-44-55"),
        ("ring 22.33.44.55", "a phone number", "22.33.44.55"),
        ("ring 2233 4455", "a phone number", "2233 4455"),
        ("call +1 (555) 123-4567", "a phone number", "+1 (555) 123-4567"),
        ("skriv til name@host.no.", "an e-mail address", "name@host.no"),
        ("skriv til fornavn.etternavn@ntnu.no", "an e-mail address", "fornavn.etternavn@ntnu.no"),
        ("skriv til navn (at) ntnu.no", "an e-mail address", "navn (at) ntnu.no"),
        ("se https://www.udir.no/laring-og-trivsel/", "a web address", "https://www.udir.no/laring-og-trivsel/"),
        ("se www.nav.no", "a web address", "www.nav.no"),
        ("på livetogsann.no finner du det", "a web address", "livetogsann.no"),
    ],
)
def test_personal_data_is_found_in_each_form(text: str, what: str, found: str) -> None:
    [hit] = personal_data(text)
    assert (hit.what, hit.text) == (what, found)
    assert text[hit.start :].startswith(found)


@pytest.mark.parametrize(
    "text",
    [
        "i 2017-2020, og fra 2019 2022",  # ranges of years
        "Av 33 intervju nevner 20 informanter",
        "10 000 000 kroner og 131 312 elever",  # long numbers grouped in thousands
        "01.11.2022–15.05.2023",  # dates
        "det er 500 barn og 1000 voksne",
        "komme fra barnehagen over til 1.klassen",
        "Møtet ble lagt til kl. 8-9 på morgenen",
        "f.eks. dette, osv.",
        "Foresatt 1a sier (…) og Lærer 3 (..) 99 prosent",
        "skolen.Se hva vi fikk til",  # a lost space is no web address
        "+5 poeng",
    ],
)
def test_ordinary_numbers_and_words_are_not_personal_data(text: str) -> None:
    assert personal_data(text) == []


def test_every_piece_is_named_once_in_the_order_it_appears() -> None:
    found = personal_data("Ring 22 33 44 55 eller skriv til navn@skole.no, se www.skole.no")
    assert [(f.what, f.text) for f in found] == [
        ("a phone number", "22 33 44 55"),
        ("an e-mail address", "navn@skole.no"),  # not also the web address 'skole.no'
        ("a web address", "www.skole.no"),
    ]


# --- the kind in the index --------------------------------------------------------------------------


def test_a_quote_belongs_to_its_publication_and_is_linked_from_what_it_illustrates(whole_project: Project) -> None:
    """The back-links list a finding's and a theme's quotes in the order of the publication's `quotes`."""
    write(
        whole_project.data_dir / "quotes" / "demo-thesis-2022-q00.yaml",
        'id: demo-thesis-2022-q00\ntext: {nb: "Vi fikk svar.", en: "We got answers."}\ninformant: teachers\n'
        'source_location: "Kapittel 4.2"\nfindings: [demo-thesis-2022-f01, demo-thesis-2022-f02]\n',
    )
    pub = whole_project.data_dir / "publications" / "demo-thesis-2022.yaml"
    write(
        pub,
        pub.read_text(encoding="utf-8").replace(
            "quotes: [demo-thesis-2022-q01]", "quotes: [demo-thesis-2022-q01, demo-thesis-2022-q00]"
        ),
    )
    index = _checked(whole_project)
    quote = index.quote("demo-thesis-2022-q01")
    assert isinstance(quote, Quote) and quote.informant == "parents" and quote.text.nb_origin == "source"
    assert index.publication_id_of("quote", "demo-thesis-2022-q01") == "demo-thesis-2022"
    assert index.quotes_by_finding["demo-thesis-2022-f01"] == ["demo-thesis-2022-q01", "demo-thesis-2022-q00"]
    assert index.quotes_by_finding["demo-thesis-2022-f02"] == ["demo-thesis-2022-q00"]
    assert index.quotes_by_theme["oppgave-under-1"] == ["demo-thesis-2022-q01"]


def test_a_quote_no_publication_lists_is_a_warning(whole_project: Project) -> None:
    pub = whole_project.data_dir / "publications" / "demo-thesis-2022.yaml"
    write(pub, pub.read_text(encoding="utf-8").replace("quotes: [demo-thesis-2022-q01]\n", ""))
    _, report = check(whole_project)
    assert (
        "data/quotes/demo-thesis-2022-q01.yaml:1:1: id: warning: quote 'demo-thesis-2022-q01' is not listed in any publication"
        in [str(p) for p in report.problems]
    )


def test_every_problem_of_every_quote_in_one_run(whole_project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    path = whole_project.data_dir / QUOTE
    text = path.read_text(encoding="utf-8")
    write(path, text.replace("ble alt lettere.", "ble alt lettere, ring 412 34 567.").replace("[oppgave-under-1]", "[tema-b]"))
    write(
        whole_project.data_dir / "quotes" / "demo-2025-q01.yaml",
        'id: demo-2025-q01\ntext: {nb: "Se www.demo.no.", en: "See www.demo.no."}\ninformant: teachers\n'
        'source_location: "s. 4"\nfindings: [demo-thesis-2022-f02]\n',
    )
    pub = whole_project.data_dir / "publications" / "demo-2025.yaml"
    write(pub, pub.read_text(encoding="utf-8") + "quotes: [demo-2025-q01]\n")
    assert main(["--root", str(whole_project.root), "check"]) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if "data/quotes/" in line]
    assert errors == [
        "data/quotes/demo-2025-q01.yaml:2:8: text.nb: a quote carries no personal data: a web address ('www.demo.no'); remove it from the quotation",
        "data/quotes/demo-2025-q01.yaml:2:31: text.en: a quote carries no personal data: a web address ('www.demo.no'); remove it from the quotation",
        "data/quotes/demo-2025-q01.yaml:5:12: findings[0]: finding 'demo-thesis-2022-f02' belongs to publication 'demo-thesis-2022', not 'demo-2025'",
        "data/quotes/demo-thesis-2022-q01.yaml:2:8: text.nb: a quote carries no personal data: a phone number ('412 34 567'); remove it from the quotation",
        "data/quotes/demo-thesis-2022-q01.yaml:6:10: themes[0]: theme 'tema-b' belongs to publication 'demo-2025', not 'demo-thesis-2022'",
    ]


def test_new_quote_writes_both_lists_and_check_holds_it_until_it_illustrates_something(whole_project: Project) -> None:
    """`new quote` lists the new id in its publication and writes every field to fill in, the two
    lists of what it illustrates included; filled in without either, it is still an error."""
    root = str(whole_project.root)
    assert main(["--root", root, "new", "quote", "--publication", "demo-thesis-2022", "--id", "demo-thesis-2022-q02"]) == 0
    path = whole_project.data_dir / "quotes" / "demo-thesis-2022-q02.yaml"
    written = path.read_text(encoding="utf-8")
    assert "informant: ~  # one of: parents, teachers\n" in written
    assert "\nfindings: []  # " in written and "\nthemes: []  # " in written and "\n# topics: []  # " in written
    assert "quotes: [demo-thesis-2022-q01, demo-thesis-2022-q02]" in (
        whole_project.data_dir / "publications" / "demo-thesis-2022.yaml"
    ).read_text(encoding="utf-8")
    _, report = check(whole_project)
    assert [str(p) for p in report.errors()] == [
        "data/quotes/demo-thesis-2022-q02.yaml:9:3: text.nb: text is empty",
        "data/quotes/demo-thesis-2022-q02.yaml:10:3: text.en: text is empty",
        "data/quotes/demo-thesis-2022-q02.yaml:11:1: informant: fill this in, or remove the line",
        "data/quotes/demo-thesis-2022-q02.yaml:12:1: source_location: fill this in, or remove the line",
    ]
    filled = (
        written.replace('nb: ""', 'nb: "Vi ble møtt."')
        .replace('en: ""', 'en: "We were met."')
        .replace("informant: ~", "informant: parents")
        .replace("source_location: ~", 'source_location: "Kapittel 4.4"')
    )
    write(path, filled)
    _, report = check(whole_project)
    assert [str(p) for p in report.errors()] == [
        "data/quotes/demo-thesis-2022-q02.yaml:6:1: (file): value error, a quote illustrates a finding or a theme: "
        "give 'findings' or 'themes' (at least one)"
    ]
    write(path, filled.replace("\nthemes: []", "\nthemes: [oppgave-hoved]"))
    assert _checked(whole_project).quotes_by_theme["oppgave-hoved"] == ["demo-thesis-2022-q02"]


# --- finding a quote in its source's text (tests/source_quotes.py) --------------------------------

DOCUMENT = """\
Foresatt 2 sier:
 «Det står ikke på viljen, men det står på mulighetene. De er veldig
begrensa.  Skolesystemet blir veldig rigid, lite rom for å tenke utenfor
boksen.»
43

Lærer 2 sier: «Vi må være åpne om hva vi kan tilby.» She said: "We were never asked."
"""


def _quote(nb: str | None, en: str | None = None, nb_origin: Origin = "source", en_origin: Origin = "editorial") -> Quote:
    return Quote(
        id="demo-q01",
        text=Text(nb=nb, en=en, nb_origin=nb_origin, en_origin=en_origin),
        informant="parents",
        source_location="Kapittel 4.2",
        findings=["demo-f01"],
    )


@pytest.mark.parametrize(
    "nb",
    [
        "Det står ikke på viljen, men det står på mulighetene. De er veldig begrensa.",  # across a line break
        "De er veldig begrensa. Skolesystemet blir veldig rigid",  # a double space and a line break
        "Det står ikke på viljen [...] lite rom for å tenke utenfor boksen.",  # an elision, in order
        "Det står ikke på viljen [...] tenke utenfor boksen. [...] Vi må være åpne",
    ],
)
def test_a_quote_is_found_word_for_word_with_whitespace_normalised(nb: str) -> None:
    assert source_quotes.missing_part(DOCUMENT, nb) is None
    assert source_quotes.unfound([_quote(nb, "our translation")], DOCUMENT) == []


@pytest.mark.parametrize(
    ("nb", "missing"),
    [
        (
            "Det står ikke på viljen, men på mulighetene.",
            "Det står ikke på viljen, men på mulighetene.",
        ),  # words dropped silently
        ("Det står ikke på viljen, men det står på mulighetene. De er veldig begrenset.", None),  # a word changed
        ("Vi må være åpne [...] Det står ikke på viljen", "Det står ikke på viljen"),  # parts out of order
        ("tenke utenfor boksen. Lærer 2 sier", None),  # across the page number the extraction left there
    ],
)
def test_a_quote_that_is_not_in_the_source_is_named(nb: str, missing: str | None) -> None:
    assert source_quotes.missing_part(DOCUMENT, nb) == (missing or nb)
    [problem] = source_quotes.unfound([_quote(nb)], DOCUMENT)
    assert problem.startswith("quote 'demo-q01' (Kapittel 4.2): text.nb not found in the source: ")


def test_the_languages_in_the_sources_own_words_are_the_ones_looked_for() -> None:
    """A source that quotes in English: its English is found; our Norwegian translation is not looked for."""
    english = _quote("Vi ble aldri spurt.", '"We were never asked."', nb_origin="editorial", en_origin="source")
    assert source_quotes.unfound([english], DOCUMENT) == []
    wrong = _quote("Vi ble aldri spurt.", "We were not asked.", nb_origin="editorial", en_origin="source")
    assert source_quotes.unfound([wrong], DOCUMENT) == [
        "quote 'demo-q01' (Kapittel 4.2): text.en not found in the source: 'We were not asked.'"
    ]
    ours = _quote("Vi ble aldri spurt.", "We were never asked.", nb_origin="editorial")
    assert source_quotes.unfound([ours], DOCUMENT) == [
        "quote 'demo-q01': no text in the source's own words (nb_origin or en_origin 'source')"
    ]


def test_a_recorded_quote_is_protected_as_the_source_published_it() -> None:
    """Once recorded, a quote's wording, informant, place and links are what the source published:
    the seed tests name a change to any of them; our translation may be improved freely."""
    quote = _quote("Det står ikke på viljen.", "It is not the will.")
    recorded = source_edition.fingerprint(quote)
    assert (
        source_edition.fingerprint(quote.model_copy(update={"text": Text(nb="Det står ikke på viljen.", en="Not will.")}))
        == recorded
    )
    for change in (
        {"text": Text(nb="Det står ikke på viljen!", en="It is not the will.")},
        {"informant": "teachers"},
        {"source_location": "Kapittel 4.3"},
        {"findings": ["demo-f02"]},
        {"themes": ["demo-tema"]},
    ):
        assert source_edition.fingerprint(quote.model_copy(update=change)) != recorded, change


def test_recording_adds_the_quotes_to_the_sources_edition(whole_project: Project) -> None:
    index = _checked(whole_project)
    record = {"demo-thesis-2022": source_edition.edition(index, "demo-thesis-2022")}
    quotes = record["demo-thesis-2022"]["entities"].pop("quote")  # as if the source was entered before its quotes
    assert source_edition.unrecorded_additions(index, record)  # an addition at the source's version ...
    source_edition.record_members(record, index, "demo-thesis-2022", "quote", ["demo-thesis-2022-q01"])
    assert record["demo-thesis-2022"]["entities"]["quote"] == quotes
    assert list(record["demo-thesis-2022"]["entities"]) == list(source_edition.edition(index, "demo-thesis-2022")["entities"])
    assert source_edition.unrecorded_additions(index, record) == []  # ... is now what the source published
    assert source_edition.changes_to_the_source(index, record) == []


# --- the sources' quotations in the data ------------------------------------------------------------


@pytest.fixture(scope="module")
def live(repo_index: Index) -> Index:
    return repo_index


def test_every_quote_illustrates_findings_or_themes_of_its_own_publication(live: Index) -> None:
    quote_ids = live.ids("quote")
    assert len(quote_ids) >= 20
    for quote_id in quote_ids:
        quote = live.quote(quote_id)
        pub_id = live.publication_id_of("quote", quote_id)
        assert pub_id is not None, quote_id
        assert quote.findings or quote.themes, quote_id
        for finding_id in quote.findings:
            assert live.publication_id_of("finding", finding_id) == pub_id, (quote_id, finding_id)
        for theme_id in quote.themes:
            assert live.publication_id_of("theme", theme_id) == pub_id, (quote_id, theme_id)
        assert quote.text.nb_origin == "source" and quote.text.en_origin == "editorial", quote_id
        assert not personal_data(quote.text.nb or "") and not personal_data(quote.text.en or ""), quote_id


def test_every_quote_was_found_in_its_source_and_recorded(live: Index) -> None:
    """The source documents are not in the repository: each quote was found word for word in its
    source's text by `python -m tests.source_quotes <publication> <document> --record`, which records
    it only then. Here: every quote is recorded, unchanged since (a changed one is named by
    test_seed_tables.test_what_the_sources_published_is_unchanged)."""
    record = source_edition.load()
    for quote_id in live.ids("quote"):
        pub_id = live.publication_id_of("quote", quote_id)
        recorded = record[pub_id]["entities"].get("quote", {})
        assert recorded.get(quote_id) == source_edition.fingerprint(live.quote(quote_id)), quote_id


def test_the_quotes_spread_over_the_themes_of_the_thesis_and_the_report(live: Index) -> None:
    """The thesis quotes parents and teachers on each of its four main themes; the LOG report its
    school owners, school leaders and heads of services."""
    thesis = live.publication("levik-2023-masteroppgave")
    main_themes = [t for t in thesis.themes if not live.theme(t).parent]

    def main_theme(theme_id: str) -> str:
        while (parent := live.theme(theme_id).parent) is not None:
            theme_id = parent
        return theme_id

    illustrated = {
        main_theme(t)
        for q in thesis.quotes
        for t in [*live.quote(q).themes, *(live.finding(f).theme for f in live.quote(q).findings)]
    }
    assert illustrated == set(main_themes) and len(main_themes) == 4
    assert {live.quote(q).informant for q in thesis.quotes} == {"parents", "teachers"}
    report = live.publication("log-oppfolging-2022")
    assert {live.quote(q).informant for q in report.quotes} == {"school-owners", "school-leaders", "service-leaders"}
    for pub in (thesis, report):
        findings = {f for q in pub.quotes for f in live.quote(q).findings}
        assert len(findings) >= len(pub.quotes) * 3 // 4, pub.id  # few findings carry more than one quote


# --- shown beside what it illustrates -------------------------------------------------------------


def _page(project: Project, doc: str, lang: str) -> str:
    return (project.staging_docs(lang) / doc).read_text(encoding="utf-8")


def _figures(text: str) -> list[str]:
    return re.findall(r'<figure class="kb-quote".*?</figure>', text, re.S)


def test_a_quote_on_its_finding_page_in_the_source_language_and_in_ours(whole_project: Project) -> None:
    generate(whole_project, _checked(whole_project))
    nb = _figures(_page(whole_project, "findings/demo-thesis-2022-f01.md", "nb"))
    assert nb == [
        '<figure class="kb-quote" id="quote-demo-thesis-2022-q01">\n'
        '<blockquote lang="nb" data-pagefind-weight="0.5"><p>Da vi ble hørt, ble alt lettere.</p></blockquote>\n'
        '<figcaption>– Foresatte, <span class="kb-source-location">Kapittel 4.1</span></figcaption>\n'
        "</figure>"
    ]
    en = _figures(_page(whole_project, "findings/demo-thesis-2022-f01.md", "en"))
    assert en == [
        '<figure class="kb-quote" id="quote-demo-thesis-2022-q01">\n'
        '<blockquote lang="en" data-pagefind-weight="0.5"><p>Once we were heard, everything got easier.</p></blockquote>\n'
        '<details class="kb-quote-original"><summary>The source&#39;s words (Norwegian)</summary>'
        '<blockquote lang="nb"><p>Da vi ble hørt, ble alt lettere.</p></blockquote></details>\n'
        '<figcaption>– Parents, <span class="kb-source-location">Kapittel 4.1</span> '
        '<span class="kb-origin">(translated by the editors)</span></figcaption>\n'
        "</figure>"
    ]
    # and in the section of the sub-theme it illustrates, on the themes page
    themes = _page(whole_project, "publications/demo-thesis-2022/themes.md", "nb")
    section = themes[themes.index('id="theme-oppgave-under-1"') : themes.index('id="theme-oppgave-under-2"')]
    assert len(_figures(section)) == 1


def test_a_quote_in_english_words_shows_ours_on_the_norwegian_page(whole_project: Project) -> None:
    """A quote the source prints in English: the bokmål page shows our translation, said so, with the English behind it."""
    path = whole_project.data_dir / QUOTE
    write(
        path,
        path.read_text(encoding="utf-8").replace(
            'text: {nb: "Da vi ble hørt, ble alt lettere.", en: "Once we were heard, everything got easier."}',
            'text: {nb: "Da vi ble hørt, ble alt lettere.", en: "Once we were heard, everything got easier.", '
            "nb_origin: editorial, en_origin: source}",
        ),
    )
    generate(whole_project, _checked(whole_project))
    [nb] = _figures(_page(whole_project, "findings/demo-thesis-2022-f01.md", "nb"))
    assert '<summary>Kildens ordlyd (engelsk)</summary><blockquote lang="en">' in nb
    assert '<span class="kb-origin">(oversatt av redaksjonen)</span>' in nb
    [en] = _figures(_page(whole_project, "findings/demo-thesis-2022-f01.md", "en"))
    assert "<details" not in en and "kb-origin" not in en


def test_a_note_may_concern_a_quote_and_is_shown_with_it(whole_project: Project) -> None:
    note = whole_project.data_dir / "notes" / "note-demo-count.yaml"
    write(note, note.read_text(encoding="utf-8").replace("applies_to: [", "applies_to: [quote:demo-thesis-2022-q01, "))
    index = _checked(whole_project)
    generate(whole_project, index)
    finding = _page(whole_project, "findings/demo-thesis-2022-f01.md", "en")
    after_quote = finding[finding.index('id="quote-demo-thesis-2022-q01"') :]
    assert after_quote.index('<p class="kb-inline-note">') < after_quote.index("## Contributing studies")
    notes = _page(whole_project, "publications/demo-thesis-2022/notes.md", "en")
    assert (
        '<a href="../../../findings/demo-thesis-2022-f01/#quote-demo-thesis-2022-q01">Quotation: Parents (Kapittel 4.1)</a>'
        in notes
    )


def test_a_quote_of_a_theme_without_a_themes_page_is_on_the_themes_list(fixture_project: Project) -> None:
    """The review has no themes page: a quote of one of its themes (and no finding) is on the theme's
    list of findings, its place, and printed under the theme's row of the findings table."""
    write(
        fixture_project.data_dir / "quotes" / "demo-2025-q01.yaml",
        'id: demo-2025-q01\ntext: {nb: "Vi ble sett.", en: "We were seen."}\ninformant: parents\n'
        'source_location: "Tabell 9"\nthemes: [tema-a]\n',
    )
    pub = fixture_project.data_dir / "publications" / "demo-2025.yaml"
    write(
        pub,
        pub.read_text(encoding="utf-8").replace(
            "matrices: [demo-2025-matrise]", "matrices: [demo-2025-matrise]\nquotes: [demo-2025-q01]"
        ),
    )
    index = _checked(fixture_project)
    generate(fixture_project, index)
    listed = _page(fixture_project, "publications/demo-2025/lists/findings-tema-a-all.md", "nb")
    assert len(_figures(listed)) == 1 and 'id="quote-demo-2025-q01"' in listed
    assert _figures(_page(fixture_project, "publications/demo-2025/lists/findings-tema-b-all.md", "nb")) == []
    printed = pdf.render_html(pdf.environment(), index, index.publication("demo-2025"), "full", "nb")
    group = printed[printed.index('id="theme-tema-a"') : printed.index('id="theme-tema-b"')]
    assert '<figure class="quote" id="quote-demo-2025-q01">' in group and "«Vi ble sett.»" in group


def test_the_report_prints_a_quote_under_its_finding_and_its_theme_with_one_id(whole_project: Project) -> None:
    index = _checked(whole_project)
    printed = pdf.render_html(pdf.environment(), index, index.publication("demo-thesis-2022"), "full", "en")
    figures = re.findall(r'<figure class="quote"[^>]*>', printed)
    assert figures == [
        '<figure class="quote">',
        '<figure class="quote" id="quote-demo-thesis-2022-q01">',
    ]  # themes chapter, then findings
    assert "“Once we were heard, everything got easier.”" in printed and "«Da vi ble hørt, ble alt lettere.»" in printed
    summary = pdf.render_html(pdf.environment(), index, index.publication("demo-thesis-2022"), "summary", "en")
    assert "figure" not in summary
