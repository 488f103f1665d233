"""What the search index reads of each page: the fixture knowledge base built with the site's
theme, read back from the Pagefind bundle each language's build writes (a page's fragment holds
the text Pagefind indexed for it, and its metadata)."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from generator.model.cerqual import justification
from generator.model.i18n import resolve
from generator.model.settings import LANGUAGES, Project
from generator.pipeline.build import build_site, load_or_fail
from generator.present import search

from .conftest import FIXTURE, REPO, WHOLE
from .search_relevance import language_root

Fragments = dict[str, dict[str, Any]]
"""A language's indexed pages by URL path under its root ('findings/x/'): Pagefind's fragment of each."""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, site_building: None) -> Project:
    """The fixture and its second publication, built with the real theme overrides and assets."""
    root = tmp_path_factory.mktemp("search") / "kb"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("build", "site"))
    shutil.copytree(WHOLE, root, dirs_exist_ok=True)
    shutil.copytree(REPO / "overrides", root / "overrides")
    shutil.copytree(REPO / "content" / "assets", root / "content" / "assets")
    project = Project(root)
    build_site(project, with_pdf=False)
    return project


def _fragments(site: Path, lang: str) -> Fragments:
    found = {}
    for path in (site / language_root(lang) / "pagefind" / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd"), path
        fragment = json.loads(data[len(b"pagefind_dcd") :])
        found[fragment["url"].removeprefix("/")] = fragment  # each language is indexed from its own root
    return found


@pytest.fixture(scope="module")
def fragments(built: Project) -> dict[str, Fragments]:
    return {lang: _fragments(built.site_dir, lang) for lang in LANGUAGES}


def _page(built: Project, lang: str, path: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((built.site_dir / language_root(lang) / path / "index.html").read_bytes())


def test_confidence_labels_and_finding_chrome_are_not_indexed(built: Project, fragments: dict[str, Fragments]) -> None:
    """A query for "tillit" (trust) must not find every CERQual finding by its confidence badge,
    its "Funn N · Moderat tillit" line under the title, its generated justification or its
    evidence profile's labels: only what the finding says (and the notes about it) is indexed; its
    title is searched as the page's title (the next test)."""
    index = load_or_fail(built)
    cerqual = [f for f in map(index.finding, index.ids("finding")) if f.confidence]
    assert cerqual
    for lang in LANGUAGES:
        components = [resolve(t.label, lang).text for t in index.terms("cerqual-component")]
        for finding in cerqual:
            path = f"findings/{finding.id}/"
            text = fragments[lang][path]["content"]
            page = _page(built, lang, path)
            assert resolve(finding.statement, lang).text[:40] in text  # the finding itself is indexed
            chrome = [
                page.cssselect(".kb-finding-meta")[0].text_content().strip(),  # "Funn 2 · ●○○○ Svært lav tillit · ..."
                page.cssselect(".kb-confidence")[0].text_content().strip(),  # "Tillit (GRADE-CERQual): ●○○○ Svært lav tillit"
                justification(finding, index, lang),
                *components,
            ]
            assert [c for c in chrome if c in text] == [], (lang, path)
        for path, fragment in fragments[lang].items():
            # No page is found by a badge or a matrix cell: their symbol and words, as they show.
            symbols = _page(built, lang, path).cssselect(".kb-badge, .kb-cell")
            shown = {b.text_content().strip() for b in symbols if b.cssselect("[aria-hidden]")}
            assert [b for b in shown if b and b in fragment["content"]] == [], (lang, path)


def test_a_finding_is_searched_and_shown_by_its_title(fragments: dict[str, Fragments]) -> None:
    """A finding is named by its title: searched as the page's title, and a result is titled with
    it (kb.js shows kb_title), like every other page by its heading."""
    assert fragments["nb"]["findings/demo-2025-f01/"]["meta"] == {
        "title": "Foresatte ønsket tidlig kontakt",
        "kb_title": "Foresatte ønsket tidlig kontakt",
    }
    assert fragments["en"]["findings/demo-2025-f01/"]["meta"] == {
        "title": "Parents wanted early contact",
        "kb_title": "Parents wanted early contact",
    }
    for lang in LANGUAGES:
        for path, fragment in fragments[lang].items():
            assert fragment["meta"]["kb_title"] == fragment["meta"]["title"], (lang, path)


def test_adjacent_cells_and_field_labels_keep_their_words_apart(built: Project, fragments: dict[str, Fragments]) -> None:
    """Pagefind reads no word break between <th>, <dt> or <dd> elements that touch: without a space
    an excerpt reads "KomponentVurdering" and neither word can be found."""
    checked = 0
    for lang in LANGUAGES:
        for path, fragment in fragments[lang].items():
            page = _page(built, lang, path)
            neighbours = [row.xpath("./th|./td") for row in page.iter("tr")] + [dl.xpath("./dt|./dd") for dl in page.iter("dl")]
            for cells in neighbours:
                for left, right in zip(cells, cells[1:], strict=False):
                    a, b = left.text_content().strip(), right.text_content().strip()
                    if re.search(r"\w{3}$", a) and re.search(r"^\w{3}", b):  # words, not "0" and "2"
                        checked += 1
                        assert a + b not in fragment["content"], (lang, path, a, b)
    assert checked > 50


def test_topic_keywords_are_searched_and_not_shown(built: Project, fragments: dict[str, Fragments]) -> None:
    for lang, words in (("nb", "forebygging, tidlig hjelp"), ("en", "prevention, early help")):
        fragment = fragments[lang]["topics/tidlig/"]
        assert fragment["meta"]["keywords"] == words
        shown = _page(built, lang, "topics/tidlig/").cssselect("article")[0].text_content()
        for word in words.split(", "):
            assert word not in fragment["content"] and word not in shown, (lang, word)


def test_a_single_study_counts_less_than_the_pages_that_draw_on_it(built: Project) -> None:
    """Each study's page weights its whole body (search.SINGLE_STUDY_WEIGHT); no other page does."""
    for lang in LANGUAGES:
        root = built.site_dir / language_root(lang)
        for html in root.rglob("index.html"):
            path = html.parent.relative_to(root).as_posix() + "/"
            if path.startswith(("en/", "pagefind/")):
                continue
            bodies = lxml.html.fromstring(html.read_bytes()).cssselect("[data-pagefind-body]")
            weights = {body.get("data-pagefind-weight") for body in bodies}
            expected = {str(search.SINGLE_STUDY_WEIGHT)} if path.startswith("studies/") and path != "studies/" else {None}
            assert not bodies or weights == expected, (lang, path, weights)


def test_every_chrome_selector_matches_something_the_templates_emit(built: Project) -> None:
    """A selector that matches nothing is a class the templates renamed: what it hid is indexed again."""
    pages = [lxml.html.fromstring(p.read_bytes()) for p in built.site_dir.rglob("index.html")]
    unmatched = [s for s in search.NOT_INDEXED if not any(page.cssselect(s) for page in pages)]
    assert unmatched == []


@pytest.mark.parametrize("selector", search.NOT_INDEXED)
def test_chrome_selectors_are_ones_pagefind_reads(selector: str) -> None:
    """Pagefind's HTML rewriter has no sibling combinators: it stops at the first one."""
    assert not re.search(r"[+~]", selector), selector
