"""The real knowledge base, built strict in both languages: everything is there, counted from the data."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import pytest
from bs4 import BeautifulSoup

from generator import urls
from generator.settings import Project

LANGS = {"nb": "", "en": "en/"}


def _page(project: Project, lang: str, doc: str) -> BeautifulSoup:
    url = urls.site_url(doc, lang).lstrip("/")
    path = project.site_dir / url / "index.html"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.mark.parametrize("lang", LANGS)
def test_every_finding_and_study_has_a_page_in_both_languages(real_project: Project, real_index, lang: str) -> None:
    for finding_id in real_index.ids("finding"):
        soup = _page(real_project, lang, urls.finding(finding_id))
        assert soup.html["lang"] == lang
        finding = real_index.finding(finding_id)
        assert soup.h1.get_text().startswith(("Funn " if lang == "nb" else "Finding ") + str(finding.number) + " – ")
    for study_id in real_index.ids("study"):
        soup = _page(real_project, lang, urls.study(study_id))
        assert soup.h1.get_text().strip().rstrip("¶") == real_index.study(study_id).citation


@pytest.mark.parametrize("lang", LANGS)
def test_tables_hold_every_row(real_project: Project, real_index, lang: str) -> None:
    pub = real_index.publication("skole-hjem-2025")
    table = _page(real_project, lang, urls.findings_table(pub.id)).select_one("table.kb-findings")
    assert len(table.select("tbody tr[data-confidence]")) == len(pub.findings)
    assert len(table.select("tr.kb-group-row")) == len(pub.themes)
    matrix = _page(real_project, lang, urls.matrix(pub.matrices[0])).select_one("table.kb-matrix")
    assert len(matrix.select("tbody tr")) == len(real_index.matrix(pub.matrices[0]).rows)
    chars = _page(real_project, lang, urls.characteristics(pub.id)).select("table.kb-characteristics tbody tr")
    assert len(chars) == len(pub.characteristics)


def test_counts_are_computed_from_the_data(real_project: Project, real_index) -> None:
    pub = real_index.publication("skole-hjem-2025")
    low = [f for f in real_index.findings_of(pub) if f.confidence == "low"]
    soup = _page(real_project, "nb", urls.findings_table(pub.id))
    footer = [td.get_text() for td in soup.select("table.kb-counts tfoot td")]
    expected = [str(sum(1 for f in real_index.findings_of(pub) if f.confidence == c.id)) for c in real_index.terms("confidence")]
    assert footer == [*expected, str(sum(1 for f in real_index.findings_of(pub) if f.confidence))]
    assert footer[2] == str(len(low))
    # the source's own contradiction (text says 10) is shown, not silently fixed
    assert "note-finding-low-confidence-count" in {n.id for n in real_index.notes_about("publication", pub.id)}


def test_matrix_column_totals_match_rows(real_project: Project, real_index) -> None:
    pub = real_index.publication("skole-hjem-2025")
    matrix = real_index.matrix(pub.matrices[0])
    soup = _page(real_project, "en", urls.matrix(matrix.id))
    yes_row = soup.select("table.kb-matrix tfoot tr")[0]
    totals = [td.get_text() for td in yes_row.select("td")]
    expected = [str(sum(1 for r in matrix.rows if real_index.assessment(r).values[c] == "yes")) for c in matrix.columns]
    assert totals == expected


def test_study_pages_link_back_to_findings_and_matrix(real_project: Project, real_index) -> None:
    soup = _page(real_project, "nb", urls.study("levik-2023"))
    finding_links = soup.select("ul.kb-finding-list li")
    assert len(finding_links) == len(real_index.findings_by_study["levik-2023"]) > 0
    cook = _page(real_project, "en", urls.study("cook-2017"))
    assert cook.select("ul.kb-matrix-row li"), "Cook 2017 has a matrix row"


def test_notes_are_shown_where_they_apply(real_project: Project, real_index) -> None:
    for (kind, entity_id), note_ids in real_index.notes_for.items():
        if kind != "finding":
            continue
        soup = _page(real_project, "nb", urls.finding(entity_id))
        shown = {li["id"] for li in soup.select("aside.kb-notes li")}
        assert {urls.anchor("note", n) for n in note_ids} <= shown


def test_html_lang_and_hreflang_on_every_page(real_project: Project) -> None:
    pages = list(real_project.site_dir.rglob("index.html"))
    assert len(pages) > 150
    for path in pages:
        rel = path.relative_to(real_project.site_dir).as_posix()
        if rel.startswith("pagefind/"):
            continue
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        expected = "en" if rel.startswith("en/") else "nb"
        assert soup.html["lang"] == expected, rel
        langs = {link["hreflang"] for link in soup.select('link[rel="alternate"][hreflang]')}
        assert langs == {"nb", "en", "x-default"}, rel


def test_no_word_noise_or_contact_details_published(real_project: Project) -> None:
    email = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
    phone = re.compile(r"(?<![\d,.])(?:\+47\s?)?(?:\d{2}\s\d{2}\s\d{2}\s\d{2}|\d{8})(?![\d,.])")
    for path in real_project.site_dir.rglob("*.html"):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        text = soup.get_text(" ")
        # "KI-generert innhold kan være feil" is Word's alt text on images; the source's own
        # sentence on its use of AI ("alt KI-generert materiale") is content and is published.
        for noise in ("[bookmark", "Comment by", "_Toc", "[image:", "footnoteRef", "KI-generert innhold kan være feil"):
            assert noise not in text, (path, noise)
        assert not email.search(text), (path, email.search(text).group(0))
        # One text node at a time: table cells joined by spaces would look like phone numbers.
        for node in soup.find_all(string=True):
            assert not phone.search(node), (path, phone.search(node).group(0))


def test_internal_links_and_anchors_resolve(real_project: Project) -> None:
    site = real_project.site_dir
    ids: dict[Path, set[str]] = {}

    def anchors(path: Path) -> set[str]:
        if path not in ids:
            soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
            ids[path] = {el["id"] for el in soup.select("[id]")} | {el["name"] for el in soup.select("a[name]")}
        return ids[path]

    broken = []
    for page in site.rglob("*.html"):
        if page.name == "404.html":
            continue  # MkDocs writes the error page with absolute URLs under site_url, by design
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for el in soup.select("a[href], link[href], script[src], img[src]"):
            ref = el.get("href") or el.get("src")
            if urlsplit(ref).scheme or ref.startswith(("//", "mailto:")):
                continue
            target_ref, fragment = urldefrag(ref)
            target = (page.parent / unquote(target_ref)).resolve() if target_ref else page
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(site)} -> {ref}")
            elif fragment and target.suffix == ".html" and fragment not in anchors(target):
                broken.append(f"{page.relative_to(site)} -> {ref} (no anchor)")
    assert broken[:20] == [] and len(broken) == 0


def test_pagefind_indexed_each_language_apart(real_project: Project, real_index) -> None:
    from generator.pages import plan

    searchable = [p for p in plan(real_index) if p.searchable]
    nb = json.loads((real_project.site_dir / "pagefind" / "pagefind-entry.json").read_text())
    en = json.loads((real_project.site_dir / "en" / "pagefind" / "pagefind-entry.json").read_text())
    assert set(nb["languages"]) == {"nb"} and set(en["languages"]) == {"en"}
    hand_written = len(list((real_project.content_dir / "nb").glob("*.md")))
    assert nb["languages"]["nb"]["page_count"] == en["languages"]["en"]["page_count"] == len(searchable) + hand_written
