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
    depends_on: tuple[tuple[str, str], ...] = ()
    """(kind, id) of every entity whose change alters this page: used for incremental builds."""


def plan(index: Index) -> list[PageSpec]:
    pages: list[PageSpec] = [PageSpec(urls.HOME, "home.md.j2", nav_key="home")]
    for pub in index.publications():
        pid = pub.id
        pub_source = index.source_path("publication", pid)
        params = {"publication": pid}
        pages += [
            PageSpec(urls.publication(pid), "publication.md.j2", params, pub_source, nav_key="publication"),
            PageSpec(urls.findings_table(pid), "findings_table.md.j2", params, pub_source, nav_key="findings_table"),
            PageSpec(urls.evidence_profiles(pid), "evidence_profiles.md.j2", params, pub_source, nav_key="evidence_profiles"),
        ]
        if pub.characteristics:
            pages.append(PageSpec(urls.characteristics(pid), "characteristics.md.j2", params, pub_source, nav_key="characteristics"))
        for matrix_id in pub.matrices:
            pages.append(
                PageSpec(urls.matrix(matrix_id), "matrix.md.j2", {**params, "matrix": matrix_id}, index.source_path("matrix", matrix_id), nav_key="matrix")
            )
        pages += [
            PageSpec(urls.publication_studies(pid), "publication_studies.md.j2", params, pub_source, nav_key="studies"),
            PageSpec(urls.method(pid), "method.md.j2", params, pub_source, nav_key="method"),
            PageSpec(urls.notes(pid), "notes.md.j2", params, pub_source, nav_key="notes"),
        ]
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
