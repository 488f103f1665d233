"""Which sections a publication has, decided once, and where each one is shown.

A section is one part of a publication as readers meet it: pages on the site, a chapter of the
printed report, or both. Each is declared here once, with the question that decides whether a
publication has it. The question is asked of the data, never of the source a publication came
from (a thesis gets a themes page because its themes carry code counts, not because it is a
thesis). The page plan (pages.py), the sidebar (build.navigation), the publication page's cards,
the printed report's table of contents and chapters (templates/print/full.html.j2) and the tests
all ask here.

The site and the report show the sections in different orders (the report reads front to back from
the key messages; the sidebar starts with the tables), so each order is declared once: `SITE` and
`REPORT`. Pure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from generator.model.counts import effect_studies, glossary_terms
from generator.model.index import Index
from generator.model.models import Publication, Text
from generator.present import urls
from generator.present.changelog import has_changes
from generator.present.pagespec import PageSpec

Question = Callable[[Index, Publication], bool]
TitleKey = str | Callable[[Index, Publication], str]


# --- questions about the data ------------------------------------------------------------------


def has_cerqual(index: Index, pub: Publication) -> bool:
    """Whether any finding of the publication carries a GRADE-CERQual assessment."""
    return any(index.finding(f).confidence for f in pub.findings)


def has_theme_page(index: Index, pub: Publication) -> bool:
    """A publication gets a themes page when its themes carry more than a name: sub-themes,
    code counts per informant group or cited studies (Tabell 2 of a thesis, forms of
    collaboration). Descriptions alone are shown where the theme is (the findings table)."""
    return any(index.theme(t).parent or index.theme(t).code_counts or index.theme(t).studies for t in pub.themes)


def has_appraisal_grid(index: Index, pub: Publication) -> bool:
    return any(index.study(s).appraisal and index.study(s).appraisal.items for s in pub.studies)  # type: ignore[union-attr]


def findings_title_key(index: Index, pub: Publication) -> str:
    """A CERQual review's findings are its summary of qualitative findings (Tabell 9); other
    publications' are findings and conclusions."""
    return "findings_table" if has_cerqual(index, pub) else "findings_all"


def _always(index: Index, pub: Publication) -> bool:
    return True


# --- sections ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chapter:
    """One chapter of the printed report."""

    section: str
    anchor: str
    """Its id in the print HTML: the table of contents and the PDF outline link to it."""
    title_key: str | None = None
    """UI key of its heading; None for the publication's own chapters, which carry their own."""
    heading: Text | None = None
    number: int = 0
    """Which of the publication's own chapters (from 1); 0 for the others."""

    @property
    def template(self) -> str:
        """The template that prints it, under templates/print/."""
        return f"chapters/{self.section}.html.j2"


@dataclass(frozen=True)
class Section:
    name: str
    present: Question
    """Whether a publication has it, from its data."""
    title_key: TitleKey | None = None
    """UI key of its title: its chapter heading in the report and its card on the publication page."""
    pages: Callable[[Index, Publication], list[PageSpec]] | None = None
    """Its pages on the site (those with a nav_key are in the sidebar); None: no page of its own."""
    anchor: str | None = None
    """Its chapter's id in the printed report; None: not a chapter of the report."""

    def title(self, index: Index, pub: Publication) -> str:
        """UI key of its title for this publication."""
        if self.title_key is None:
            raise ValueError(f"section {self.name!r} has no title of its own")
        return self.title_key if isinstance(self.title_key, str) else self.title_key(index, pub)

    def chapters(self, index: Index, pub: Publication) -> list[Chapter]:
        """Its chapters in the report of `pub`: none when it is not printed or `pub` lacks it."""
        if self.anchor is None or not self.present(index, pub):
            return []
        return [Chapter(self.name, self.anchor, self.title(index, pub))]


@dataclass(frozen=True)
class OwnChapters(Section):
    """The chapters a publication writes itself (`chapters` in its file): one chapter each, with its heading."""

    def chapters(self, index: Index, pub: Publication) -> list[Chapter]:
        if self.anchor is None or not self.present(index, pub):
            return []
        return [
            Chapter(self.name, f"{self.anchor}-{number}", heading=section.heading, number=number)
            for number, section in enumerate(pub.chapters, start=1)
        ]


def _page(url: Callable[[str], str], template: str, nav_key: TitleKey, wide: bool = False) -> Callable[..., list[PageSpec]]:
    """A section shown on one page of the publication, in the sidebar under `nav_key`."""

    def pages(index: Index, pub: Publication) -> list[PageSpec]:
        key = nav_key if isinstance(nav_key, str) else nav_key(index, pub)
        source = index.source_path("publication", pub.id)
        return [PageSpec(url(pub.id), template, {"publication": pub.id}, source, nav_key=key, wide=wide)]

    return pages


def _gap_map_pages(index: Index, pub: Publication) -> list[PageSpec]:
    """The intervention x sector matrix and the intervention x outcome effect map (their
    drill-down lists are planned with the other lists: pages.py)."""
    params, source = {"publication": pub.id}, index.source_path("publication", pub.id)
    return [
        PageSpec(urls.sector_matrix(pub.id), "sector_matrix.md.j2", params, source, nav_key="sector_matrix", wide=True),
        PageSpec(urls.effect_map(pub.id), "effect_map.md.j2", params, source, nav_key="effect_map", wide=True),
    ]


def _matrix_pages(index: Index, pub: Publication) -> list[PageSpec]:
    """One page per matrix (Tabell 10-11), each in the sidebar."""
    return [
        PageSpec(
            urls.matrix(matrix_id),
            "matrix.md.j2",
            {"publication": pub.id, "matrix": matrix_id},
            index.source_path("matrix", matrix_id),
            nav_key="matrix",
            wide=True,
        )
        for matrix_id in pub.matrices
    ]


