"""The real knowledge base, built strict in both languages: everything is there, counted from the data."""

from __future__ import annotations

import json
import os
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import pytest

from generator.model.i18n import resolve
from generator.model.settings import Project
from generator.present import urls

from . import real_build
from .built_site import BuiltSite, every_string, reader_text, select, select_one, text

LANGS = {"nb": "", "en": "en/"}


@pytest.mark.parametrize("lang", LANGS)
def test_every_finding_and_study_has_a_page_in_both_languages(real_site: BuiltSite, real_index, lang: str) -> None:
    for finding_id in real_index.ids("finding"):
        page = real_site.page(lang, urls.finding(finding_id))
        assert page.attrib["lang"] == lang
        finding = real_index.finding(finding_id)
        # Named by its title, its number and confidence (or kind) under it.
        assert text(select_one(page, "h1")).strip().rstrip("¶") == " ".join(resolve(finding.title, lang).text.split())
        assert text(select_one(page, ".kb-finding-meta")).startswith(
            ("Funn " if lang == "nb" else "Finding ") + f"{finding.number} · "
        )
    for study_id in real_index.ids("study"):
        page = real_site.page(lang, urls.study(study_id))
        assert text(select_one(page, "h1")).strip().rstrip("¶") == real_index.study(study_id).citation


@pytest.mark.parametrize("lang", LANGS)
def test_tables_hold_every_row(real_site: BuiltSite, real_index, lang: str) -> None:
    pub = real_index.publication("skole-hjem-2025")
    table = select_one(real_site.page(lang, urls.findings_table(pub.id)), "table.kb-findings")
    assert len(select(table, "tbody tr[data-confidence]")) == len(pub.findings)
    assert len(select(table, "tr.kb-group-row")) == len(pub.themes)
    matrix = select_one(real_site.page(lang, urls.matrix(pub.matrices[0])), "table.kb-matrix")
    assert len(select(matrix, "tbody tr")) == len(real_index.matrix(pub.matrices[0]).rows)
    chars = select(real_site.page(lang, urls.characteristics(pub.id)), "table.kb-characteristics tbody tr")
    assert len(chars) == len(pub.characteristics)


def test_counts_are_computed_from_the_data(real_site: BuiltSite, real_index) -> None:
    pub = real_index.publication("skole-hjem-2025")
    low = [f for f in real_index.findings_of(pub) if f.confidence == "low"]
    page = real_site.page("nb", urls.findings_table(pub.id))
    footer = [text(td) for td in select(page, "table.kb-counts tfoot td")]
    expected = [str(sum(1 for f in real_index.findings_of(pub) if f.confidence == c.id)) for c in real_index.terms("confidence")]
    assert footer == [*expected, str(sum(1 for f in real_index.findings_of(pub) if f.confidence))]
    assert footer[2] == str(len(low))
    # the source's own contradiction (text says 10) is shown, not silently fixed
    assert "note-finding-low-confidence-count" in {n.id for n in real_index.notes_about("publication", pub.id)}


def test_matrix_column_totals_match_rows(real_site: BuiltSite, real_index) -> None:
    pub = real_index.publication("skole-hjem-2025")
    matrix = real_index.matrix(pub.matrices[0])
    page = real_site.page("en", urls.matrix(matrix.id))
    yes_row = select(page, "table.kb-matrix tfoot tr")[0]
    totals = [text(td) for td in select(yes_row, "td")]
    expected = [str(sum(1 for r in matrix.rows if real_index.assessment(r).values[c] == "yes")) for c in matrix.columns]
    assert totals == expected


def test_study_pages_link_back_to_findings_and_matrix(real_site: BuiltSite, real_index) -> None:
    page = real_site.page("nb", urls.study("levik-2023"))
    finding_links = select(page, "ul.kb-finding-list li")
    assert len(finding_links) == len(real_index.findings_by_study["levik-2023"]) > 0
    cook = real_site.page("en", urls.study("cook-2017"))
    assert select(cook, "ul.kb-matrix-row li"), "Cook 2017 has a matrix row"


def test_notes_are_shown_where_they_apply(real_site: BuiltSite, real_index) -> None:
    for (kind, entity_id), note_ids in real_index.notes_for.items():
        if kind != "finding":
            continue
        page = real_site.page("nb", urls.finding(entity_id))
        shown = {li.attrib["id"] for li in select(page, "aside.kb-notes li")}
        assert {urls.anchor("note", n) for n in note_ids} <= shown


