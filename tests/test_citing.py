"""How a page is cited (generator/present/citing.py): the "Cite this" block of publication, finding
and topic pages, its BibTeX and RIS files read back with bibtexparser and rispy, Google Scholar's
tags and the JSON-LD of publication pages; the printed colophon's "how to cite", series and number
once, authors as names; the publication fields that citations need, validated and located."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import bibtexparser
import pytest
import rispy
from pypdf import PdfReader

from generator.cli import main
from generator.model.i18n import resolve, ui
from generator.model.index import Index
from generator.model.models import Publication
from generator.model.settings import LANGUAGES, Project
from generator.pipeline.build import generate, load_or_fail
from generator.present import citing, urls
from generator.present.presenter import Presenter
from generator.print import pdf
from generator.web.render import SITE

from . import real_build
from .built_site import BuiltSite, select, select_one, text
from .conftest import whole_copy, write

# --- the citations of the fixture ------------------------------------------------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, Index]:
    """Generated once: the tests read it."""
    whole_project = whole_copy(tmp_path_factory.mktemp("whole"))
    index = load_or_fail(whole_project)
    generate(whole_project, index)
    return whole_project, index


def _files(project: Project, lang: str, kind: str, entity_id: str) -> tuple[str, str]:
    """The BibTeX and the RIS of a page, as the build wrote them into the language's site."""
    docs = project.staging_docs(lang)
    bib, ris = ((docs / urls.citation_path(kind, entity_id, fmt)).read_text(encoding="utf-8") for fmt in ("bib", "ris"))
    return bib, ris


def _bibtex(source: str) -> dict[str, str]:
    library = bibtexparser.parse_string(source)
    assert library.failed_blocks == [] and len(library.entries) == 1
    entry = library.entries[0]
    return {"ENTRYTYPE": entry.entry_type, "ID": entry.key, **{f.key: f.value for f in entry.fields}}


def _ris(source: str) -> dict[str, object]:
    records = rispy.loads(source)
    assert len(records) == 1
    return records[0]


def test_a_publication_is_cited_as_a_report_with_its_version(generated: tuple[Project, Index]) -> None:
    project, index = generated
    pub = index.publication("demo-2025")  # no authors: its institution is the author
    nb = citing.citation(index, "publication", pub.id, "nb")
    en = citing.citation(index, "publication", pub.id, "en")
    assert nb.item["title"] == pub.title.nb
    assert en.item["title"] == f"{pub.title.nb} [{pub.title.en}]"  # the source's title, ours in brackets
    assert (nb.version, nb.date) == (pub.version, pub.date) == ("1.1", dt.date(2025, 6, 15))
    apa = str(citing.apa(nb, None))
    assert apa.startswith("Demoinstituttet. (2025). <i>Demo-oversikt om skole &amp; hjem &lt;test&gt;</i> (Versjon 1.1)")
    assert "(Version 1.1)" in str(citing.apa(en, None))
    bib, ris = _files(project, "nb", "publication", pub.id)
    entry = _bibtex(bib)
    assert entry["ENTRYTYPE"] == "techreport" and entry["ID"] == "publication-demo-2025"
    assert entry["author"] == "{Demoinstituttet}"  # an institution: never split into family and given names
    assert (entry["year"], entry["date"], entry["version"]) == ("2025", "2025-06-15", "1.1")
    assert entry["title"] == r"{Demo-oversikt om skole \& hjem <test>}"
    record = _ris(ris)
    assert record["type_of_reference"] == "RPRT"
    assert record["title"] == pub.title.nb and record["authors"] == ["Demoinstituttet"]
    assert (record["year"], record["date"], record["edition"]) == ("2025", "2025/06/15", "Versjon 1.1")


