"""Nothing in the data is lost on the way to the site.

For the fixtures (kb, and kb + kb-whole) and the real knowledge base, in each language:
- every page `pages.plan` promises exists in the built site;
- every entity (a file in data/, vocabularies aside) appears: where the generator itself says
  an entity is shown (`links.Linker.entity`, built on urls.py) is a planned page that exists, with
  the entity's anchor when the link has one; an entity with a page of its own is linked from
  at least one other page; a note, shown on the pages it concerns, has its anchor on one of them.

Vocabularies are lists of labels shown wherever a term is used; they have no place of their own
(NOT_SHOWN_KINDS). A glossary term (data/glossary/) has its entry on the glossary page, and a note
about one is shown there. A quote is shown on every finding and theme page it illustrates; its place
(its anchor) is the page of its first finding, or its first theme's (`links.quote_page`).
The real knowledge base is built once per session (`real_project`) and its pages parsed once (`real_site`).
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from posixpath import normpath
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from lxml.html import HtmlElement

from generator.model.index import Index
from generator.model.settings import LANGUAGES, Project
from generator.pipeline.build import build_site, check
from generator.present import urls
from generator.web.pages import PageSpec, plan
from generator.web.render import View

from .built_site import BuiltSite, select
from .conftest import FIXTURE, WHOLE
from .test_reachability import unreached

NOT_SHOWN_KINDS = {"vocabulary"}
"""Kinds without a place of their own on the site (see the module docstring)."""


@dataclass
class Page:
    ids: set[str] = field(default_factory=set)
    links: set[tuple[str, str]] = field(default_factory=set)
    """(site path, fragment) of every link on the page, resolved against the page's URL."""


def _page(parsed: HtmlElement, url: str) -> Page:
    page = Page(ids={value for element in parsed.iter() for value in [element.get("id")] if value})
    for anchor in select(parsed, "a[href]"):
        value = anchor.get("href")
        target = urlsplit(urljoin(url, value))
        if value and target.netloc == "site":  # a link within the site, not to another host
            page.links.add((_path(unquote(target.path)), unquote(target.fragment)))
    return page


def site_pages(site: BuiltSite, lang: str) -> dict[str, Page]:
    """Every HTML page of one language, by its site path ('/findings/x/', '/en/findings/x/')."""
    pages: dict[str, Page] = {}
    for rel, parsed in site.language_pages(lang):
        path = PurePosixPath(rel)
        if path.name != "index.html":
            continue
        folder = path.parent.as_posix()
        url = "/" if folder == "." else f"/{folder}/"
        pages[url] = _page(parsed, "http://site" + url)
    return pages


def _path(url: str) -> str:
    return normpath(url) + "/" if url != "/" else "/"


def where_shown(index: Index, lang: str, kind: str, entity_id: str) -> tuple[str, str]:
    """(site path, fragment) of the place the generator links to for an entity."""
    view = View(index, lang, PageSpec(urls.HOME, ""))
    href = re.search(r'href="([^"]*)"', str(view.entity_link(kind, entity_id)))
    assert href, (kind, entity_id)
    target = urlsplit(urljoin("http://site" + urls.site_url(urls.HOME, lang), href.group(1)))
    return _path(target.path), target.fragment


def assert_nothing_is_lost(site: BuiltSite, index: Index) -> None:
    planned = plan(index)
    for lang in LANGUAGES:
        pages = site_pages(site, lang)
        planned_urls = {_path(urls.site_url(p.doc, lang)) for p in planned}
        missing_pages = sorted(planned_urls - set(pages))
        assert missing_pages == [], f"{lang}: planned pages not built: {missing_pages[:10]}"
        linked_from_elsewhere: dict[str, set[str]] = {}
        for url, page in pages.items():
            for target, _ in page.links:
                if target != url:
                    linked_from_elsewhere.setdefault(target, set()).add(url)
        lost: list[str] = []
        for kind, entities in index.data.entities.items():
            if kind in NOT_SHOWN_KINDS:
                continue
            for entity_id in entities:
                if kind == "note":
                    if not any(urls.anchor("note", entity_id) in page.ids for page in pages.values()):
                        lost.append(f"note {entity_id}: no page has its anchor")
                    continue
                url, fragment = where_shown(index, lang, kind, entity_id)
                if url not in planned_urls or url not in pages:
                    lost.append(f"{kind} {entity_id}: its place {url} is not a built page")
                elif fragment and fragment not in pages[url].ids:
                    lost.append(f"{kind} {entity_id}: {url} has no element #{fragment}")
                elif not fragment and not linked_from_elsewhere.get(url):
                    lost.append(f"{kind} {entity_id}: no other page links to {url}")
        assert lost == [], f"{lang}: " + "; ".join(lost)


def _built_fixture(tmp: Path, with_whole: bool) -> tuple[Project, Index]:
    root = tmp / "kb"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("build", "site"))
    if with_whole:
        shutil.copytree(WHOLE, root, dirs_exist_ok=True)
    project = Project(root)
    build_site(project, with_pdf=False)
    index, report = check(project)
    assert index is not None, [str(p) for p in report.problems]
    return project, index


@pytest.mark.parametrize("with_whole", [False, True], ids=["kb", "kb+kb-whole"])
def test_nothing_in_the_fixtures_is_lost(tmp_path: Path, with_whole: bool, site_building: None) -> None:
    project, index = _built_fixture(tmp_path, with_whole)
    site = BuiltSite.parse(project.site_dir)
    assert_nothing_is_lost(site, index)
    assert unreached(site) == []  # and every page is reached by links from the home pages


def test_the_check_itself_sees_a_lost_entity(tmp_path: Path, site_building: None) -> None:
    """The invariant can fail: a finding page removed from the built site is noticed."""
    project, index = _built_fixture(tmp_path, with_whole=False)
    finding_id = index.ids("finding")[0]
    shutil.rmtree(project.site_dir / "en" / urls.site_url(urls.finding(finding_id), "en").strip("/").removeprefix("en/"))
    with pytest.raises(AssertionError, match=f"en: planned pages not built: .*{finding_id}"):
        assert_nothing_is_lost(BuiltSite.parse(project.site_dir), index)


def test_nothing_in_the_real_data_is_lost(real_site: BuiltSite, real_index: Index) -> None:
    assert_nothing_is_lost(real_site, real_index)
