"""Every count the site shows, computed from the data at build time (never typed by hand)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from generator.model.cerqual import COMPONENT_FIELDS
from generator.model.index import Index, iter_texts
from generator.model.models import Appraisal, Matrix, Publication, Study
from generator.model.settings import LANGUAGES


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
    """CERQual-assessed findings per confidence level (findings without an assessment are not counted)."""
    findings = index.findings_of(pub)
    return _tally([t.id for t in index.terms("confidence")], [(f.confidence, f.id) for f in findings if f.confidence])


def findings_by_type(index: Index, pub: Publication) -> list[Tally]:
    findings = index.findings_of(pub)
    return _tally([t.id for t in index.terms("finding-type")], [(f.finding_type, f.id) for f in findings])


def implications_by_type(index: Index, pub: Publication) -> list[Tally]:
    implications = index.implications_of(pub)
    return _tally([t.id for t in index.terms("implication-type")], [(i.implication_type, i.id) for i in implications])


def appraised_studies(index: Index, pub: Publication) -> list[str]:
    """Studies of the publication with per-criterion appraisal answers (the grid's columns)."""
    return [s for s in pub.studies if (appraisal := index.study(s).appraisal) and appraisal.items]


def findings_by_theme(index: Index, pub: Publication) -> list[Tally]:
    findings = index.findings_of(pub)
    return _tally(list(pub.themes), [(f.theme, f.id) for f in findings])


def theme_and_subthemes(index: Index, theme_id: str) -> list[str]:
    """A theme and every theme under it, depth first (`check` refuses a cycle of parents)."""
    return [theme_id, *(t for sub in index.subthemes.get(theme_id, []) for t in theme_and_subthemes(index, sub))]


def findings_under_theme(index: Index, pub: Publication, theme_id: str) -> list[str]:
    """The findings of a theme and of the themes under it (a parent theme's list), in the source's order."""
    themes = set(theme_and_subthemes(index, theme_id))
    return [f.id for f in index.findings_of(pub) if f.theme in themes]


def confidence_by_theme(index: Index, pub: Publication) -> dict[str, Counter[str]]:
    table: dict[str, Counter[str]] = {theme: Counter() for theme in pub.themes}
    for f in index.findings_of(pub):
        if f.confidence:
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
    tallies = _tally([t.id for t in index.terms("country")], [(c, s.id) for s in studies for c in s.all_countries])
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
    result: dict[str, Counter[str]] = {}
    for field_name, component_id in COMPONENT_FIELDS.items():
        result[component_id] = Counter(getattr(f.components, field_name).level for f in index.findings_of(pub))
    return result


# --- gap maps (intervention x sector, intervention x outcome) --------------------------------


@dataclass(frozen=True)
class GapMap:
    """Rows are interventions, columns vocabulary terms; every cell holds the ids behind it."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: dict[tuple[str, str], tuple[str, ...]]
    """(intervention, column) -> study ids."""
    column_studies: dict[str, tuple[str, ...]]
    """column -> distinct study ids with that column (the column total)."""


def effect_studies(index: Index, pub: Publication) -> list[str]:
    """Studies of the publication that record sectors or effects for an intervention: the gap maps' rows."""
    return [s for s in pub.studies if index.study(s).interventions and (index.study(s).effects or index.study(s).sectors)]


def _gap_rows(index: Index, pub: Publication) -> list[tuple[str, Study]]:
    return [(i, index.study(s)) for s in effect_studies(index, pub) for i in index.study(s).interventions]


def _ordered_rows(pub: Publication, pairs: list[tuple[str, Study]]) -> tuple[str, ...]:
    used = {i for i, _ in pairs}
    listed = [i for i in pub.interventions if i in used]
    return tuple(listed + sorted(used - set(listed)))


def sector_matrix(index: Index, pub: Publication) -> GapMap:
    pairs = _gap_rows(index, pub)
    used = {sector for _, s in pairs for sector in s.sectors}
    columns = tuple(t.id for t in index.terms("sector") if t.id in used)
    cells: dict[tuple[str, str], list[str]] = {}
    column_studies: dict[str, list[str]] = {c: [] for c in columns}
    for intervention, study in pairs:
        for sector in study.sectors:
            cells.setdefault((intervention, sector), []).append(study.id)
            if study.id not in column_studies[sector]:
                column_studies[sector].append(study.id)
    return GapMap(
        _ordered_rows(pub, pairs),
        columns,
        {k: tuple(v) for k, v in cells.items()},
        {k: tuple(v) for k, v in column_studies.items()},
    )


def all_sectors(index: Index) -> list[str]:
    """Every sector term, used or not: a sector no study involves is a gap worth showing."""
    return [t.id for t in index.terms("sector")]


def effect_map(index: Index, pub: Publication) -> GapMap:
    pairs = _gap_rows(index, pub)
    used = {e.outcome for _, s in pairs for e in s.effects}
    columns = tuple(t.id for t in index.terms("outcome") if t.id in used)
    cells: dict[tuple[str, str], list[str]] = {}
    column_studies: dict[str, list[str]] = {c: [] for c in columns}
    for intervention, study in pairs:
        for effect in study.effects:
            ids = cells.setdefault((intervention, effect.outcome), [])
            if study.id not in ids:
                ids.append(study.id)
            if study.id not in column_studies[effect.outcome]:
                column_studies[effect.outcome].append(study.id)
    return GapMap(
        _ordered_rows(pub, pairs),
        columns,
        {k: tuple(v) for k, v in cells.items()},
        {k: tuple(v) for k, v in column_studies.items()},
    )


def effects_in_cell(index: Index, study_ids: tuple[str, ...], outcome: str) -> list[tuple[str, Any]]:
    """(study id, effect) for every effect on `outcome` reported by the given studies."""
    return [(s, e) for s in study_ids for e in index.study(s).effects if e.outcome == outcome]


def directions_in_cell(index: Index, study_ids: tuple[str, ...], outcome: str) -> list[Tally]:
    """Per effect direction, how many effects in a cell point that way (the cell's symbols)."""
    effects = effects_in_cell(index, study_ids, outcome)
    tallies = _tally([t.id for t in index.terms("effect-direction")], [(e.direction, s) for s, e in effects])
    return [t for t in tallies if t.count]


# --- the whole knowledge base ----------------------------------------------------------------


def kb_publication_rows(index: Index) -> list[dict[str, Any]]:
    """One row per publication: how much of each kind of content it holds."""
    rows = []
    for pub in index.publications():
        rows.append(
            {
                "publication": pub.id,
                "findings": len(pub.findings),
                "assessed": sum(1 for f in pub.findings if index.finding(f).confidence),
                "studies": len(pub.studies),
                "implications": len(pub.implications),
                "interventions": len(pub.interventions),
                "cases": len(pub.cases),
                "notes": len(index.notes_in_publication(pub)),
            }
        )
    return rows


def kb_confidence(index: Index) -> list[Tally]:
    pairs = [(f.confidence, f.id) for pub in index.publications() for f in index.findings_of(pub) if f.confidence]
    return _tally([t.id for t in index.terms("confidence")], pairs)


def kb_pyramid(index: Index) -> dict[str, dict[str, tuple[str, ...]]]:
    """Pyramid level -> kind -> ids tagged with it (findings, implications, interventions, cases)."""
    result: dict[str, dict[str, list[str]]] = {t.id: {} for t in index.terms("pyramid-level")}
    for kind in ("finding", "implication", "intervention", "case"):
        for entity_id in index.ids(kind):
            for level in index.entity(kind, entity_id).pyramid_levels:
                result[level].setdefault(kind, []).append(entity_id)
    return {level: {k: tuple(v) for k, v in kinds.items()} for level, kinds in result.items()}


def topic_by_publication(index: Index) -> dict[str, dict[str, list[tuple[str, str]]]]:
    """Topic -> publication -> (kind, id) of its content there (the topic x publication grid)."""
    table: dict[str, dict[str, list[tuple[str, str]]]] = {}
    for topic_id in index.ids("topic"):
        row: dict[str, list[tuple[str, str]]] = {}
        for kind, entity_id in index.topic_members.get(topic_id, []):
            pub_id = index.publication_of.get((kind, entity_id))
            if pub_id:
                row.setdefault(pub_id, []).append((kind, entity_id))
        table[topic_id] = row
    return table


# --- themes with code counts (a thesis's Tabell 2) and appraisal grids -----------------------


def informant_groups(index: Index, pub: Publication) -> list[str]:
    """Informant groups that have code counts in the publication's themes, in vocabulary order."""
    used = {g for t in pub.themes for g in index.theme(t).code_counts}
    if not used:
        return []
    return [t.id for t in index.terms("informant-group") if t.id in used]


def theme_codes(index: Index, theme_id: str, group: str | None = None) -> int | None:
    """Codes of a theme for one informant group (or all): its own count where the source gives
    one, else the sum over its sub-themes; None where the source gives no number at all (shown
    as a dash, never as 0)."""
    theme = index.theme(theme_id)
    if theme.code_counts:
        if group:
            return theme.code_counts.get(group)
        return sum(theme.code_counts.values())
    subs = [theme_codes(index, sub, group) for sub in index.subthemes.get(theme_id, [])]
    known = [n for n in subs if n is not None]
    return sum(known) if known else None


def code_totals(index: Index, pub: Publication) -> dict[str, int]:
    """Informant group -> codes over all top-level themes (the numbers the source gives)."""
    tops = [t for t in pub.themes if not index.theme(t).parent]
    return {g: sum(theme_codes(index, t, g) or 0 for t in tops) for g in informant_groups(index, pub)}


def code_totals_complete(index: Index, pub: Publication) -> dict[str, bool]:
    """Informant group -> whether every top-level theme has a number for it (else the total is a floor)."""
    tops = [t for t in pub.themes if not index.theme(t).parent]
    return {g: all(theme_codes(index, t, g) is not None for t in tops) for g in informant_groups(index, pub)}


def _appraisal(index: Index, study_id: str) -> Appraisal:
    """The appraisal of a study that is known to have one (`appraised_studies`)."""
    appraisal = index.study(study_id).appraisal
    if appraisal is None:
        raise ValueError(f"study '{study_id}' has no appraisal")
    return appraisal


def appraisal_by_tool(index: Index, pub: Publication) -> list[tuple[str, list[str]]]:
    """(tool, study ids) for studies with per-criterion answers, tools in vocabulary order."""
    by_tool: dict[str, list[str]] = {}
    for study_id in appraised_studies(index, pub):
        by_tool.setdefault(_appraisal(index, study_id).tool, []).append(study_id)
    order = [t.id for t in index.terms("appraisal-tool")]
    return sorted(by_tool.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order))