def test_a_thesis_is_cited_with_its_authors_series_and_number(generated: tuple[Project, Index]) -> None:
    project, index = generated
    cite = citing.citation(index, "publication", "demo-thesis-2022", "en")
    assert str(citing.apa(cite, None)) == (
        "Gamma, G. (2022). <i>Demo-oppgave om samarbeid [Demo thesis on collaboration]</i> (Demo-serie 2022:1; Version 1.0). "
        "Demo University."
    )
    bib, ris = _files(project, "en", "publication", "demo-thesis-2022")
    entry = _bibtex(bib)
    assert (entry["ENTRYTYPE"], entry["author"], entry["school"], entry["number"]) == (
        "mastersthesis",
        "Gamma, G.",
        "Demo University",
        "2022:1",
    )
    record = _ris(ris)
    assert (record["type_of_reference"], record["authors"], record["number"]) == ("THES", ["Gamma, G."], "2022:1")


def test_a_finding_is_cited_as_a_part_of_its_publication(generated: tuple[Project, Index]) -> None:
    project, index = generated
    finding = index.finding("demo-2025-f01")
    for lang in LANGUAGES:
        cite = citing.citation(index, "finding", finding.id, lang)
        title = f"{resolve(finding.title, lang).text} ({ui('finding', lang)} {finding.number})"
        assert cite.item["title"] == title
        apa = str(citing.apa(cite, None))
        assert f"{title}. {'I' if lang == 'nb' else 'In'} <i>Demo-oversikt" in apa
        entry = _bibtex(_files(project, lang, "finding", finding.id)[0])
        assert entry["ENTRYTYPE"] == "incollection" and entry["booktitle"].startswith("Demo-oversikt om skole")
        record = _ris(_files(project, lang, "finding", finding.id)[1])
        assert record["type_of_reference"] == "CHAP" and record["secondary_title"].startswith("Demo-oversikt om skole")


def test_a_topic_is_cited_as_a_page_of_the_knowledge_base(generated: tuple[Project, Index]) -> None:
    project, index = generated
    cite = citing.citation(index, "topic", "tidlig", "nb")
    publisher = index.site.publisher
    assert publisher is not None and cite.item["author"] == [{"literal": publisher.nb}]
    assert cite.version == index.site.version
    # The date of the newest publication the topic draws on (the thesis: demo-2025 has nothing on it).
    drawn_on = {index.publication_of[member] for member in index.topic_members["tidlig"]}
    assert cite.date == max(index.publication(p).date for p in drawn_on)
    assert str(citing.apa(cite, None)).startswith(f"{publisher.nb}. (2022, mai 1). <i>Tidlig innsats</i>.")
    assert _bibtex(_files(project, "nb", "topic", "tidlig")[0])["ENTRYTYPE"] == "misc"
    assert _ris(_files(project, "nb", "topic", "tidlig")[1])["type_of_reference"] == "ELEC"


def test_every_cited_page_links_files_that_exist(generated: tuple[Project, Index]) -> None:
    project, index = generated
    for lang in LANGUAGES:
        docs = project.staging_docs(lang)
        pages = [p for p in docs.rglob("*.md") if '<h2 id="kb-cite">' in p.read_text(encoding="utf-8")]
        assert len(pages) == len(index.publications()) + len(index.ids("finding")) + len(index.ids("topic"))
        for page in pages:
            for href in re.findall(r'href="([^"]+\.(?:bib|ris))"', page.read_text(encoding="utf-8")):
                # From the page's folder URL (docs/x/y.md is served at x/y/): one level deeper.
                folder = page.parent if page.name == "index.md" else page.with_suffix("")
                assert (folder / href).resolve().is_file(), (page, href)


def test_bibtex_escapes_what_latex_would_read(whole_project: Project) -> None:
    assert citing.latex("a {b} \\c & 50% $x #1 _u ~^") == (
        r"a \textbraceleft{}b\textbraceright{} \textbackslash{}c \& 50\% \$x \#1 \_u \textasciitilde{}\textasciicircum{}"
    )
    assert citing.latex("two\nlines") == "two lines"


def test_script_json_cannot_close_its_element() -> None:
    written = citing.script_json({"name": "</script><!-- & \u2028"})
    assert not set("<>&\u2028") & set(written)
    assert json.loads(written) == {"name": "</script><!-- & \u2028"}


# --- Scholar's tags and the JSON-LD ----------------------------------------------------------------


