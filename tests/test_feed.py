"""The Atom feed of what changed (generator/web/feed.py), read back with feedparser: valid, one per
language, ids and dates from the data so that two builds give the same feed, absolute links under
the public address and relative ones without."""

from __future__ import annotations

from pathlib import Path

import feedparser

from generator.model.index import Index
from generator.model.settings import Project
from generator.pipeline.build import generate, load_or_fail, public_url
from generator.present import urls
from generator.web import feed

from .conftest import write

BASE = "https://kunnskap.feed-test.no/kunnskapsbase/"


def _parsed(text: str) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(text)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def test_new_versions_and_new_and_changed_findings(index: Index) -> None:
    parsed = _parsed(feed.atom(index, "en", BASE))
    assert parsed.feed.title == "Knowledge base – collaboration around pupils: changes"
    assert parsed.feed.updated == "2025-06-15T00:00:00Z"  # the newest change in the data, not the build's clock
    assert [e.title for e in parsed.entries] == [
        "Demo review: version 1.1",
        "Demo review: new finding 3 – Trust was built by listening",
        "Demo review: finding 1 changed – Parents wanted early contact",
        "Demo review: version 1.0",
    ]
    assert [e.link for e in parsed.entries] == [
        f"{BASE}en/publications/demo-2025/changelog/#version-1-1",
        f"{BASE}en/findings/demo-2025-f03/",
        f"{BASE}en/findings/demo-2025-f01/",
        f"{BASE}en/publications/demo-2025/changelog/#version-1-0",
    ]
    assert "Low confidence → Moderate confidence" in parsed.entries[2].summary
    assert len({e.id for e in parsed.entries}) == 4 and all(e.id.startswith("urn:uuid:") for e in parsed.entries)
    norwegian = _parsed(feed.atom(index, "nb", BASE))
    assert norwegian.feed.language == "nb" and norwegian.entries[1].link == f"{BASE}findings/demo-2025-f03/"
    assert norwegian.entries[1].title == "Demo-oversikt: nytt funn 3 – Tillit ble bygget gjennom lytting"
    assert not {e.id for e in norwegian.entries} & {e.id for e in parsed.entries}  # one feed per language


def test_ids_and_dates_stay_the_same_across_builds(whole_project: Project) -> None:
    site = whole_project.root / "site.yaml"
    write(site, site.read_text(encoding="utf-8") + f"url: {BASE}\n")
    generate(whole_project, load_or_fail(whole_project), pdfs=False)
    first = (whole_project.staging_docs("en") / urls.FEED).read_bytes()
    generate(whole_project, load_or_fail(whole_project), pdfs=False)
    assert (whole_project.staging_docs("en") / urls.FEED).read_bytes() == first
    assert public_url(load_or_fail(whole_project)) == BASE
    assert _parsed(first.decode("utf-8")).feed.links[0].href == f"{BASE}en/feed.xml"


def test_without_a_public_address_links_are_relative_to_the_feed(fixture_project: Project) -> None:
    assert public_url(load_or_fail(fixture_project)) is None
    generate(fixture_project, load_or_fail(fixture_project), pdfs=False)
    for lang, root in (("nb", "https://reader.example/site/"), ("en", "https://reader.example/site/en/")):
        text = (fixture_project.staging_docs(lang) / urls.FEED).read_text(encoding="utf-8")
        parsed = _parsed(text)
        assert parsed.entries[1].link == "findings/demo-2025-f03/"
        # Read from the site, the feed's own address resolves them to the pages.
        resolved = feedparser.parse(text, response_headers={"content-location": root + "feed.xml"})
        assert resolved.entries[1].link == root + "findings/demo-2025-f03/"


def test_data_in_the_feed_is_text(fixture_project: Project) -> None:
    path = fixture_project.data_dir / "findings" / "demo-2025-f03.yaml"
    hostile = "</title><script>alert(1)</script> & <![CDATA[x]]>"
    write(path, path.read_text(encoding="utf-8").replace("Trust was built by listening", hostile))
    parsed = _parsed(feed.atom(load_or_fail(fixture_project), "en", BASE))
    assert parsed.entries[1].title == f"Demo review: new finding 3 – {hostile}"


def test_the_real_knowledge_base_has_a_valid_feed(tmp_path: Path, repo_index: Index) -> None:
    real = repo_index
    for lang in ("nb", "en"):
        parsed = _parsed(feed.atom(real, lang, BASE))
        assert parsed.entries  # the publications' versions and the translation corrections
        assert all(e.link.startswith(BASE) for e in parsed.entries)