def appraisal_criteria(index: Index, study_ids: list[str]) -> list[str]:
    """Criteria answered for any of the studies, in vocabulary order (unknown keys last)."""
    used: list[str] = []
    for study_id in study_ids:
        for key in _appraisal(index, study_id).items:
            if key not in used:
                used.append(key)
    order = [t.id for t in index.terms("appraisal-criterion")]
    return sorted(used, key=lambda k: order.index(k) if k in order else len(order))


def implications_by_audience(index: Index) -> dict[str, dict[str, list[str]]]:
    """Audience -> implication type -> implication ids, publications in index order."""
    table: dict[str, dict[str, list[str]]] = {
        a.id: {t.id: [] for t in index.terms("implication-type")} for a in index.terms("audience")
    }
    for pub in index.publications():
        for implication in index.implications_of(pub):
            for audience in implication.audiences:
                table[audience][implication.implication_type].append(implication.id)
    return table


def topic_studies(index: Index, items: list[tuple[str, str]]) -> list[str]:
    """Studies behind a topic's content in one publication (findings' and implications' studies)."""
    seen: list[str] = []
    for kind, entity_id in items:
        if kind in ("finding", "implication", "theme"):
            for study_id in index.entity(kind, entity_id).studies:
                if study_id not in seen:
                    seen.append(study_id)
    return seen