PUBLICATION = Section("publication", _always, "publication", _page(urls.publication, "publication.md.j2", "publication"))
KEY_MESSAGES = Section("key_messages", lambda index, pub: bool(pub.key_messages), "key_messages", anchor="key-messages")
SUMMARY = Section("summary", _always, "summary", anchor="summary")
OWN_CHAPTERS = OwnChapters("own_chapters", lambda index, pub: bool(pub.chapters), anchor="chapter")
CHARTS = Section("charts", lambda index, pub: bool(pub.charts), "charts", anchor="charts")
METHOD = Section(
    "method", lambda index, pub: bool(pub.method), "method", _page(urls.method, "method.md.j2", "method"), anchor="method"
)
THEMES = Section("themes", has_theme_page, "themes", _page(urls.themes, "themes.md.j2", "themes"), anchor="themes")
FINDINGS = Section(
    "findings",
    lambda index, pub: bool(pub.findings),
    findings_title_key,
    _page(urls.findings_table, "findings_table.md.j2", findings_title_key, wide=True),
    anchor="findings",
)
EVIDENCE_PROFILES = Section(
    "evidence_profiles",
    has_cerqual,
    "evidence_profiles",
    _page(urls.evidence_profiles, "evidence_profiles.md.j2", "evidence_profiles", wide=True),
    anchor="profiles",
)
IMPLICATIONS = Section(
    "implications",
    lambda index, pub: bool(pub.implications),
    "implications",
    _page(urls.implications, "implications.md.j2", "implications"),
    anchor="implications",
)
INTERVENTIONS = Section(
    # On the site each intervention is an entity page of its own (pages.py), listed by the card.
    "interventions",
    lambda index, pub: bool(pub.interventions),
    "interventions",
    anchor="interventions",
)
GAP_MAPS = Section(
    "gap_maps", lambda index, pub: bool(effect_studies(index, pub)), "effect_map", _gap_map_pages, anchor="gap-maps"
)
CASES = Section("cases", lambda index, pub: bool(pub.cases), "cases", _page(urls.cases, "cases.md.j2", "cases"), anchor="cases")
CHARACTERISTICS = Section(
    "characteristics",
    lambda index, pub: bool(pub.characteristics),
    "characteristics",
    _page(urls.characteristics, "characteristics.md.j2", "characteristics"),
    anchor="characteristics",
)
MATRICES = Section("matrices", lambda index, pub: bool(pub.matrices), "matrix", _matrix_pages, anchor="matrices")
APPRAISAL = Section(
    "appraisal",
    has_appraisal_grid,
    "appraisal_grid",
    _page(urls.appraisal, "appraisal.md.j2", "appraisal", wide=True),
    anchor="appraisal",
)
STUDIES = Section(
    "studies", _always, "studies", _page(urls.publication_studies, "publication_studies.md.j2", "studies"), anchor="studies"
)
REFERENCES = Section(
    "references",
    lambda index, pub: bool(pub.references),
    "reference_list",
    _page(urls.reference_list, "references.md.j2", "reference_list"),
)
NOTES = Section("notes", _always, "notes", _page(urls.notes, "notes.md.j2", "notes"), anchor="notes")
CHANGELOG = Section("changelog", _always, "changelog", _page(urls.changelog, "changelog.md.j2", "changelog"))
GLOSSARY = Section(
    # On the site the glossary is one page for the whole knowledge base (pages.py); the report lists the terms it uses.
    "glossary",
    lambda index, pub: bool(glossary_terms(index, pub)),
    "glossary",
    anchor="glossary",
)
CHANGES = Section("changes", has_changes, "changes_in_version", anchor="changes")

SITE: tuple[Section, ...] = (
    PUBLICATION,
    FINDINGS,
    EVIDENCE_PROFILES,
    THEMES,
    IMPLICATIONS,
    CASES,
    GAP_MAPS,
    APPRAISAL,
    CHARACTERISTICS,
    MATRICES,
    STUDIES,
    REFERENCES,
    METHOD,
    NOTES,
    CHANGELOG,
)
"""The sections with pages of their own, in the order of the publication's sidebar entries."""

REPORT: tuple[Section, ...] = (
    KEY_MESSAGES,
    SUMMARY,
    OWN_CHAPTERS,
    CHARTS,
    METHOD,
    THEMES,
    FINDINGS,
    EVIDENCE_PROFILES,
    IMPLICATIONS,
    INTERVENTIONS,
    GAP_MAPS,
    CASES,
    CHARACTERISTICS,
    MATRICES,
    APPRAISAL,
    STUDIES,
    NOTES,
    GLOSSARY,
    CHANGES,
)
"""The chapters of the full printed report, in reading order (after the cover, the colophon and the contents)."""

SECTIONS: dict[str, Section] = {section.name: section for section in (*SITE, *REPORT)}
"""Every section by name (the name templates ask with)."""


def has(index: Index, pub: Publication, name: str) -> bool:
    """Whether the publication has the section called `name` (a KeyError for a name that is none)."""
    return SECTIONS[name].present(index, pub)


def site_pages(index: Index, pub: Publication) -> list[PageSpec]:
    """The pages of the publication's sections, in sidebar order (those with a nav_key are its sidebar entries)."""
    return [page for section in SITE if section.present(index, pub) for page in section.pages(index, pub)]  # type: ignore[misc]


def report_chapters(index: Index, pub: Publication) -> list[Chapter]:
    """The chapters of the publication's full report, in reading order."""
    return [chapter for section in REPORT for chapter in section.chapters(index, pub)]
