"""Where every entity is shown on the site, as links ready for a page: decided here once.

A `Linker` belongs to one page (links inside raw HTML are relative, so they depend on where the
page is) and one language (a link's label is text). The page contexts (contexts.py) hold the
links it makes; `render.View` formats the same links for hand-written pages (citations.py), so a
template and a citation can never point an entity to two places.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from markupsafe import Markup, escape

from generator.model.index import Index
from generator.model.models import Finding, Publication, Text
from generator.present import sections, urls
from generator.present.presenter import FindingName


class Labels(Protocol):
    """What a link's label is made with, in the page's language (`render.View` is one)."""

    def plain(self, text: Text | None) -> str: ...

    def label(self, vocabulary: str, term_id: str, which: str = "label") -> str: ...

    def ui(self, key: str) -> str: ...

    def finding_badge(self, finding: Finding) -> Markup: ...

    def entity_label(self, kind: str, entity_id: str) -> str: ...

    def entity_secondary(self, kind: str, entity_id: str) -> str: ...

    def finding_name(self, finding: Finding, elsewhere: Publication | None = None) -> FindingName: ...

    def titles_note(self, findings: list[Finding]) -> str: ...


SECONDARY = Markup('<span class="kb-secondary">({text})</span>')
"""How the site sets words after a name that tell which one it is (a finding's number): `Medium.secondary`."""


@dataclass(frozen=True)
class Link:
    """A link with a plain-text label; `{{ link }}` in a template writes `<a href="…">label</a>`,
    and after it, quieter, its `secondary` words where it has any (a finding's number)."""

    href: str
    label: str
    secondary: str = ""

    def __html__(self) -> str:
        # Concatenation, not Markup.format: a table of studies makes one for every study on every row.
        link = '<a href="' + str(escape(self.href)) + '">' + str(escape(self.label)) + "</a>"
        if not self.secondary:
            return link
        return link + " " + str(SECONDARY.format(text=self.secondary))


@dataclass(frozen=True)
class FindingRef:
    """'School-home collaboration gave … (Finding 16, School-home review) ●●●● High confidence':
    a finding cited from elsewhere, by its title, with its number (and publication) and its badge;
    `{{ ref }}` writes them all."""

    href: str
    label: str
    secondary: str
    badge: Markup
    finding: Finding

    def __html__(self) -> str:
        link = Markup('<a class="kb-finding-ref" href="{href}">{label}</a>').format(href=self.href, label=self.label)
        return str(link + Markup(" ") + SECONDARY.format(text=self.secondary) + Markup(" ") + self.badge)


class Linker:
    """The links of one page, in its language."""

    def __init__(self, index: Index, doc: str, labels: Labels) -> None:
        self.index = index
        self.doc = doc
        self.labels = labels

    def href(self, doc: str, fragment: str | None = None) -> str:
        """The relative URL of another page (links in raw HTML are not rewritten by MkDocs)."""
        return urls.href(self.doc, doc, fragment)

    def asset(self, path: str) -> str:
        """The relative URL of a static file, e.g. a PDF under downloads/."""
        return urls.asset(self.doc, path)

    def study(self, study_id: str) -> Link:
        return Link(self.href(urls.study(study_id)), self.index.study(study_id).citation)

    def studies(self, study_ids: list[str] | tuple[str, ...]) -> list[Link]:
        return [self.study(study_id) for study_id in study_ids]

    def finding(self, finding_id: str) -> Link:
        """A link to a finding's page: its title, then its number."""
        return self.entity("finding", finding_id)

    def finding_ref(self, finding_id: str, with_publication: bool = True) -> FindingRef:
        """A finding cited from elsewhere: its title, its number and publication (`with_publication`), its badge."""
        finding = self.index.finding(finding_id)
        pub_id = self.index.publication_of.get(("finding", finding_id))
        elsewhere = self.index.publication(pub_id) if with_publication and pub_id else None
        name = self.labels.finding_name(finding, elsewhere)
        return FindingRef(
            self.href(urls.finding(finding_id)), name.title, name.number, self.labels.finding_badge(finding), finding
        )

    def entity(self, kind: str, entity_id: str) -> Link:
        """A link to wherever an entity is shown (`entity_page`), labelled as the presenter names it."""
        labels = self.labels
        href = self.href(*entity_page(self.index, kind, entity_id))
        return Link(href, labels.entity_label(kind, entity_id), labels.entity_secondary(kind, entity_id))

    def entities(self, kind: str, entity_ids: list[str] | tuple[str, ...]) -> list[Link]:
        return [self.entity(kind, entity_id) for entity_id in entity_ids]

    def theme_href(self, theme_id: str) -> str:
        return self.href(*entity_page(self.index, "theme", theme_id))


def entity_page(index: Index, kind: str, entity_id: str) -> tuple[str, str | None]:
    """The page that shows an entity on the site, and the anchor of its part of that page (None: the whole page)."""
    pages = {
        "finding": urls.finding,
        "study": urls.study,
        "publication": urls.publication,
        "matrix": urls.matrix,
        "topic": urls.topic,
        "intervention": urls.intervention,
    }
    if kind in pages:
        return pages[kind](entity_id), None
    if kind == "term":
        return urls.GLOSSARY, urls.anchor("term", entity_id)
    if kind == "assessment":
        return urls.matrix(index.matrix_of_assessment[entity_id]), urls.anchor("row", entity_id)
    if kind == "quote":
        return quote_page(index, entity_id), urls.anchor("quote", entity_id)
    pub_id = index.publication_of[(kind, entity_id)]
    if kind == "theme":
        # Themes with sub-themes, code counts or studies have a themes page; others live in the findings table.
        page = urls.themes if sections.has(index, index.publication(pub_id), "themes") else urls.findings_table
        return page(pub_id), urls.anchor("theme", entity_id)
    in_lists = {
        "characteristic": urls.characteristics,
        "implication": urls.implications,
        "case": urls.cases,
        "reference": urls.reference_list,
    }
    return in_lists[kind](pub_id), urls.anchor(kind, entity_id)


def quote_page(index: Index, quote_id: str) -> str:
    """Where a quote has its place (its anchor): the page of the first finding it illustrates; a quote of
    themes only, its first theme's section of the themes page, or the theme's list of findings where the
    publication has no themes page. (It is shown on every finding and theme page it illustrates.)"""
    quote = index.quote(quote_id)
    if quote.findings:
        return urls.finding(quote.findings[0])
    pub_id = index.publication_of[("theme", quote.themes[0])]
    if sections.has(index, index.publication(pub_id), "themes"):
        return urls.themes(pub_id)
    return urls.findings_list(pub_id, quote.themes[0])