def test_html_lang_and_hreflang_on_every_page(real_site: BuiltSite) -> None:
    pages = {rel: page for rel, page in real_site.pages.items() if Path(rel).name == "index.html"}
    assert len(pages) > 150
    for rel, page in pages.items():
        if rel.startswith("pagefind/"):
            continue
        expected = "en" if rel.startswith("en/") else "nb"
        assert page.attrib["lang"] == expected, rel
        alternates = {link.attrib["hreflang"]: link.attrib["href"] for link in select(page, 'link[rel="alternate"][hreflang]')}
        path = rel.removeprefix("en/").removesuffix("index.html")
        own = real_build.PUBLIC_URL + path  # the tests' real build has an address (tests/real_build.py)
        assert alternates == {"nb": own, "en": real_build.PUBLIC_URL + "en/" + path, "x-default": own}, rel


@pytest.mark.long
def test_no_word_noise_or_contact_details_published(real_site: BuiltSite) -> None:
    email = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
    # Not glued to letters or a slash: the digits of a DOI ("10.1007/BF01405730") are no phone number.
    phone = re.compile(r"(?<![\w,./])(?:\+47\s?)?(?:\d{2}\s\d{2}\s\d{2}\s\d{2}|\d{8})(?![\d,.])")
    phone_digits = re.compile(r"\d{2}\s\d{2}\s\d{2}\s\d{2}|\d{8}")  # in every match of `phone`, and quicker to find
    assert real_site.pages
    for path, page in real_site.pages.items():
        shown = " ".join(reader_text(page))
        # "KI-generert innhold kan være feil" is Word's alt text on images; the source's own
        # sentence on its use of AI ("alt KI-generert materiale") is content and is published.
        for noise in ("[bookmark", "Comment by", "_Toc", "[image:", "footnoteRef", "KI-generert innhold kan være feil"):
            assert noise not in shown, (path, noise)
        assert "@" not in shown or not email.search(shown), (path, email.search(shown).group(0))
        # One text node at a time: table cells joined by spaces would look like phone numbers. The
        # nodes are searched in one string, split by a character the pattern neither matches nor
        # looks behind or ahead for: as one search per node, a million searches.
        nodes = every_string(page)
        assert not any("\0" in node for node in nodes), path
        joined = "\0".join(nodes)
        found = phone_digits.search(joined) and phone.search(joined)
        assert not found, (path, found.group(0))


@pytest.mark.long
def test_internal_links_and_anchors_resolve(real_site: BuiltSite) -> None:
    # Every file and folder of the site, listed once: a link is resolved on these strings (a path
    # resolved on disk for each of the site's 300,000 links took ten seconds of system calls).
    files: set[str] = set()
    folders: set[str] = set()
    for top, _, names in os.walk(real_site.root):
        folder = os.path.relpath(top, real_site.root)
        folders.add(folder)
        files.update(posixpath.normpath(posixpath.join(folder, name)) for name in names)
    ids: dict[str, set[str]] = {}

    def anchors(rel: str) -> set[str]:
        if rel not in ids:
            page = real_site.pages[rel]
            ids[rel] = {el.attrib["id"] for el in select(page, "[id]")} | {el.attrib["name"] for el in select(page, "a[name]")}
        return ids[rel]

    broken = []
    assert real_site.pages
    for rel, parsed in real_site.pages.items():
        if posixpath.basename(rel) == "404.html":
            continue  # MkDocs writes the error page with absolute URLs under site_url, by design
        for el in select(parsed, "a[href], link[href], script[src], img[src]"):
            ref = el.get("href") or el.get("src")
            if urlsplit(ref).scheme or ref.startswith(("//", "mailto:")):
                continue
            target_ref, fragment = urldefrag(ref)
            target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), unquote(target_ref))) if target_ref else rel
            if target in folders:
                target = posixpath.normpath(posixpath.join(target, "index.html"))
            if target.startswith("../") or target not in files:  # outside the site is broken too
                broken.append(f"{rel} -> {ref}")
            elif fragment and target.endswith(".html") and fragment not in anchors(target):
                broken.append(f"{rel} -> {ref} (no anchor)")
    assert broken[:20] == [] and len(broken) == 0


def test_pagefind_indexed_each_language_apart(real_project: Project, real_index) -> None:
    from generator.web.pages import plan

    searchable = [p for p in plan(real_index) if p.searchable]
    nb = json.loads((real_project.site_dir / "pagefind" / "pagefind-entry.json").read_text())
    en = json.loads((real_project.site_dir / "en" / "pagefind" / "pagefind-entry.json").read_text())
    assert set(nb["languages"]) == {"nb"} and set(en["languages"]) == {"en"}
    hand_written = len(list((real_project.content_dir / "nb").glob("*.md")))
    assert nb["languages"]["nb"]["page_count"] == en["languages"]["en"]["page_count"] == len(searchable) + hand_written
