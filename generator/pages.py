"""Page planning: which pages exist, where they go, and what each one shows. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import urls
from .counts import effect_studies
from .index import Index
from .models import Publication


@dataclass(frozen=True)
class PageSpec:
    """One generated page, identical in every language apart from its text."""

    doc: str
    template: str
    params: dict[str, str] = field(default_factory=dict)
    source: str | None = None
    """The data file a reader's 'edit this page' should open."""
    nav_key: str | None = None
    """UI key of the page's sidebar title; None keeps the page out of the sidebar (docs/decisions.md: nav is quadratic)."""
    wide: bool = False
    """Wide tables: the page hides the sidebars so the table gets the whole width."""
    searchable: bool = True
    """Drill-down lists repeat content found elsewhere: kept out of the search index."""


def has_theme_page(index: Index, pub: Publication) -> bool:
    """A publication gets a themes page when its themes carry more than a name: sub-themes,
    code counts per informant group or cited studies (Tabell 2 of a thesis, forms of
    collaboration). Descriptions alone are shown where the theme is (the findings table)."""
    return any(index.theme(t).parent or index.theme(t).code_counts or index.theme(t).studies for t in pub.themes)


def has_cerqual(index: Index, pub: Publication) -> bool:
    """Whether any finding of the publication carries a GRADE-CERQual assessment."""
    return any(index.finding(f).confidence for f in pub.findings)


def has_appraisal_grid(index: Index, pub: Publication) -> bool:
    return any((appraisal := index.study(s).appraisal) and appraisal.items for s in pub.studies)


def plan(index: Index) -> list[PageSpec]:
    pages: list[PageSpec] = [
        PageSpec(urls.HOME, "home.md.j2", nav_key="home"),
        PageSpec(urls.PUBLICATIONS_INDEX, "publications_index.md.j2", nav_key="publications"),
        PageSpec(urls.OVERVIEW, "overview.md.j2", nav_key="overview", wide=True),
        PageSpec(urls.TOPICS_INDEX, "topics_index.md.j2", nav_key="topics"),
        PageSpec(urls.AUDIENCES_INDEX, "audiences_index.md.j2", nav_key="practice"),
    ]
    for topic_id in index.ids("topic"):
        pages.append(PageSpec(urls.topic(topic_id), "topic.md.j2", {"topic": topic_id}, index.source_path("topic", topic_id)))
    for audience in index.terms("audience") if "audience" in index.vocabularies else []:
        pages.append(PageSpec(urls.audience(audience.id), "audience.md.j2", {"audience_id": audience.id}))
    for pub in index.publications():
        pid = pub.id
        pub_source = index.source_path("publication", pid)
        params = {"publication": pid}
        pages.append(PageSpec(urls.publication(pid), "publication.md.j2", params, pub_source, nav_key="publication"))
        if pub.findings:
            pages.append(
                PageSpec(
                    urls.findings_table(pid),
                    "findings_table.md.j2",
                    params,
                    pub_source,
                    nav_key="findings_table" if has_cerqual(index, pub) else "findings_all",
                    wide=True,
                )
            )
        if has_cerqual(index, pub):
            pages.append(
                PageSpec(
                    urls.evidence_profiles(pid),
                    "evidence_profiles.md.j2",
                    params,
                    pub_source,
                    nav_key="evidence_profiles",
                    wide=True,
                )
            )
        if has_theme_page(index, pub):
            pages.append(PageSpec(urls.themes(pid), "themes.md.j2", params, pub_source, nav_key="themes"))
        if pub.implications:
            pages.append(PageSpec(urls.implications(pid), "implications.md.j2", params, pub_source, nav_key="implications"))
        if pub.cases:
            pages.append(PageSpec(urls.cases(pid), "cases.md.j2", params, pub_source, nav_key="cases"))
        for intervention_id in pub.interventions:
            pages.append(
                PageSpec(
                    urls.intervention(intervention_id),
                    "intervention.md.j2",
                    {**params, "intervention": intervention_id},
                    index.source_path("intervention", intervention_id),
                )
            )
        if effect_studies(index, pub):
            pages += _gap_map_pages(index, pub, pub_source)
        if has_appraisal_grid(index, pub):
            pages.append(PageSpec(urls.appraisal(pid), "appraisal.md.j2", params, pub_source, nav_key="appraisal", wide=True))
        if pub.characteristics:
            pages.append(
                PageSpec(urls.characteristics(pid), "characteristics.md.j2", params, pub_source, nav_key="characteristics")
            )
        for matrix_id in pub.matrices:
            pages.append(
                PageSpec(
                    urls.matrix(matrix_id),
                    "matrix.md.j2",
                    {**params, "matrix": matrix_id},
                    index.source_path("matrix", matrix_id),
                    nav_key="matrix",
                    wide=True,
                )
            )
        pages.append(PageSpec(urls.publication_studies(pid), "publication_studies.md.j2", params, pub_source, nav_key="studies"))
        if pub.method:
            pages.append(PageSpec(urls.method(pid), "method.md.j2", params, pub_source, nav_key="method"))
        pages += [
            PageSpec(urls.notes(pid), "notes.md.j2", params, pub_source, nav_key="notes"),
            PageSpec(urls.changelog(pid), "changelog.md.j2", params, pub_source, nav_key="changelog"),
        ]
        pages += _drill_down_pages(index, pub.id, pub_source)
        for finding in index.findings_of(pub):
            pages.append(
                PageSpec(
                    urls.finding(finding.id),
                    "finding.md.j2",
                    {**params, "finding": finding.id},
                    index.source_path("finding", finding.id),
                )
            )
    for study_id in index.ids("study"):
        pages.append(PageSpec(urls.study(study_id), "study.md.j2", {"study": study_id}, index.source_path("study", study_id)))
    pages.append(PageSpec(urls.STUDIES_INDEX, "studies_index.md.j2", nav_key="all_studies"))
    return pages


