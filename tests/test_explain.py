"""Terms explained where a page first names them (generator/explain.py).

Pure: a page's Markdown and a glossary in, the first mention of each term out. The glossary here
has the inflections of kontaktlærer, PPT by its forms and abbreviation, Nav (whose abbreviation is
also part of a web address), høy tillit (a phrase) and tabell (numbered: a name, never explained).
Rendered through Python-Markdown with the site's extensions, the markup means what it says in a
raw HTML block and in a hand-written paragraph alike.
"""

from __future__ import annotations

import markdown
import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis.strategies import lists, sampled_from, text

from generator.model.glossary import Glossary
from generator.model.index import Index
from generator.model.settings import Project
from generator.pipeline.build import load_or_fail
from generator.present.pagespec import PageSpec
from generator.web import explain
from generator.web.explain import Mention, first_mentions, literal
from generator.web.render import View

from .test_glossary import term

KONTAKTLAERER = term(
    "kontaktlaerer", "kontaktlærer", "contact teacher", ["kontaktlærer", "kontaktlæreren", "kontaktlærere", "kontaktlærerne"]
)
PPT = term(
    "ppt", "pedagogisk-psykologisk tjeneste", "educational and psychological counselling service",
    ["pedagogisk-psykologisk tjeneste", "PP-tjenesten"], abbreviation="PPT",
)  # fmt: skip
NAV = term("nav", "Arbeids- og velferdsforvaltningen", "Norwegian Labour and Welfare Administration", ["Arbeids- og velferdsetaten"],
           abbreviation="Nav")  # fmt: skip
HOY_TILLIT = term("hoy-tillit", "høy tillit", "high confidence", ["høy tillit"])
TABELL = term("tabell", "tabell", "table", ["tabell", "tabellen"], numbered=True)
GLOSSARY = Glossary({t.id: t for t in (KONTAKTLAERER, PPT, NAV, HOY_TILLIT, TABELL)})
MARKDOWN_EXTENSIONS = ["toc", "attr_list", "footnotes", "admonition", "tables", "fenced_code"]
"""What MkDocs renders a page with: mkdocs.yml's extensions and those MkDocs always adds."""


def mentioned(page: str, lang: str = "nb", glossary: Glossary = GLOSSARY) -> list[tuple[str, str]]:
    return [(m.term_id, m.written) for m in first_mentions(page, glossary, lang)]


def marked(mention: Mention) -> str:
    return f"<mark>{mention.written}</mark>"


def explained(page: str, lang: str = "nb") -> str:
    return explain.explain(page, first_mentions(page, GLOSSARY, lang), marked)


# --- the first mention, in any inflection ----------------------------------------------------------


def test_only_the_first_mention_of_each_term_is_explained_in_whatever_form() -> None:
    page = "<p>Kontaktlæreren ringte. Kontaktlærerne og en kontaktlærer møttes med PPT.</p>\n\n<p>PP-tjenesten kom.</p>"
    assert mentioned(page) == [("kontaktlaerer", "Kontaktlæreren"), ("ppt", "PPT")]
    assert explained(page) == (
        "<p><mark>Kontaktlæreren</mark> ringte. Kontaktlærerne og en kontaktlærer møttes med <mark>PPT</mark>.</p>\n\n"
        "<p>PP-tjenesten kom.</p>"
    )


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("KONTAKTLÆRERNE kom.", [("kontaktlaerer", "KONTAKTLÆRERNE")]),
        ("Vi fikk høy\n   tillit.", [("hoy-tillit", "høy\n   tillit")]),  # a phrase over a line break
        ("Kontaktlærerrollen og kontaktlærers ansvar.", []),  # a compound and an undeclared form
        ("Ikkekontaktlærer, PPT-kontakten og skole-PPT.", []),  # never part of a longer or hyphenated word
        ("Et kontaktlærer- og foreldresamarbeid.", [("kontaktlaerer", "kontaktlærer")]),  # a hyphen that ends the word
        ("Høy\n\ntillit.", []),  # a phrase never runs across two paragraphs
        ("Se tabell 9 og tabellen.", []),  # a numbered part is a name, not a concept
        ("Ska\u030ala og ho\u0308y tillit.", []),  # 'ö' is not 'ø'
    ],
)
def test_forms_are_matched_as_the_termbase_declares_them(page: str, expected: list[tuple[str, str]]) -> None:
    assert mentioned(page) == expected