def gap_row_groups(index: Index, pub: Publication, gap_map: GapMap) -> list[tuple[str, list[str]]]:
    """Gap-map rows grouped by the publication type of the studies behind them (peer-reviewed
    articles apart from reports), so a gap in one kind of literature is visible."""
    studies = set(effect_studies(index, pub))
    groups: dict[str, list[str]] = {}
    for row in gap_map.rows:
        ids = [s for s in index.studies_by_intervention.get(row, []) if s in studies]
        kind = index.study(ids[0]).publication_type if ids else ""
        groups.setdefault(kind, []).append(row)
    order = [t.id for t in index.terms("publication-type")]
    return sorted(groups.items(), key=lambda g: order.index(g[0]) if g[0] in order else len(order))


def group_column_studies(index: Index, pub: Publication, gap_map: GapMap, rows: list[str]) -> dict[str, int]:
    """Column -> distinct studies behind the given rows (a group's column totals)."""
    return {c: len({s for r in rows for s in gap_map.cells.get((r, c), ())}) for c in gap_map.columns}


# --- the glossary ----------------------------------------------------------------------------------

NOT_PRINTED_KINDS = ("reference",)
"""Members of a publication whose texts its report does not print (a source's reference list is a
page of the site only): the terms they name are not the report's terms. Quotes are printed."""