def _drill_down_pages(index: Index, pub_id: str, pub_source: str) -> list[PageSpec]:
    """One page per theme, per confidence level and per non-empty pair, and one per matrix
    column value: the lists behind every count the site shows, readable without JavaScript."""
    pub = index.publication(pub_id)
    findings = index.findings_of(pub)
    keys: list[tuple[str | None, str | None]] = [(t, None) for t in pub.themes]
    if has_cerqual(index, pub):
        pairs = {(f.theme, f.confidence) for f in findings if f.confidence}
        keys = [(None, c.id) for c in index.terms("confidence")] + keys + sorted(pairs)
    pages = [
        PageSpec(
            urls.findings_list(pub_id, theme, confidence),
            "findings_list.md.j2",
            {"publication": pub_id, "theme": theme or "", "confidence": confidence or ""},
            pub_source,
            searchable=False,
        )
        for theme, confidence in keys
    ]
    for matrix_id in pub.matrices:
        matrix = index.matrix(matrix_id)
        for column in matrix.columns:
            values = {index.assessment(r).values.get(column) for r in matrix.rows}
            for value in (t.id for t in index.terms("matrix-value")):
                if value in values:
                    pages.append(
                        PageSpec(
                            urls.matrix_list(matrix_id, column, value),
                            "matrix_list.md.j2",
                            {"publication": pub_id, "matrix": matrix_id, "characteristic": column, "value": value},
                            index.source_path("matrix", matrix_id),
                            searchable=False,
                        )
                    )
    return pages


def _gap_map_pages(index: Index, pub: Publication, pub_source: str) -> list[PageSpec]:
    """The intervention x sector matrix and the intervention x outcome effect map, with a
    drill-down page behind every non-empty cell and column total."""
    params = {"publication": pub.id}
    pages = [
        PageSpec(urls.sector_matrix(pub.id), "sector_matrix.md.j2", params, pub_source, nav_key="sector_matrix", wide=True),
        PageSpec(urls.effect_map(pub.id), "effect_map.md.j2", params, pub_source, nav_key="effect_map", wide=True),
    ]
    studies = [index.study(s) for s in effect_studies(index, pub)]
    for sector in sorted({sector for s in studies for sector in s.sectors}):
        pages.append(
            PageSpec(
                urls.sector_list(pub.id, sector), "sector_list.md.j2", {**params, "sector": sector}, pub_source, searchable=False
            )
        )
    cells = sorted({(i, e.outcome) for s in studies for i in s.interventions for e in s.effects})
    for intervention_id, outcome in cells:
        pages.append(
            PageSpec(
                urls.effect_list(pub.id, intervention_id, outcome),
                "effect_list.md.j2",
                {**params, "intervention": intervention_id, "outcome": outcome},
                pub_source,
                searchable=False,
            )
        )
    return pages