def test_english_pages_look_for_the_english_rendering_with_its_endings_and_the_abbreviation() -> None:
    page = "<p>The contact teachers&#39; meeting, a contact teacher, PPT and Nav.</p>"
    assert mentioned(page, "en") == [("kontaktlaerer", "contact teachers"), ("ppt", "PPT"), ("nav", "Nav")]
    assert mentioned("<p>Kontaktlæreren kom.</p>", "en") == []


def test_text_in_the_other_language_is_searched_in_its_own() -> None:
    """A Norwegian text on an English page (a fallback, lang="nb") names its terms in Norwegian."""
    page = '<p>A contact teacher.</p><p><span lang="nb">Kontaktlæreren og PPT.</span> (not yet in English)</p>'
    assert mentioned(page, "en") == [("kontaktlaerer", "contact teacher"), ("ppt", "PPT")]
    assert mentioned('<p lang="en">Kontaktlæreren, the contact teacher.</p>') == [("kontaktlaerer", "contact teacher")]


# --- never in headings, links, code or attributes ----------------------------------------------------

NOT_BODY_TEXT = [
    "# Kontaktlæreren\n",
    "## Kontaktlæreren { #x }\n",
    "Kontaktlæreren\n===========\n",
    "Kontaktlæreren\n---\n",
    "| Kontaktlæreren | b |\n|---|---|\n| c | d |\n",
    '!!! note "Kontaktlæreren"\n',
    "<h2>Kontaktlæreren</h2>",
    "<table><tr><th scope='row'>Kontaktlæreren</th><td>x</td></tr></table>",
    "<dl><dt>Kontaktlæreren</dt><dd>x</dd></dl>",
    "<details><summary>Kontaktlæreren</summary>x</details>",
    '<p><a href="../x/">Kontaktlæreren</a></p>',
    "[Kontaktlæreren](../x.md)",
    "[Kontaktlæreren][ref]\n\n[ref]: ../x.md",
    "[ref]: ../kontaktlæreren.md 'Kontaktlæreren'",
    "Se https://www.kontaktlæreren.no/a og <https://kontaktlæreren.no>.",
    "`Kontaktlæreren` og ``a `Kontaktlæreren` b``.",
    "```\nKontaktlæreren\n```\n",
    "Avsnitt.\n\n    Kontaktlæreren i kode\n",
    "<pre><code>Kontaktlæreren</code></pre>",
    '<p title="Kontaktlæreren" aria-label="kontaktlæreren" data-kb-options=\'[["x", "Kontaktlæreren"]]\'>x</p>',
    "<!-- Kontaktlæreren -->",
    '<span class="kb-badge kb-confidence-high"><span aria-hidden="true">●</span> Høy tillit</span>',
    '<p class="kb-meta"><a href="x">Demo</a> · Kontaktlæreren</p>',
    '<svg><title>Kontaktlæreren</title><text x="1">Høy tillit</text></svg>',
    "<p>\\[Kontaktlæreren] er escaped: \\[x]</p>",
]


@pytest.mark.parametrize("page", NOT_BODY_TEXT)
def test_a_term_is_never_explained_outside_the_body_text(page: str) -> None:
    assert mentioned(page) == [], page


@pytest.mark.parametrize("page", NOT_BODY_TEXT)
def test_after_a_mention_outside_the_body_text_the_first_in_it_is_explained(page: str) -> None:
    whole = f"{page}\n\nKontaktlæreren og høy tillit.\n"
    assert mentioned(whole) == [("kontaktlaerer", "Kontaktlæreren"), ("hoy-tillit", "høy tillit")]


