"""PDF reports: rendered from the fixture (fast) and from the real data, then read back the
way a PDF viewer, a screen reader and a printer would: pages, outline, metadata, fonts, text."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import weakref
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from markupsafe import Markup
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from generator.model.i18n import resolve, ui
from generator.model.index import Index
from generator.model.kinds import folder_of
from generator.model.models import Finding, Publication, Text
from generator.model.settings import DEFAULT_LANGUAGE, Project
from generator.pipeline.build import load_or_fail
from generator.present import sections, urls
from generator.print import pdf

from .conftest import FIXTURE, REPO

LANGS = ("nb", "en")


# --- helpers -------------------------------------------------------------------------------


def squash(text: str) -> str:
    """Text without whitespace and hyphens: line breaks and WeasyPrint's hyphenation
    (U+2010 at a line end) must not hide a sentence that is there."""
    return re.sub(r"[\s\u2010\u00ad-]+", "", text)


_PAGE_TEXTS: weakref.WeakKeyDictionary[PdfReader, list[str]] = weakref.WeakKeyDictionary()


def page_texts(reader: PdfReader) -> list[str]:
    """The text of each page in the order the PDF draws it, extracted once per reader.

    Poppler's `pdftotext -raw` (poppler-utils, a system dependency of the tests) reads a long report
    twenty times faster than pypdf's extract_text (0.2 s against 3.9 s for an 87-page report), with
    the same text: only one table on one page of that report came out in another order."""
    if reader not in _PAGE_TEXTS:
        data = reader.stream.getvalue() if isinstance(reader.stream, io.BytesIO) else None
        assert data is not None, "read the report with PdfReader(path)"
        done = subprocess.run(
            ["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True, timeout=120
        )
        texts = done.stdout.decode("utf-8").split("\f")
        assert texts[-1] == "" and len(texts) == len(reader.pages) + 1, "pdftotext ends each page with a form feed"
        _PAGE_TEXTS[reader] = texts[:-1]
    return _PAGE_TEXTS[reader]


def pdf_text(reader: PdfReader) -> str:
    return "\n".join(page_texts(reader))


def expected(text: Text, lang: str) -> str:
    """A data text as the PDF prints it (typographic quotes included)."""
    shown = resolve(text, lang)
    return pdf.typographic(shown.text, shown.lang)


def outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(depth, title, 1-based page) of every bookmark, in order."""
    entries: list[tuple[int, str, int]] = []

    def walk(items: list, depth: int) -> None:  # type: ignore[type-arg]
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                entries.append(
                    (
                        depth,
                        str(item.title),
                        reader.get_destination_page_number(item) + 1,
                    )
                )

    walk(reader.outline, 0)
    return entries


def profile_heading(index: Index, pub: Publication, finding: Finding, lang: str) -> str:
    """A finding's evidence profile is headed by its title, then its number: "Title (Funn 1)"."""
    name = pdf.PrintView(index, pub, lang).finding_name(finding)
    return f"{name.title} ({name.number})"


def fonts(reader: PdfReader) -> dict[str, DictionaryObject]:
    """Every font the pages use (Type0 fonts resolved to their descendant), by base name."""
    found: dict[str, DictionaryObject] = {}

    def visit(resources: DictionaryObject | None) -> None:
        if not resources:
            return
        for ref in (resources.get("/Font") or {}).values():
            font = ref.get_object()
            for part in [
                font,
                *[d.get_object() for d in font.get("/DescendantFonts", [])],
            ]:
                if "/FontDescriptor" in part:
                    found[str(part["/BaseFont"])] = part
        for ref in (resources.get("/XObject") or {}).values():
            visit(ref.get_object().get("/Resources"))

    for page in reader.pages:
        visit(page.get("/Resources"))
    return found


class TextCollector(HTMLParser):
    """Every character a reader sees in the HTML (not the CSS in <style>)."""

    def __init__(self) -> None:
        super().__init__()
        self.chars: set[str] = set()
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:  # type: ignore[type-arg]
        self._skip += tag in ("style", "title")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "title")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.chars |= set(data)


def our_glyphs() -> set[int]:
    covered: set[int] = set()
    for name in (
        "NotoSans-Regular.ttf",
        "NotoSans-Bold.ttf",
        "NotoSansSymbols2-Regular.ttf",
    ):
        covered |= set(TTFont(pdf.FONTS_DIR / name).getBestCmap())
    return covered