def test_scholar_tags_of_a_publication(whole_project: Project) -> None:
    site_yaml = whole_project.root / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + "url: https://kunnskap-org.github.io/kb/\n", encoding="utf-8")
    index = load_or_fail(whole_project)
    pub = index.publication("demo-thesis-2022")
    tags = citing.scholar_meta(index, pub, "en", pdfs=True)
    assert tags == [
        ("citation_title", "Demo thesis on collaboration"),
        ("citation_author", "G. Gamma"),
        ("citation_publication_date", "2022/05/01"),
        ("citation_pdf_url", "https://kunnskap-org.github.io/kb/en/downloads/demo-thesis-2022-full-en.pdf"),
        ("citation_language", "en"),
        ("citation_dissertation_institution", "Demo University"),
        ("citation_publisher", "Demo University"),
    ]
    assert "citation_pdf_url" not in dict(citing.scholar_meta(index, pub, "en", pdfs=False))  # no PDF, no link
    graph = json.loads(citing.json_ld(index, pub, "en", pdfs=True))["@graph"]
    assert graph[0]["url"] == "https://kunnskap-org.github.io/kb/en/publications/demo-thesis-2022/"
    assert graph[0]["encoding"][0]["contentUrl"] == "https://kunnskap-org.github.io/kb/en/downloads/demo-thesis-2022-full-en.pdf"


# --- the publication fields a citation needs -------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            'authors: ["Gamma G."]\n',
            "authors[0]: value error, write the name as 'Family, Given' (e.g. 'Radlick, Rebecca Lynn'), got 'Gamma G.': a citation needs to know the family name",
        ),
        (
            'isbn: "978-82-8408-404-7"\n',
            "isbn: value error, ISBN '978-82-8408-404-7' has the check digit 7, not 6: copy it again from the source",
        ),
        ('isbn: "82-8408-40"\n', "isbn: value error, an ISBN has 10 or 13 digits (hyphens allowed), got '82-8408-40'"),
        (
            'issn: "1504-7106"\n',
            "issn: value error, ISSN '1504-7106' has the check digit 6, not 5: copy it again from the source",
        ),
        (
            'issn: "15047107"\n',
            "issn: value error, an ISSN is written '1234-5679' (eight characters, the last a digit or X), got '15047107'",
        ),
    ],
)
def test_citation_fields_are_validated_and_located(
    whole_project: Project, capsys: pytest.CaptureFixture[str], line: str, expected: str
) -> None:
    path = whole_project.data_dir / "publications" / "demo-thesis-2022.yaml"
    text = path.read_text(encoding="utf-8").replace('authors: ["Gamma, G."]\n', "")
    write(path, text + line)
    assert main(["--root", str(whole_project.root), "check"]) == 1
    line_number = text.count("\n") + 1
    assert (
        f"data/publications/demo-thesis-2022.yaml:{line_number}:" in capsys.readouterr().err.split(expected)[0].splitlines()[-1]
    )


def test_valid_isbn_and_issn_pass(whole_project: Project) -> None:
    path = whole_project.data_dir / "publications" / "demo-thesis-2022.yaml"
    write(path, path.read_text(encoding="utf-8") + 'isbn: "978-82-8408-404-6"\nissn: "1504-7105"\n')
    index = load_or_fail(whole_project)
    pub = index.publication("demo-thesis-2022")
    assert (pub.isbn, pub.issn) == ("978-82-8408-404-6", "1504-7105")
    tags = dict(citing.scholar_meta(index, pub, "nb", pdfs=False))
    assert (tags["citation_isbn"], tags["citation_issn"]) == ("978-82-8408-404-6", "1504-7105")


def _publication(series: str | None, number: str | None, pub_type: str = "research-note") -> Publication:
    base = Publication.model_validate(
        {
            "id": "p",
            "title": {"nb": "T"},
            "short_title": {"nb": "T"},
            "publication_type": pub_type,
            "institutions": [{"nb": "I"}],
            "year": 2025,
            "status": "published",
            "version": "1.0",
            "date": dt.date(2025, 6, 1),
            "summary": [{"heading": {"nb": "S"}, "paragraphs": [{"nb": "P"}]}],
            "authors": ["Radlick, Rebecca Lynn", "Sveinsdottir, Vigdis", "Fyhn, Tonje"],
            **({"series": series} if series else {}),
            **({"series_number": number} if number else {}),
        }
    )
    return base


