"""Page planning: which pages exist, where they go, and what each one shows. Pure."""

from __future__ import annotations

from generator.model import counts
from generator.model.index import Index
from generator.model.models import Publication
from generator.present import search, sections, urls
from generator.present.pagespec import PageSpec
from generator.present.sections import has_cerqual


def plan(index: Index) -> list[PageSpec]:
    pages: list[PageSpec] = [
        # The home page leads to the pages that answer a question; a search from it never lists it.
        PageSpec(urls.HOME, "home.md.j2", nav_key="home", toc=False, searchable=False),
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
        pub_source = index.source_path("publication", pub.id)
        params = {"publication": pub.id}
        # Which sections the publication has is decided in sections.py; the sidebar lists the same pages.
        pages += sections.site_pages(index, pub)
        for intervention_id in pub.interventions:
            pages.append(
                PageSpec(
                    urls.intervention(intervention_id),
                    "intervention.md.j2",
                    {**params, "intervention": intervention_id},
                    index.source_path("intervention", intervention_id),
                )
            )
        pages += _gap_map_lists(index, pub, pub_source)
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
        pages.append(
            PageSpec(
                urls.study(study_id),
                "study.md.j2",
                {"study": study_id},
                index.source_path("study", study_id),
                search_weight=search.SINGLE_STUDY_WEIGHT,
            )
        )
    pages.append(PageSpec(urls.STUDIES_INDEX, "studies_index.md.j2", nav_key="all_studies"))
    pages += glossary_pages(index)
    return pages


def glossary_pages(index: Index) -> list[PageSpec]:
    """The glossary page, in the sidebar, when the knowledge base has terms (the sidebar asks here too)."""
    return [PageSpec(urls.GLOSSARY, "glossary.md.j2", nav_key="glossary")] if index.ids("term") else []


def _drill_down_pages(index: Index, pub_id: str, pub_source: str) -> list[PageSpec]:
    """One page per theme, per confidence level and per non-empty pair, and one per matrix
    column value: the lists behind every count the site shows, readable without JavaScript.

    A theme's list holds the findings under it, its sub-themes' included; outside a CERQual
    table (which counts every theme, 0 included) a theme with none has no list: no count leads there."""
    pub = index.publication(pub_id)
    findings = index.findings_of(pub)
    cerqual = has_cerqual(index, pub)
    keys: list[tuple[str | None, str | None]] = [
        (t, None) for t in pub.themes if cerqual or counts.findings_under_theme(index, pub, t)
    ]
    if cerqual:
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


def _gap_map_lists(index: Index, pub: Publication, pub_source: str) -> list[PageSpec]:
    """A drill-down page behind every non-empty cell and column total of the gap maps (none
    without them: they come from the same studies)."""
    params = {"publication": pub.id}
    pages = []
    studies = [index.study(s) for s in counts.effect_studies(index, pub)]
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
