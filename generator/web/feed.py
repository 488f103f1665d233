"""The Atom feed (RFC 4287) of what changed, one per language: new versions of the publications, and
new and changed findings, from the same computed changelog as the changelog pages and the PDFs
(present/changelog.py).

Deterministic: an entry's `updated` is the date of its history entry, the feed's the newest of
them (never the build's clock), and its id a UUID derived from what it is about (the language,
the entity, the position of the history entry), so a reader sees the same entry across builds.
Links are absolute when the project has a public address (mkdocs.yml's `site_url`, read by the
build); without one they are relative to the feed, which sits at its language's root, so they
still lead to the pages when the feed is read from the site.
"""

from __future__ import annotations

import datetime as dt
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from generator.model.i18n import resolve, ui
from generator.model.index import Index
from generator.model.models import Change, FindingChange, Publication, Text
from generator.model.settings import DEFAULT_LANGUAGE
from generator.present import urls
from generator.present.changelog import EntityChange, FindingDiff, changelog

ATOM = "http://www.w3.org/2005/Atom"
NAMESPACE = uuid.UUID("6f1c5b44-2f7e-5a59-9d43-0c0f6c1e6b11")
"""The namespace of the entries' UUIDs: fixed, so an entry keeps its id."""


@dataclass(frozen=True)
class Entry:
    key: str
    """What the entry is about, stably: its id is derived from it."""
    title: str
    doc: str
    fragment: str | None
    date: dt.date
    summary: str


def _text(text: Text | None, lang: str) -> str:
    return resolve(text, lang).text if text else ""


def _change_words(change: Change, lang: str) -> str:
    reason = _text(change.reason, lang)
    return f"{_text(change.change, lang)} {reason}".strip()


def _finding_entry(index: Index, pub: Publication, diff: FindingDiff, position: int, lang: str) -> Entry:
    finding = diff.finding
    template = ui("feed_new_finding", lang) if diff.added else ui("feed_changed_finding", lang)
    short = _text(pub.short_title, lang)
    title = template.format(publication=short, number=finding.number, title=_text(finding.title, lang))
    words = [_change_words(diff.change, lang)]
    if diff.confidence:
        before, after = (_text(index.term("confidence", c).label, lang) if c else "–" for c in diff.confidence)
        words.append(f"{ui('confidence', lang)}: {before} → {after}.")
    return Entry(
        f"finding:{finding.id}:history:{position}", title, urls.finding(finding.id), None, diff.change.date, " ".join(words)
    )


def entries(index: Index, lang: str) -> list[Entry]:
    """Every entry, newest first (ties by what they are about)."""
    found: list[Entry] = []
    for pub in index.publications():
        log = changelog(index, pub)
        short = _text(pub.short_title, lang)
        for version in log.versions:
            position = pub.history.index(version.entry)
            found.append(
                Entry(
                    f"publication:{pub.id}:history:{position}",
                    ui("feed_new_version", lang).format(publication=short, version=version.version),
                    urls.changelog(pub.id),
                    urls.anchor("version", version.version.replace(".", "-")),
                    version.date,
                    _change_words(version.entry, lang),
                )
            )
            for diff in [*version.added, *version.changed]:
                found.append(_finding_entry(index, pub, diff, diff.finding.history.index(diff.change), lang))
        for correction in log.corrections:
            if isinstance(correction, EntityChange) and isinstance(correction.change, FindingChange):
                # A correction that records nothing of the finding's substance (a better translation).
                correction = FindingDiff(index.finding(correction.entity_id), correction.change, False, {}, {})
            if isinstance(correction, FindingDiff):
                position = correction.finding.history.index(correction.change)
                found.append(_finding_entry(index, pub, correction, position, lang))
    return sorted(found, key=lambda e: (e.date, e.key), reverse=True)


def _moment(date: dt.date) -> str:
    return f"{date.isoformat()}T00:00:00Z"


def _link(base: str | None, doc: str, lang: str, fragment: str | None = None) -> str:
    """An absolute link under the public address, or one relative to the feed (at the language's root)."""
    path = urls.site_url(doc, lang)
    if base:
        href = base.rstrip("/") + path
    else:
        root = "/" if lang == DEFAULT_LANGUAGE else f"/{lang}/"
        href = path.removeprefix(root) or "./"
    return f"{href}#{fragment}" if fragment else href


def atom(index: Index, lang: str, site_url: str | None) -> str:
    """The feed of one language; `site_url`: the public address of the site, if the project has one."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": lang})
    found = entries(index, lang)
    dates = [e.date for e in found] or [p.date for p in index.publications()] or [dt.date(2025, 1, 1)]

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
        element.text = text
        return element

    sub(feed, "id", f"urn:uuid:{uuid.uuid5(NAMESPACE, f'feed:{lang}')}")
    sub(feed, "title", ui("feed_title", lang))
    sub(feed, "subtitle", ui("feed_subtitle", lang))
    sub(feed, "updated", _moment(max(dates)))
    author = sub(feed, "author")
    sub(author, "name", ui("site_name", lang))
    feed_href = _link(site_url, urls.HOME, lang) + urls.FEED if site_url else urls.FEED
    sub(feed, "link", rel="self", type="application/atom+xml", href=feed_href)
    sub(feed, "link", rel="alternate", type="text/html", href=_link(site_url, urls.HOME, lang))
    for entry in found:
        element = sub(feed, "entry")
        sub(element, "id", f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{lang}:{entry.key}')}")
        sub(element, "title", entry.title)
        sub(element, "updated", _moment(entry.date))
        sub(element, "link", rel="alternate", type="text/html", href=_link(site_url, entry.doc, lang, entry.fragment))
        sub(element, "summary", entry.summary)
    ET.indent(feed)
    return ET.tostring(feed, encoding="unicode", xml_declaration=True) + "\n"