def chapter_titles(index: Index, pub: Publication, lang: str) -> list[str]:
    """The report's chapters in order, as sections.py declares them for what the publication holds."""
    view = pdf.PrintView(index, pub, lang)
    return [view.chapter_title(chapter) for chapter in view.chapters()]


def assert_findings_in_order(text: str, index: Index, pub: Publication, lang: str) -> None:
    flat = squash(text)
    position = -1
    # Printed theme by theme (the publication's order), by number within a theme.
    in_print_order = sorted(index.findings_of(pub), key=lambda f: (pub.themes.index(f.theme), f.number))
    for finding in in_print_order:
        found = flat.find(squash(expected(finding.statement, lang)), position + 1)
        assert found > position, f"finding {finding.number} missing or out of order"
        position = found


def assert_matrix_rows(reader: PdfReader, index: Index, pub: Publication, lang: str) -> None:
    """Every matrix row, whole and with its values in column order, on landscape pages."""
    landscape = [
        text for page, text in zip(reader.pages, page_texts(reader), strict=True) if page.mediabox.width > page.mediabox.height
    ]
    assert landscape, "the matrix is not on landscape pages"
    flat = squash("\n".join(landscape))
    for matrix_id in pub.matrices:
        matrix = index.matrix(matrix_id)
        for row_id in matrix.rows:
            row = index.assessment(row_id)
            study = index.study(row.study)
            values = "".join(
                f"{index.term('matrix-value', row.values[c]).symbol}{resolve(index.term('matrix-value', row.values[c]).label, lang).text}"
                for c in matrix.columns
            )
            country = resolve(index.term("country", study.country).label, lang).text
            line = squash(study.citation + country + expected(row.intervention, lang) + values)
            assert line in flat, f"matrix row {row_id} missing or wrong"


def assert_no_heading_alone_at_page_foot(reader: PdfReader) -> None:
    """No page ends with a heading whose text starts on the next page."""
    pages = page_texts(reader)
    for _, title, number in outline(reader):
        lines = [line.strip() for line in pages[number - 1].splitlines()]
        body = lines[:-2]  # the running header and the footer come last in the text
        assert body and body[-1] != title, f"heading {title!r} alone at the foot of page {number}"


def assert_fonts_ours_and_embedded(reader: PdfReader) -> None:
    used = fonts(reader)
    assert used
    for name, font in used.items():
        # Subset ("ABCDEF+") of one of our families: no system font slipped in as a fallback.
        assert re.fullmatch(r"/[A-Z]{6}\+KB-(Sans|Symbols)(-Bold|-Italic|-BoldItalic)?", name), name
        descriptor = font["/FontDescriptor"].get_object()
        assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), f"{name} not embedded"


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, index: Index, pdf_rendering: None) -> tuple[Path, list[pdf.PdfResult]]:
    """The fixture's reports, built once as the site build does: into the staging site root."""
    out = tmp_path_factory.mktemp("site")
    return out, pdf.build_pdfs(Project(FIXTURE), index, out, processes=2)  # side by side, as on a build machine


def report_path(site_root: Path, pub_id: str, kind: str, lang: str) -> Path:
    """Where a site build writes a report: under the site root of its language."""
    root = site_root if lang == DEFAULT_LANGUAGE else site_root / lang
    return root / urls.pdf_path(pub_id, kind, lang)


def report(built: tuple[Path, list[pdf.PdfResult]], pub: Publication, kind: str, lang: str) -> PdfReader:
    out, _ = built
    return PdfReader(report_path(out, pub.id, kind, lang))


# --- tests on the fixture ------------------------------------------------------------------------


def test_pdf_path_is_per_language_site_root() -> None:
    assert urls.pdf_path("skole-hjem-2025", "full", "nb") == "downloads/skole-hjem-2025-full-nb.pdf"
    assert urls.pdf_path("skole-hjem-2025", "summary", "en") == "downloads/skole-hjem-2025-summary-en.pdf"


def test_every_report_written_with_its_cost(built: tuple[Path, list[pdf.PdfResult]], pub: Publication) -> None:
    out, results = built
    assert sorted(r.path.relative_to(out).as_posix() for r in results) == sorted(
        [
            "downloads/demo-2025-full-nb.pdf",
            "downloads/demo-2025-summary-nb.pdf",
            "en/downloads/demo-2025-full-en.pdf",
            "en/downloads/demo-2025-summary-en.pdf",
        ]
    )
    for result in results:
        assert result.pages == len(PdfReader(result.path).pages)
        assert result.seconds > 0 and result.peak_mb > 0
        assert f"{result.pages} pages" in str(result)
    assert not list(out.rglob("*.part")), "a partial file was left behind"


