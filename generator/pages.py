"""Page planning: which pages exist, where they go, and what each one shows. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import urls
from .index import Index


@dataclass(frozen=True)
class PageSpec:
    """One generated page, identical in every language apart from its text."""

    doc: str
    template: str
    params: dict[str, str] = field(default_factory=dict)
    source: str | None = None
    """The data file a reader's 'edit this page' should open."""
    nav_key: str | None = None
    """UI key of the page's sidebar title; None keeps the page out of the sidebar (see FACTS: nav is quadratic)."""
    wide: bool = False
    """Wide tables: the page hides the sidebars so the table gets the whole width."""
    searchable: bool = True
    """Drill-down lists repeat content found elsewhere: kept out of the search index."""


def plan(index: Index) -> list[PageSpec]:
    pages: list[PageSpec] = [
        PageSpec(urls.HOME, "home.md.j2", nav_key="home"),
        PageSpec(urls.PUBLICATIONS_INDEX, "publications_index.md.j2", nav_key="publications"),
    ]
    for pub in index.publications():
        pid = pub.id
        pub_source = index.source_path("publication", pid)
        params = {"publication": pid}
        pages += [
            PageSpec(urls.publication(pid), "publication.md.j2", params, pub_source, nav_key="publication"),
            PageSpec(urls.findings_table(pid), "findings_table.md.j2", params, pub_source, nav_key="findings_table", wide=True),
            PageSpec(
                urls.evidence_profiles(pid), "evidence_profiles.md.j2", params, pub_source, nav_key="evidence_profiles", wide=True
            ),
        ]
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
        pages += [
            PageSpec(urls.publication_studies(pid), "publication_studies.md.j2", params, pub_source, nav_key="studies"),
            PageSpec(urls.method(pid), "method.md.j2", params, pub_source, nav_key="method"),
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
    pairs = {(f.theme, f.confidence) for f in findings}
    keys: list[tuple[str | None, str | None]] = [(None, c.id) for c in index.terms("confidence")]
    keys += [(t, None) for t in pub.themes]
    keys += sorted(pairs)
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