def test_an_unclosed_element_that_html_closes_itself_ends_where_html_ends_it() -> None:
    page = "<dl><dt>Kontaktlæreren<dd>Kontaktlærerne møttes.</dl>\n<table><tr><th>PPT<td>PPT kom.</table>"
    assert mentioned(page) == [("kontaktlaerer", "Kontaktlærerne"), ("ppt", "PPT")]


def test_indented_text_of_a_list_or_an_admonition_is_body_text_not_code() -> None:
    page = '!!! note "Merk"\n\n    Kontaktlæreren kom.\n\n- Punkt\n\n    PPT kom.\n'
    assert mentioned(page) == [("kontaktlaerer", "Kontaktlæreren"), ("ppt", "PPT")]


def test_a_web_address_is_never_split() -> None:
    assert mentioned("<p>Se https://www.nav.no/kontakt og www.nav.no.</p>") == []
    assert mentioned("<p>Se nav.no, skrevet av Nav.</p>") == [("nav", "nav")]


def test_a_character_reference_is_never_split() -> None:
    amp = term("amp", "amp", "amp", ["amp", "lt"])
    glossary = Glossary({"amp": amp})
    assert mentioned("<p>A &amp; B &lt; C</p>", glossary=glossary) == []
    assert mentioned("<p>A &amp; B, amp.</p>", glossary=glossary) == [("amp", "amp")]


def test_what_is_explained_already_is_left_alone() -> None:
    """The step may run over its own output (a page cited into another): nothing is explained twice."""
    once = explained("<p>Kontaktlæreren og PPT.</p>")
    wrapped = once.replace("<mark>", '<span class="kb-term"><a href="#x">').replace("</mark>", "</a></span>")
    assert mentioned(wrapped) == []


# --- hostile data ---------------------------------------------------------------------------------------


def test_a_form_with_regular_expression_syntax_matches_itself_only() -> None:
    odd = term("odd", "C++ (team)*", "odd", ["C++ (team)*", "a.b", "[x]|y"])
    glossary = Glossary({"odd": odd})
    assert mentioned("<p>C++ (team)* møttes; a.b; axb; [x]|y; y.</p>", glossary=glossary) == [("odd", "C++ (team)*")]
    assert mentioned("<p>Cxx team og C team.</p>", glossary=glossary) == []


HOSTILE = "<script>alert('x')</script> *em* _em_ [link](javascript:alert(1)) `code` # heading | cell {: .x} \\ &amp; \"q\""


def test_literal_text_means_itself_in_html_and_in_markdown() -> None:
    for context in ("<p>{}</p>", "Avsnitt {} slutt.", "| a | {} |\n|---|---|\n| b | c |"):
        page = context.format(f'<span class="tip" title="{literal(HOSTILE)}">{literal(HOSTILE)}</span>')
        soup = BeautifulSoup(markdown.markdown(page, extensions=MARKDOWN_EXTENSIONS), "html.parser")
        tip = soup.select_one("span.tip")
        assert tip is not None, page
        assert tip.get_text() == " ".join(HOSTILE.split()), context
        assert tip["title"] == " ".join(HOSTILE.split())
        assert not soup.find_all(["script", "em", "a", "code", "h1"]), context


@pytest.fixture(scope="module")
def hostile_view(tmp_path_factory: pytest.TempPathFactory) -> View:
    """The fixture whose helsesykepleier has a definition full of markup and a form full of regex syntax."""
    import shutil

    from .conftest import FIXTURE, WHOLE

    root = tmp_path_factory.mktemp("explain") / "kb"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("build", "site"))
    shutil.copytree(WHOLE, root, dirs_exist_ok=True)
    path = root / "data" / "glossary" / "helsesykepleier.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["forms_nb"].insert(0, "helse(sykepleier)+*?")
    data["definition"]["nb"] = HOSTILE
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    index = load_or_fail(Project(root))
    return View(index, "nb", PageSpec("findings/x.md", ""))


