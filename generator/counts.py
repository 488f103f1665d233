"""Every count the site shows, computed from the data at build time (never typed by hand)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .index import Index
from .models import Matrix, Publication, Study


@dataclass(frozen=True)
class Tally:
    """A count for one vocabulary term (or entity), with the ids behind it for drill-down."""

    key: str
    count: int
    ids: tuple[str, ...]


def _tally(keys: list[str], pairs: list[tuple[str, str]]) -> list[Tally]:
    by_key: dict[str, list[str]] = {k: [] for k in keys}
    for key, entity_id in pairs:
        by_key.setdefault(key, []).append(entity_id)
    return [Tally(k, len(v), tuple(v)) for k, v in by_key.items()]


def findings_by_confidence(index: Index, pub: Publication) -> list[Tally]:
    findings = index.findings_of(pub)
    return _tally([t.id for t in index.terms("confidence")], [(f.confidence, f.id) for f in findings])


def findings_by_theme(index: Index, pub: Publication) -> list[Tally]:
    findings = index.findings_of(pub)
    return _tally(list(pub.themes), [(f.theme, f.id) for f in findings])


def confidence_by_theme(index: Index, pub: Publication) -> dict[str, Counter[str]]:
    table: dict[str, Counter[str]] = {theme: Counter() for theme in pub.themes}
    for f in index.findings_of(pub):
        table[f.theme][f.confidence] += 1
    return table


def _studies(index: Index, pub: Publication | None) -> list[Study]:
    ids = pub.studies if pub else index.ids("study")
    return [index.study(s) for s in ids]


def studies_by_design_group(index: Index, pub: Publication | None) -> list[Tally]:
    studies = _studies(index, pub)
    groups = [t.id for t in index.terms("design-group")]
    return _tally(groups, [(index.term("design", s.design).group or "", s.id) for s in studies])


def studies_by_design(index: Index, pub: Publication | None) -> list[Tally]:
    studies = _studies(index, pub)
    tallies = _tally([t.id for t in index.terms("design")], [(s.design, s.id) for s in studies])
    return [t for t in tallies if t.count]


def studies_by_country(index: Index, pub: Publication | None) -> list[Tally]:
    studies = _studies(index, pub)
    tallies = _tally([t.id for t in index.terms("country")], [(s.country, s.id) for s in studies])
    return sorted((t for t in tallies if t.count), key=lambda t: -t.count)


def matrix_column_totals(index: Index, matrix: Matrix) -> dict[str, list[Tally]]:
    """Characteristic -> count of rows per matrix value (Ja/Delvis/Nei), with the rows behind each."""
    values = [t.id for t in index.terms("matrix-value")]
    totals: dict[str, list[Tally]] = {}
    for column in matrix.columns:
        pairs = [(index.assessment(r).values[column], r) for r in matrix.rows if column in index.assessment(r).values]
        totals[column] = _tally(values, pairs)
    return totals


def component_levels(index: Index, pub: Publication) -> dict[str, Counter[str]]:
    """CERQual component -> count of findings per concern level (the Vedlegg 4 distribution)."""
    from .index import COMPONENT_FIELDS

    result: dict[str, Counter[str]] = {}
    for field_name, component_id in COMPONENT_FIELDS.items():
        result[component_id] = Counter(getattr(f.components, field_name).level for f in index.findings_of(pub))
    return result