@pytest.mark.parametrize(
    ("series", "number", "pub_type", "lang", "expected"),
    [
        ("Notat", "14-2025", "research-note", "nb", "Notat 14-2025"),
        ("Notat", "14-2025", "research-note", "en", "Research note · Notat 14-2025"),
        ("AFI-rapport", "2022:09", "report", "nb", "AFI-rapport 2022:09"),
        ("AFI-rapport", "2022:09", "report", "en", "Report · AFI-rapport 2022:09"),
        (None, None, "report", "nb", "Rapport"),
    ],
)
def test_series_and_number_are_said_once(
    whole_project: Project, series: str | None, number: str | None, pub_type: str, lang: str, expected: str
) -> None:
    vocabulary = whole_project.data_dir / "vocabularies" / "publication-type.yaml"
    if "research-note" not in vocabulary.read_text(encoding="utf-8"):
        write(
            vocabulary,
            vocabulary.read_text(encoding="utf-8") + "  - id: research-note\n    label: {nb: Notat, en: Research note}\n",
        )
    index = load_or_fail(whole_project)
    presenter = Presenter(index, lang, SITE, lambda kind, entity_id: None)
    pub = _publication(series, number, pub_type)
    assert presenter.kind_and_series(pub) == expected
    assert presenter.author_names(pub) == "Rebecca Lynn Radlick, Vigdis Sveinsdottir, Tonje Fyhn"


def test_the_print_colophon_says_how_to_cite(generated: tuple[Project, Index]) -> None:
    _, index = generated
    pub = index.publication("demo-thesis-2022")
    html = pdf.render_html(pdf.environment(), index, pub, "full", "nb")
    apa = str(citing.apa(citing.citation(index, "publication", pub.id, "nb"), None))
    assert f'<h3 class="plain">{ui("how_to_cite", "nb")}</h3>\n<p class="how-to-cite">{apa}</p>' in html
    assert '<p class="cover-authors">G. Gamma</p>' in html
    assert '<p class="cover-kind">Masteroppgave · Demo-serie 2022:1</p>' in html


# --- the real knowledge base ------------------------------------------------------------------------


def test_every_publication_page_carries_scholar_tags_and_json_ld(real_site: BuiltSite, real_index: Index) -> None:
    for pub in real_index.publications():
        for lang in LANGUAGES:
            page = real_site.page(lang, urls.publication(pub.id))
            tags = [
                (m.get("name"), m.get("content"))
                for m in select(page, "head meta")
                if (m.get("name") or "").startswith("citation_")
            ]
            names = [name for name, _ in tags]
            assert tags[0] == ("citation_title", resolve(pub.title, lang).text), pub.id
            assert [c for n, c in tags if n == "citation_author"] == (
                [citing.reading_order(a) for a in pub.authors] or [resolve(i, lang).text for i in pub.institutions]
            )
            assert ("citation_publication_date", pub.date.strftime("%Y/%m/%d")) in tags
            assert ("citation_language", lang) in tags and "citation_publisher" in names
            pdf_url = real_build.PUBLIC_URL + ("" if lang == "nb" else f"{lang}/") + urls.pdf_path(pub.id, "full", lang)
            assert ("citation_pdf_url", pdf_url) in tags  # absolute: the tests' real build has an address
            if pub.isbn:
                assert ("citation_isbn", pub.isbn) in tags
            scripts = select(page, 'head script[type="application/ld+json"]')
            assert len(scripts) == 1
            graph = json.loads(scripts[0].text or "")["@graph"]
            work = graph[0]
            assert work["@type"] in ("Report", "ScholarlyArticle", ["ScholarlyArticle", "Thesis"]), pub.id
            assert (work["name"], work["datePublished"], work["version"]) == (
                resolve(pub.title, lang).text,
                pub.date.isoformat(),
                pub.version,
            )
            assert [d["@type"] for d in graph[1:]] == (["Dataset"] if pub.studies else [])
            assert work["url"] == real_build.PUBLIC_URL + ("" if lang == "nb" else f"{lang}/") + f"publications/{pub.id}/"


