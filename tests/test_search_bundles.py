"""A large site's search in bundles (generator/pipeline/pagefind_run.py), shown on the fixture with the
thresholds lowered: the bundles together index every page the one bundle indexes, with the same
text, the header lists them, and the search box finds pages from every bundle."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import lxml.html
import pytest
from playwright.sync_api import Browser, expect

from generator.model.settings import Project
from generator.pipeline import pagefind_run
from generator.pipeline.build import build_site

from .conftest import FIXTURE, REPO
from .search_relevance import serving

FOLDERS = ["findings", "studies"]


def fragments(site: Path, bundle: str) -> dict[str, dict[str, Any]]:
    found = {}
    for path in (site / bundle / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        fragment = json.loads(data[len(b"pagefind_dcd") :])
        found[fragment["url"]] = fragment
    return found


def built(folder: Path, sharded: bool) -> Project:
    root = folder / "kb"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("build", "site"))
    shutil.copytree(REPO / "overrides", root / "overrides")
    shutil.copytree(REPO / "content" / "assets", root / "content" / "assets")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")  # the site's own, which loads assets/kb.js
    project = Project(root)
    with pytest.MonkeyPatch.context() as patch:
        if sharded:
            patch.setattr(pagefind_run, "SHARDED_FROM_PAGES", 1)
            patch.setattr(pagefind_run, "OWN_BUNDLE_FROM_PAGES", 2)
        build_site(project, with_pdf=False)
    return project


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory, site_building: None) -> tuple[Project, Project]:
    return built(tmp_path_factory.mktemp("one"), False), built(tmp_path_factory.mktemp("bundles"), True)


def test_the_bundles_index_what_the_one_bundle_indexes(sites: tuple[Project, Project]) -> None:
    one, sharded = sites
    whole = fragments(one.site_dir, "pagefind")
    folders = sorted(p.name.removeprefix("pagefind-") for p in sharded.site_dir.glob("pagefind-*"))
    assert folders == sorted({*FOLDERS, *folders}) and set(FOLDERS) <= set(folders), folders
    parts = [fragments(sharded.site_dir, "pagefind")] + [fragments(sharded.site_dir, f"pagefind-{f}") for f in folders]
    for folder, part in zip(folders, parts[1:], strict=True):
        assert part and all(url.startswith(f"/{folder}/") for url in part), folder
    assert not any(url.startswith(tuple(f"/{f}/" for f in folders)) for url in parts[0])
    together = {url: fragment for part in parts for url, fragment in part.items()}
    assert sum(len(part) for part in parts) == len(together), "a page is in one bundle only"
    assert {url: f["content"] for url, f in together.items()} == {url: f["content"] for url, f in whole.items()}
    assert not list(one.site_dir.glob("pagefind-*")), "a small site keeps one bundle"


def test_the_header_lists_the_bundles_to_merge(sites: tuple[Project, Project]) -> None:
    one, sharded = sites
    bundles = sorted(sharded.site_dir.glob("pagefind-*"))
    for html in [sharded.site_dir / "index.html", next((sharded.site_dir / "findings").rglob("index.html"))]:
        (header,) = lxml.html.fromstring(html.read_bytes()).cssselect("#kb-search")
        merged = header.get("data-merge").split()
        # Relative to the page, as its data-bundle: the site works under any base path.
        assert sorted((html.parent / path).resolve() for path in merged) == [b.resolve() for b in bundles], merged
    plain = lxml.html.fromstring((one.site_dir / "index.html").read_bytes())
    assert plain.cssselect("#kb-search")[0].get("data-merge") is None


def test_the_search_box_finds_pages_in_every_bundle(sites: tuple[Project, Project], browser: Browser) -> None:
    _, sharded = sites
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        with serving(sharded.site_dir) as address:
            page.goto(address + "/")
            page.locator(".pagefind-ui__search-input, #kb-search input").first.click()
            page.keyboard.type("foresatte", delay=20)
            links = page.locator(".pagefind-ui__result-link")
            expect(links.first).to_be_visible(timeout=10_000)
            expect(page.locator(".pagefind-ui__results .pagefind-ui__loading")).to_have_count(0, timeout=10_000)
            hrefs = links.evaluate_all("els => els.map(e => e.getAttribute('href') || '')")
    finally:
        context.close()
    found = {urlparse(href).path.strip("/").split("/")[0] for href in hrefs}
    # Pages of the main bundle and of at least two others, in one list.
    bundled = {p.name.removeprefix("pagefind-") for p in sharded.site_dir.glob("pagefind-*")}
    assert len(found & bundled) >= 2 and found - bundled, hrefs