def test_a_report_that_fails_in_its_process_fails_the_build_and_keeps_the_site(
    fixture_project: Project, monkeypatch: pytest.MonkeyPatch, pdf_rendering: None
) -> None:
    """A report that cannot be rendered stops the build with its error, and site/ stays as it was."""
    from generator.pipeline.build import build_site

    rendered = pdf.render_pdf

    def fails_in_english(env: object, index: Index, pub: Publication, kind: str, lang: str, target: Path) -> pdf.PdfResult:
        if lang == "en" and kind == "summary":
            raise OSError(f"no room for {target.name}")
        return rendered(env, index, pub, kind, lang, target)  # type: ignore[arg-type]

    monkeypatch.setattr(pdf, "render_pdf", fails_in_english)  # forked processes inherit it
    last_good = fixture_project.site_dir / "index.html"
    last_good.parent.mkdir(parents=True)
    last_good.write_text("the last good site")
    with pytest.raises(OSError, match="no room for demo-2025-summary-en.pdf"):
        build_site(fixture_project, with_pdf=True)
    assert last_good.read_text() == "the last good site"
    assert not list(fixture_project.site_dir.rglob("*.pdf"))


@pytest.mark.parametrize("lang", LANGS)
def test_page_counts_are_sane(built: tuple[Path, list[pdf.PdfResult]], pub: Publication, lang: str) -> None:
    assert 8 <= len(report(built, pub, "full", lang).pages) <= 30
    assert 1 <= len(report(built, pub, "summary", lang).pages) <= 4


@pytest.mark.parametrize("lang", LANGS)
def test_outline_has_every_chapter(built: tuple[Path, list[pdf.PdfResult]], index: Index, pub: Publication, lang: str) -> None:
    entries = outline(report(built, pub, "full", lang))
    top = [title for depth, title, _ in entries if depth == 0]
    chapters = chapter_titles(index, pub, lang)
    assert [t for t in top if t in chapters] == chapters, top
    titles = [title for _, title, _ in entries]
    for finding in index.findings_of(pub):
        assert profile_heading(index, pub, finding, lang) in titles
    for study_id in pub.studies:
        assert index.study(study_id).citation in titles
    assert_no_heading_alone_at_page_foot(report(built, pub, "full", lang))
    summary_top = [title for depth, title, _ in outline(report(built, pub, "summary", lang)) if depth == 0]
    assert summary_top == [ui("key_messages", lang), ui("findings_table", lang)]


@pytest.mark.parametrize("lang", LANGS)
def test_metadata_title_language_dates_and_tags(built: tuple[Path, list[pdf.PdfResult]], pub: Publication, lang: str) -> None:
    reader = report(built, pub, "full", lang)
    title = resolve(pub.title, lang).text
    assert "<test>" in title and "&" in title  # the fixture's title carries markup characters
    assert reader.metadata is not None
    assert reader.metadata.title == title
    assert reader.metadata.author == resolve(pub.institutions[0], lang).text
    assert reader.metadata["/CreationDate"] == reader.metadata["/ModDate"] == "D:" + pub.date.strftime("%Y%m%d")
    root = reader.trailer["/Root"]
    assert root["/Lang"] == lang
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root  # tagged PDF (PDF/UA-1)
    assert b'pdfuaid:part="1"' in root["/Metadata"].get_object().get_data()
    summary = report(built, pub, "summary", lang)
    assert summary.metadata is not None and summary.metadata.title == f"{title} – {ui('summary_kind', lang)}"


@pytest.mark.parametrize("kind", pdf.KINDS)
def test_fonts_are_ours_embedded_and_subset(built: tuple[Path, list[pdf.PdfResult]], pub: Publication, kind: str) -> None:
    for lang in LANGS:
        assert_fonts_ours_and_embedded(report(built, pub, kind, lang))


def test_symbol_font_carries_the_badges(built: tuple[Path, list[pdf.PdfResult]], pub: Publication) -> None:
    assert any("KB-Symbols" in name for name in fonts(report(built, pub, "full", "nb")))