def test_the_norce_note_is_cited_with_its_series_number_and_isbn(
    real_site: BuiltSite, real_index: Index, real_project: Project
) -> None:
    pub = real_index.publication("norce-utenforskap-2025")
    page = real_site.page("nb", urls.publication(pub.id))
    tags = [(m.get("name"), m.get("content")) for m in select(page, "head meta") if (m.get("name") or "").startswith("citation_")]
    assert ("citation_technical_report_number", "Notat 14-2025") in tags
    assert ("citation_isbn", "978-82-8408-404-6") in tags
    assert [c for n, c in tags if n == "citation_author"] == ["Rebecca Lynn Radlick", "Vigdis Sveinsdottir", "Tonje Fyhn"]
    cite = text(select_one(page, ".kb-cite-text"))
    assert cite.startswith("Radlick, R. L., Sveinsdottir, V., & Fyhn, T. (2025). Effekter av tverrsektorielle tiltak")
    assert "(Notat 14-2025; Versjon 1.0)" in cite
    bib = (real_project.site_dir / urls.citation_path("publication", pub.id, "bib")).read_text(encoding="utf-8")
    entry = _bibtex(bib)
    assert (entry["type"], entry["number"], entry["isbn"]) == ("Notat", "14-2025", "978-82-8408-404-6")
    record = _ris((real_project.site_dir / "en" / urls.citation_path("publication", pub.id, "ris")).read_text(encoding="utf-8"))
    assert record["issn"] == "978-82-8408-404-6" and record["number"] == "14-2025"  # rispy reads SN as 'issn'


def test_every_cite_block_links_files_that_parse(real_site: BuiltSite, real_index: Index) -> None:
    counted = 0
    for rel, page in real_site.pages.items():
        blocks = select(page, "article .kb-cite")
        if not blocks:
            continue
        links = {a.text: a.get("href") for a in select(blocks[0], "a[download]")}
        assert set(links) == {"BibTeX", "RIS"}, rel
        folder = (real_site.root / rel).parent
        _bibtex((folder / links["BibTeX"]).read_text(encoding="utf-8"))
        _ris((folder / links["RIS"]).read_text(encoding="utf-8"))
        counted += 1
    cited = len(real_index.publications()) + len(real_index.ids("finding")) + len(real_index.ids("topic"))
    assert counted == cited * len(LANGUAGES)


def test_the_real_report_says_its_series_once_and_how_to_cite(real_project: Project) -> None:
    """The NORCE note's cover: 'NOTAT 14-2025' (the series in capitals), not 'NOTAT · NOTAT 14-2025';
    its authors as names; the colophon with the ISBN and how to cite it."""
    path = real_project.site_dir / urls.pdf_path("norce-utenforskap-2025", "full", "nb")
    reader = PdfReader(path)
    cover = reader.pages[0].extract_text()
    assert "NOTAT 14-2025" in cover and "NOTAT · NOTAT" not in cover
    assert "Rebecca Lynn Radlick, Vigdis Sveinsdottir, Tonje Fyhn" in " ".join(cover.split())
    colophon = " ".join(reader.pages[1].extract_text().split())
    assert "ISBN 978-82-8408-404-6" in colophon
    assert ui("how_to_cite", "nb") in colophon and "(Notat 14-2025; Versjon 1.0)" in colophon


def test_no_real_file_points_at_a_placeholder(real_project: Project) -> None:
    for path in Path(real_project.site_dir).rglob("*"):
        if path.suffix in (".html", ".xml", ".bib", ".ris", ".json") and "pagefind" not in path.parts:
            content = path.read_text(encoding="utf-8")
            assert "example.org" not in content and "github.com/example" not in content, path