@pytest.mark.parametrize(
    "context",
    ["<p>Helsesykepleieren kom.</p>", "Helsesykepleieren kom, og helse(sykepleier)+*? også.", "- Helsesykepleieren kom."],
)
def test_a_hostile_definition_comes_out_literal_where_the_term_is_explained(hostile_view: View, context: str) -> None:
    page = hostile_view.explain_terms(context)
    soup = BeautifulSoup(markdown.markdown(page, extensions=MARKDOWN_EXTENSIONS), "html.parser")
    links = soup.select("span.kb-term > a")
    assert [a.get_text() for a in links] == ["Helsesykepleieren"]
    assert links[0]["href"] == "../../glossary/#term-helsesykepleier"
    tip = soup.select_one("span.kb-term-tip[role=tooltip]")
    assert tip is not None and tip["id"] == links[0]["aria-describedby"]
    assert tip.get_text() == "helsesykepleier (public health nurse): " + " ".join(HOSTILE.split())
    assert not soup.find_all(["script", "em", "code", "h1"]) and len(soup.find_all("a")) == 1


def test_the_regex_syntax_form_is_a_form_like_any_other(hostile_view: View) -> None:
    page = hostile_view.explain_terms("<p>En helse(sykepleier)+*? kom.</p>")
    assert (
        '<a href="../../glossary/#term-helsesykepleier" aria-describedby="kb-tip-helsesykepleier">helse(sykepleier)+*?</a>'
        in page
    )


def test_no_glossary_no_change(fixture_project: Project) -> None:
    index = load_or_fail(fixture_project)
    assert not index.ids("term")
    page = "<p>Helsesykepleieren kom.</p>"
    assert View(index, "nb", PageSpec("x.md", "")).explain_terms(page) == page


def test_a_long_page_of_the_real_glossary_names_each_term_once(repo_index: Index) -> None:
    """On a page as long as the real data's largest, each term is found once, at its first mention
    in body text, never in a link or a badge. (How long it takes is measured by `make bench`, not here.)"""
    glossary = repo_index.glossary()
    page = " ".join(
        f"<p>Kontaktlæreren {i} <a href='x'>PPT</a> <span class='kb-badge'>Høy tillit</span></p>" for i in range(3000)
    )
    mentions = first_mentions(page, glossary, "nb")
    assert [m.written for m in mentions] == ["Kontaktlæreren"]
    assert page.index("Kontaktlæreren 0") == mentions[0].start


MARKDOWN_ALPHABET = "ab1 \n\t`~[]()!<>:/{}#.=-\\@\"'hwtps"
SKIPPED_SNIPPETS = [
    "<!-- c -->",
    "<https://a.no>",
    "`a`",
    "[a](b)",
    "![i](x.png)",
    "[a][r]",
    "http://x.no",
    "https://x.no",
    "www.x.no",
    "{: .c}",
    "\\*",
    "```\nx\n```",
    "~~~\nx\n~~~",
    "\n\n    code",
    "\n\tcode",
]
"""One of each kind of thing `skipped_spans` finds, to be joined with random text between them."""


@given(lists(sampled_from(SKIPPED_SNIPPETS) | text(alphabet=MARKDOWN_ALPHABET, max_size=30), max_size=8).map("".join))
def test_a_page_left_unsearched_for_want_of_a_string_holds_no_match(page: str) -> None:
    """`skipped_spans` runs a pattern only on a page that holds one of its strings: every match of
    each pattern holds one, so leaving out a page without them leaves out no match."""
    for needles, pattern in explain._SKIPPED_INLINE:
        for match in pattern.finditer(page):
            assert any(needle in match.group(0) for needle in needles), (pattern.pattern, match.group(0))
    for match in explain._FENCE.finditer(page):
        assert "```" in match.group(0) or "~~~" in match.group(0)
    indented = [line for line in page.split("\n") if line.startswith(("    ", "\t"))]
    assert bool(explain._indented_code(page)) <= bool(indented)  # no code block without an indented line