@pytest.mark.parametrize("kind", pdf.KINDS)
@pytest.mark.parametrize("lang", LANGS)
def test_every_character_is_in_our_fonts(index: Index, pub: Publication, kind: str, lang: str) -> None:
    collector = TextCollector()
    collector.feed(pdf.render_html(pdf.environment(), index, pub, kind, lang))
    covered = our_glyphs() | {0x2010}  # U+2010: WeasyPrint's hyphenation character, in Noto Sans
    missing = sorted(c for c in collector.chars if ord(c) not in covered and not c.isspace())
    assert not missing, f"no glyph in fonts/ for {missing}: add a font that has them (fonts/README.md)"
    assert "●" in collector.chars  # the confidence badges are in every report
    assert kind == "summary" or "✓" in collector.chars  # the matrix only in the full one


@pytest.mark.parametrize("lang", LANGS)
def test_every_finding_in_order(built: tuple[Path, list[pdf.PdfResult]], index: Index, pub: Publication, lang: str) -> None:
    for kind in pdf.KINDS:
        assert_findings_in_order(pdf_text(report(built, pub, kind, lang)), index, pub, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_matrix_rows_with_their_values(
    built: tuple[Path, list[pdf.PdfResult]], index: Index, pub: Publication, lang: str
) -> None:
    assert_matrix_rows(report(built, pub, "full", lang), index, pub, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_page_numbers_cross_references_and_links(
    built: tuple[Path, list[pdf.PdfResult]], index: Index, pub: Publication, lang: str
) -> None:
    reader = report(built, pub, "full", lang)
    total = len(reader.pages)
    page, of = ui("page", lang), ui("of", lang)
    assert f"{page} 2 {of} {total}" in page_texts(reader)[1]
    assert resolve(pub.short_title, lang).text in page_texts(reader)[4]  # running header
    # "se side N" / "see page N" points at the page where the evidence profile really is.
    profile_page = {title: number for _, title, number in outline(reader)}
    first = index.findings_of(pub)[0]
    see = ui("see_page", lang)
    target = profile_page[profile_heading(index, pub, first, lang)]
    assert f"{see} {target}" in pdf_text(reader)
    # The table of contents carries the chapters' real page numbers (its dot leaders come out a line each).
    toc = page_texts(reader)[2]
    for _, title, number in [e for e in outline(reader) if e[0] == 0 and e[1] in chapter_titles(index, pub, lang)]:
        assert re.search(re.escape(title) + r"[\s.]*" + str(number) + r"\b", toc), title
    # Internal links are clickable: link annotations with destinations inside the document.
    internal = [
        annot.get_object()
        for p in reader.pages
        for annot in p.get("/Annots", [])
        if annot.get_object().get("/Subtype") == "/Link" and "/Dest" in annot.get_object()
    ]
    assert len(internal) >= len(index.findings_of(pub))


def test_markup_in_data_is_printed_as_text(built: tuple[Path, list[pdf.PdfResult]], index: Index, pub: Publication) -> None:
    text = pdf_text(report(built, pub, "full", "nb"))
    assert "<test>" in text
    assert squash("<script>alert(1)</script>") in squash(text)


def test_pages_render_and_are_not_blank(built: tuple[Path, list[pdf.PdfResult]], pub: Publication, tmp_path: Path) -> None:
    out, _ = built
    for kind in pdf.KINDS:
        source = out / urls.pdf_path(pub.id, kind, "nb")
        subprocess.run(
            ["pdftoppm", "-r", "40", "-png", str(source), str(tmp_path / kind)],
            check=True,
        )
        images = sorted(tmp_path.glob(f"{kind}-*.png"))
        assert len(images) == len(PdfReader(source).pages)
        for image in images:
            # Ink inside the page body (below the top margin, above the bottom one), so a page
            # with nothing but its running header and footer counts as blank.
            grey = Image.open(image).convert("L")
            body = grey.crop((0, grey.height * 25 // 297, grey.width, grey.height * 274 // 297))
            inked = sum(body.histogram()[:230])
            assert inked > 0.0005 * body.width * body.height, f"{image.name} is blank"


def test_two_renders_are_byte_identical(built: tuple[Path, list[pdf.PdfResult]], tmp_path: Path) -> None:
    """Same data, same bytes: the reports the fixture's build rendered side by side in two processes,
    and the same reports rendered one after the other in one process with another hash seed (set
    order), listed in the same order."""
    out, results = built
    script = (
        "import sys; from pathlib import Path; from generator.print import pdf; "
        "from generator.pipeline.build import load_or_fail; from generator.model.settings import Project; "
        "project = Project(Path(sys.argv[1])); "
        "print('\\n'.join(str(r.path) for r in pdf.build_pdfs(project, load_or_fail(project), Path(sys.argv[2]), processes=1)))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    done = subprocess.run(
        [sys.executable, "-c", script, str(FIXTURE), str(tmp_path)], check=True, cwd=REPO, env=env, capture_output=True, text=True
    )
    alone = [Path(line) for line in done.stdout.split()]
    assert [path.relative_to(tmp_path) for path in alone] == [r.path.relative_to(out) for r in results]
    for one, two in zip(alone, results, strict=True):
        assert one.read_bytes() == two.path.read_bytes(), one.name


_PART = re.compile(
    r'<!--\nkb_template: (\S+)\nkb_sources:(?: \[\])?\n((?:  - .*\n)*)-->\n<\w+ class="(?:[^"]* )?([^" ]+)"(?: id="([^"]+)")?'
)
"""A provenance comment and the element after it: (template, sources, its last class, its id)."""


@pytest.mark.parametrize("kind", pdf.KINDS)
def test_every_part_of_the_print_html_says_where_it_comes_from(index: Index, pub: Publication, kind: str) -> None:
    """A comment before the cover and before each chapter names its template and the data files it read."""
    printed = pdf.render_html(pdf.environment(), index, pub, kind, "nb")
    parts = [
        (template, [line[4:] for line in listed.splitlines()], anchor or css_class)
        for template, listed, css_class, anchor in _PART.findall(printed)
    ]
    expected = [("cover", f"{kind}.html.j2")] if kind == "full" else [("masthead", "summary.html.j2")]
    if kind == "full":
        expected += [(chapter.anchor, chapter.template) for chapter in pdf.PrintView(index, pub, "nb").chapters()]
    assert [(anchor, template) for template, _, anchor in parts] == [(a, f"generator/templates/print/{t}") for a, t in expected]
    for template, sources, _ in parts:
        assert (REPO / template).is_file()
        assert f"data/publications/{pub.id}.yaml" in sources  # every part prints from its publication
    if kind == "full":
        by_anchor = {anchor: sources for _, sources, anchor in parts}
        assert {f"data/findings/{f}.yaml" for f in pub.findings} <= set(by_anchor["findings"])
        assert {f"data/studies/{s}.yaml" for s in pub.studies} <= set(by_anchor["studies"])
        assert not any(path.startswith("data/studies/") for path in by_anchor["summary"])


def test_a_file_name_cannot_end_the_print_comment(fixture_project: Project) -> None:
    studies = fixture_project.data_dir / "studies"
    (studies / "x --> <b>").mkdir()
    (studies / "beta-2021.yaml").rename(studies / "x --> <b>" / "beta-2021.yaml")
    index = load_or_fail(fixture_project)
    printed = pdf.render_html(pdf.environment(), index, index.publication("demo-2025"), "full", "nb")
    assert printed.count("<!--") == printed.count("-->") and "<b>" not in printed
    assert "data/studies/x --&gt; &lt;b&gt;/beta-2021.yaml" in printed


def test_typographic_quotes_and_apostrophes() -> None:
    assert pdf.typographic('Han sa "hei" og "ha det"', "nb") == "Han sa «hei» og «ha det»"
    assert pdf.typographic('the school\'s "plan"', "en") == "the school’s “plan”"
    assert pdf.typographic("letters ('nudge letters')", "en") == "letters (‘nudge letters’)"
    assert pdf.typographic('ett " alene', "nb") == 'ett " alene'  # unbalanced: left alone


def test_css_string_cannot_break_out() -> None:
    value = pdf.css_string('a"; } </style><script>x</script> æ')
    assert isinstance(value, Markup)
    assert not set('"<>;}') & set(value[1:-1]) and value.startswith('"') and value.endswith('"')


def test_fallback_text_is_tagged_and_said(index: Index, pub: Publication) -> None:
    view = pdf.PrintView(index, pub, "en")
    shown = view.text(Text(nb="Bare på norsk"))
    assert '<span lang="nb">Bare på norsk</span>' in shown
    assert ui("fallback_notice", "en") in shown


# --- the real knowledge base ------------------------------------------------------------------


REAL_PUBLICATIONS = sorted(path.stem for path in (REPO / "data" / folder_of("publication")).glob("*.yaml"))
"""Each publication of the real data is a test of its own, so that the workers share them."""


def test_every_real_publication_is_checked(real_index: Index) -> None:
    assert REAL_PUBLICATIONS == sorted(pub.id for pub in real_index.publications())


@pytest.mark.parametrize("publication", REAL_PUBLICATIONS)
def test_real_reports(real_project: Project, real_index: Index, publication: str) -> None:
    """The published data: a full report and a summary of each publication, as the site build
    wrote them (the session's real_project), checked like the fixture's."""
    index = real_index
    pub = index.publication(publication)
    full_reader = PdfReader(report_path(real_project.site_dir, pub.id, "full", "nb"))
    summary_reader = PdfReader(report_path(real_project.site_dir, pub.id, "summary", "en"))
    full_pages, summary_pages = len(full_reader.pages), len(summary_reader.pages)
    assert 20 <= full_pages <= 150 and 2 <= summary_pages <= 10, (pub.id, full_pages, summary_pages)
    top = [title for depth, title, _ in outline(full_reader) if depth == 0]
    expected_chapters = chapter_titles(index, pub, "nb")
    assert [t for t in top if t in expected_chapters] == expected_chapters, pub.id
    full_text = pdf_text(full_reader)
    assert_findings_in_order(full_text, index, pub, "nb")
    if sections.has_cerqual(index, pub):  # the summary's table of findings is the CERQual summary (Tabell 9)
        assert_findings_in_order(pdf_text(summary_reader), index, pub, "en")
    if pub.matrices:
        assert_matrix_rows(full_reader, index, pub, "nb")
    assert_no_heading_alone_at_page_foot(full_reader)
    assert_fonts_ours_and_embedded(full_reader)
    assert_fonts_ours_and_embedded(summary_reader)
    assert "\u2010" in full_text, "no word was hyphenated: is hyphens:auto with lang=nb working?"
    assert full_reader.metadata is not None and full_reader.metadata.title == resolve(pub.title, "nb").text


def test_hostile_data_is_printed_as_text(tmp_path: Path, pdf_rendering: None) -> None:
    """The hostile pull request of test_hostile.py, printed: every payload is text, nothing runs."""
    from .test_hostile import HOSTILE_EDITS, TEXT, _copy, _edit

    project = _copy(tmp_path)
    for rel, change in HOSTILE_EDITS.items():
        _edit(project, rel, change)
    index = load_or_fail(project)
    pub = index.publications()[0]
    result = pdf.render_pdf(pdf.environment(), index, pub, "full", "nb", tmp_path / "hostile.pdf")
    reader = PdfReader(result.path)
    text = squash(pdf_text(reader))
    assert squash(pdf.typographic(TEXT, "nb")) in text  # all payloads, literally, in order
    assert "kbpwned" not in text and "{%iffalse%}kbhidden{%endif%}" in text  # Jinja printed, not run
    # The running header (short title, escaped into CSS) and then the chapter name, as text. pypdf
    # here: the header is too long for its line, and pdftotext merges the words drawn over each other.
    chapter = ui("key_messages", "nb")
    page = {title: number for depth, title, number in outline(reader) if depth == 0}[chapter]
    assert squash(pdf.typographic(TEXT, "nb")) + chapter in squash(reader.pages[page - 1].extract_text())
    raw = result.path.read_bytes()
    assert b"/JavaScript" not in raw and b"/JS " not in raw and b"/Launch" not in raw
    for page in reader.pages:
        for annot in page.get("/Annots", []):
            action = annot.get_object().get("/A")
            assert action is None or action.get_object().get("/S") != "/URI", "a link out of the document"


def test_every_vocabulary_symbol_is_in_our_fonts(repo_index: Index) -> None:
    """A symbol missing from the embedded fonts would fall back to a system font (and differ by machine)."""

    covered: set[int] = set()
    for name in ("NotoSans-Regular.ttf", "NotoSansSymbols2-Regular.ttf"):
        covered |= set(TTFont(REPO / "fonts" / name).getBestCmap())
    index = repo_index
    missing = [
        (vocabulary, term.id, char)
        for vocabulary, terms in index.vocabularies.items()
        for term in terms.values()
        for char in term.symbol or ""
        if ord(char) not in covered
    ]
    assert not missing