def glossary_terms(index: Index, pub: Publication) -> list[str]:
    """The glossary terms (by id) that the publication's texts name, in either language: its own,
    its members' and those of the notes about them. Numbered parts of a document (Tabell, Vedlegg)
    are names, not terms to explain. Computed once per publication."""

    def compute() -> list[str]:
        glossary = index.glossary()
        texts = [
            text
            for kind, entity_id in sorted(index.entities_of(pub))
            if kind not in NOT_PRINTED_KINDS
            for _, text in iter_texts(index.entity(kind, entity_id))
        ]
        texts += [text for note, _ in index.notes_in_publication(pub) for _, text in iter_texts(note)]
        named = {term_id for text in texts for lang in LANGUAGES for term_id in glossary.named(text.get(lang) or "", lang)}
        return sorted(term_id for term_id in named if not glossary.terms[term_id].numbered)

    return index.once(f"glossary_terms:{pub.id}", compute)


# --- what a topic or an intervention rests on (the home page's cards, the pages' summaries) ------

MOST_CERTAIN = ("high", "moderate")
"""The confidence levels a topic page leads with: GRADE-CERQual's 'highly likely' and 'likely' to
be a reasonable representation of the phenomenon."""

SHOWS_AN_EFFECT = ("positive", "negative")
"""Directions that are an effect found against a control group, one way or the other: the effect
studies a page leads with."""

NOT_AN_EFFECT = "descriptive"
"""The direction of a result the source describes without evaluating an effect: a study that has
only such results is no effect study."""


@dataclass(frozen=True)
class Evidence:
    """What a topic or a group of interventions rests on, counted from the data."""

    findings: tuple[str, ...] | None
    """The findings; None where findings do not apply (interventions)."""
    by_confidence: list[Tally]
    """The findings per confidence level, in vocabulary order (only the levels some finding has)."""
    not_assessed: tuple[str, ...]
    """The findings without a confidence (a thesis's or a report's findings)."""
    effect_studies: tuple[str, ...]
    by_direction: list[Tally]
    """The effect studies per overall direction (`study_direction`), in vocabulary order (only the
    directions some study has)."""
    sources: tuple[str, ...]
    """The publications it comes from, newest first."""


def study_direction(index: Index, study_id: str) -> str | None:
    """A study's overall direction of effect: the one direction all its evaluated results share,
    'mixed' where they differ (an effect on some outcomes or at some times, not on others, as
    the vocabulary defines it), None where it evaluates no effect at all."""
    directions = {e.direction for e in index.study(study_id).effects if e.direction != NOT_AN_EFFECT}
    if not directions:
        return None
    return directions.pop() if len(directions) == 1 else "mixed"


def by_direction(index: Index, study_ids: list[str] | tuple[str, ...]) -> list[Tally]:
    """The studies that evaluate an effect, per overall direction (the others are left out)."""
    pairs = [(d, s) for s in study_ids if (d := study_direction(index, s))]
    return [t for t in _tally([t.id for t in index.terms("effect-direction")], pairs) if t.count]


def _unique(ids: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(ids))


def _publications_in_order(index: Index, pub_ids: set[str]) -> tuple[str, ...]:
    """Newest first, as `Index.publications` orders them (reading only these)."""
    return tuple(sorted(pub_ids, key=lambda p: (-index.publication(p).date.toordinal(), p)))


def _evidence(index: Index, finding_ids: list[str] | None, study_ids: list[str], pub_ids: set[str]) -> Evidence:
    findings = [index.finding(f) for f in finding_ids or []]
    by_confidence = []
    if findings:
        levels = [t.id for t in index.terms("confidence")]
        by_confidence = [t for t in _tally(levels, [(f.confidence, f.id) for f in findings if f.confidence]) if t.count]
    directions = by_direction(index, study_ids)
    return Evidence(
        None if finding_ids is None else _unique(finding_ids),
        by_confidence,
        tuple(f.id for f in findings if not f.confidence),
        tuple(s for t in directions for s in t.ids),
        directions,
        _publications_in_order(index, pub_ids),
    )


def topic_evidence(index: Index, topic_id: str, by_publication: dict[str, list[tuple[str, str]]]) -> Evidence:
    """A topic's findings by confidence, the effect studies of its interventions by direction, and
    the publications with content on it (`by_publication`: a row of `topic_by_publication`)."""
    items = [item for pub_items in by_publication.values() for item in pub_items]
    findings = [i for kind, i in items if kind == "finding"]
    studies = _unique([s for kind, i in items if kind == "intervention" for s in index.studies_by_intervention.get(i, [])])
    return _evidence(index, findings, list(studies), {pub for pub, pub_items in by_publication.items() if pub_items})


def interventions_evidence(index: Index, intervention_ids: list[str]) -> Evidence:
    """The effect studies of interventions by direction, and the publications they come from (the
    interventions' own and those that include their studies)."""
    studies = _unique([s for i in intervention_ids for s in index.studies_by_intervention.get(i, [])])
    pubs = {p for i in intervention_ids if (p := index.publication_of.get(("intervention", i)))}
    pubs |= {p for s in studies for p in index.publications_by_study.get(s, [])}
    return _evidence(index, None, list(studies), pubs)


def most_certain_findings(index: Index, finding_ids: tuple[str, ...]) -> list[str]:
    """The findings at the `MOST_CERTAIN` levels, the most certain first; then newest publication
    first and in the source's order."""
    order = {p.id: n for n, p in enumerate(index.publications())}
    findings = [index.finding(f) for f in finding_ids]
    chosen = [f for f in findings if f.confidence in MOST_CERTAIN]
    return [
        f.id
        for f in sorted(
            chosen,
            key=lambda f: (
                MOST_CERTAIN.index(f.confidence or ""),
                order.get(index.publication_of.get(("finding", f.id), ""), len(order)),
                f.number,
            ),
        )
    ]


def effects_found(index: Index, study_ids: tuple[str, ...]) -> list[tuple[str, Any]]:
    """(study id, effect) of every result that `SHOWS_AN_EFFECT`, positive ones first."""
    found = [(s, e) for s in study_ids for e in index.study(s).effects if e.direction in SHOWS_AN_EFFECT]
    return sorted(found, key=lambda pair: SHOWS_AN_EFFECT.index(pair[1].direction))


def certain_first(index: Index, study_ids: list[str] | tuple[str, ...]) -> list[str]:
    """Studies with an effect found (`SHOWS_AN_EFFECT`) first, then the other effect studies by
    direction in vocabulary order, then the studies that evaluate no effect; otherwise as given."""
    order = [t.id for t in index.terms("effect-direction")]

    def rank(study_id: str) -> tuple[int, int]:
        direction = study_direction(index, study_id)
        effects = index.study(study_id).effects
        if any(e.direction in SHOWS_AN_EFFECT for e in effects):
            return (0, 0)
        if direction is None:
            return (2, 0)
        return (1, order.index(direction) if direction in order else len(order))

    return sorted(study_ids, key=rank)
